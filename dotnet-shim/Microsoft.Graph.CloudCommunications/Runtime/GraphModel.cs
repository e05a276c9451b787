using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Xml;
using GraphRust.Authentication.Json;
using Microsoft.Graph.PowerShell.Models;

namespace GraphRust.CloudCommunications.Runtime
{
    /// <summary>Reads one JSON value into a typed value; false when the JSON has another kind.</summary>
    public delegate bool JsonReader<T>(JsonElement value, out T result);

    /// <summary>
    /// Base of the generated model classes (Microsoft's type names, PascalCase properties): read from
    /// Graph's answer, written back with Graph's names when given as a body, and ToJsonString() as
    /// Microsoft's models have it. What the schema does not name lands in AdditionalProperties, as do
    /// values whose JSON kind does not match the schema (nothing Graph sends is lost).
    /// </summary>
    public abstract class GraphModel : IJsonWritable
    {
        private static readonly JsonWriterOptions Indented = new()
        {
            Indented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        public IDictionary<string, object?> AdditionalProperties { get; set; } = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The @odata.type an answer names, to pick the derived class.</summary>
        protected static string? ODataType(JsonElement json) =>
            json.ValueKind == JsonValueKind.Object && json.TryGetProperty("@odata.type", out JsonElement t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;

        /// <summary>
        /// An object the native side answered (<c>{"item": ..., "type": "microsoft.graph.x"}</c>) as
        /// its generated class, derived classes picked by @odata.type; hashtables for a type no class is made for.
        /// </summary>
        internal static object? FromResult(JsonElement result)
        {
            JsonElement item = result.GetProperty("item");
            string? type = result.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
            return (object?)ModelFactory.Create(type, item) ?? PowerShellObjectBuilder.Build(item);
        }

        protected void ReadFrom(JsonElement json)
        {
            foreach (JsonProperty property in json.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Null || !ReadProperty(property.Name, property.Value))
                {
                    AdditionalProperties[property.Name] = PowerShellObjectBuilder.Build(property.Value);
                }
            }
        }

        protected virtual bool ReadProperty(string name, JsonElement value) => false;

        protected virtual void WriteProperties(Utf8JsonWriter writer)
        {
        }

        public void WriteJson(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            WriteProperties(writer);
            foreach (KeyValuePair<string, object?> extra in AdditionalProperties)
            {
                writer.WritePropertyName(extra.Key);
                PowerShellJsonWriter.Write(writer, extra.Value, extra.Key);
            }

            writer.WriteEndObject();
        }

        /// <summary>The object as JSON with Graph's names, indented, as Microsoft's models answer it.</summary>
        public string ToJsonString()
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, Indented))
            {
                WriteJson(writer);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        public override string ToString() => ToJsonString();

        protected static void WriteValue(Utf8JsonWriter writer, string name, object? value)
        {
            if (value is not null)
            {
                writer.WritePropertyName(name);
                PowerShellJsonWriter.Write(writer, value, name);
            }
        }

        /// <summary>Durations go as ISO 8601 (PT1M30S), as Graph writes them.</summary>
        protected static void WriteDuration(Utf8JsonWriter writer, string name, TimeSpan? value)
        {
            if (value is TimeSpan span)
            {
                writer.WriteString(name, XmlConvert.ToString(span));
            }
        }

        protected static bool TryText(JsonElement value, out string? result)
        {
            result = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return result is not null;
        }

        protected static bool TryBoolean(JsonElement value, out bool? result)
        {
            result = value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            };
            return result is not null;
        }

        protected static bool TryInt32(JsonElement value, out int? result)
        {
            result = value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) ? n : null;
            return result is not null;
        }

        protected static bool TryInt64(JsonElement value, out long? result)
        {
            result = value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) ? n : null;
            return result is not null;
        }

        protected static bool TryNumber(JsonElement value, out double? result)
        {
            if (value.ValueKind == JsonValueKind.Number)
            {
                result = value.GetDouble();
                return true;
            }

            // Graph writes INF, -INF and NaN as text for Edm.Double.
            result = value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : null;
            return result is not null;
        }

        protected static bool TryDateTime(JsonElement value, out DateTime? result)
        {
            result = value.ValueKind == JsonValueKind.String
                && DateTime.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime d)
                ? d
                : null;
            return result is not null;
        }

        protected static bool TryDuration(JsonElement value, out TimeSpan? result)
        {
            result = null;
            if (value.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            try
            {
                result = XmlConvert.ToTimeSpan(value.GetString()!);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        protected static bool TryUntyped(JsonElement value, out object? result)
        {
            result = PowerShellObjectBuilder.Build(value);
            return true;
        }

        protected static bool TryModel<T>(Func<JsonElement, T> create, JsonElement value, out T? result)
        {
            result = value.ValueKind == JsonValueKind.Object ? create(value) : default;
            return result is not null;
        }

        protected static bool TryModelArray<T>(Func<JsonElement, T> create, JsonElement value, out T?[]? result)
        {
            result = null;
            if (value.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            var items = new T?[value.GetArrayLength()];
            int i = 0;
            foreach (JsonElement item in value.EnumerateArray())
            {
                items[i++] = item.ValueKind == JsonValueKind.Object ? create(item) : default;
            }

            result = items;
            return true;
        }

        protected static bool TryArray<T>(JsonReader<T> read, JsonElement value, out T[]? result)
        {
            result = null;
            if (value.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            var items = new T[value.GetArrayLength()];
            int i = 0;
            foreach (JsonElement item in value.EnumerateArray())
            {
                if (!read(item, out items[i++]))
                {
                    return false;
                }
            }

            result = items;
            return true;
        }
    }
}
