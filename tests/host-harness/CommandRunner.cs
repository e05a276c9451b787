using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json;

namespace GraphHostHarness
{
    /// <summary>
    /// Runs commands in numbered runspaces (one per Rust worker thread) and reports every stream.
    /// Requests: {"op":"open","runspace":n,"modules":[psd1...]}, {"op":"run","runspace":n,"command":"...",
    /// "parameters":[[name, typed]...],"input":[typed...],"stopAfterMs":n}, {"op":"script","runspace":n,"script":"..."}.
    /// </summary>
    public static class CommandRunner
    {
        private static readonly Dictionary<int, Runspace> Runspaces = new();

        public static byte[] Run(JsonElement request)
        {
            string op = request.GetProperty("op").GetString()!;
            int index = request.TryGetProperty("runspace", out JsonElement r) ? r.GetInt32() : 0;
            switch (op)
            {
                case "open":
                    if (request.TryGetProperty("environment", out JsonElement environment))
                    {
                        // Before any runspace exists: TZ, for one, is read once.
                        foreach (JsonProperty variable in environment.EnumerateObject())
                        {
                            Environment.SetEnvironmentVariable(variable.Name, variable.Value.GetString());
                        }
                    }

                    Open(index, request.GetProperty("modules"));
                    return JsonSerializer.SerializeToUtf8Bytes(new { opened = index });
                case "run":
                case "script":
                    Runspace runspace;
                    lock (Runspaces)
                    {
                        runspace = Runspaces[index];
                    }

                    lock (runspace)
                    {
                        return Execute(runspace, request, op == "script");
                    }

                case "memory":
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    using (Process self = Process.GetCurrentProcess())
                    {
                        return JsonSerializer.SerializeToUtf8Bytes(new { workingSet = self.WorkingSet64, managed = GC.GetTotalMemory(true) });
                    }

                default:
                    throw new ArgumentException($"unknown op '{op}'");
            }
        }

        private static void Open(int index, JsonElement modules)
        {
            lock (Runspaces)
            {
                if (Runspaces.ContainsKey(index))
                {
                    return;
                }

                InitialSessionState state = InitialSessionState.CreateDefault2();
                var paths = new List<string>();
                foreach (JsonElement module in modules.EnumerateArray())
                {
                    paths.Add(module.GetString()!);
                }

                state.ImportPSModule(paths.ToArray());
                state.ThrowOnRunspaceOpenError = true;
                Runspace runspace = RunspaceFactory.CreateRunspace(state);
                runspace.Open();
                Runspaces[index] = runspace;
            }
        }

        private static byte[] Execute(Runspace runspace, JsonElement request, bool isScript)
        {
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = runspace;
            if (isScript)
            {
                ps.AddScript(request.GetProperty("script").GetString()!);
            }
            else
            {
                ps.AddCommand(request.GetProperty("command").GetString()!);
                if (request.TryGetProperty("parameters", out JsonElement parameters))
                {
                    foreach (JsonElement p in parameters.EnumerateArray())
                    {
                        ps.AddParameter(p[0].GetString()!, TypedValues.Build(p[1]));
                    }
                }
            }

            var input = new PSDataCollection<object?>();
            if (request.TryGetProperty("input", out JsonElement items))
            {
                foreach (JsonElement item in items.EnumerateArray())
                {
                    input.Add(TypedValues.Build(item));
                }
            }

            input.Complete();
            int stopAfterMs = request.TryGetProperty("stopAfterMs", out JsonElement s) ? s.GetInt32() : 0;
            var output = new PSDataCollection<PSObject>();
            var watch = Stopwatch.StartNew();
            bool stopped = false;
            Exception? thrown = null;
            try
            {
                IAsyncResult pending = ps.BeginInvoke(input, output);
                if (stopAfterMs > 0 && !pending.AsyncWaitHandle.WaitOne(stopAfterMs))
                {
                    // What Ctrl+C does: StopProcessing on the running command.
                    stopped = true;
                    ps.Stop();
                }

                ps.EndInvoke(pending);
            }
            catch (Exception e)
            {
                thrown = e;
            }

            return Report(ps, output, thrown, stopped, watch.Elapsed.TotalMilliseconds);
        }

        private static byte[] Report(PowerShell ps, PSDataCollection<PSObject> output, Exception? thrown, bool stopped, double elapsedMs)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WritePropertyName("output");
                writer.WriteStartArray();
                foreach (PSObject item in output)
                {
                    OutputJson.Write(writer, item, 0);
                }

                writer.WriteEndArray();
                writer.WritePropertyName("errors");
                writer.WriteStartArray();
                foreach (ErrorRecord error in ps.Streams.Error)
                {
                    WriteError(writer, error, terminating: false);
                }

                if (thrown is not null)
                {
                    ErrorRecord record = thrown is IContainsErrorRecord withRecord
                        ? withRecord.ErrorRecord
                        : new ErrorRecord(thrown, thrown.GetType().Name, ErrorCategory.NotSpecified, null);
                    WriteError(writer, record, terminating: true, thrown.Message);
                }

                writer.WriteEndArray();
                WriteTexts(writer, "warnings", ps.Streams.Warning);
                WriteTexts(writer, "verbose", ps.Streams.Verbose);
                WriteTexts(writer, "debug", ps.Streams.Debug);
                WriteTexts(writer, "information", ps.Streams.Information);
                writer.WriteBoolean("stopped", stopped);
                writer.WriteNumber("elapsedMs", elapsedMs);
                writer.WriteEndObject();
            }

            return stream.ToArray();
        }

        private static void WriteError(Utf8JsonWriter writer, ErrorRecord error, bool terminating, string? message = null)
        {
            writer.WriteStartObject();
            writer.WriteString("id", error.FullyQualifiedErrorId);
            writer.WriteString("category", error.CategoryInfo.Category.ToString());
            writer.WriteString("message", OutputJson.Safe(message ?? error.Exception?.Message ?? error.ToString()));
            writer.WriteString("target", OutputJson.Safe(Convert.ToString(error.TargetObject, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
            writer.WriteBoolean("terminating", terminating);
            writer.WriteEndObject();
        }

        private static void WriteTexts(Utf8JsonWriter writer, string name, IEnumerable records)
        {
            writer.WritePropertyName(name);
            writer.WriteStartArray();
            foreach (object? record in records)
            {
                writer.WriteStringValue(OutputJson.Safe(record is InformationRecord info
                    ? Convert.ToString(info.MessageData, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty
                    : record?.ToString() ?? string.Empty));
            }

            writer.WriteEndArray();
        }
    }
}
