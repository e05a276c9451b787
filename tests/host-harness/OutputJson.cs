using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace GraphHostHarness
{
    /// <summary>What a command wrote to the output stream, as JSON a Rust test can check.</summary>
    public static class OutputJson
    {
        private const int MaxDepth = 12;

        public static void Write(Utf8JsonWriter writer, object? value, int depth)
        {
            if (value is PSObject pso && pso.BaseObject is not PSCustomObject)
            {
                value = pso.BaseObject;
            }

            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    return;
                case string s:
                    writer.WriteStringValue(Safe(s));
                    return;
                case bool b:
                    writer.WriteBooleanValue(b);
                    return;
                case int or long or short or byte:
                    writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    return;
                case double or float or decimal:
                    double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsFinite(d))
                    {
                        writer.WriteNumberValue(d);
                    }
                    else
                    {
                        writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                    }

                    return;
                case Guid or DateTime or DateTimeOffset or Enum or Uri or TimeSpan or char:
                    writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    return;
                case byte[] bytes:
                    writer.WriteBase64StringValue(bytes);
                    return;
            }

            if (depth >= MaxDepth)
            {
                writer.WriteStringValue($"<deeper than {MaxDepth}>");
                return;
            }

            switch (value)
            {
                case IDictionary dict:
                    writer.WriteStartObject();
                    foreach (DictionaryEntry entry in dict)
                    {
                        writer.WritePropertyName(Safe(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty));
                        Write(writer, entry.Value, depth + 1);
                    }

                    writer.WriteEndObject();
                    return;
                case IEnumerable list:
                    writer.WriteStartArray();
                    foreach (object? item in list)
                    {
                        Write(writer, item, depth + 1);
                    }

                    writer.WriteEndArray();
                    return;
            }

            writer.WriteStartObject();
            foreach (PSPropertyInfo property in PSObject.AsPSObject(value).Properties)
            {
                object? propertyValue;
                try
                {
                    propertyValue = property.Value;
                }
                catch (Exception)
                {
                    continue;
                }

                writer.WritePropertyName(Safe(property.Name));
                Write(writer, propertyValue, depth + 1);
            }

            writer.WriteEndObject();
        }

        /// <summary>Text as JSON can carry it: a lone surrogate is shown as \uXXXX rather than failing the report.</summary>
        public static string Safe(string text)
        {
            StringBuilder? shown = null;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool paired = char.IsHighSurrogate(c)
                    ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                    : i > 0 && char.IsHighSurrogate(text[i - 1]);
                if (char.IsSurrogate(c) && !paired)
                {
                    shown ??= new StringBuilder(text, 0, i, text.Length + 8);
                    shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                }
                else
                {
                    shown?.Append(c);
                }
            }

            return shown?.ToString() ?? text;
        }
    }
}
