using System.Text.Json.Nodes;
using Microsoft.OData.Edm;

namespace CommandGenerator;

/// <summary>
/// Sample values for the help's examples and the generated test cases: what a body holds, as the
/// PowerShell a user would type and as the JSON Graph should receive. Required properties always,
/// and a few plain ones beside them.
/// </summary>
public sealed class Samples
{
    private readonly TypeCatalog catalog;

    public Samples(TypeCatalog catalog) => this.catalog = catalog;

    /// <summary>The body's sample properties (name → JSON value), in the body's order.</summary>
    public List<(BodyProperty Property, JsonNode Value)> Body(BodyShape body)
    {
        var chosen = body.Properties.Where(p => p.Required).ToList();
        foreach (BodyProperty p in body.Properties.Where(p => !p.Required && IsPlain(p.Type) && p.Name != "id"))
        {
            if (chosen.Count >= 3)
            {
                break;
            }

            chosen.Add(p);
        }

        return chosen.Select(p => (p, Value(p.Name, p.Type, 0))).ToList();
    }

    private static bool IsPlain(IEdmTypeReference type) =>
        !type.IsCollection() && ValueKinds.Of(type) is "String" or "Boolean" or "Int32" || type.Definition is IEdmEnumType;

    public JsonNode Value(string name, IEdmTypeReference type, int depth)
    {
        if (type.IsCollection())
        {
            return new JsonArray(Value(name, type.AsCollection().ElementType(), depth));
        }

        switch (type.Definition)
        {
            case IEdmEnumType e:
                return JsonValue.Create(e.Members.First().Name);
            case IEdmStructuredType s:
                return Struct(s, depth);
        }

        return ValueKinds.Of(type) switch
        {
            "Boolean" => JsonValue.Create(true),
            "Int32" or "Int64" => JsonValue.Create(5),
            "Number" => JsonValue.Create(1.5),
            "DateTimeOffset" => JsonValue.Create("2026-11-28T09:00:00Z"),
            "Date" => JsonValue.Create("2026-11-28"),
            "Duration" => JsonValue.Create("PT30S"),
            "Guid" => JsonValue.Create("8c6a3b8e-1d1f-4b7e-9c55-6f3f0f5d2a10"),
            _ => JsonValue.Create(Text(name)),
        };
    }

    private static string Text(string name) =>
        name.EndsWith("Uri", StringComparison.Ordinal) || name.EndsWith("Url", StringComparison.Ordinal) ? "https://bot.contoso.com/api/calls"
        : name == "clientContext" ? "d45324c1-fcb5-430a-902c-f20af696537c"
        // Presence's availability and activity are strings in the metadata; Graph documents their values.
        : name == "availability" ? "Busy"
        : name == "activity" ? "InACall"
        : name == "id" || name.EndsWith("Id", StringComparison.Ordinal) ? "5e2b0ac3-9a55-4f2b-8d0a-2c9b1f4f3d11"
        : $"sample {HelpText.Words(name)}";

    private JsonObject Struct(IEdmStructuredType type, int depth)
    {
        var obj = new JsonObject();
        IEdmStructuredType concrete = type;
        if (type.IsAbstract)
        {
            concrete = catalog.Derived(type).First(d => !d.IsAbstract);
        }

        if (concrete != type || type.IsAbstract)
        {
            obj["@odata.type"] = "#" + ((IEdmSchemaType)concrete).FullName();
        }

        if (depth >= 2)
        {
            return obj;
        }

        var props = concrete.StructuralProperties().OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var required = props.Where(p => !p.Type.IsNullable && !IsPlainDefault(p.Type)).ToList();
        var plain = props.Where(p => IsPlain(p.Type) && !required.Contains(p)).Take(required.Count > 0 ? 1 : 2);
        foreach (IEdmStructuralProperty p in required.Concat(plain))
        {
            obj[p.Name] = Value(p.Name, p.Type, depth + 1);
        }

        return obj;
    }

    /// <summary>Non-nullable values Graph fills in itself when absent (flags and numbers).</summary>
    private static bool IsPlainDefault(IEdmTypeReference type) => ValueKinds.Of(type) is "Boolean" or "Int32" or "Int64" or "Number" || type.Definition is IEdmEnumType;

    /// <summary>A JSON value as PowerShell source: @{ key = 'value' }, @( ... ), $true, 5.</summary>
    public static string PowerShell(JsonNode? node, int indent = 0)
    {
        string pad = new(' ', indent + 4);
        switch (node)
        {
            case null:
                return "$null";
            case JsonObject obj:
                if (obj.Count == 0)
                {
                    return "@{}";
                }

                var lines = obj.Select(kv => $"{pad}{Key(kv.Key)} = {PowerShell(kv.Value, indent + 4)}");
                return "@{\n" + string.Join("\n", lines) + "\n" + new string(' ', indent) + "}";
            case JsonArray array:
                return "@(" + string.Join(", ", array.Select(i => PowerShell(i, indent))) + ")";
            default:
                JsonValue value = node.AsValue();
                if (value.TryGetValue(out bool b))
                {
                    return b ? "$true" : "$false";
                }

                if (value.TryGetValue(out string? s))
                {
                    return "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
                }

                return node.ToJsonString();
        }
    }

    private static string Key(string key) => key.All(c => char.IsLetterOrDigit(c)) ? key : $"'{key}'";
}
