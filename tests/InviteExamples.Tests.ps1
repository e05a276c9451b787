# The seed help's five examples, run verbatim against the emulator.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Examples = @((Read-CommandMarkdown $script:SeedHelpPath).Examples | ForEach-Object -Begin { $i = 0 } -Process {
            $i++
            @{ Number = $i; Code = $_.Code }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'Seed example <Number>' -ForEach $script:Examples {
    BeforeAll {
        Clear-EmulatorRequest $script:Emulator
        $callId = "seed-call-$Number"
        # Dot-sourced so that the example's own $params stays visible to the assertions.
        $all = @(. ([scriptblock]::Create($Code)) 3>&1)
        $script:Warnings = @($all | Where-Object { $_ -is [Management.Automation.WarningRecord] })
        $script:Output = @($all | Where-Object { $_ -isnot [Management.Automation.WarningRecord] })
        $script:Params = $params
        $script:Requests = @(Get-EmulatorRequest $script:Emulator)
    }

    It 'is the verbatim seed code' {
        $Code | Should -Match 'Import-Module Microsoft.Graph.CloudCommunications'
        $Code | Should -Match 'Invoke-MgInviteCommunicationCallParticipant -CallId \$callId -BodyParameter \$params'
    }

    It 'returns the operation as Microsoft''s model class' {
        $script:Output.Count | Should -Be 1
        $op = $script:Output[0]
        $op.GetType().FullName | Should -Be 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation'
        $op | Should -BeOfType ([Microsoft.Graph.PowerShell.Models.IMicrosoftGraphInviteParticipantsOperation])
        $op.Id | Should -Match '^[0-9a-f-]{36}$'
        $op.Status | Should -Be 'running'
        $op.ClientContext | Should -Be 'f2fa86af-3c51-4bc2-8fc0-475452d9764f'
        @($op.Participants).Count | Should -Be @($script:Params.participants).Count
    }

    It 'warns only where Graph documents a limit (replacesCallId with several participants)' {
        if (@($script:Params.participants).Count -gt 1) {
            $script:Warnings | Should -Match 'replacesCallId is given with more than one participant'
        } else {
            $script:Warnings | Should -BeNullOrEmpty
        }
    }

    It 'sends exactly one POST to the documented URL' {
        $script:Requests.Count | Should -Be 1
        $r = $script:Requests[0]
        $r.method | Should -Be 'POST'
        $r.rawPath | Should -Be "/v1.0/communications/calls/seed-call-$Number/participants/invite"
    }

    It 'sends the documented headers' {
        $h = $script:Requests[0].headers
        $script:Requests[0].authScheme | Should -Be 'Bearer'
        $script:Requests[0].tokenAccepted | Should -BeTrue
        $h.'content-type' | Should -Be 'application/json'
        $h.accept | Should -Be 'application/json'
        $h.'client-request-id' | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$'
        $h.'user-agent' | Should -Match '^Microsoft\.Graph\.CloudCommunications\.Rust/\d+\.\d+\.\d+'
    }

    It 'sends the body of the example, key for key' {
        ConvertTo-CanonicalJson $script:Requests[0].body | Should -Be (ConvertTo-CanonicalJson $script:Params)
    }
}

Describe 'client-request-id' {
    It 'is fresh for every call' {
        Clear-EmulatorRequest $script:Emulator
        $body = @{ participants = @(@{ identity = @{ user = @{ id = 'u' } } }) }
        1..3 | ForEach-Object { Invoke-MgInviteCommunicationCallParticipant -CallId 'fresh' -BodyParameter $body | Out-Null }
        $ids = (Get-EmulatorRequest $script:Emulator).headers.'client-request-id'
        @($ids | Select-Object -Unique).Count | Should -Be 3
    }
}
