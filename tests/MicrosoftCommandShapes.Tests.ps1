# Our commands against Microsoft's, as Microsoft's help describes them (tests/conformance, read from
# microsoftgraph/msgraph-sdk-powershell's docs): names, parameter sets, the default set, every
# parameter with its mandatory flag, aliases and pipeline binding, and the output type.

BeforeDiscovery {
    $script:Commands = foreach ($file in 'microsoft-call-commands.json', 'microsoft-presence-commands.json', 'microsoft-meeting-commands.json', 'microsoft-callrecord-commands.json', 'microsoft-stream-commands.json') {
        (Get-Content (Join-Path $PSScriptRoot 'conformance' $file) -Raw | ConvertFrom-Json -AsHashtable).commands
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module Microsoft.Graph.CloudCommunications -ErrorAction Stop

    # Where we differ from Microsoft on purpose (each with its reason, also in the README).
    $script:OutputExceptions = @{
        # Microsoft's module declares String (an AutoRest artefact for a type with no properties of its
        # own); Graph answers the session object, and we return it typed.
        'New-MgCommunicationCallContentSharingSession'    = 'Microsoft.Graph.PowerShell.Models.IMicrosoftGraphContentSharingSession'
        'Update-MgCommunicationCallContentSharingSession' = 'Microsoft.Graph.PowerShell.Models.IMicrosoftGraphContentSharingSession'
        # Graph answers the PUT with 204 and no object (see ExtraParameters below).
        'Set-MgCommunicationOnlineMeetingTranscriptContent' = 'System.Boolean'
        'Set-MgUserOnlineMeetingTranscriptContent'          = 'System.Boolean'
    }
    # Properties Graph's v1.0 metadata (spec/graph, our generator's input) has and the help's older
    # generation (2.15-2.18) predates: body parameters of the Expanded sets, as Microsoft's newer
    # versions make them. By the type the command's body is (the end of its noun).
    $script:NewerByType = [ordered]@{
        'OnlineMeeting$'    = 'AllowBreakoutRooms', 'AllowCopyingAndSharingMeetingContent', 'AllowLiveShare', 'AllowPowerPointSharing',
        'AllowRecording', 'AllowTranscription', 'AllowWhiteboard', 'AllowedLobbyAdmitters', 'ChatRestrictions', 'CloudVideoInteropInfo',
        'ExpiryDateTime', 'IsEndToEndEncryptionEnabled', 'MeetingOptionsWebUrl', 'MeetingSpokenLanguageTag', 'MeetingTemplateId',
        'MeetingType', 'SensitivityLabelAssignment'
        'AttendanceReport$' = @('ExternalEventInformation')
        'AttendanceRecord$' = 'ExternalRegistrationInformation', 'RegistrationId'
        'Transcript$'       = 'CallId', 'ContentCorrelationId', 'EndDateTime'
        'Presence$'         = 'OutOfOfficeSettings', 'SequenceNumber', 'WorkLocation'
    }
    function Get-NewerProperty([string] $Command) {
        if ($Command -notmatch '^(New|Update)-') { return @() }
        foreach ($pattern in $script:NewerByType.Keys) { if ($Command -match $pattern) { return @($script:NewerByType[$pattern]) } }
        @()
    }
    # Microsoft's -…InputFile parameters put a file into the JSON body as an Edm.Stream property, which
    # Graph reads and writes only at the stream's own path: not offered (docs/generated-commands.md).
    # Also -Data (a System.IO.Stream) on the Set-…Content commands: -InFile is mandatory in Microsoft's too.
    $script:NotOffered = 'AttendeeReportInputFile', 'ContentInputFile', 'MetadataContentInputFile', 'Data'
    # Microsoft's 2.18 Get-MgCommunicationOnlineMeeting also carries createOrGet's sets (Get1, GetExpanded,
    # the default: a bare call POSTs createOrGet) and so -WhatIf; ours reads only, createOrGet is its own command.
    $script:MergedSets = @{ 'Get-MgCommunicationOnlineMeeting' = 'Get1', 'GetExpanded' }
    # Graph's v1.0 lists call records (GET /communications/callRecords, with $filter on dates); Microsoft's
    # 2.18 help has no List set for them. Ours adds it, and makes it the default as on every other Get.
    $script:ExtraSets = @{ 'Get-MgCommunicationCallRecord' = @('List') }
    # Graph answers a stream's PUT with 204 and no object: ours has -PassThru (returns $true), as every
    # command that answers nothing; Microsoft's Set-…TranscriptContent declares the transcript instead.
    $script:ExtraParameters = @{
        'Set-MgCommunicationOnlineMeetingTranscriptContent' = @('PassThru')
        'Set-MgUserOnlineMeetingTranscriptContent'          = @('PassThru')
    }
}

Describe '<name> as Microsoft has it' -ForEach $script:Commands {
    BeforeAll {
        $script:Ours = Get-Command $name -Module Microsoft.Graph.CloudCommunications -ErrorAction SilentlyContinue
        $script:Reference = $_
    }

    It 'is exported' {
        $script:Ours | Should -Not -BeNullOrEmpty
    }

    It 'has the same parameter sets and default set' {
        $merged = @($script:MergedSets[$name])
        $extra = @($script:ExtraSets[$name])
        @($script:Ours.ParameterSets.Name | Where-Object { $_ -notin $extra } | Sort-Object) | Should -Be @($parameterSets.name | Where-Object { $_ -notin $merged } | Sort-Object)
        if ($defaultParameterSet -and $defaultParameterSet -notin $merged -and -not $extra) { $script:Ours.DefaultParameterSet | Should -Be $defaultParameterSet }
    }

    It 'has the same parameters in each set, mandatory, aliased and piped alike' {
        $common = [Management.Automation.PSCmdlet]::CommonParameters + [Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($set in $parameterSets | Where-Object name -NotIn @($script:MergedSets[$name])) {
            $ourSet = $script:Ours.ParameterSets | Where-Object Name -EQ $set.name
            $newer = if ($set.name -like '*Expanded*') { Get-NewerProperty $name } else { @() }
            $ourParameters = @($ourSet.Parameters | Where-Object { $_.Name -notin $common -and $_.Name -notin $newer -and $_.Name -notin @($script:ExtraParameters[$name]) })
            $theirParameters = @($set.parameters | Where-Object { $_.name -notin $common -and $_.name -notin $script:NotOffered })
            # Names compare as PowerShell binds them, without regard to case (their -DelayBetweenTonesMS is our -DelayBetweenTonesMs).
            @($ourParameters.Name.ToLowerInvariant() | Sort-Object) | Should -Be @($theirParameters.name.ToLowerInvariant() | Sort-Object) -Because "set $($set.name)"
            foreach ($theirs in $theirParameters) {
                $mine = $ourParameters | Where-Object Name -EQ $theirs.name
                $mine.IsMandatory | Should -Be $theirs.mandatory -Because "-$($theirs.name) in $($set.name)"
                $mine.ValueFromPipeline | Should -Be ($theirs.pipeline -contains 'ByValue') -Because "-$($theirs.name) in $($set.name)"
                foreach ($alias in $theirs.aliases) {
                    if ($alias -notin 'cf', 'wi') { $mine.Aliases | Should -Contain $alias -Because "-$($theirs.name)" }
                }
            }
        }
    }

    It 'asks before changing anything exactly where Microsoft''s does (-WhatIf, -Confirm)' {
        $script:Ours.Parameters.ContainsKey('WhatIf') | Should -Be ($supportsShouldProcess -and -not $script:MergedSets[$name])
    }

    It 'declares Microsoft''s output type' {
        $expected = if ($script:OutputExceptions[$name]) { $script:OutputExceptions[$name] } else { @($outputs)[0] }
        $declared = @($script:Ours.OutputType.Name)
        $declared | Should -Contain $expected
    }
}
