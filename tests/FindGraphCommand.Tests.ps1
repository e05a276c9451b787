# Find-MgGraphCommand, from a Graph URI to the commands that call it and back, answered from the
# generated command table: every command the module exports is found both ways.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module Microsoft.Graph.CloudCommunications -ErrorAction Stop
    $script:Exported = @((Get-Module Microsoft.Graph.CloudCommunications).ExportedCmdlets.Keys | Sort-Object)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module Microsoft.Graph.CloudCommunications -ErrorAction Stop
}

Describe 'Find-MgGraphCommand' {
    It 'finds the commands that call a URI template, with their methods and sets' {
        $found = @(Find-MgGraphCommand -Uri '/communications/calls/{id}/participants')
        @($found.Command | Sort-Object -Unique) | Should -Be @('Get-MgCommunicationCallParticipant', 'New-MgCommunicationCallParticipant')
        ($found | Where-Object Command -EQ 'New-MgCommunicationCallParticipant').Method | Should -Be 'POST'
        ($found | Where-Object Command -EQ 'Get-MgCommunicationCallParticipant').Variants | Should -Be @('List')
        $found | ForEach-Object {
            $_.PSObject.TypeNames[0] | Should -Be 'Microsoft.Graph.PowerShell.Authentication.Models.GraphCommand'
            $_.Module | Should -Be 'CloudCommunications'
            $_.APIVersion | Should -Be 'v1.0'
            $_.URI | Should -Be '/communications/calls/{call-id}/participants'
        }
    }

    It 'reads an absolute URI with a real id, and narrows it to a method' {
        $found = @(Find-MgGraphCommand -Uri 'https://graph.microsoft.com/v1.0/users/5a1e3a4c-1c2d-4e5f-8a9b-0c1d2e3f4a5b/presence' -Method GET)
        $found.Command | Should -Be 'Get-MgUserPresence'
        $found.OutputType | Should -Be 'IMicrosoftGraphPresence'
        @(Find-MgGraphCommand -Uri '/users/adele@contoso.com/presence').Count | Should -Be 3 -Because 'a UPN is a user''s id too (Microsoft''s takes only segments with a digit)'
        @(Find-MgGraphCommand -Uri '/users/{id}/presence').Command | Sort-Object | Should -Be @('Get-MgUserPresence', 'Remove-MgUserPresence', 'Update-MgUserPresence')
    }

    It 'finds the request a command sends' {
        $found = Find-MgGraphCommand -Command New-MgCommunicationCall
        $found.Method | Should -Be 'POST'
        $found.URI | Should -Be '/communications/calls'
        $found.OutputType | Should -Be 'IMicrosoftGraphCall'
        @($found.Variants | Sort-Object) | Should -Be @('Create', 'CreateExpanded')
        $found.Permissions | Should -BeNullOrEmpty
    }

    It 'takes regular expressions, as Microsoft''s does' {
        $meetings = @(Find-MgGraphCommand -Command '.*OnlineMeeting.*')
        @($meetings.Command | Sort-Object -Unique).Count | Should -Be 70
        @(Find-MgGraphCommand -Uri '.*/presences.*' -Method POST).Command | Should -Contain 'Set-MgCommunicationPresence'
        (Find-MgGraphCommand -Uri '/communications/calls/$count').Command | Should -Be 'Get-MgCommunicationCallCount'
    }

    It 'says what it did not find, as an ObjectNotFound error, and knows v1.0 only' {
        Find-MgGraphCommand -Command Get-MgUser -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing.Count | Should -Be 1
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $missing[0].Exception.Message | Should -Match 'knows the commands they ship only'
        Find-MgGraphCommand -Uri '/beta/communications/calls/{id}' -ErrorVariable beta -ErrorAction SilentlyContinue
        $beta.Count | Should -Be 1
        @(Find-MgGraphCommand -Uri '/v1.0/communications/calls/{id}' -ApiVersion v1.0).Count | Should -Be 2
    }
}

Describe 'Find-MgGraphCommand knows <_> both ways' -ForEach $script:Exported {
    It 'finds its requests by name, and the command again by each URI and method' {
        $rows = @(Find-MgGraphCommand -Command $_)
        $rows.Count | Should -BeGreaterThan 0
        foreach ($row in $rows) {
            @(Find-MgGraphCommand -Uri $row.URI -Method $row.Method).Command | Should -Contain $_
        }
    }
}
