# A presence script as users write it, under a user's sign-in (device code) against the emulator:
# set the user's presence for an app's session, give it a status message, read it back, read
# several users' presences at once, clear the session. Then what such scripts run into.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator -NoConnect
    Connect-MgGraph -Scopes 'Presence.ReadWrite', 'Presence.Read.All' -UseDeviceCode -Environment Local -ContextScope Process -NoWelcome 6>$null
    $script:Me = '5a1e3a4c-1c2d-4e5f-8a9b-0c1d2e3f4a5b'
    $script:Colleague = '9b2f4b5d-2d3e-4f60-9bac-1d2e3f4a5b6c'
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'A script that sets a user''s presence and reads it back' {
    BeforeAll {
        Clear-EmulatorRequest $script:Emulator
        $script:Before = Get-MgCommunicationPresence -PresenceId $script:Me
        $script:Set = Set-MgCommunicationPresence -PresenceId $script:Me -SessionId 'e7d2f9a1-0000-4000-8000-00000000c0de' `
            -Availability Busy -Activity InACall -ExpirationDuration ([timespan]::FromMinutes(30)) -PassThru
        Set-MgCommunicationPresenceStatusMessage -PresenceId $script:Me -StatusMessage @{
            message = @{ content = 'In the quarterly review until 3'; contentType = 'text' }
        }
        $script:After = Get-MgCommunicationPresence -PresenceId $script:Me
        $script:Both = @(Get-MgCommunicationPresenceByUserId -Ids $script:Me, $script:Colleague)
        Clear-MgCommunicationPresence -PresenceId $script:Me -SessionId 'e7d2f9a1-0000-4000-8000-00000000c0de'
        $script:Cleared = Get-MgCommunicationPresence -PresenceId $script:Me
        $script:Sent = @(Get-EmulatorRequest $script:Emulator -Kind graph)
    }

    It 'reads a presence nobody has set as unknown, typed' {
        $script:Before | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphPresence
        $script:Before.Availability | Should -Be 'PresenceUnknown'
    }

    It 'sets it with the expiration as an ISO 8601 duration, and -PassThru says it was accepted' {
        $script:Set | Should -BeTrue
        $request = $script:Sent | Where-Object { $_.rawPath -like '*/setPresence' }
        $request.method | Should -Be 'POST'
        $request.rawPath | Should -Be "/v1.0/communications/presences/$script:Me/setPresence"
        $request.body.availability | Should -Be 'Busy'
        $request.body.activity | Should -Be 'InACall'
        $request.body.expirationDuration | Should -Be 'PT30M'
    }

    It 'reads back what it set, status message included, as typed objects' {
        $script:After.Availability | Should -Be 'Busy'
        $script:After.Activity | Should -Be 'InACall'
        $script:After.StatusMessage | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphPresenceStatusMessage
        $script:After.StatusMessage.Message.Content | Should -Be 'In the quarterly review until 3'
    }

    It 'reads several users at once, one typed presence each' {
        $script:Both.Count | Should -Be 2
        $script:Both | ForEach-Object { $_ | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphPresence }
        ($script:Both | Where-Object Id -EQ $script:Me).Availability | Should -Be 'Busy'
        ($script:Both | Where-Object Id -EQ $script:Colleague).Availability | Should -Be 'PresenceUnknown'
        ($script:Sent | Where-Object { $_.rawPath -like '*/getPresencesByUserId' }).body.ids | Should -Be @($script:Me, $script:Colleague)
    }

    It 'clears the session, and the user shows offline' {
        $script:Cleared.Availability | Should -Be 'Offline'
        $script:Cleared.Activity | Should -Be 'Offline'
    }

    It 'sent seven requests, each with a bearer token the emulator issued to the user' {
        $script:Sent.Count | Should -Be 7
        foreach ($request in $script:Sent) {
            $request.authScheme | Should -Be 'Bearer'
            $request.tokenAccepted | Should -BeTrue
        }
    }
}

Describe 'What presence scripts run into' {
    It 'refuses setPresence without the availability Graph requires, and sends nothing' {
        Clear-EmulatorRequest $script:Emulator
        Set-MgCommunicationPresence -PresenceId $script:Me -Activity Available -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $problems[0].Exception.Message | Should -Match 'availability'
        @(Get-EmulatorRequest $script:Emulator -Kind graph).Count | Should -Be 0
    }

    It 'turns Graph''s 403 into a PermissionDenied record that says which sign-in Graph refused' {
        $script = @{ path = "/v1.0/communications/presences/$script:Colleague"; answers = @(@{
                    status = 403; body = @{ error = @{ code = 'Forbidden'; message = 'Insufficient privileges to complete the operation.' } } }) }
        Invoke-RestMethod -Method Post -Uri "$($script:Emulator.BaseUrl)/_emulator/script" -ContentType 'application/json' -Body ($script | ConvertTo-Json -Depth 8) | Out-Null
        Get-MgCommunicationPresence -PresenceId $script:Colleague -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused.Count | Should -Be 1
        $refused[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'Forbidden,*'
        $refused[0].Exception.Message | Should -Match 'Insufficient privileges'
        $refused[0].Exception.Message | Should -Match "a user's sign-in \(delegated; scopes: Presence\.ReadWrite, Presence\.Read\.All\)"
    }

    It 'takes the user from the pipeline, as an identity with a PresenceId' {
        @{ PresenceId = $script:Colleague } | Set-MgCommunicationPresence -SessionId 'c0ffee00-0000-4000-8000-000000000001' -Availability Away -Activity Away
        (Get-MgCommunicationPresence -PresenceId $script:Colleague).Availability | Should -Be 'Away'
    }
}
