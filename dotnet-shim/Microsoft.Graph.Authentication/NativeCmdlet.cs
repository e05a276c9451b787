using System;
using System.Buffers;
using System.Management.Automation;
using System.Text.Json;
using GraphRust.Authentication.Json;
using GraphRust.Authentication.Native;

namespace GraphRust.Authentication
{
    /// <summary>An error the Graph service answered with.</summary>
    public sealed class GraphServiceException : Exception
    {
        public GraphServiceException(string message, int status, string code)
            : base(message)
        {
            Status = status;
            Code = code;
        }

        public int Status { get; }

        public string Code { get; }
    }

    /// <summary>
    /// Base of every cmdlet that calls the native library: starts an operation, then
    /// drains its events on the pipeline thread so that streams appear live;
    /// StopProcessing (Ctrl+C) cancels it.
    /// </summary>
    public abstract class NativeCmdlet : PSCmdlet
    {
        private const uint PollMilliseconds = 50;
        private volatile NativeCall? running;
        private volatile bool stopping;

        /// <summary>Writes the operation's arguments (inside the "args" object).</summary>
        protected delegate void ArgumentWriter(Utf8JsonWriter writer);

        /// <summary>Receives each result value (and response headers, when the operation has them).</summary>
        protected delegate void ResultHandler(JsonElement value, JsonElement? responseHeaders);

        protected override void StopProcessing()
        {
            stopping = true;
            running?.Cancel();
        }

        /// <summary>Runs a native operation to its end. Returns whether it succeeded.</summary>
        protected bool RunNative(string operation, ArgumentWriter writeArguments, ResultHandler? onResult = null)
        {
            var request = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(request))
            {
                writer.WriteStartObject();
                writer.WriteString("op", operation);
                writer.WriteBoolean("verbose", PreferenceOn("Verbose", "VerbosePreference"));
                writer.WriteBoolean("debug", PreferenceOn("Debug", "DebugPreference"));
                WriteNetworkSettingsOnce(writer);
                writer.WritePropertyName("args");
                writer.WriteStartObject();
                writeArguments(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            bool ok = false;
            using NativeCall call = NativeCall.Start(request);
            running = call;
            try
            {
                while (true)
                {
                    using JsonDocument? next = call.Next(PollMilliseconds, out bool finished);
                    if (finished)
                    {
                        break;
                    }

                    if (next is null)
                    {
                        continue;
                    }

                    JsonElement e = next.RootElement;
                    switch (e.GetProperty("kind").GetString())
                    {
                        case "verbose":
                            WriteVerbose(e.GetProperty("message").GetString() ?? string.Empty);
                            break;
                        case "debug":
                            WriteDebug(e.GetProperty("message").GetString() ?? string.Empty);
                            break;
                        case "warning":
                            WriteWarning(e.GetProperty("message").GetString() ?? string.Empty);
                            break;
                        case "information":
                            WriteInformation(e.GetProperty("message").GetString(), new[] { "PSHOST" });
                            break;
                        case "error":
                            WriteNativeError(e.GetProperty("error"));
                            break;
                        case "result":
                            JsonElement? headers = e.TryGetProperty("responseHeaders", out JsonElement h) ? h.Clone() : null;
                            JsonElement value = e.GetProperty("value").Clone();
                            if (onResult is null)
                            {
                                WriteObject(PowerShellObjectBuilder.Build(value));
                            }
                            else
                            {
                                onResult(value, headers);
                            }

                            break;
                        case "done":
                            ok = e.GetProperty("ok").GetBoolean();
                            break;
                    }
                }
            }
            finally
            {
                running = null;
            }

            if (stopping)
            {
                throw new PipelineStoppedException();
            }

            return ok;
        }

        private void WriteNativeError(JsonElement error)
        {
            string id = error.GetProperty("errorId").GetString() ?? "NativeError";
            if (stopping && id == "Cancelled")
            {
                // The user pressed Ctrl+C; PowerShell reports the stop itself.
                return;
            }

            ErrorRecord record = ToErrorRecord(error);
            if (error.TryGetProperty("terminating", out JsonElement t) && t.GetBoolean())
            {
                ThrowTerminatingError(record);
            }

            WriteError(record);
        }

        /// <summary>Builds the ErrorRecord the native side described.</summary>
        public static ErrorRecord ToErrorRecord(JsonElement error)
        {
            string id = error.GetProperty("errorId").GetString() ?? "NativeError";
            string message = error.GetProperty("message").GetString() ?? id;
            string categoryName = error.GetProperty("category").GetString() ?? nameof(ErrorCategory.NotSpecified);
            if (!Enum.TryParse(categoryName, out ErrorCategory category))
            {
                category = ErrorCategory.NotSpecified;
            }

            Exception exception;
            if (error.TryGetProperty("status", out JsonElement status) && status.ValueKind == JsonValueKind.Number)
            {
                exception = new GraphServiceException(message, status.GetInt32(), id);
            }
            else
            {
                exception = category switch
                {
                    ErrorCategory.InvalidArgument => new ArgumentException(message),
                    ErrorCategory.OperationTimeout => new TimeoutException(message),
                    ErrorCategory.OperationStopped => new OperationCanceledException(message),
                    ErrorCategory.ConnectionError => new System.Net.Http.HttpRequestException(message),
                    ErrorCategory.AuthenticationError => new System.Security.Authentication.AuthenticationException(message),
                    _ => new InvalidOperationException(message),
                };
            }

            string? target = error.TryGetProperty("target", out JsonElement tg) ? tg.GetString() : null;
            var record = new ErrorRecord(exception, id, category, target);
            string? details = error.TryGetProperty("details", out JsonElement d) ? d.GetString() : null;
            string? recommended = error.TryGetProperty("recommendedAction", out JsonElement r) ? r.GetString() : null;
            if (details is not null || recommended is not null)
            {
                record.ErrorDetails = new ErrorDetails(details ?? message) { RecommendedAction = recommended ?? string.Empty };
            }

            return record;
        }

        /// <summary>An error found on this side (a value with no JSON form, a missing id).</summary>
        protected ErrorRecord ArgumentError(string id, string message, object? target)
            => new(new ArgumentException(message), id, ErrorCategory.InvalidArgument, target);

        private static int networkSent;
        private static readonly string[] NetworkVariables =
            { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "SSL_CERT_FILE" };

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

        /// <summary>Whether -Verbose/-Debug (or the preference variable) asks for the stream.</summary>
        private bool PreferenceOn(string switchName, string variable)
        {
            if (MyInvocation.BoundParameters.TryGetValue(switchName, out object? bound) && bound is SwitchParameter s)
            {
                return s.IsPresent;
            }

            return GetVariableValue(variable) is ActionPreference p
                && p != ActionPreference.SilentlyContinue
                && p != ActionPreference.Ignore;
        }
    }
}
