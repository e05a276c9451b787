using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;
using System.Text.Json;
using GraphRust.Authentication;
using GraphRust.Authentication.Json;
using Microsoft.Graph.PowerShell.Models;

namespace GraphRust.CloudCommunications.Runtime
{
    /// <summary>
    /// Base of every generated command. It knows PowerShell, not Graph: it sends the bound values by
    /// parameter name to the native "command" operation (which knows from the command's descriptor
    /// what is a path id, a query option or the body, and validates the body), asks ShouldProcess
    /// after validation, and writes what comes back: typed models, counts, $true for -PassThru.
    /// </summary>
    public abstract class GraphCommand : NativeCmdlet
    {
        /// <summary>Parameters this side handles itself; every other bound parameter is sent.</summary>
        private static readonly HashSet<string> LocalParameters = new(StringComparer.OrdinalIgnoreCase)
        {
            "InputObject", "Headers", "ResponseHeadersVariable", "CountVariable", "PassThru", "WhatIf", "Confirm",
        };

        private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
        {
            "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
            "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
        };

        private static readonly ConcurrentDictionary<Type, bool> ShouldProcessSupport = new();

        private bool headersFromCommandLine;

        /// <summary>A dictionary piped in that is the body, not headers (see ResolvePipelineDictionary).</summary>
        private object? pipedBody;

        /// <summary>Microsoft's command name: the native side finds the command's descriptor by it.</summary>
        protected abstract string CommandName { get; }

        /// <summary>"POST /communications/calls/{call-id}/answer", for -WhatIf.</summary>
        protected abstract string OperationText { get; }

        /// <summary>The ids an -InputObject must carry for this command.</summary>
        protected virtual string[] IdentityKeys { get; } = Array.Empty<string>();

        private string EffectiveSet => pipedBody is null ? ParameterSetName : ParameterSetName.Replace("Expanded", string.Empty, StringComparison.Ordinal);

        protected override void BeginProcessing()
        {
            // Only command-line arguments are bound at this point; pipeline input comes later.
            headersFromCommandLine = MyInvocation.BoundParameters.ContainsKey("Headers");
        }

        protected override void ProcessRecord()
        {
            pipedBody = null;
            ResolvePipelineDictionary();
            Dictionary<string, string?>? identity = ReadIdentity();
            if (identity is null)
            {
                return;
            }

            string set = EffectiveSet;
            string action = $"{CommandName}_{set}";
            string target = $"Call remote '{OperationText}' operation";
            try
            {
                if (SupportsShouldProcess && CommandInput.WouldAskOrOnlyTell(this))
                {
                    // -WhatIf or a prompt: validate first, so that problems are reported (and nothing
                    // is asked about) before anything could be sent.
                    JsonElement? normalized = null;
                    bool valid = RunNative("command", w => WriteArguments(w, set, identity, validateOnly: true, null),
                        onResult: (value, _) => normalized = value.TryGetProperty("body", out JsonElement b) ? b.Clone() : null);
                    if (!valid || !ShouldProcess(target, action))
                    {
                        return;
                    }

                    RunNative("command", w => WriteArguments(w, set, identity, validateOnly: false, normalized), onResult: WriteResult);
                    return;
                }

                if (ShouldProcess(target, action))
                {
                    RunNative("command", w => WriteArguments(w, set, identity, validateOnly: false, null), onResult: WriteResult);
                }
            }
            catch (JsonConversionException e)
            {
                WriteError(ArgumentError("InvalidBody", $"Invalid value: {e.Message}. Nothing was sent.", e.Path));
            }
        }

        private bool SupportsShouldProcess => ShouldProcessSupport.GetOrAdd(GetType(), t => t.GetCustomAttribute<CmdletAttribute>()?.SupportsShouldProcess ?? false);

        private void WriteArguments(Utf8JsonWriter writer, string set, Dictionary<string, string?> identity, bool validateOnly, JsonElement? validatedBody)
        {
            writer.WriteString("command", CommandName);
            writer.WriteString("set", set);
            if (validateOnly)
            {
                writer.WriteBoolean("validateOnly", true);
            }

            if (MyInvocation.BoundParameters.ContainsKey("CountVariable"))
            {
                writer.WriteBoolean("count", true);
            }

            writer.WritePropertyName("values");
            writer.WriteStartObject();
            foreach (KeyValuePair<string, string?> id in identity)
            {
                // Checked as every other text is: a lone surrogate would be sent as U+FFFD, another id.
                writer.WriteString(id.Key, id.Value is null ? null : PowerShellJsonWriter.CheckText(id.Value, id.Key));
            }

            if (validatedBody is JsonElement body)
            {
                writer.WritePropertyName("BodyParameter");
                body.WriteTo(writer);
                writer.WriteBoolean("@validated", true);
            }
            else if (pipedBody is not null)
            {
                writer.WritePropertyName("BodyParameter");
                PowerShellJsonWriter.Write(writer, pipedBody, string.Empty);
            }

            foreach (KeyValuePair<string, object?> bound in MyInvocation.BoundParameters)
            {
                if (LocalParameters.Contains(bound.Key) || Common.Contains(bound.Key)
                    || (validatedBody is not null && IsBodyPart(bound.Key)))
                {
                    continue;
                }

                if (bound.Key is "OutFile" or "InFile" && bound.Value is string file)
                {
                    // Relative to PowerShell's current location, as every file parameter is (not the process's).
                    writer.WriteString(bound.Key, SessionState.Path.GetUnresolvedProviderPathFromPSPath(file));
                    continue;
                }

                writer.WritePropertyName(bound.Key);
                string path = bound.Key is "BodyParameter" or "Body" or "AdditionalProperties" ? string.Empty : bound.Key;
                PowerShellJsonWriter.Write(writer, bound.Value, path);
            }

            writer.WriteEndObject();
            if (MyInvocation.BoundParameters.TryGetValue("Headers", out object? headers) && headers is not null)
            {
                writer.WritePropertyName("headers");
                PowerShellJsonWriter.Write(writer, headers, "Headers");
            }
        }

        /// <summary>Whether a bound parameter is part of the body (the validated body replaces them all).</summary>
        private bool IsBodyPart(string name)
        {
            if (name is "BodyParameter" or "Body" or "AdditionalProperties")
            {
                return true;
            }

            // Expanded body parameters are those of the Expanded sets that are not ids or query options.
            return ParameterSetName.Contains("Expanded", StringComparison.Ordinal)
                && Array.IndexOf(IdentityKeys, name) < 0;
        }

        private void WriteResult(JsonElement value, JsonElement? headers)
        {
            if (headers is JsonElement h && MyInvocation.BoundParameters.TryGetValue("ResponseHeadersVariable", out object? rhv) && rhv is string name)
            {
                SessionState.PSVariable.Set(name, ResponseHeaderDictionary(h));
            }

            if (value.TryGetProperty("item", out _))
            {
                WriteObject(GraphModel.FromResult(value));
            }
            else if (value.TryGetProperty("count", out JsonElement count))
            {
                WriteObject(count.GetInt32());
            }
            else if (value.TryGetProperty("odataCount", out JsonElement total))
            {
                if (MyInvocation.BoundParameters.TryGetValue("CountVariable", out object? cv) && cv is string variable)
                {
                    SessionState.PSVariable.Set(variable, total.TryGetInt32(out int n) ? n : total.GetInt64());
                }
            }
            else if (value.TryGetProperty("value", out JsonElement primitive))
            {
                WriteObject(PowerShellObjectBuilder.Build(primitive));
            }
            else if (value.TryGetProperty("accepted", out _) || value.TryGetProperty("saved", out _))
            {
                if (MyInvocation.BoundParameters.TryGetValue("PassThru", out object? passThru) && passThru is SwitchParameter { IsPresent: true })
                {
                    WriteObject(true);
                }
            }
        }

        /// <summary>
        /// The ids of -InputObject (a hashtable or any object with the key properties), or the empty
        /// set without one; null after a terminating error for a missing id (Microsoft's message).
        /// </summary>
        private Dictionary<string, string?>? ReadIdentity()
        {
            var ids = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (!MyInvocation.BoundParameters.TryGetValue("InputObject", out object? input) || input is null)
            {
                return ids;
            }

            foreach (string key in IdentityKeys)
            {
                if (!ParameterSetName.Contains("ViaIdentity", StringComparison.Ordinal))
                {
                    break;
                }

                string? value = CommandInput.IdentityValue(input, key);
                if (string.IsNullOrEmpty(value))
                {
                    ThrowTerminatingError(ArgumentError($"InputObject{key}Missing", $"InputObject has null value for InputObject.{key}", input));
                    return null;
                }

                ids[key] = value;
            }

            return ids;
        }

        /// <summary>
        /// -Headers, -BodyParameter and -InputObject all take pipeline input by value (as in Microsoft's
        /// module), so PowerShell binds a piped dictionary to -Headers as well. A piped dictionary is the
        /// body or the identity when it was bound to those, or when no body was given any other way;
        /// it is headers only when the body came from the command line.
        /// </summary>
        private void ResolvePipelineDictionary()
        {
            if (headersFromCommandLine || !MyInvocation.BoundParameters.TryGetValue("Headers", out object? piped) || piped is null)
            {
                return;
            }

            foreach (string name in new[] { "BodyParameter", "Body", "InputObject" })
            {
                if (MyInvocation.BoundParameters.TryGetValue(name, out object? bound) && CommandInput.SameValue(bound, piped))
                {
                    MyInvocation.BoundParameters.Remove("Headers");
                    return;
                }
            }

            bool expandedBodyGiven = false;
            foreach (string name in MyInvocation.BoundParameters.Keys)
            {
                if (!LocalParameters.Contains(name) && !Common.Contains(name) && Array.IndexOf(IdentityKeys, name) < 0)
                {
                    expandedBodyGiven = true;
                }
            }

            if (ParameterSetName.Contains("Expanded", StringComparison.Ordinal) && !expandedBodyGiven)
            {
                pipedBody = piped;
                MyInvocation.BoundParameters.Remove("Headers");
            }
        }
    }
}
