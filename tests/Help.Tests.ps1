# Get-Help shows the help generated from the seed markdown.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module Microsoft.Graph.CloudCommunications
    $script:Help = Get-Help Invoke-MgInviteCommunicationCallParticipant -Full
    $script:Text = $script:Help | Out-String -Width 200
}

Describe 'Get-Help Invoke-MgInviteCommunicationCallParticipant -Full' {
    It 'shows the synopsis and description' {
        $script:Help.Synopsis | Should -Match 'Invite participants to the active call'
        $script:Text | Should -Match 'DESCRIPTION'
    }

    It 'describes every parameter' {
        $names = $script:Help.parameters.parameter.name
        foreach ($p in 'AdditionalProperties', 'BodyParameter', 'CallId', 'ClientContext', 'Headers', 'InputObject', 'Participants', 'ResponseHeadersVariable', 'Confirm', 'WhatIf') {
            $names | Should -Contain $p
        }
        ($script:Help.parameters.parameter | Where-Object name -EQ 'ResponseHeadersVariable').aliases | Should -Be 'RHV'
        ($script:Help.parameters.parameter | Where-Object name -EQ 'BodyParameter').pipelineInput | Should -Be 'True (ByValue)'
    }

    It 'has the four syntax blocks' {
        @($script:Help.syntax.syntaxItem).Count | Should -Be 4
    }

    It 'has the five examples' {
        @($script:Help.examples.example).Count | Should -Be 5
        $script:Help.examples.example[3].code | Should -Match '\+12345678901'
    }

    It 'has the notes on the body''s properties' {
        $script:Text | Should -Match 'BODYPARAMETER <IPaths1Bh76Wa'
        $script:Text | Should -Match 'RemoveFromDefaultAudioRoutingGroup'
    }

    It 'links to the online version' {
        $script:Help.relatedLinks.navigationLink.uri | Should -Contain 'https://learn.microsoft.com/powershell/module/microsoft.graph.cloudcommunications/invoke-mginvitecommunicationcallparticipant'
    }
}

Describe 'Help for every exported cmdlet' {
    BeforeDiscovery {
        $script:Cmdlets = @(
            'Connect-MgGraph', 'Disconnect-MgGraph', 'Get-MgContext', 'Get-MgEnvironment', 'Add-MgEnvironment',
            'Set-MgEnvironment', 'Remove-MgEnvironment', 'Invoke-MgGraphRequest', 'Get-MgGraphOption', 'Set-MgGraphOption',
            'Set-MgRequestContext', 'Get-MgRequestContext', 'Invoke-MgInviteCommunicationCallParticipant'
        ) + @(Get-Content (Join-Path $PSScriptRoot '..' 'module' 'Microsoft.Graph.CloudCommunications' 'Generated' 'Commands.txt') | Where-Object { $_ }) |
            ForEach-Object { @{ Name = $_ } }
    }

    It '<Name> has a synopsis, a description, every parameter, an example and an online link' -ForEach $script:Cmdlets {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
        $documented = @($help.parameters.parameter.name)
        $common = [Management.Automation.PSCmdlet]::CommonParameters + [Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($p in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented | Should -Contain $p -Because "$Name -$p needs help"
        }
        $help.relatedLinks.navigationLink.uri | Should -Match '^https://learn\.microsoft\.com/powershell/module/microsoft\.graph\.'
    }

    It 'the module manifests export exactly the cmdlets that exist' {
        $auth = Get-Module Microsoft.Graph.Authentication
        @($auth.ExportedCmdlets.Keys | Sort-Object) | Should -Be @('Add-MgEnvironment', 'Connect-MgGraph', 'Disconnect-MgGraph', 'Find-MgGraphCommand', 'Get-MgContext', 'Get-MgEnvironment', 'Get-MgGraphOption', 'Get-MgRequestContext', 'Invoke-MgGraphRequest', 'Remove-MgEnvironment', 'Set-MgEnvironment', 'Set-MgGraphOption', 'Set-MgRequestContext')
        $generated = @(Get-Content (Join-Path $PSScriptRoot '..' 'module' 'Microsoft.Graph.CloudCommunications' 'Generated' 'Commands.txt') | Where-Object { $_ })
        $generated.Count | Should -Be 143
        @((Get-Module Microsoft.Graph.CloudCommunications).ExportedCmdlets.Keys | Sort-Object) | Should -Be @(@('Invoke-MgInviteCommunicationCallParticipant') + $generated | Sort-Object)
        # Every command of Microsoft's list, and the DTMF command its newer versions add.
        $listed = @(Get-Content (Join-Path $PSScriptRoot '..' 'spec' 'graph' 'cloudcommunications-commands.txt') | Where-Object { $_ })
        $listed.Count | Should -Be 119
        @($listed | Where-Object { $_ -notin (Get-Module Microsoft.Graph.CloudCommunications).ExportedCmdlets.Keys }) | Should -BeNullOrEmpty
        (Get-Module Microsoft.Graph.CloudCommunications).ExportedCmdlets.Keys | Should -Contain 'Send-MgCommunicationCallDtmfTone'
    }

    It 'about_Microsoft.Graph.CloudCommunications covers connecting, environments, the request context, errors and the emulator' {
        $about = Get-Help about_Microsoft.Graph.CloudCommunications | Out-String
        foreach ($section in 'CONNECTING', 'ENVIRONMENTS', 'THE REQUEST CONTEXT', 'ERRORS', 'THE EMULATOR') {
            $about | Should -Match $section
        }
    }
}

Describe 'Formatting' {
    BeforeAll {
        $script:Emulator = Start-TestEmulator
    }
    AfterAll {
        Stop-TestEmulator $script:Emulator
    }

    It 'the operation reads well in a table, and Format-List shows every property' {
        $op = Invoke-MgInviteCommunicationCallParticipant -CallId 'fmt' -BodyParameter @{ participants = @(@{ identity = @{ user = @{ id = 'u1'; displayName = 'Ann' } } }); clientContext = 'ctx' }
        $table = $op | Out-String -Width 160
        $table | Should -Match 'Id\s+Status\s+ClientContext\s+Participants\s+FirstIdentity'
        $table | Should -Match 'running\s+ctx\s+1\s+user Ann'
        $list = $op | Format-List * | Out-String
        foreach ($p in 'Id', 'Status', 'ClientContext', 'ResultInfo', 'Participants', 'AdditionalProperties') { $list | Should -Match "(?m)^$p\s+:" }
    }

    It 'Get-MgContext reads as a list' {
        (Get-MgContext | Out-String) | Should -Match '(?m)^Environment\s+: Local'
    }
}
