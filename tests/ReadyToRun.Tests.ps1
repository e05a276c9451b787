# The module's assemblies as staged carry ReadyToRun code for this platform (crossgen2 at build time),
# and the runtime uses it: importing, reading the context and a refused invite leave nothing of ours
# for the JIT. The runtime's own summary of what it compiled is the witness (DOTNET_JitDisasmSummary).

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $script:RepoRoot 'tools' 'ReadyToRun.ps1')
}

Describe 'ReadyToRun assemblies' {
    It 'stages <_> with precompiled code' -ForEach @(
        'Microsoft.Graph.Authentication/GraphRust.Authentication.dll'
        'Microsoft.Graph.CloudCommunications/GraphRust.CloudCommunications.dll'
    ) {
        Test-ReadyToRun (Join-Path $env:GRAPH_TEST_MODULES $_) | Should -BeTrue
    }

    It 'runs the precompiled code: the JIT compiles none of our methods for an import, Get-MgContext and a refused invite' {
        $script = @'
Import-Module Microsoft.Graph.CloudCommunications -ErrorAction Stop
$null = Get-MgContext
try { Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter @{ participants = @() } -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
'@
        # The summary goes to standard output: with DOTNET_JitStdOutFile the runtime's own writer
        # crashed the process at exit in about one run in five on this machine (any script, no module).
        $env:DOTNET_JitDisasmSummary = '1'
        try {
            $output = @(& (Get-PwshPath) -NoProfile -NonInteractive -Command $script)
        } finally {
            Remove-Item Env:DOTNET_JitDisasmSummary
        }
        $LASTEXITCODE | Should -Be 0
        # The refusal proves our code ran; the JIT's log proves it was not compiled at run time.
        ($output -join "`n") | Should -Match 'InvalidBody,GraphRust\.CloudCommunications\.Commands\.InvokeMgInviteCommunicationCallParticipantCommand'
        $compiled = @($output | Where-Object { $_ -match 'JIT compiled ' })
        $compiled.Count | Should -BeGreaterThan 100 -Because 'the runtime logs every method it compiles'
        # Tier-1 recompiles of hot precompiled methods are the JIT improving ReadyToRun code, not replacing it.
        $ours = $compiled | Where-Object { $_ -match 'JIT compiled GraphRust\.' -and $_ -notmatch 'Tier1|OSR' }
        $ours | Should -BeNullOrEmpty
    }
}
