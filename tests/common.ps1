# Shared helpers of the Pester suites: the staged modules, the emulator, and request records.
# build.ps1 sets GRAPH_TEST_MODULES (out/modules) and GRAPH_EMULATOR_PATH before running Pester.

$script:RepoRoot = Split-Path $PSScriptRoot -Parent
. (Join-Path $script:RepoRoot 'tools' 'ProcessHelpers.ps1')
. (Join-Path $script:RepoRoot 'tools' 'MarkdownHelp.ps1')

$modules = if ($env:GRAPH_TEST_MODULES) { $env:GRAPH_TEST_MODULES } else { Join-Path $script:RepoRoot 'out' 'modules' }
if (($env:PSModulePath -split [IO.Path]::PathSeparator) -notcontains $modules) {
    $env:PSModulePath = $modules + [IO.Path]::PathSeparator + $env:PSModulePath
}
$script:EmulatorPath = if ($env:GRAPH_EMULATOR_PATH) { $env:GRAPH_EMULATOR_PATH } else { Join-Path $script:RepoRoot 'target' 'release' 'graph-emulator' }
$script:SeedHelpPath = Join-Path $script:RepoRoot 'module' 'Microsoft.Graph.CloudCommunications' 'docs' 'Invoke-MgInviteCommunicationCallParticipant.md'

function Start-TestEmulator {
    # Starts an emulator, registers it as environment 'Local' and connects to it.
    param([switch] $NoConnect)
    Import-Module Microsoft.Graph.CloudCommunications -ErrorAction Stop
    $token = [Guid]::NewGuid().ToString('N')
    $emulator = Start-GraphEmulator -Path $script:EmulatorPath -Token $token
    $emulator | Add-Member -NotePropertyName Token -NotePropertyValue $token
    Add-MgEnvironment -Name Local -GraphEndpoint $emulator.BaseUrl -AzureADEndpoint $emulator.BaseUrl | Out-Null
    if (-not $NoConnect) { Connect-TestEmulator $emulator }
    $emulator
}

function Connect-TestEmulator($Emulator, [string] $Token = $Emulator.Token) {
    Connect-MgGraph -Environment Local -AccessToken (ConvertTo-SecureString $Token -AsPlainText -Force) -NoWelcome
}

function Stop-TestEmulator($Emulator) {
    if (Get-MgContext) { Disconnect-MgGraph | Out-Null }
    Stop-GraphEmulator $Emulator
}

function Get-EmulatorRequest($Emulator) {
    # Invoke-RestMethod returns a JSON array as one object; the pipeline enumerates it.
    Invoke-RestMethod -Uri "$($Emulator.BaseUrl)/_emulator/requests" | ForEach-Object { $_ }
}

function Clear-EmulatorRequest($Emulator) {
    Invoke-RestMethod -Method Delete -Uri "$($Emulator.BaseUrl)/_emulator/requests" | Out-Null
}

function Set-EmulatorScript($Emulator, [string] $CallId, [object[]] $Answers) {
    $body = ConvertTo-Json -InputObject @($Answers) -Depth 10
    Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUrl)/_emulator/calls/$([Uri]::EscapeDataString($CallId))/script" `
        -ContentType 'application/json' -Body $body | Out-Null
}

function Set-EmulatorCallMissing($Emulator, [string] $CallId) {
    Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUrl)/_emulator/calls/$([Uri]::EscapeDataString($CallId))/missing" | Out-Null
}

function ConvertTo-CanonicalJson($Value) {
    # JSON with object keys sorted, so that two bodies compare by content, not key order.
    function Sort-Value($v) {
        if ($v -is [Collections.IDictionary]) {
            $o = [ordered]@{}
            foreach ($k in @($v.Keys) | Sort-Object) { $o[$k] = Sort-Value $v[$k] }
            return $o
        }
        if ($v -is [pscustomobject]) {
            $o = [ordered]@{}
            foreach ($p in @($v.PSObject.Properties) | Sort-Object Name) { $o[$p.Name] = Sort-Value $p.Value }
            return $o
        }
        if ($v -is [Collections.IList]) { return , @($v | ForEach-Object { Sort-Value $_ }) }
        $v
    }
    ConvertTo-Json -InputObject (Sort-Value $Value) -Depth 20 -Compress
}
