using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using System.Text.Json;

namespace GraphRust.Authentication.Json
{
    /// <summary>A PowerShell value that cannot be expressed as JSON, with the path where it is.</summary>
    public sealed class JsonConversionException : Exception
    {
        public JsonConversionException(string path, string problem)
            : base($"{(path.Length == 0 ? "body" : path)}: {problem}")
        {
            Path = path;
        }

        public string Path { get; }
    }

    /// <summary>Implemented by objects that stand for a PowerShell value they were converted from.</summary>
    public interface IWrapsPowerShellValue
    {
        object? WrappedValue { get; }
    }

    /// <summary>
    /// Turns any PowerShell value into JSON, generically: it knows PowerShell's
    /// types, not Graph's. Dictionaries and objects become JSON objects, lists
    /// become arrays, simple values their JSON or invariant text.
    /// </summary>
    public static class PowerShellJsonWriter
    {
        public const int MaxDepth = 64;

        public static void Write(Utf8JsonWriter writer, object? value, string path)
        {
            var visiting = new HashSet<object>(ReferenceEqualityComparer.Instance);
            WriteValue(writer, value, path, 0, visiting);
        }

        private static void WriteValue(Utf8JsonWriter writer, object? value, string path, int depth, HashSet<object> visiting)
        {
            if (depth > MaxDepth)
            {
                throw new JsonConversionException(path, $"is nested more than {MaxDepth} levels deep");
            }

            while (true)
            {
                if (value is PSObject pso)
                {
                    if (pso.BaseObject is PSCustomObject or GraphModelObject)
                    {
                        // Every PSCustomObject shares one BaseObject, so the PSObject itself is what may recur;
                        // a typed result of ours (the session's context) is its note properties too.
                        if (!visiting.Add(pso))
                        {
                            throw new JsonConversionException(path, "refers back to itself (a cycle)");
                        }

                        try
                        {
                            WriteProperties(writer, pso, path, depth, visiting);
                        }
                        finally
                        {
                            visiting.Remove(pso);
                        }

                        return;
                    }

                    value = pso.BaseObject;
                    continue;
                }

                if (value is IWrapsPowerShellValue wrapper)
                {
                    value = wrapper.WrappedValue;
                    continue;
                }

                break;
            }

            switch (value)
            {
                case null:
                case DBNull:
                    writer.WriteNullValue();
                    return;
                case IJsonWritable writable:
                    writable.WriteJson(writer);
                    return;
                case string s:
                    writer.WriteStringValue(CheckText(s, path));
                    return;
                case char c:
                    writer.WriteStringValue(CheckText(c.ToString(), path));
                    return;
                case bool b:
                    writer.WriteBooleanValue(b);
                    return;
                case byte or sbyte or short or ushort or int:
                    writer.WriteNumberValue(Convert.ToInt32(value, CultureInfo.InvariantCulture));
                    return;
                case uint or long:
                    writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    return;
                case ulong ul:
                    writer.WriteNumberValue(ul);
                    return;
                case decimal m:
                    writer.WriteNumberValue(m);
                    return;
                case float or double:
                    double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsNaN(d) || double.IsInfinity(d))
                    {
                        throw new JsonConversionException(path, $"is {d.ToString(CultureInfo.InvariantCulture)}, which has no JSON form");
                    }

                    writer.WriteNumberValue(d);
                    return;
                case System.Numerics.BigInteger big:
                    writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                    return;
                case DateTime dt:
                    writer.WriteStringValue(
                        (dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Local) : dt)
                            .ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
                    return;
                case DateTimeOffset dto:
                    writer.WriteStringValue(dto.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
                    return;
                case Enum e:
                    writer.WriteStringValue(e.ToString());
                    return;
                case Guid or Uri or Version or TimeSpan:
                    writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    return;
                case ScriptBlock:
                    throw new JsonConversionException(path, "is a script block, which has no JSON form; give its result instead");
                case SecureString:
                    throw new JsonConversionException(path, "is a SecureString; secrets are not sent in request bodies");
                case PSCredential:
                    throw new JsonConversionException(path, "is a PSCredential; secrets are not sent in request bodies");
                case SwitchParameter sw:
                    writer.WriteBooleanValue(sw.IsPresent);
                    return;
            }

            if (!visiting.Add(value))
            {
                throw new JsonConversionException(path, "refers back to itself (a cycle)");
            }

            try
            {
                switch (value)
                {
                    case IDictionary dict:
                        writer.WriteStartObject();
                        foreach (DictionaryEntry entry in dict)
                        {
                            string key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                            writer.WritePropertyName(CheckText(key, Join(path, key)));
                            WriteValue(writer, entry.Value, Join(path, key), depth + 1, visiting);
                        }

                        writer.WriteEndObject();
                        return;
                    case IEnumerable list:
                        writer.WriteStartArray();
                        int i = 0;
                        foreach (object? item in list)
                        {
                            WriteValue(writer, item, $"{path}[{i}]", depth + 1, visiting);
                            i++;
                        }

                        writer.WriteEndArray();
                        return;
                    default:
                        // Any other .NET object: its public properties, as ConvertTo-Json would.
                        WriteProperties(writer, PSObject.AsPSObject(value), path, depth, visiting);
                        return;
                }
            }
            finally
            {
                visiting.Remove(value);
            }
        }

        /// <summary>
        /// Text reaches Graph unchanged or not at all: a lone UTF-16 surrogate has no UTF-8 form
        /// (the JSON writer would turn it into U+FFFD), so it is refused with its place.
        /// </summary>
        public static string CheckText(string text, string path)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (!char.IsSurrogate(c))
                {
                    continue;
                }

                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                throw new JsonConversionException(path,
                    $"holds a lone UTF-16 surrogate (U+{(int)c:X4}) at character {i}, which is not Unicode text and cannot be sent unchanged; it is often half of an emoji cut in two");
            }

            return text;
        }

        private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

        private static void WriteProperties(Utf8JsonWriter writer, PSObject pso, string path, int depth, HashSet<object> visiting)
        {
            writer.WriteStartObject();
            foreach (PSPropertyInfo property in pso.Properties)
            {
                if (!property.IsGettable)
                {
                    continue;
                }

                object? propertyValue;
                try
                {
                    propertyValue = property.Value;
                }
                catch (GetValueException)
                {
                    continue;
                }

                writer.WritePropertyName(CheckText(property.Name, Join(path, property.Name)));
                WriteValue(writer, propertyValue, Join(path, property.Name), depth + 1, visiting);
            }

            writer.WriteEndObject();
        }
    }
}
