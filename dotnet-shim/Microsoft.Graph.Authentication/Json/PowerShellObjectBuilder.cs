using System;
using System.Collections;
using System.Management.Automation;
using System.Text.Json;

namespace GraphRust.Authentication.Json
{
    /// <summary>
    /// An object the service returned. PowerShell sees the properties added to its
    /// PSObject wrapper; this base object answers <c>ToJsonString()</c> like Microsoft's models.
    /// </summary>
    public sealed class GraphModelObject
    {
        private static readonly JsonWriterOptions Indented = new()
        {
            Indented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private readonly JsonElement json;
        private readonly string typeName;

        /// <param name="json">The object as the service sent it (an element that outlives its document).</param>
        internal GraphModelObject(JsonElement json, string typeName)
        {
            this.json = json;
            this.typeName = typeName;
        }

        /// <summary>The object as the service sent it (indented JSON), written when asked for.</summary>
        public string ToJsonString()
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                return "{}";
            }

            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, Indented))
            {
                json.WriteTo(writer);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        public override string ToString() => typeName;
    }

    /// <summary>
    /// Turns the native side's JSON results into PowerShell values: objects marked with
    /// <c>@ps.typeNames</c> become PSObjects with those type names; other objects hashtables.
    /// </summary>
    public static class PowerShellObjectBuilder
    {
        private const string TypeNamesKey = "@ps.typeNames";
        private const string JsonKey = "@ps.json";

        public static object? Build(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    return element.TryGetProperty(TypeNamesKey, out JsonElement typeNames)
                        ? BuildTyped(element, typeNames)
                        : BuildHashtable(element);
                case JsonValueKind.Array:
                    var items = new object?[element.GetArrayLength()];
                    int i = 0;
                    foreach (JsonElement item in element.EnumerateArray())
                    {
                        items[i++] = Build(item);
                    }

                    return items;
                case JsonValueKind.String:
                    return element.GetString();
                case JsonValueKind.Number:
                    if (element.TryGetInt32(out int n))
                    {
                        return n;
                    }

                    if (element.TryGetInt64(out long l))
                    {
                        return l;
                    }

                    return element.GetDouble();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    return null;
            }
        }

        private static PSObject BuildTyped(JsonElement element, JsonElement typeNames)
        {
            // Kept past the document: Clone copies nothing when the document is itself a clone (NativeCmdlet's).
            JsonElement json = element.TryGetProperty(JsonKey, out JsonElement raw) ? raw.Clone() : default;
            string typeName = typeNames.GetArrayLength() > 0 ? typeNames[0].GetString() ?? string.Empty : string.Empty;
            var pso = new PSObject(new GraphModelObject(json, typeName));
            pso.TypeNames.Clear();
            foreach (JsonElement name in typeNames.EnumerateArray())
            {
                pso.TypeNames.Add(name.GetString() ?? string.Empty);
            }

            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.NameEquals(TypeNamesKey) || property.NameEquals(JsonKey))
                {
                    continue;
                }

                // Pre-validated: our type names have no members in the type table, and checking
                // each property against it cost more than building the whole object.
                pso.Properties.Add(new PSNoteProperty(property.Name, Build(property.Value)), preValidated: true);
            }

            return pso;
        }

        private static Hashtable BuildHashtable(JsonElement element)
        {
            var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty property in element.EnumerateObject())
            {
                table[property.Name] = Build(property.Value);
            }

            return table;
        }
    }
}
