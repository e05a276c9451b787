using System;
using System.Buffers;
using System.IO;
using System.Text.Json;

namespace GraphRust.Authentication.Native
{
    /// <summary>
    /// Builds the request envelope every native operation shares, and runs the quick ones
    /// (those that never touch the network) outside a cmdlet.
    /// </summary>
    internal static class NativeOperation
    {
        private const uint PollMilliseconds = 50;
        private static readonly string[] NetworkVariables =
            { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "SSL_CERT_FILE" };

        private static int networkSent;

        /// <summary>Overrides where the settings live (tests; a locked-down profile).</summary>
        internal const string SettingsDirectoryVariable = "GRAPHRS_SETTINGS_DIRECTORY";

        /// <summary>
        /// Where Microsoft's module keeps its settings (~/.mg), so that environments added with
        /// either module are seen by both.
        /// </summary>
        internal static string SettingsDirectory()
        {
            string? overridden = System.Environment.GetEnvironmentVariable(SettingsDirectoryVariable);
            return string.IsNullOrWhiteSpace(overridden)
                ? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".mg")
                : overridden;
        }

        internal static ArrayBufferWriter<byte> Envelope(string operation, bool verbose, bool debug, Action<Utf8JsonWriter> writeArguments)
        {
            var request = new ArrayBufferWriter<byte>(1024);
            using var writer = new Utf8JsonWriter(request);
            writer.WriteStartObject();
            writer.WriteString("op", operation);
            writer.WriteBoolean("verbose", verbose);
            writer.WriteBoolean("debug", debug);
            writer.WriteString("settingsFile", Path.Combine(SettingsDirectory(), "mg.context.json"));
            WriteNetworkSettingsOnce(writer);
            writer.WritePropertyName("args");
            writer.WriteStartObject();
            writeArguments(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            return request;
        }

        /// <summary>
        /// On Unix .NET keeps environment variables to itself, so the native side would not see
        /// <c>$env:HTTPS_PROXY = ...</c> set in a script; the first call hands them over.
        /// </summary>
        private static void WriteNetworkSettingsOnce(Utf8JsonWriter writer)
        {
            if (System.Threading.Interlocked.Exchange(ref networkSent, 1) == 1)
            {
                return;
            }

            writer.WriteStartObject("network");
            foreach (string name in NetworkVariables)
            {
                string? value = System.Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrEmpty(value))
                {
                    writer.WriteString(name, value);
                }
            }

            writer.WriteEndObject();
        }

        /// <summary>Runs an operation without arguments and returns its first result, if any.</summary>
        internal static JsonElement? FirstResult(string operation)
        {
            using NativeCall call = NativeCall.Start(Envelope(operation, false, false, _ => { }));
            JsonElement? first = null;
            while (true)
            {
                using JsonDocument? next = call.Next(PollMilliseconds, out bool finished);
                if (finished)
                {
                    return first;
                }

                if (next is not null && first is null && next.RootElement.GetProperty("kind").GetString() == "result")
                {
                    first = next.RootElement.GetProperty("value").Clone();
                }
            }
        }
    }
}
