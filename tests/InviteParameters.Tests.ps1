# The cmdlet's parameter metadata against every parameter row of the seed help.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $doc = Read-CommandMarkdown $script:SeedHelpPath
    $script:Rows = @($doc.Parameters | ForEach-Object {
            @{ Name = $_.Name; Type = $_.Type; Sets = @($_.Sets); Aliases = $_.Aliases; Required = $_.Required; Pipeline = $_.Pipeline }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module Microsoft.Graph.CloudCommunications
    $script:Command = Get-Command Invoke-MgInviteCommunicationCallParticipant
    $script:AllSets = @((Read-CommandMarkdown $script:SeedHelpPath).Sets)
}

Describe 'Invoke-MgInviteCommunicationCallParticipant' {
    It 'has the four parameter sets of the seed, InviteExpanded by default' {
        @($script:Command.ParameterSets.Name | Sort-Object) | Should -Be @($script:AllSets | Sort-Object)
        $script:Command.DefaultParameterSet | Should -Be 'InviteExpanded'
    }

    It 'supports ShouldProcess and declares the operation output type' {
        $script:Command.Parameters.Keys | Should -Contain 'WhatIf'
        $script:Command.Parameters.Keys | Should -Contain 'Confirm'
        $script:Command.OutputType.Name | Should -Contain 'Microsoft.Graph.PowerShell.Models.IMicrosoftGraphInviteParticipantsOperation'
    }

    It 'comes from the CloudCommunications module' {
        $script:Command.ModuleName | Should -Be 'Microsoft.Graph.CloudCommunications'
    }
}

Describe 'Parameter -<Name>' -ForEach $script:Rows {
    BeforeAll {
        $script:Parameter = $script:Command.Parameters[$Name]
    }

    It 'exists with type <Type>' {
        $script:Parameter | Should -Not -BeNullOrEmpty
        $script:Parameter.ParameterType.FullName | Should -Be $Type
    }

    It 'belongs to the seed''s parameter sets' {
        $actual = @($script:Parameter.ParameterSets.Keys | Where-Object { $_ -ne '__AllParameterSets' })
        if ($script:Parameter.ParameterSets.ContainsKey('__AllParameterSets')) { $actual = $script:AllSets }
        @($actual | Sort-Object) | Should -Be @($Sets | Sort-Object)
    }

    It 'has the seed''s aliases' {
        $expected = if ($Aliases -eq 'none') { @() } else { @($Aliases -split ',\s*') }
        @($script:Parameter.Aliases | Sort-Object) | Should -Be @($expected | Sort-Object)
    }

    It 'is mandatory exactly as the seed says' {
        foreach ($set in $Sets) {
            $meta = if ($script:Parameter.ParameterSets.ContainsKey($set)) { $script:Parameter.ParameterSets[$set] } else { $script:Parameter.ParameterSets['__AllParameterSets'] }
            $meta.IsMandatory | Should -Be $Required -Because "in set $set"
        }
    }

    It 'takes pipeline input as the seed says' {
        $byValue = $Pipeline -match 'ByValue'
        foreach ($set in $Sets) {
            $meta = if ($script:Parameter.ParameterSets.ContainsKey($set)) { $script:Parameter.ParameterSets[$set] } else { $script:Parameter.ParameterSets['__AllParameterSets'] }
            $meta.ValueFromPipeline | Should -Be $byValue -Because "in set $set"
            $meta.ValueFromPipelineByPropertyName | Should -BeFalse
        }
    }
}
