using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using System.Text.Json;

namespace GraphHostHarness
{
    /// <summary>
    /// Builds the .NET values a PowerShell script would hold from their typed JSON description
    /// ({"t": "hashtable", "e": [[key, value], ...]}, {"t": "str", "u": [utf-16 units]}, ...),
    /// so that Rust can generate every shape users pass, lone surrogates and cycles included.
    /// </summary>
    public static class TypedValues
    {
        public static object? Build(JsonElement typed) => Build(typed, new Stack<object>());

        private static object? Build(JsonElement typed, Stack<object> enclosing)
        {
            string t = typed.GetProperty("t").GetString()!;
            switch (t)
            {
                case "null": return null;
                case "int": return typed.GetProperty("v").GetInt32();
                case "long": return typed.GetProperty("v").GetInt64();
                case "double": return ParseDouble(typed.GetProperty("v"));
                case "decimal": return decimal.Parse(typed.GetProperty("v").GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
                case "bool": return typed.GetProperty("v").GetBoolean();
                case "str": return Text(typed);
                case "date":
                    return new DateTime(typed.GetProperty("ticks").GetInt64(),
                        Enum.Parse<DateTimeKind>(typed.GetProperty("kind").GetString()!));
                case "guid": return Guid.Parse(typed.GetProperty("v").GetString()!);
                case "enum": return Enum.Parse<DayOfWeek>(typed.GetProperty("v").GetString()!);
                case "switch": return new SwitchParameter(typed.GetProperty("v").GetBoolean());
                case "secure":
                    var secure = new SecureString();
                    foreach (char c in typed.GetProperty("v").GetString()!)
                    {
                        secure.AppendChar(c);
                    }

                    secure.MakeReadOnly();
                    return secure;
                case "script": return ScriptBlock.Create(typed.GetProperty("v").GetString()!);
                case "credential":
                    var password = new SecureString();
                    foreach (char c in typed.GetProperty("password").GetString()!)
                    {
                        password.AppendChar(c);
                    }

                    password.MakeReadOnly();
                    return new PSCredential(typed.GetProperty("user").GetString()!, password);
                case "bytes": return typed.GetProperty("v").GetBytesFromBase64();
                case "cycle":
                    // The nearest enclosing container: a value that refers back to itself.
                    return enclosing.Count > 0 ? enclosing.Peek() : null;
                case "hashtable":
                    return Fill(new Hashtable(StringComparer.OrdinalIgnoreCase), typed, enclosing);
                case "ordered":
                    return Fill(new OrderedDictionary(StringComparer.OrdinalIgnoreCase), typed, enclosing);
                case "pscustom":
                    var pso = new PSObject();
                    enclosing.Push(pso);
                    foreach (JsonElement entry in typed.GetProperty("e").EnumerateArray())
                    {
                        pso.Properties.Add(new PSNoteProperty(KeyText(entry[0]), Build(entry[1], enclosing)));
                    }

                    enclosing.Pop();
                    return pso;
                case "array":
                    object?[] array = new object?[typed.GetProperty("i").GetArrayLength()];
                    enclosing.Push(array);
                    int i = 0;
                    foreach (JsonElement item in typed.GetProperty("i").EnumerateArray())
                    {
                        array[i++] = Build(item, enclosing);
                    }

                    enclosing.Pop();
                    return array;
                case "list":
                    var list = new List<object?>();
                    enclosing.Push(list);
                    foreach (JsonElement item in typed.GetProperty("i").EnumerateArray())
                    {
                        list.Add(Build(item, enclosing));
                    }

                    enclosing.Pop();
                    return list;
                default:
                    throw new ArgumentException($"unknown typed value '{t}'");
            }
        }

        private static IDictionary Fill(IDictionary dict, JsonElement typed, Stack<object> enclosing)
        {
            enclosing.Push(dict);
            foreach (JsonElement entry in typed.GetProperty("e").EnumerateArray())
            {
                dict.Add(KeyText(entry[0]), Build(entry[1], enclosing));
            }

            enclosing.Pop();
            return dict;
        }

        private static string KeyText(JsonElement key) => key.ValueKind == JsonValueKind.String ? key.GetString()! : Text(key);

        /// <summary>"v" for well-formed text; "u" (UTF-16 code units) for text JSON cannot carry, such as lone surrogates.</summary>
        private static string Text(JsonElement typed)
        {
            if (typed.TryGetProperty("v", out JsonElement v))
            {
                return v.GetString()!;
            }

            JsonElement units = typed.GetProperty("u");
            var chars = new char[units.GetArrayLength()];
            int i = 0;
            foreach (JsonElement unit in units.EnumerateArray())
            {
                chars[i++] = (char)unit.GetUInt16();
            }

            return new string(chars);
        }

        private static double ParseDouble(JsonElement v) => v.ValueKind == JsonValueKind.String
            ? v.GetString() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                string s => double.Parse(s, CultureInfo.InvariantCulture),
                null => throw new ArgumentException("double without a value"),
            }
            : v.GetDouble();
    }
}
