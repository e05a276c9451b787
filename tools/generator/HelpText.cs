using Microsoft.OData.Edm;

namespace CommandGenerator;

/// <summary>The help's words, written from the metadata in our own words (Graph's CSDL has no descriptions).</summary>
public static class HelpText
{
    /// <summary>callbackUri → "callback URI"; audioRoutingGroups → "audio routing groups".</summary>
    public static string Words(string name) =>
        string.Join(' ', Naming.Words(name).Select(w => w.Length > 1 && w.All(char.IsUpper) ? w : w.ToLowerInvariant()))
            .Replace(" uri", " URI", StringComparison.Ordinal).Replace("uri ", "URI ", StringComparison.Ordinal)
            .Replace("dtmf", "DTMF", StringComparison.Ordinal);

    public static string TypeDescription(IEdmTypeReference type)
    {
        if (type.IsCollection())
        {
            return "a list of " + Plural(TypeDescription(type.AsCollection().ElementType()));
        }

        return type.Definition switch
        {
            IEdmEnumType e => $"one of {string.Join(", ", e.Members.Select(m => m.Name).Where(m => m != "unknownFutureValue"))} ({Words(e.Name)})",
            IEdmStructuredType s => $"a {Words(((IEdmSchemaType)s).Name)} (hashtable)",
            IEdmPrimitiveType p => p.PrimitiveKind switch
            {
                EdmPrimitiveTypeKind.Boolean => "a switch",
                EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int16 => "a whole number (Int32)",
                EdmPrimitiveTypeKind.Int64 => "a whole number (Int64)",
                EdmPrimitiveTypeKind.Double or EdmPrimitiveTypeKind.Single or EdmPrimitiveTypeKind.Decimal => "a number",
                EdmPrimitiveTypeKind.DateTimeOffset => "a date and time (sent as ISO 8601 in UTC)",
                EdmPrimitiveTypeKind.Date => "a date",
                EdmPrimitiveTypeKind.Duration => "a duration (a TimeSpan, sent as ISO 8601, e.g. PT1M)",
                EdmPrimitiveTypeKind.Guid => "a GUID",
                _ => "text",
            },
            _ => "any value",
        };
    }

    private static string Plural(string text) => text.StartsWith("a ", StringComparison.Ordinal) ? text[2..] + " values" : text;

    public static string Property(string name, IEdmTypeReference type, bool required) =>
        $"The {Words(name)}: {TypeDescription(type)}.{(required ? " Graph requires it." : string.Empty)}";

    public static string Synopsis(CommandSpec c)
    {
        string subject = Words(((IEdmSchemaType)c.Subject).Name);
        return c.Kind switch
        {
            CommandKind.Get => $"Gets a {subject}, or lists them.",
            CommandKind.Count => $"Counts the {subject}s.",
            CommandKind.Create => $"Creates a {subject}.",
            CommandKind.Update => $"Updates a {subject}.",
            CommandKind.Delete => $"Removes a {subject}.",
            _ => $"Runs the {c.ActionName} action on a {subject}.",
        };
    }

    public static string Description(CommandSpec c)
    {
        string ops = string.Join("; ", c.Operations.Select(o => $"{o.Method} {o.Path} ({string.Join(", ", o.Sets)})"));
        string what = c.Kind switch
        {
            CommandKind.Get => "Without an id it lists the collection: the first page, or every page with -All (following @odata.nextLink on the connected Graph host only); -Top caps the number of items, -PageSize sets the page size, -CountVariable receives Graph's count. With an id it reads one object.",
            CommandKind.Count => "Reads the number of items in the collection (/$count, answered as text) and returns it as an Int32.",
            CommandKind.Create => "The body is checked against Graph's schema before anything is sent: property names are matched without regard to case, values are converted as Microsoft's module converts them, and every problem is reported at once with its path. Graph answers with the new object.",
            CommandKind.Update => "Only the properties given are sent (PATCH); the body is checked against Graph's schema before anything is sent.",
            CommandKind.Delete => "Graph answers no object: -PassThru returns $true when it accepted the request.",
            _ => c.Body is null
                ? "The action takes no body."
                : "The body is checked against Graph's schema before anything is sent: property names are matched without regard to case, every problem is reported at once with its path, and nothing is sent when one is found.",
        };
        string answer = c.Kind == CommandKind.Action
            ? (c.OutputType == "System.Boolean" ? " Graph answers no object: -PassThru returns $true when it accepted the request." : $" Graph answers with the operation it started ({c.OutputType[1..]}).")
            : string.Empty;
        return $"Sends {ops}. {what}{answer} Graph errors become error records whose id is Graph's error code, with the status and request ids in ErrorDetails.";
    }
}

/// <summary>
/// The interface names of actions' -BodyParameter, as Microsoft's module has them (AutoRest names them
/// after the OpenAPI path, with a hash this generator cannot recompute), copied from Microsoft's help
/// (tests/conformance); for an action not there, the rule's name without the hash.
/// </summary>
public static class BodyInterfaces
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal)
    {
        ["Add-MgCommunicationCallLargeGalleryView"] = "IPaths12Hh6NfCommunicationsCallsCallIdMicrosoftGraphAddlargegalleryviewPostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgAnswerCommunicationCall"] = "IPathsQvpqn4CommunicationsCallsCallIdMicrosoftGraphAnswerPostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgInviteCommunicationCallParticipant"] = "IPaths1Bh76WaCommunicationsCallsCallIdParticipantsMicrosoftGraphInvitePostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgLogCommunicationCallTeleconferenceDeviceQuality"] = "IPaths1JbdsmaCommunicationsCallsMicrosoftGraphLogteleconferencedevicequalityPostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgMuteCommunicationCall"] = "IPaths13Zt223CommunicationsCallsCallIdMicrosoftGraphMutePostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgMuteCommunicationCallParticipant"] = "IPathsTobgxoCommunicationsCallsCallIdParticipantsParticipantIdMicrosoftGraphMutePostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgPlayCommunicationCallPrompt"] = "IPaths1Gzqcv2CommunicationsCallsCallIdMicrosoftGraphPlaypromptPostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgRecordCommunicationCallResponse"] = "IPaths14Wb7KqCommunicationsCallsCallIdMicrosoftGraphRecordresponsePostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgRedirectCommunicationCall"] = "IPaths183Gi8UCommunicationsCallsCallIdMicrosoftGraphRedirectPostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgRejectCommunicationCall"] = "IPaths4QrghdCommunicationsCallsCallIdMicrosoftGraphRejectPostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgSubscribeCommunicationCallToTone"] = "IPathsXyl6WiCommunicationsCallsCallIdMicrosoftGraphSubscribetotonePostRequestbodyContentApplicationJsonSchema",
        ["Invoke-MgUnmuteCommunicationCall"] = "IPaths1X7BvttCommunicationsCallsCallIdMicrosoftGraphUnmutePostRequestbodyContentApplicationJsonSchema",
        ["Move-MgCommunicationCall"] = "IPaths4Zbm7LCommunicationsCallsCallIdMicrosoftGraphTransferPostRequestbodyContentApplicationJsonSchema",
        ["Rename-MgCommunicationCallScreenSharingRole"] = "IPathsOj95ZpCommunicationsCallsCallIdMicrosoftGraphChangescreensharingrolePostRequestbodyContentApplicationJsonSchema",
        ["Send-MgCommunicationCallDtmfTone"] = "IPathsO55L3LCommunicationsCallsCallIdMicrosoftGraphSenddtmftonesPostRequestbodyContentApplicationJsonSchema",
        ["Start-MgCommunicationCallParticipantHoldMusic"] = "IPathsKtcw9WCommunicationsCallsCallIdParticipantsParticipantIdMicrosoftGraphStartholdmusicPostRequestbodyContentApplicationJsonSchema",
        ["Stop-MgCommunicationCallMediaProcessing"] = "IPathsYp37FjCommunicationsCallsCallIdMicrosoftGraphCancelmediaprocessingPostRequestbodyContentApplicationJsonSchema",
        ["Stop-MgCommunicationCallParticipantHoldMusic"] = "IPaths1AuzqgwCommunicationsCallsCallIdParticipantsParticipantIdMicrosoftGraphStopholdmusicPostRequestbodyContentApplicationJsonSchema",
        ["Update-MgCommunicationCallRecordingStatus"] = "IPathsEipedyCommunicationsCallsCallIdMicrosoftGraphUpdaterecordingstatusPostRequestbodyContentApplicationJsonSchema",
        ["Clear-MgCommunicationPresence"] = "IPaths1Ca0Rf4CommunicationsPresencesPresenceIdMicrosoftGraphClearpresencePostRequestbodyContentApplicationJsonSchema",
        ["Get-MgCommunicationPresenceByUserId"] = "IPaths10WpgkzCommunicationsMicrosoftGraphGetpresencesbyuseridPostRequestbodyContentApplicationJsonSchema",
        ["Set-MgCommunicationPresence"] = "IPathsTm7IsmCommunicationsPresencesPresenceIdMicrosoftGraphSetpresencePostRequestbodyContentApplicationJsonSchema",
        ["Set-MgCommunicationPresenceStatusMessage"] = "IPaths1Hq60HmCommunicationsPresencesPresenceIdMicrosoftGraphSetstatusmessagePostRequestbodyContentApplicationJsonSchema",
        ["Set-MgCommunicationPresenceUserPreferredPresence"] = "IPaths16OmbuoCommunicationsPresencesPresenceIdMicrosoftGraphSetuserpreferredpresencePostRequestbodyContentApplicationJsonSchema",
    };

    public static string For(string command, string boundPath, string action)
    {
        if (Known.TryGetValue(command, out string? name))
        {
            return name;
        }

        string words = string.Concat(boundPath.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Trim('{', '}').Replace("-id", "Id", StringComparison.Ordinal))
            .Select(Naming.Pascal));
        return $"IPaths{words}MicrosoftGraph{Naming.Pascal(action)}PostRequestbodyContentApplicationJsonSchema";
    }
}
