using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using GraphRust.Authentication;
using GraphRust.Authentication.Json;
using GraphRust.CloudCommunications.Runtime;
using Microsoft.Graph.PowerShell.Models;

namespace GraphRust.CloudCommunications.Commands
{
    /// <summary>
    /// Invite participants to the active call: POST /communications/calls/{call-id}/participants/invite.
    /// Binds Microsoft's four parameter sets; the body is validated natively before anything is sent.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "MgInviteCommunicationCallParticipant", DefaultParameterSetName = InviteExpanded,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(IMicrosoftGraphInviteParticipantsOperation))]
    public sealed class InvokeMgInviteCommunicationCallParticipantCommand : NativeCmdlet
    {
        private const string Invite = "Invite";
        private const string InviteExpanded = "InviteExpanded";
        private const string InviteViaIdentity = "InviteViaIdentity";
        private const string InviteViaIdentityExpanded = "InviteViaIdentityExpanded";
        private const string ShouldProcessTarget = "Call remote 'POST /communications/calls/{call-id}/participants/invite' operation";

        [Parameter(ParameterSetName = Invite, Mandatory = true)]
        [Parameter(ParameterSetName = InviteExpanded, Mandatory = true)]
        public string? CallId { get; set; }

        [Parameter(ParameterSetName = InviteViaIdentity, Mandatory = true, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = InviteViaIdentityExpanded, Mandatory = true, ValueFromPipeline = true)]
        [PowerShellValueTransformation]
        public ICloudCommunicationsIdentity? InputObject { get; set; }

        [Parameter(ParameterSetName = Invite, Mandatory = true, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = InviteViaIdentity, Mandatory = true, ValueFromPipeline = true)]
        [PowerShellValueTransformation]
        public IPaths1Bh76WaCommunicationsCallsCallIdParticipantsMicrosoftGraphInvitePostRequestbodyContentApplicationJsonSchema? BodyParameter { get; set; }

        [Parameter(ParameterSetName = InviteExpanded)]
        [Parameter(ParameterSetName = InviteViaIdentityExpanded)]
        public Hashtable? AdditionalProperties { get; set; }

        [Parameter(ParameterSetName = InviteExpanded)]
        [Parameter(ParameterSetName = InviteViaIdentityExpanded)]
        public string? ClientContext { get; set; }

        [Parameter(ParameterSetName = InviteExpanded)]
        [Parameter(ParameterSetName = InviteViaIdentityExpanded)]
        [PowerShellValueTransformation]
        public IMicrosoftGraphInvitationParticipantInfo[]? Participants { get; set; }

        [Parameter]
        [Alias("RHV")]
        public string? ResponseHeadersVariable { get; set; }

        [Parameter(ValueFromPipeline = true)]
        public IDictionary? Headers { get; set; }

        private bool headersFromCommandLine;

        /// <summary>Set when a dictionary piped in is taken as the body (see ResolvePipelineDictionary).</summary>
        private string? pipedBodySet;

        private string EffectiveParameterSet => pipedBodySet ?? ParameterSetName;

        protected override void BeginProcessing()
        {
            // Only command-line arguments are bound at this point; pipeline input comes later.
            headersFromCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Headers));
        }

        protected override void ProcessRecord()
        {
            ResolvePipelineDictionary();
            bool viaIdentity = ParameterSetName.StartsWith(InviteViaIdentity, StringComparison.Ordinal);
            string? callId = viaIdentity ? CommandInput.IdentityValue(InputObject, "CallId") : CallId;
            if (viaIdentity && string.IsNullOrEmpty(callId))
            {
                ThrowTerminatingError(ArgumentError(
                    "InputObjectCallIdMissing", "InputObject has null value for InputObject.CallId", InputObject));
            }

            if (callId is not null)
            {
                try
                {
                    PowerShellJsonWriter.CheckText(callId, nameof(CallId));
                }
                catch (JsonConversionException e)
                {
                    WriteError(ArgumentError("InvalidCallId", $"Invalid call id: {e.Message}. Nothing was sent.", callId));
                    return;
                }
            }

            string action = $"Invoke-MgInviteCommunicationCallParticipant_{EffectiveParameterSet}";
            try
            {
                if (CommandInput.WouldAskOrOnlyTell(this))
                {
                    // -WhatIf or a confirmation prompt: validate first, so that problems are
                    // reported (and nothing is asked about) before anything could be sent.
                    JsonElement? normalized = null;
                    bool valid = RunNative("invite", writer =>
                    {
                        writer.WriteString("callId", callId);
                        writer.WriteBoolean("validateOnly", true);
                        WriteBody(writer);
                        WriteHeaders(writer);
                    }, onResult: (value, _) => normalized = value.GetProperty("body").Clone());
                    if (!valid || normalized is null || !ShouldProcess(ShouldProcessTarget, action))
                    {
                        return;
                    }

                    RunNative("invite", writer =>
                    {
                        writer.WriteString("callId", callId);
                        writer.WriteBoolean("validated", true);
                        writer.WritePropertyName("body");
                        normalized.Value.WriteTo(writer);
                        WriteHeaders(writer);
                    }, onResult: WriteOperation);
                    return;
                }

                // The common case: nothing to ask, so validation and the request are one native call.
                if (ShouldProcess(ShouldProcessTarget, action))
                {
                    RunNative("invite", writer =>
                    {
                        writer.WriteString("callId", callId);
                        WriteBody(writer);
                        WriteHeaders(writer);
                    }, onResult: WriteOperation);
                }
            }
            catch (JsonConversionException e)
            {
                WriteError(ArgumentError("InvalidBody", $"Invalid invite body: {e.Message}", e.Path));
            }
        }

        private void WriteOperation(JsonElement value, JsonElement? headers)
        {
            if (ResponseHeadersVariable is not null && headers is JsonElement h)
            {
                SessionState.PSVariable.Set(ResponseHeadersVariable, ResponseHeaderDictionary(h));
            }

            if (value.ValueKind != JsonValueKind.Null)
            {
                WriteObject(GraphModel.FromResult(value));
            }
        }

        /// <summary>
        /// -Headers, -BodyParameter and -InputObject all take pipeline input by value (as in Microsoft's
        /// module), so PowerShell binds a piped dictionary to -Headers as well. A piped dictionary is the
        /// body or the identity when it was bound to those, or when no body was given any other way;
        /// it is headers only when the body came from the command line.
        /// </summary>
        private void ResolvePipelineDictionary()
        {
            if (headersFromCommandLine || Headers is null)
            {
                return;
            }

            object piped = Headers;
            if (CommandInput.SameValue(BodyParameter, piped) || CommandInput.SameValue(InputObject, piped))
            {
                Headers = null;
                return;
            }

            bool expandedBodyGiven = Participants is not null || AdditionalProperties is not null
                || MyInvocation.BoundParameters.ContainsKey(nameof(ClientContext));
            if (ParameterSetName == InviteExpanded && !expandedBodyGiven)
            {
                BodyParameter = new PowerShellValue(piped);
                Headers = null;
                pipedBodySet = Invite;
            }
        }

        private void WriteBody(Utf8JsonWriter writer)
        {
            if (EffectiveParameterSet.EndsWith("Expanded", StringComparison.Ordinal))
            {
                writer.WriteBoolean("expanded", true);
                if (Participants is not null)
                {
                    writer.WritePropertyName("participants");
                    PowerShellJsonWriter.Write(writer, Participants, "participants");
                }

                if (MyInvocation.BoundParameters.ContainsKey(nameof(ClientContext)))
                {
                    writer.WriteString("clientContext", ClientContext is null ? null : PowerShellJsonWriter.CheckText(ClientContext, "clientContext"));
                }

                if (AdditionalProperties is not null)
                {
                    writer.WritePropertyName("additionalProperties");
                    PowerShellJsonWriter.Write(writer, AdditionalProperties, string.Empty);
                }
            }
            else
            {
                writer.WritePropertyName("body");
                PowerShellJsonWriter.Write(writer, BodyParameter, string.Empty);
            }
        }

        private void WriteHeaders(Utf8JsonWriter writer)
        {
            if (Headers is not null)
            {
                writer.WritePropertyName("headers");
                PowerShellJsonWriter.Write(writer, Headers, "Headers");
            }
        }
    }
}
