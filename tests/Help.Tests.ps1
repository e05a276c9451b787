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
