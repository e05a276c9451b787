namespace CommandGenerator;

/// <summary>
/// How Graph's names become Microsoft's command, parameter and type names. The rules are
/// those of Microsoft's generated module (AutoRest over Graph's OpenAPI); every place where
/// Microsoft's names do not follow them is a row of <see cref="Exceptions"/>.
/// </summary>
public static class Naming
{
    /// <summary>
    /// Every exception to the rules, in one table. An action whose first word is not an
    /// approved PowerShell verb becomes Invoke-Mg&lt;Word&gt;&lt;Noun&gt;&lt;Rest&gt;, unless
    /// this table maps the word to the verb Microsoft chose.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ActionVerbs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["transfer"] = "Move",      // transfer → Move-MgCommunicationCall
        ["change"] = "Rename",      // changeScreenSharingRole → Rename-MgCommunicationCallScreenSharingRole
        ["cancel"] = "Stop",        // cancelMediaProcessing → Stop-MgCommunicationCallMediaProcessing
    };

    /// <summary>Rows of the exceptions table that are not verbs, printed by the generator's --rules.</summary>
    public static readonly IReadOnlyList<(string What, string Why)> Exceptions = new[]
    {
        ("transfer → Move-, change… → Rename-, cancel… → Stop-", "Microsoft maps these unapproved first words to approved verbs"),
        ("Send-MgCommunicationCallDtmfTone", "not in Microsoft's 2.10 list; newer versions add it for sendDtmfTones"),
        ("Invoke-MgInviteCommunicationCallParticipant", "hand-written cmdlet (its limits and messages); its descriptor is generated"),
        ("Update-MgCommunicationCall", "not generated: Graph does not update calls and Microsoft's module has no such command"),
        ("Get-MgCommunicationCall", "no List set: Graph cannot list calls (NotListable)"),
        ("Invoke-MgLogCommunicationCallTeleconferenceDeviceQuality -Body", "Microsoft names its body parameter -Body (BodyParameterNames)"),
        ("createOrGet → Invoke-MgCreateOrGetCommunicationOnlineMeeting, sets Create1/CreateExpanded1", "Microsoft takes the whole action name as its first word (OneWordActions) and numbers its sets (ActionSets)"),
        ("Edm.Stream properties → Get-/Set-Mg<Noun><Property> with -OutFile/-InFile, no body parameter", "streams are read and written at their own path; Microsoft's -…InputFile parameters would put a file in a JSON body Graph does not read"),
        ("types with no properties of their own → Hashtable parameters", "mediaConfig, meetingInfo, prompt, incomingCallOptions, contentSharingSession: Microsoft's generator makes no model of them"),
    };

    /// <summary>Actions whose whole name Microsoft takes as the first word: createOrGet → Invoke-MgCreateOrGetCommunicationOnlineMeeting.</summary>
    public static readonly IReadOnlySet<string> OneWordActions = new HashSet<string>(StringComparer.Ordinal)
    {
        "createOrGet",
    };

    /// <summary>Actions whose set names Microsoft's generator gave a prefix and a suffix of their own (to keep them apart from New-'s).</summary>
    public static readonly IReadOnlyDictionary<string, (string Prefix, string Suffix)> ActionSets = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["Invoke-MgCreateOrGetCommunicationOnlineMeeting"] = ("Create", "1"),   // Create1, CreateExpanded1
    };

    /// <summary>Collections Graph cannot list: their Get command has no List set (Microsoft's has none either).</summary>
    public static readonly IReadOnlySet<string> NotListable = new HashSet<string>(StringComparer.Ordinal)
    {
        "/communications/calls",
    };

    /// <summary>Actions whose body parameter Microsoft names otherwise than -BodyParameter.</summary>
    public static readonly IReadOnlyDictionary<string, string> BodyParameterNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Invoke-MgLogCommunicationCallTeleconferenceDeviceQuality"] = "Body",
    };

    /// <summary>
    /// Commands Microsoft's newer versions have that the 2.10 list lacks, for paths this module covers
    /// (each name checked against Microsoft's newer help or code): DTMF tones, meeting recordings, a
    /// presence's work location, virtual appointment SMS, call records' participants.
    /// </summary>
    public static readonly IReadOnlySet<string> Additions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Send-MgCommunicationCallDtmfTone",
        "Get-MgCommunicationOnlineMeetingRecording", "Get-MgCommunicationOnlineMeetingRecordingCount", "Get-MgCommunicationOnlineMeetingRecordingContent",
        "New-MgCommunicationOnlineMeetingRecording", "Update-MgCommunicationOnlineMeetingRecording", "Remove-MgCommunicationOnlineMeetingRecording",
        "Set-MgCommunicationOnlineMeetingRecordingContent",
        "Get-MgUserOnlineMeetingRecording", "Get-MgUserOnlineMeetingRecordingCount", "Get-MgUserOnlineMeetingRecordingContent",
        "New-MgUserOnlineMeetingRecording", "Update-MgUserOnlineMeetingRecording", "Remove-MgUserOnlineMeetingRecording",
        "Set-MgUserOnlineMeetingRecordingContent",
        "Set-MgCommunicationPresenceAutomaticLocation", "Set-MgCommunicationPresenceManualLocation",
        "Clear-MgCommunicationPresenceAutomaticLocation", "Clear-MgCommunicationPresenceLocation",
        "Send-MgCommunicationOnlineMeetingVirtualAppointmentSm", "Send-MgCommunicationOnlineMeetingVirtualAppointmentReminderSm",
        "Get-MgCommunicationCallRecordParticipantV2", "New-MgCommunicationCallRecordParticipantV2",
        "Update-MgCommunicationCallRecordParticipantV2", "Remove-MgCommunicationCallRecordParticipantV2",
    };

    /// <summary>Commands whose cmdlet stays hand-written; the generator writes their descriptor only.</summary>
    public static readonly IReadOnlySet<string> HandWritten = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Invoke-MgInviteCommunicationCallParticipant",
    };

    /// <summary>PowerShell's approved verbs (Get-Verb); a test checks every generated verb against Get-Verb.</summary>
    private static readonly HashSet<string> ApprovedVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move", "New", "Open",
        "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select", "Set", "Show", "Skip", "Split",
        "Step", "Switch", "Undo", "Unlock", "Watch", "Connect", "Disconnect", "Read", "Receive", "Send", "Write", "Backup", "Checkpoint",
        "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit", "Expand", "Export", "Group", "Import",
        "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore", "Save", "Sync", "Unpublish", "Update", "Debug", "Measure",
        "Ping", "Repair", "Resolve", "Test", "Trace", "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable",
        "Enable", "Install", "Invoke", "Register", "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend", "Uninstall",
        "Unregister", "Wait", "Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect", "Use",
    };

    public static string Pascal(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    /// <summary>The words of a camelCase name: keepAlive → keep, Alive.</summary>
    public static List<string> Words(string name)
    {
        var words = new List<string>();
        int start = 0;
        for (int i = 1; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
            {
                words.Add(name[start..i]);
                start = i;
            }
        }

        words.Add(name[start..]);
        return words;
    }

    /// <summary>calls → Call, communications → Communication, tones → Tone; status stays.</summary>
    public static string Singular(string word)
    {
        if (word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }

        if (word.EndsWith("sses", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        if (word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
        {
            return word[..^1];
        }

        return word;
    }

    /// <summary>A navigation segment's part of a noun: audioRoutingGroups → AudioRoutingGroup; participants_v2 → ParticipantV2.</summary>
    public static string NounPart(string segment)
    {
        string[] parts = segment.Split('_');
        return Pascal(Singular(parts[0])) + string.Concat(parts.Skip(1).Select(p => p.ToUpperInvariant()));
    }

    /// <summary>
    /// An action's command name: answer on MgCommunicationCall → Invoke-MgAnswerCommunicationCall;
    /// keepAlive → Invoke-MgKeepCommunicationCallAlive; startHoldMusic → Start-Mg…HoldMusic;
    /// sendDtmfTones → Send-Mg…DtmfTone and getPresencesByUserId → Get-MgCommunicationPresenceByUserId
    /// (every word singular, as in every noun); setPresence on MgCommunicationPresence →
    /// Set-MgCommunicationPresence (words the noun already ends with are not said twice).
    /// </summary>
    public static (string Name, string SetPrefix) ActionCommand(string action, string noun)
    {
        List<string> words = OneWordActions.Contains(action) ? new List<string> { action } : Words(action);
        string first = Pascal(words[0]);
        string rest = string.Concat(words.Skip(1).Select(w => Singular(Pascal(w))));
        if (rest.Length > 0 && noun.EndsWith(rest, StringComparison.Ordinal))
        {
            rest = string.Empty;
        }

        if (ActionVerbs.TryGetValue(first, out string? mapped))
        {
            return ($"{mapped}-Mg{noun}{rest}", first);
        }

        if (ApprovedVerbs.Contains(first))
        {
            return ($"{first}-Mg{noun}{rest}", first);
        }

        return ($"Invoke-Mg{first}{noun}{rest}", first);
    }

    /// <summary>microsoft.graph.participant → MicrosoftGraphParticipant; microsoft.graph.callRecords.session → MicrosoftGraphCallRecordsSession.</summary>
    public static string ModelName(string fullName)
    {
        string[] parts = fullName.Split('.');
        return string.Concat(parts.Select(Pascal));
    }

    /// <summary>A Rust static's name for a Graph type.</summary>
    public static string RustStatic(string prefix, string fullName) =>
        prefix + "_" + string.Join("_", fullName.Split('.').SelectMany(Words).Select(w => w.ToUpperInvariant()));
}
