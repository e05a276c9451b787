# A call-control script as users write it, against the emulator: connect with a client secret,
# create the call, invite someone, read who is in it, check the operation, hang up. Then what
# such scripts run into: paging, errors as records, bodies refused before anything is sent.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator -NoConnect
    $script:Secret = [Guid]::NewGuid().ToString()
    Register-EmulatorApp $script:Emulator @{ tenantId = 'contoso'; clientId = 'call-bot'; clientSecret = $script:Secret; roles = @('Calls.InitiateGroupCall.All', 'Calls.Initiate.All') }
    $credential = [pscredential]::new('call-bot', (ConvertTo-SecureString $script:Secret -AsPlainText -Force))
    Connect-MgGraph -Environment Local -TenantId contoso -ClientSecretCredential $credential -NoWelcome
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'A script that places a call, invites, reads and hangs up' {
    BeforeAll {
        $params = @{
            '@odata.type'       = '#microsoft.graph.call'
            callbackUri         = 'https://bot.contoso.com/api/calls'
            requestedModalities = @('audio')
            mediaConfig         = @{ '@odata.type' = '#microsoft.graph.serviceHostedMediaConfig' }
            targets             = @(@{ identity = @{ user = @{ id = '8d1ec1a0-7c9b-4e2a-9c3d-1b2c3d4e5f60'; displayName = 'Ann' } } })
            tenantId            = 'contoso'
        }
        $script:Call = New-MgCommunicationCall -BodyParameter $params
        $script:Invite = Invoke-MgInviteCommunicationCallParticipant -CallId $script:Call.Id -BodyParameter @{
            participants  = @(@{ identity = @{ user = @{ id = '278405a3-f568-4b3e-b684-009193463064' } } })
            clientContext = 'f2fa86af-3c51-4bc2-8fc0-475452d9764f'
        }
        $script:Participants = @(Get-MgCommunicationCallParticipant -CallId $script:Call.Id -All)
        $script:Muted = Invoke-MgMuteCommunicationCall -CallId $script:Call.Id -ClientContext 'mute-1'
        $script:Operation = Get-MgCommunicationCallOperation -CallId $script:Call.Id -CommsOperationId $script:Muted.Id
        $script:Removed = Remove-MgCommunicationCall -CallId $script:Call.Id -PassThru
    }

    It 'creates the call and returns it typed' {
        $script:Call | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphCall
        $script:Call.Id | Should -Not -BeNullOrEmpty
        $script:Call.CallbackUri | Should -Be 'https://bot.contoso.com/api/calls'
        $script:Call.MediaConfig | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphServiceHostedMediaConfig
        $script:Call.Targets[0].Identity.User.DisplayName | Should -Be 'Ann'
    }

    It 'lists the invited participant' {
        $script:Participants.Count | Should -BeGreaterOrEqual 1
        $script:Participants[0] | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphParticipant
        $script:Participants.Info.Identity.User.Id | Should -Contain '278405a3-f568-4b3e-b684-009193463064'
    }

    It 'reads an operation it started' {
        $script:Invite.Id | Should -Not -BeNullOrEmpty
        $script:Operation.Id | Should -Be $script:Muted.Id
        $script:Operation | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphMuteParticipantOperation
    }

    It 'hangs up' {
        $script:Removed | Should -BeTrue
        Get-MgCommunicationCall -CallId $script:Call.Id -ErrorAction SilentlyContinue -ErrorVariable gone | Should -BeNullOrEmpty
        $gone[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'What call scripts run into' {
    BeforeAll {
        $script:CallId = (New-MgCommunicationCall -CallbackUri 'https://bot.contoso.com/api/calls' -MediaConfig @{ '@odata.type' = '#microsoft.graph.serviceHostedMediaConfig' }).Id
        foreach ($i in 1..5) {
            New-MgCommunicationCallAudioRoutingGroup -CallId $script:CallId -RoutingMode oneToOne -Sources "s$i" -Receivers "r$i" | Out-Null
        }
    }

    It 'follows every page with -All, and stops after the first without it' {
        Invoke-RestMethod -Method Post -Uri "$($script:Emulator.BaseUrl)/_emulator/paging" -ContentType application/json -Body '{"pageSize":2}' | Out-Null
        try {
            @(Get-MgCommunicationCallAudioRoutingGroup -CallId $script:CallId -All).Count | Should -Be 5
            @(Get-MgCommunicationCallAudioRoutingGroup -CallId $script:CallId).Count | Should -Be 2
            @(Get-MgCommunicationCallAudioRoutingGroup -CallId $script:CallId -Top 3).Count | Should -Be 3
            $null = Get-MgCommunicationCallAudioRoutingGroup -CallId $script:CallId -All -CountVariable total
            $total | Should -Be 5
            Get-MgCommunicationCallAudioRoutingGroupCount -CallId $script:CallId | Should -Be 5
        } finally {
            Invoke-RestMethod -Method Post -Uri "$($script:Emulator.BaseUrl)/_emulator/paging" -ContentType application/json -Body '{"pageSize":100}' | Out-Null
        }
    }

    It 'refuses a bad body with every problem and its path, and sends nothing' {
        Clear-EmulatorRequest $script:Emulator
        Invoke-MgAnswerCommunicationCall -CallId $script:CallId -BodyParameter @{ acceptedModalities = 'audio'; participantCapacity = 'many'; mediaConfig = @{} } `
            -ErrorAction SilentlyContinue -ErrorVariable refused
        # One record per problem, each naming its path.
        $refused.Count | Should -Be 3
        $message = ($refused | ForEach-Object { $_.Exception.Message }) -join "`n"
        $message | Should -Match 'callbackUri: is required'
        $message | Should -Match 'participantCapacity: expected a whole number'
        $message | Should -Match "mediaConfig: is a microsoft.graph.mediaConfig, which is abstract"
        @(Invoke-RestMethod -Uri "$($script:Emulator.BaseUrl)/_emulator/requests" | ForEach-Object { $_ } | Where-Object { $_.rawPath -like '*/answer*' }) | Should -BeNullOrEmpty
    }

    It 'sends enum members in Graph''s spelling and warns of one it does not know' {
        $op = Invoke-MgMuteCommunicationCall -CallId $script:CallId -ClientContext 'c1'
        $op | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphMuteParticipantOperation
        $op.ClientContext | Should -Be 'c1'
        $group = New-MgCommunicationCallAudioRoutingGroup -CallId $script:CallId -RoutingMode MULTICAST -Sources a -Receivers b -WarningVariable warned
        $group.RoutingMode | Should -Be 'multicast'
        $warned | Should -BeNullOrEmpty
        $null = New-MgCommunicationCallAudioRoutingGroup -CallId $script:CallId -RoutingMode broadcast -Sources a -Receivers b -WarningVariable warned -WarningAction SilentlyContinue
        $warned[0] | Should -Match "'broadcast' is not a member of microsoft.graph.routingMode"
    }

    It 'takes the ids from -InputObject, piped' {
        $group = @(Get-MgCommunicationCallAudioRoutingGroup -CallId $script:CallId -Top 1)[0]
        @{ CallId = $script:CallId; AudioRoutingGroupId = $group.Id } | Get-MgCommunicationCallAudioRoutingGroup |
            Select-Object -ExpandProperty Id | Should -Be $group.Id
    }

    It '-WhatIf checks the body and sends nothing' {
        Clear-EmulatorRequest $script:Emulator
        Invoke-MgKeepCommunicationCallAlive -CallId $script:CallId -WhatIf
        Invoke-RestMethod -Uri "$($script:Emulator.BaseUrl)/_emulator/requests" | ForEach-Object { $_ } | Where-Object { $_.rawPath -like '*keepAlive*' } | Should -BeNullOrEmpty
    }

    It 'gives Graph''s errors as records with the status, code and request ids' {
        Get-MgCommunicationCallParticipant -CallId 'no-such-call' -ParticipantId 'p' -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failed[0].Exception.Status | Should -Be 404
    }
}
