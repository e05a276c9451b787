# Our commands against Microsoft's, as Microsoft's help describes them (tests/conformance, read from
# microsoftgraph/msgraph-sdk-powershell's docs): names, parameter sets, the default set, every
# parameter with its mandatory flag, aliases and pipeline binding, and the output type.

BeforeDiscovery {
    $reference = Get-Content (Join-Path $PSScriptRoot 'conformance' 'microsoft-call-commands.json') -Raw | ConvertFrom-Json -AsHashtable
    $script:Commands = @($reference.commands)
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
        @($script:Ours.ParameterSets.Name | Sort-Object) | Should -Be @($parameterSets.name | Sort-Object)
        if ($defaultParameterSet) { $script:Ours.DefaultParameterSet | Should -Be $defaultParameterSet }
    }

    It 'has the same parameters in each set, mandatory, aliased and piped alike' {
        $common = [Management.Automation.PSCmdlet]::CommonParameters + [Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($set in $parameterSets) {
            $ourSet = $script:Ours.ParameterSets | Where-Object Name -EQ $set.name
            $ourParameters = @($ourSet.Parameters | Where-Object Name -NotIn $common)
            $theirParameters = @($set.parameters | Where-Object name -NotIn $common)
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
        $script:Ours.Parameters.ContainsKey('WhatIf') | Should -Be $supportsShouldProcess
    }

    It 'declares Microsoft''s output type' {
        $expected = if ($script:OutputExceptions[$name]) { $script:OutputExceptions[$name] } else { @($outputs)[0] }
        $declared = @($script:Ours.OutputType.Name)
        $declared | Should -Contain $expected
    }
}
