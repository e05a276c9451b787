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

function Get-EmulatorRequest($Emulator, [string] $Kind = 'invite') {
    # Invoke-RestMethod returns a JSON array as one object; the pipeline enumerates it.
    # The emulator's own control endpoint, on loopback: its test CA need not be trusted here.
    Invoke-RestMethod -SkipCertificateCheck -Uri "$($Emulator.BaseUrl)/_emulator/requests" | ForEach-Object { $_ } | Where-Object kind -EQ $Kind
}

function Register-EmulatorApp($Emulator, [hashtable] $App) {
    Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUrl)/_emulator/apps" -ContentType 'application/json' -Body ($App | ConvertTo-Json -Depth 5) | Out-Null
}

function Set-EmulatorManagedIdentity($Emulator, [hashtable] $Identity) {
    Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUrl)/_emulator/managed-identity" -ContentType 'application/json' -Body ($Identity | ConvertTo-Json -Depth 5) | Out-Null
}

function Get-EmulatorIssuedToken($Emulator) {
    Invoke-RestMethod -Uri "$($Emulator.BaseUrl)/_emulator/tokens" | ForEach-Object { $_ }
}

function Wait-NativeCallDrain {
    # After a stop, native calls end within moments; returns how many are left after 5 s.
    $deadline = [DateTime]::UtcNow.AddSeconds(5)
    while ([GraphRust.Authentication.Diagnostics]::LiveNativeCalls() -ne 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
    [GraphRust.Authentication.Diagnostics]::LiveNativeCalls()
}

function Set-EmulatorSignIn($Emulator, [hashtable] $Script) {
    # What the emulator's user does at the next delegated sign-in (approve, deny, stall, expire).
    Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUrl)/_emulator/signin" -ContentType 'application/json' -Body ($Script | ConvertTo-Json) | Out-Null
}

function Invoke-EmulatorTokenExpiry($Emulator) {
    Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUrl)/_emulator/tokens/expire" | Out-Null
}

function New-TestCertificate {
    # A self-signed RSA certificate with its private key, made in memory for the test.
    param([string] $Subject = 'CN=invite-bot.test', [datetimeoffset] $NotBefore = [datetimeoffset]::UtcNow.AddMinutes(-5), [datetimeoffset] $NotAfter = [datetimeoffset]::UtcNow.AddDays(1))
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new($Subject, $rsa, [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $cert = $request.CreateSelfSigned($NotBefore, $NotAfter)
    # Round-trip through PFX so the key is exportable and can live in a store.
    $pfx = $cert.Export([Security.Cryptography.X509Certificates.X509ContentType]::Pfx, 'pfx-pass')
    [Security.Cryptography.X509Certificates.X509Certificate2]::new($pfx, 'pfx-pass', 'Exportable,PersistKeySet')
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
