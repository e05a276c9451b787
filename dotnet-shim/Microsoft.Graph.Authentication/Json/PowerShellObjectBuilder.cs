using System;
using System.Collections;
using System.Management.Automation;
using System.Text.Json;

namespace GraphRust.Authentication.Json
{
    /// <summary>
    /// The base object of a typed result (the session's context, an environment): PowerShell
    /// sees the properties added to its PSObject wrapper; its text is the type's name, as
    /// Microsoft's classes answer ToString().
    /// </summary>
    public sealed class GraphModelObject
    {
        private readonly string typeName;

        internal GraphModelObject(string typeName)
        {
            this.typeName = typeName;
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
            string typeName = typeNames.GetArrayLength() > 0 ? typeNames[0].GetString() ?? string.Empty : string.Empty;
            var pso = new PSObject(new GraphModelObject(typeName));
            pso.TypeNames.Clear();
            foreach (JsonElement name in typeNames.EnumerateArray())
            {
                pso.TypeNames.Add(name.GetString() ?? string.Empty);
            }

            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.NameEquals(TypeNamesKey))
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
