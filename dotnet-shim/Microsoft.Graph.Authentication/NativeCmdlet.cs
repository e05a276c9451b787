using System;
using System.Buffers;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.Json;
using GraphRust.Authentication.Json;
using GraphRust.Authentication.Native;

namespace GraphRust.Authentication
{
    /// <summary>An error the Graph service answered with.</summary>
    public sealed class GraphServiceException : Exception
    {
        public GraphServiceException(string message, int status, string code, System.Net.Http.HttpResponseMessage? response = null)
            : base(message)
        {
            Status = status;
            Code = code;
            Response = response;
        }

        public int Status { get; }

        public string Code { get; }

        /// <summary>The answer (Invoke-MgGraphRequest errors), as scripts read <c>$_.Exception.Response</c>.</summary>
        public System.Net.Http.HttpResponseMessage? Response { get; }
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

        /// <summary>Whether every native error stops the command (Invoke-MgGraphRequest, as Microsoft's).</summary>
        protected virtual bool ErrorsTerminate => false;

        /// <summary>Response headers (name to values, from the native side) as a case-insensitive dictionary.</summary>
        public static Dictionary<string, string[]> ResponseHeaderDictionary(JsonElement headers)
        {
            var result = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty header in headers.EnumerateObject())
            {
                var values = new List<string>();
                foreach (JsonElement v in header.Value.EnumerateArray())
                {
                    values.Add(v.GetString() ?? string.Empty);
                }

                result[header.Name] = values.ToArray();
            }

            return result;
        }

        protected override void StopProcessing()
        {
            stopping = true;
            running?.Cancel();
        }

        /// <summary>Runs a native operation to its end. Returns whether it succeeded.</summary>
        protected bool RunNative(string operation, ArgumentWriter writeArguments, ResultHandler? onResult = null, bool quietErrors = false)
        {
            ArrayBufferWriter<byte> request = NativeOperation.Envelope(
                operation,
                PreferenceOn("Verbose", "VerbosePreference"),
                PreferenceOn("Debug", "DebugPreference"),
                writer => writeArguments(writer));

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
                            if (!quietErrors)
                            {
                                WriteNativeError(e.GetProperty("error"));
                            }

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
            if (ErrorsTerminate || (error.TryGetProperty("terminating", out JsonElement t) && t.GetBoolean()))
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
                System.Net.Http.HttpResponseMessage? response = null;
                if (error.TryGetProperty("responseHeaders", out JsonElement rh) && error.TryGetProperty("responseBody", out JsonElement rb))
                {
                    response = GraphResponse.ToMessage(status.GetInt32(), null, rh, System.Text.Encoding.UTF8.GetBytes(rb.GetString() ?? string.Empty));
                }

                exception = new GraphServiceException(message, status.GetInt32(), id, response);
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
