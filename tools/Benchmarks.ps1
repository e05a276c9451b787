# The benchmark suite behind `build.ps1 -Task Bench`: every measure runs ours, the
# peers and the floor side by side in one run on this machine, against the emulator
# over loopback, and reports medians, p95 and ratios. Nothing here asserts a time.
param(
    [Parameter(Mandatory)] [string] $Root,
    [Parameter(Mandatory)] [string] $ModulesPath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [Parameter(Mandatory)] [string] $FloorPath,
    [Parameter(Mandatory)] [string] $ChartPath,
    [Parameter(Mandatory)] [string] $GraphSdkPath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [switch] $Quick
)

$ErrorActionPreference = 'Stop'
. (Join-Path $Root 'tools' 'ProcessHelpers.ps1')

$ListedParticipants = 10
$n = if ($Quick) {
    @{ Processes = 3; Calls = 100; WarmUp = 50; Parallel = 200; Memory1 = 500; Memory2 = 2000; Conversion = 1000 }
} else {
    @{ Processes = 20; Calls = 5000; WarmUp = 2000; Parallel = 5000; Memory1 = 10000; Memory2 = 100000; Conversion = 20000 }
}
$work = Join-Path ([IO.Path]::GetTempPath()) "graph-bench-$([Guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory -Path $work | Out-Null
$pwsh = Get-PwshPath
$token = 'bench-' + [Guid]::NewGuid().ToString('N')
$env:PSModulePath = $ModulesPath + [IO.Path]::PathSeparator + $env:PSModulePath

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    if (-not $sorted) { return 0 }
    $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)]
}

function Get-Summary([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    [pscustomobject]@{
        P50 = $sorted[[int][Math]::Round(($sorted.Count - 1) * 0.5)]
        P95 = $sorted[[int][Math]::Round(($sorted.Count - 1) * 0.95)]
        Count = $sorted.Count
    }
}

function Invoke-ChildScript([string] $Name, [string] $Script, [hashtable] $Environment = @{}) {
    # Runs a script in a fresh pwsh; returns its last output line and the wall time in ms.
    $file = Join-Path $work "$Name.ps1"
    Set-Content -Path $file -Value $Script
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $out = & $pwsh -NoProfile -NonInteractive -File $file
        $watch.Stop()
        if ($LASTEXITCODE -ne 0) { throw "benchmark child '$Name' failed: $out" }
    } finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
    [pscustomobject]@{ Output = $(if ($out) { @($out)[-1] }); WallMs = $watch.Elapsed.TotalMilliseconds }
}

$loadSdk = @"
foreach (`$dll in Get-ChildItem '$GraphSdkPath' -Filter *.dll) {
    try { [void][Reflection.Assembly]::LoadFrom(`$dll.FullName) } catch { }
}
"@

. (Join-Path $Root 'tools' 'MarkdownHelp.ps1')
$seedParams = Get-SeedParamsScript -MarkdownPath (Join-Path $Root 'module' 'Microsoft.Graph.CloudCommunications' 'docs' 'Invoke-MgInviteCommunicationCallParticipant.md')

$emulator = Start-GraphEmulator -Path $EmulatorPath -Token $token
$tlsDir = Join-Path $work 'tls'
$https = Start-GraphEmulator -Path $EmulatorPath -Token $token -TlsDir $tlsDir
try {
    $base = $emulator.BaseUrl
    $inviteUrl = "$base/v1.0/communications/calls/bench-call/participants/invite"
    $connect = @"
Import-Module Microsoft.Graph.CloudCommunications
Add-MgEnvironment -Name Bench -GraphEndpoint '$base' -AzureADEndpoint '$base' | Out-Null
Connect-MgGraph -Environment Bench -AccessToken (ConvertTo-SecureString '$token' -AsPlainText -Force) -NoWelcome
"@

    # --- Import -------------------------------------------------------------------------
    Write-Host "==> Import ($($n.Processes) fresh processes each)"
    $bare = @(); $ours = @(); $oursInside = @(); $sdk = @(); $inbox = @()
    for ($i = 0; $i -lt $n.Processes; $i++) {
        $bare += (Invoke-ChildScript 'bare' 'exit 0').WallMs
        $inbox += (Invoke-ChildScript 'inbox' 'Import-Module Microsoft.PowerShell.Utility').WallMs
        $r = Invoke-ChildScript 'import' '$w = [Diagnostics.Stopwatch]::StartNew(); Import-Module Microsoft.Graph.CloudCommunications; $w.Elapsed.TotalMilliseconds'
        $ours += $r.WallMs; $oursInside += [double]$r.Output
        $sdk += (Invoke-ChildScript 'sdk-import' "$loadSdk`n[void][GraphSdkPeer.PeerClient]::Create('http://127.0.0.1:1', 't')").WallMs
    }
    $import = [ordered]@{
        Bare = Get-Median $bare; Ours = Get-Median $ours; OursInProcess = Get-Median $oursInside; Sdk = Get-Median $sdk
        InBox = Get-Median $inbox
    }
    $import.OursCost = $import.Ours - $import.Bare
    $import.SdkCost = $import.Sdk - $import.Bare

    # --- Cold first call over HTTPS --------------------------------------------------------
    Write-Host '==> Cold first call over HTTPS'
    $tlsEnv = @{ SSL_CERT_FILE = $https.CaPath }
    $hbase = $https.BaseUrl
    $coldOurs = @(); $coldIrm = @(); $coldSdk = @()
    for ($i = 0; $i -lt $n.Processes; $i++) {
        $coldOurs += (Invoke-ChildScript 'cold-ours' @"
Import-Module Microsoft.Graph.CloudCommunications
Add-MgEnvironment -Name Bench -GraphEndpoint '$hbase' -AzureADEndpoint '$hbase' | Out-Null
Connect-MgGraph -Environment Bench -AccessToken (ConvertTo-SecureString '$token' -AsPlainText -Force) -NoWelcome
$seedParams
[void](Invoke-MgInviteCommunicationCallParticipant -CallId 'cold' -BodyParameter `$params)
"@ -Environment $tlsEnv).WallMs
        $coldIrm += (Invoke-ChildScript 'cold-irm' @"
$seedParams
[void](Invoke-RestMethod -Method Post -Uri '$hbase/v1.0/communications/calls/cold/participants/invite' -Headers @{ Authorization = 'Bearer $token' } -ContentType 'application/json' -Body (`$params | ConvertTo-Json -Depth 10))
"@ -Environment $tlsEnv).WallMs
        $coldSdk += (Invoke-ChildScript 'cold-sdk' @"
$loadSdk
`$client = [GraphSdkPeer.PeerClient]::Create('$hbase', '$token')
[void][GraphSdkPeer.PeerClient]::InviteAsync(`$client, 'cold', [GraphSdkPeer.PeerClient]::SeedBody()).GetAwaiter().GetResult()
"@ -Environment $tlsEnv).WallMs
    }
    $cold = [ordered]@{ Ours = Get-Median $coldOurs; Irm = Get-Median $coldIrm; Sdk = Get-Median $coldSdk; Bare = $import.Bare }

    # --- Warm call latency -------------------------------------------------------------------
    Write-Host "==> Warm call latency ($($n.Calls) calls each)"
    $loop = {
        param([string] $Name, [string] $Setup, [string] $Call)
        $r = Invoke-ChildScript $Name @"
$Setup
`$samples = [double[]]::new($($n.Calls))
for (`$i = 0; `$i -lt $($n.WarmUp); `$i++) { $Call }
`$w = [Diagnostics.Stopwatch]::new()
for (`$i = 0; `$i -lt $($n.Calls); `$i++) { `$w.Restart(); $Call; `$samples[`$i] = `$w.Elapsed.TotalMilliseconds * 1000 }
`$samples -join ','
"@
        Get-Summary ([double[]]($r.Output -split ','))
    }
    $warm = [ordered]@{}
    $warm.Ours = & $loop 'warm-ours' "$connect`n$seedParams" '[void](Invoke-MgInviteCommunicationCallParticipant -CallId bench-call -BodyParameter $params)'
    $warm.Irm = & $loop 'warm-irm' "$seedParams`n`$h = @{ Authorization = 'Bearer $token' }" "[void](Invoke-RestMethod -Method Post -Uri '$inviteUrl' -Headers `$h -ContentType 'application/json' -Body (`$params | ConvertTo-Json -Depth 10))"
    $warm.Sdk = & $loop 'warm-sdk' "$loadSdk`n`$client = [GraphSdkPeer.PeerClient]::Create('$base', '$token')" "[void][GraphSdkPeer.PeerClient]::InviteAsync(`$client, 'bench-call', [GraphSdkPeer.PeerClient]::SeedBody()).GetAwaiter().GetResult()"
    $warm.NoopCmdlet = & $loop 'warm-noop' '' 'Out-Null -InputObject 1'
    # Reads through the generated commands and Invoke-MgGraphRequest beside Invoke-RestMethod and
    # the SDK's requests: a GET of one call (it exists after the invites above) and the list of a
    # call seeded with a fixed number of participants, so every client reads the same page.
    $callUrl = "$base/v1.0/communications/calls/bench-call"
    $listedCall = 'bench-list'
    $listUrl = "$base/v1.0/communications/calls/$listedCall/participants"
    $seedCall = @{ id = $listedCall; participants = @(1..$ListedParticipants | ForEach-Object {
                @{ identity = @{ user = @{ id = [Guid]::NewGuid().ToString(); displayName = "Listed $_" } } } }) }
    Invoke-RestMethod -Method Post -Uri "$base/_emulator/calls" -ContentType 'application/json' -Body (ConvertTo-Json $seedCall -Depth 6) | Out-Null
    $sdkSetup = "$loadSdk`n`$client = [GraphSdkPeer.PeerClient]::Create('$base', '$token')"
    $irmSetup = "`$h = @{ Authorization = 'Bearer $token' }"
    $warm.GetOurs = & $loop 'get-ours' $connect '[void](Get-MgCommunicationCall -CallId bench-call)'
    $warm.GetRequest = & $loop 'get-request' $connect '[void](Invoke-MgGraphRequest -Method GET -Uri /v1.0/communications/calls/bench-call)'
    $warm.GetIrm = & $loop 'get-irm' $irmSetup "[void](Invoke-RestMethod -Method Get -Uri '$callUrl' -Headers `$h)"
    $warm.GetSdk = & $loop 'get-sdk' $sdkSetup "[void][GraphSdkPeer.PeerClient]::GetCallAsync(`$client, 'bench-call').GetAwaiter().GetResult()"
    $warm.ListOurs = & $loop 'list-ours' $connect "[void](Get-MgCommunicationCallParticipant -CallId $listedCall)"
    $warm.ListIrm = & $loop 'list-irm' $irmSetup "[void](Invoke-RestMethod -Method Get -Uri '$listUrl' -Headers `$h).value"
    $warm.ListSdk = & $loop 'list-sdk' $sdkSetup "[void][GraphSdkPeer.PeerClient]::ListParticipantsAsync(`$client, '$listedCall').GetAwaiter().GetResult()"
    # A user's presence, and the list of a user's online meetings (seeded with as many as the participants).
    $user = 'bench.user@contoso.test'
    $presenceUrl = "$base/v1.0/users/bench.user%40contoso.test/presence"
    $meetingsUrl = "$base/v1.0/users/bench.user%40contoso.test/onlineMeetings"
    foreach ($i in 1..$ListedParticipants) {
        Invoke-RestMethod -Method Post -Uri $meetingsUrl -Headers @{ Authorization = "Bearer $token" } -ContentType 'application/json' `
            -Body (@{ subject = "Bench meeting $i"; startDateTime = '2026-12-01T09:00:00Z'; endDateTime = '2026-12-01T10:00:00Z' } | ConvertTo-Json) | Out-Null
    }
    $warm.PresenceOurs = & $loop 'presence-ours' $connect "[void](Get-MgUserPresence -UserId '$user')"
    $warm.PresenceIrm = & $loop 'presence-irm' $irmSetup "[void](Invoke-RestMethod -Method Get -Uri '$presenceUrl' -Headers `$h)"
    $warm.PresenceSdk = & $loop 'presence-sdk' $sdkSetup "[void][GraphSdkPeer.PeerClient]::GetPresenceAsync(`$client, '$user').GetAwaiter().GetResult()"
    $warm.MeetingsOurs = & $loop 'meetings-ours' $connect "[void](Get-MgUserOnlineMeeting -UserId '$user')"
    $warm.MeetingsIrm = & $loop 'meetings-irm' $irmSetup "[void](Invoke-RestMethod -Method Get -Uri '$meetingsUrl' -Headers `$h).value"
    $warm.MeetingsSdk = & $loop 'meetings-sdk' $sdkSetup "[void][GraphSdkPeer.PeerClient]::ListMeetingsAsync(`$client, '$user').GetAwaiter().GetResult()"
    $floorJson = & $FloorPath --url $inviteUrl --token $token --calls $n.Calls --concurrency 1 | ConvertFrom-Json
    $warm.RustLoop = [pscustomobject]@{ P50 = $floorJson.p50_us; P95 = $floorJson.p95_us; Count = $floorJson.count }
    $warm.Floor = [pscustomobject]@{ P50 = $warm.NoopCmdlet.P50 + $warm.RustLoop.P50; P95 = $warm.NoopCmdlet.P95 + $warm.RustLoop.P95; Count = $n.Calls }

    # --- Parallel throughput -----------------------------------------------------------------------
    # A RunspacePool whose InitialSessionState imports the module once per runspace, warmed up
    # before the clock starts: what is timed is calls, not imports.
    Write-Host "==> Parallel throughput ($($n.Parallel) calls per setting)"
    $parallel = foreach ($t in 1, 2, 4, 8) {
        $per = [int][Math]::Ceiling($n.Parallel / $t)
        $rate = {
            param([string] $Name, [string] $Module, [string] $Body)
            $r = Invoke-ChildScript "$Name-$t" @"
$connect
$seedParams
`$iss = [initialsessionstate]::CreateDefault2()
$(if ($Module) { "`$iss.ImportPSModule('$Module')" })
`$pool = [runspacefactory]::CreateRunspacePool(1, $t, `$iss, `$Host)
`$pool.Open()
`$work = [scriptblock]::Create('param(`$n, `$params) for (`$i = 0; `$i -lt `$n; `$i++) { $($Body -replace "'", "''") }')
function Invoke-Batch([int] `$Count) {
    `$running = foreach (`$k in 1..$t) {
        `$ps = [powershell]::Create(); `$ps.RunspacePool = `$pool
        [void]`$ps.AddScript(`$work).AddArgument(`$Count).AddArgument(`$params)
        [pscustomobject]@{ Ps = `$ps; Async = `$ps.BeginInvoke() }
    }
    foreach (`$r in `$running) { [void]`$r.Ps.EndInvoke(`$r.Async); if (`$r.Ps.HadErrors) { throw `$r.Ps.Streams.Error[0] }; `$r.Ps.Dispose() }
}
Invoke-Batch 20
`$w = [Diagnostics.Stopwatch]::StartNew()
Invoke-Batch $per
($per * $t) / `$w.Elapsed.TotalSeconds
`$pool.Dispose()
"@
            [double]$r.Output
        }
        $oursRate = & $rate 'par-ours' 'Microsoft.Graph.CloudCommunications' '[void](Invoke-MgInviteCommunicationCallParticipant -CallId bench-call -BodyParameter $params)'
        $irmRate = & $rate 'par-irm' '' "[void](Invoke-RestMethod -Method Post -Uri '$inviteUrl' -Headers @{ Authorization = 'Bearer $token' } -ContentType 'application/json' -Body (`$params | ConvertTo-Json -Depth 10))"
        $rust = & $FloorPath --url $inviteUrl --token $token --calls ($per * $t) --concurrency $t | ConvertFrom-Json
        [pscustomobject]@{ Threads = $t; Ours = $oursRate; Irm = $irmRate; Rust = $rust.calls_per_sec }
    }

    # --- Memory ----------------------------------------------------------------------------------
    Write-Host "==> Memory ($($n.Memory1) and $($n.Memory2) calls)"
    $memory = {
        param([string] $Name, [string] $Setup, [string] $Call)
        $r = Invoke-ChildScript $Name @"
function Get-WorkingSetMb { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect(); Start-Sleep -Milliseconds 1500; [Math]::Round((Get-Process -Id `$PID).WorkingSet64 / 1MB, 1) }
`$start = Get-WorkingSetMb
$Setup
for (`$i = 0; `$i -lt 200; `$i++) { $Call }
`$afterWarmup = Get-WorkingSetMb
for (`$i = 200; `$i -lt $($n.Memory1); `$i++) { $Call }
`$first = Get-WorkingSetMb
for (`$i = $($n.Memory1); `$i -lt $($n.Memory2); `$i++) { $Call }
`$second = Get-WorkingSetMb
`$managed = [Math]::Round([GC]::GetTotalMemory(`$true) / 1MB, 1)
@(`$start, `$afterWarmup, `$first, `$second, `$managed) -join ','
"@
        $v = [double[]]($r.Output -split ',')
        [pscustomobject]@{ Start = $v[0]; AfterWarmup = $v[1]; AfterFirst = $v[2]; AfterSecond = $v[3]; Managed = $v[4] }
    }
    $mem = [ordered]@{}
    $mem.Ours = & $memory 'mem-ours' "$connect`n$seedParams" '[void](Invoke-MgInviteCommunicationCallParticipant -CallId bench-call -BodyParameter $params)'
    $mem.Sdk = & $memory 'mem-sdk' "$loadSdk`n`$client = [GraphSdkPeer.PeerClient]::Create('$base', '$token')" "[void][GraphSdkPeer.PeerClient]::InviteAsync(`$client, 'bench-call', [GraphSdkPeer.PeerClient]::SeedBody()).GetAwaiter().GetResult()"

    # --- Validation and conversion ---------------------------------------------------------------
    Write-Host '==> Validation (criterion) and conversion (PowerShell)'
    $criterionArgs = if ($Quick) { @('--warm-up-time', '0.2', '--measurement-time', '0.5') } else { @() }
    Push-Location $Root
    try {
        & cargo bench -p graph-core --bench normalize --locked -- @criterionArgs | Out-Host
        if ($LASTEXITCODE -ne 0) { throw 'cargo bench failed' }
    } finally {
        Pop-Location
    }
    $validation = foreach ($dir in Get-ChildItem (Join-Path $Root 'target' 'criterion' 'normalize_invite_body') -Directory | Where-Object Name -NE 'report') {
        $estimates = Get-Content (Join-Path $dir.FullName 'new' 'estimates.json') -Raw | ConvertFrom-Json
        [pscustomobject]@{ Body = $dir.Name; MedianUs = $estimates.median.point_estimate / 1000 }
    }
    $conversion = Invoke-ChildScript 'conversion' @"
Import-Module Microsoft.Graph.Authentication
$seedParams
`$five = @{ participants = @(1..5 | ForEach-Object { `$params.participants[0] }); clientContext = `$params.clientContext }
`$results = foreach (`$case in @(@('seed-1', `$params), @('five-participants', `$five))) {
    `$buffer = [System.Buffers.ArrayBufferWriter[byte]]::new()
    for (`$i = 0; `$i -lt $($n.WarmUp); `$i++) { `$w = [System.Text.Json.Utf8JsonWriter]::new(`$buffer); [GraphRust.Authentication.Json.PowerShellJsonWriter]::Write(`$w, `$case[1], ''); `$w.Dispose(); `$buffer.Clear() }
    `$sw = [Diagnostics.Stopwatch]::StartNew()
    for (`$i = 0; `$i -lt $($n.Conversion); `$i++) { `$w = [System.Text.Json.Utf8JsonWriter]::new(`$buffer); [GraphRust.Authentication.Json.PowerShellJsonWriter]::Write(`$w, `$case[1], ''); `$w.Dispose(); `$buffer.Clear() }
    '{0}={1}' -f `$case[0], (`$sw.Elapsed.TotalMilliseconds * 1000 / $($n.Conversion))
}
`$results -join ';'
"@
    $convert = foreach ($pair in $conversion.Output -split ';') { $k, $v = $pair -split '='; [pscustomobject]@{ Body = $k; MicrosecondsPerBody = [double]$v } }
} finally {
    Stop-GraphEmulator $emulator
    Stop-GraphEmulator $https
}

# --- Report -----------------------------------------------------------------------------------
$ms = { param($us) '{0:N3}' -f ($us / 1000) }
$ratio = { param($a, $b) if ($b -gt 0) { '{0:N2}×' -f ($a / $b) } else { 'n/a' } }
$cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Select-String '^model name' | Select-Object -First 1) -replace '^model name\s*:\s*', '') } else { $env:PROCESSOR_IDENTIFIER }
$memTotal = if (Test-Path /proc/meminfo) { '{0:N1} GiB' -f ((Get-Content /proc/meminfo | Select-String '^MemTotal' | ForEach-Object { [double](($_ -split '\s+')[1]) }) / 1MB) } else { 'unknown' }
$rustc = (& rustc --version) -join ''
$dotnet = (& dotnet --version) -join ''
$version = (Select-String -Path (Join-Path $Root 'Cargo.toml') -Pattern '^version\s*=\s*"([^"]+)"').Matches[0].Groups[1].Value

$par1 = $parallel | Where-Object Threads -EQ 1
$par2 = $parallel | Where-Object Threads -EQ 2
$oursGain = $par2.Ours / [Math]::Max($par1.Ours, 0.001)
$rustGain = $par2.Rust / [Math]::Max($par1.Rust, 0.001)
$inboxCost = $import.InBox - $import.Bare
$targets = [ordered]@{
    ('Import, whole process over bare startup, ≤ 1.1× Import-Module Microsoft.PowerShell.Utility ({0:N1} vs {1:N1} ms)' -f $import.OursCost, $inboxCost) = ($import.OursCost -le 1.1 * $inboxCost)
    ('Import-Module in-process ≤ 60 ms median ({0:N1} ms)' -f $import.OursInProcess) = ($import.OursInProcess -le 60)
    ('Warm call p50 ≤ 0.5× the Graph .NET SDK ({0} vs {1} ms)' -f (& $ms $warm.Ours.P50), (& $ms $warm.Sdk.P50)) = ($warm.Ours.P50 -le 0.5 * $warm.Sdk.P50)
    ('Warm call p50 ≤ 2.5× the floor ({0} vs {1} ms)' -f (& $ms $warm.Ours.P50), (& $ms $warm.Floor.P50)) = ($warm.Ours.P50 -le 2.5 * $warm.Floor.P50)
    ('Warm call p95 ≤ 3× the floor ({0} vs {1} ms)' -f (& $ms $warm.Ours.P95), (& $ms $warm.Floor.P95)) = ($warm.Ours.P95 -le 3 * $warm.Floor.P95)
    ('Cold first call ≤ 0.5× the SDK''s, over bare startup ({0:N1} vs {1:N1} ms)' -f ($cold.Ours - $cold.Bare), ($cold.Sdk - $cold.Bare)) = (($cold.Ours - $cold.Bare) -le 0.5 * ($cold.Sdk - $cold.Bare))
    ('Parallel gain from 1 to 2 runspaces ≥ the Rust-only loop''s ({0:N2}× vs {1:N2}×)' -f $oursGain, $rustGain) = ($oursGain -ge $rustGain)
    'Parallel ≥ 3× Invoke-RestMethod at every setting' = (@($parallel | Where-Object { $_.Ours -lt 3 * $_.Irm }).Count -eq 0)
    ('Memory growth from {0} to {1} calls ≤ 1 MB and ≤ the SDK''s ({2:N1} vs {3:N1} MB)' -f $n.Memory1, $n.Memory2, ($mem.Ours.AfterSecond - $mem.Ours.AfterFirst), ($mem.Sdk.AfterSecond - $mem.Sdk.AfterFirst)) = ((($mem.Ours.AfterSecond - $mem.Ours.AfterFirst) -le 1) -and (($mem.Ours.AfterSecond - $mem.Ours.AfterFirst) -le [Math]::Max($mem.Sdk.AfterSecond - $mem.Sdk.AfterFirst, 0)))
}

$lines = [Collections.Generic.List[string]]::new()
$lines.Add('# Benchmarks')
$lines.Add('')
$lines.Add("Made by ``pwsh ./build.ps1 -Task Bench$(if ($Quick) { ' -Quick' })`` on $(Get-Date -Format 'yyyy-MM-dd'). Every figure below comes from the same run on the same machine; ratios compare figures of that run. The emulator answers on loopback. What changed between runs, with before and after, and what stands in the way of each target not met: [performance.md](performance.md).")
$lines.Add('')
$lines.Add("Machine: $([Environment]::ProcessorCount) CPUs ($cpu), $memTotal memory, $([Runtime.InteropServices.RuntimeInformation]::OSDescription). Versions: module $version, PowerShell $($PSVersionTable.PSVersion), .NET SDK $dotnet, $rustc, Microsoft.Graph (.NET SDK) 6.10.0.")
$lines.Add('')
$lines.Add('## Targets')
$lines.Add('')
$lines.Add('| Target | Met |')
$lines.Add('| --- | --- |')
foreach ($t in $targets.GetEnumerator()) { $lines.Add("| $($t.Key) | $(if ($t.Value) { 'yes' } else { 'no' }) |") }
$lines.Add('')
$lines.Add("## Import (median of $($n.Processes) fresh ``pwsh -NoProfile`` processes)")
$lines.Add('')
$lines.Add('| Measure | Wall time (ms) | Over bare startup (ms) | Ratio to ours |')
$lines.Add('| --- | ---: | ---: | ---: |')
$lines.Add(('| bare pwsh startup (the floor) | {0:N1} | 0 | |' -f $import.Bare))
$lines.Add(('| Import-Module Microsoft.Graph.CloudCommunications (ours) | {0:N1} | {1:N1} | 1.00× |' -f $import.Ours, $import.OursCost))
$lines.Add(('| load the Microsoft Graph .NET SDK and create a GraphServiceClient | {0:N1} | {1:N1} | {2} |' -f $import.Sdk, $import.SdkCost, (& $ratio $import.SdkCost $import.OursCost)))
$lines.Add(('| Import-Module Microsoft.PowerShell.Utility (in-box: what any Import-Module by name costs) | {0:N1} | {1:N1} | {2} |' -f $import.InBox, ($import.InBox - $import.Bare), (& $ratio ($import.InBox - $import.Bare) $import.OursCost)))
$lines.Add('')
$lines.Add(('Inside the process, `Import-Module` itself takes {0:N1} ms (median).' -f $import.OursInProcess))
$lines.Add('')
$lines.Add('## Cold first call (fresh process: load, connect, one invite over HTTPS)')
$lines.Add('')
$lines.Add('| Client | Wall time (ms) | Over bare startup (ms) |')
$lines.Add('| --- | ---: | ---: |')
$lines.Add(('| ours | {0:N1} | {1:N1} |' -f $cold.Ours, ($cold.Ours - $cold.Bare)))
$lines.Add(('| Invoke-RestMethod | {0:N1} | {1:N1} |' -f $cold.Irm, ($cold.Irm - $cold.Bare)))
$lines.Add(('| Graph .NET SDK | {0:N1} | {1:N1} |' -f $cold.Sdk, ($cold.Sdk - $cold.Bare)))
$lines.Add('')
$lines.Add("## Warm call latency ($($n.Calls) sequential calls after $($n.WarmUp) warm-up calls, one process each)")
$lines.Add('')
$lines.Add('| Client | p50 (ms) | p95 (ms) | p50 ratio to ours | p50 ratio to the floor |')
$lines.Add('| --- | ---: | ---: | ---: | ---: |')
foreach ($row in @(
        @('ours: Invoke-MgInviteCommunicationCallParticipant', $warm.Ours),
        @('Invoke-RestMethod (same URL, headers, body; ConvertTo-Json per call)', $warm.Irm),
        @('Graph .NET SDK: Participants.Invite.PostAsync from PowerShell', $warm.Sdk),
        @('floor: no-op compiled cmdlet + Rust-only reqwest loop', $warm.Floor),
        @('  no-op compiled cmdlet (Out-Null)', $warm.NoopCmdlet),
        @('  Rust-only reqwest loop', $warm.RustLoop))) {
    $lines.Add(('| {0} | {1} | {2} | {3} | {4} |' -f $row[0], (& $ms $row[1].P50), (& $ms $row[1].P95), (& $ratio $row[1].P50 $warm.Ours.P50), (& $ratio $row[1].P50 $warm.Floor.P50)))
}
$lines.Add('')
$lines.Add('')
$lines.Add("Reads: a GET of one call (``/v1.0/communications/calls/bench-call``), the list of a call's $ListedParticipants participants (one page), a user's presence and the list of a user's $ListedParticipants online meetings. Ours return typed objects (``MicrosoftGraphCall``, ``MicrosoftGraphParticipant``, ``MicrosoftGraphPresence``, ``MicrosoftGraphOnlineMeeting``), Invoke-RestMethod PSCustomObjects, the SDK its Kiota models.")
$lines.Add('')
$lines.Add('| Client | p50 (ms) | p95 (ms) | p50 ratio to ours |')
$lines.Add('| --- | ---: | ---: | ---: |')
foreach ($group in @(
        @($warm.GetOurs,
            @('ours: Get-MgCommunicationCall', $warm.GetOurs),
            @('ours: Invoke-MgGraphRequest -Method GET (a hashtable)', $warm.GetRequest),
            @('Invoke-RestMethod -Method Get', $warm.GetIrm),
            @('Graph .NET SDK: Calls[id].GetAsync from PowerShell', $warm.GetSdk)),
        @($warm.ListOurs,
            @("ours: Get-MgCommunicationCallParticipant ($ListedParticipants participants)", $warm.ListOurs),
            @('Invoke-RestMethod -Method Get, .value', $warm.ListIrm),
            @('Graph .NET SDK: Participants.GetAsync from PowerShell', $warm.ListSdk)),
        @($warm.PresenceOurs,
            @('ours: Get-MgUserPresence', $warm.PresenceOurs),
            @('Invoke-RestMethod -Method Get', $warm.PresenceIrm),
            @('Graph .NET SDK: Users[id].Presence.GetAsync from PowerShell', $warm.PresenceSdk)),
        @($warm.MeetingsOurs,
            @("ours: Get-MgUserOnlineMeeting ($ListedParticipants meetings)", $warm.MeetingsOurs),
            @('Invoke-RestMethod -Method Get, .value', $warm.MeetingsIrm),
            @('Graph .NET SDK: Users[id].OnlineMeetings.GetAsync from PowerShell', $warm.MeetingsSdk)))) {
    foreach ($row in $group[1..($group.Count - 1)]) {
        $lines.Add(('| {0} | {1} | {2} | {3} |' -f $row[0], (& $ms $row[1].P50), (& $ms $row[1].P95), (& $ratio $row[1].P50 $group[0].P50)))
    }
}
$lines.Add('')
$lines.Add('![Per-call latency](benchmarks.svg)')
$lines.Add('')
$lines.Add("## Parallel throughput ($($n.Parallel) calls per setting through a RunspacePool that imported the module once per runspace, after a warm-up; the Rust-only loop with as many concurrent requests)")
$lines.Add('')
$lines.Add('| Throttle limit | ours (calls/s) | Invoke-RestMethod (calls/s) | Rust-only loop (calls/s) | ours / Rust | ours / Invoke-RestMethod |')
$lines.Add('| ---: | ---: | ---: | ---: | ---: | ---: |')
foreach ($p in $parallel) { $lines.Add(('| {0} | {1:N0} | {2:N0} | {3:N0} | {4} | {5} |' -f $p.Threads, $p.Ours, $p.Irm, $p.Rust, (& $ratio $p.Ours $p.Rust), (& $ratio $p.Ours $p.Irm))) }
$lines.Add('')
$lines.Add('## Memory (working set after a full GC and 1.5 s at rest, MB)')
$lines.Add('')
$lines.Add("| Client | fresh pwsh | after 200 calls | after $($n.Memory1) | after $($n.Memory2) | growth $($n.Memory1) → $($n.Memory2) | managed heap at the end |")
$lines.Add('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
foreach ($row in @(@('ours', $mem.Ours), @('Graph .NET SDK', $mem.Sdk))) {
    $m = $row[1]
    $lines.Add(('| {0} | {1:N1} | {2:N1} | {3:N1} | {4:N1} | {5:N1} | {6:N1} |' -f $row[0], $m.Start, $m.AfterWarmup, $m.AfterFirst, $m.AfterSecond, ($m.AfterSecond - $m.AfterFirst), $m.Managed))
}
$lines.Add('')
$lines.Add('The working set includes the garbage collector''s and the native allocator''s reserves; the managed heap column tells a leak (it would grow with the calls) from a heap that settles.')
$lines.Add('')
$lines.Add('## Validation and conversion')
$lines.Add('')
$lines.Add('| Step | Body | Median (µs) |')
$lines.Add('| --- | --- | ---: |')
foreach ($v in $validation) { $lines.Add(('| Rust normalize + validate (criterion) | {0} | {1:N2} |' -f $v.Body, $v.MedianUs)) }
foreach ($c in $convert) { $lines.Add(('| C# PowerShell value → JSON | {0} | {1:N2} |' -f $c.Body, $c.MicrosecondsPerBody)) }
$lines.Add('')
Set-Content -Path $OutputPath -Value $lines -Encoding utf8

$series = @(
    @{ name = 'ours'; p50_us = $warm.Ours.P50; p95_us = $warm.Ours.P95 }
    @{ name = 'Invoke-RestMethod'; p50_us = $warm.Irm.P50; p95_us = $warm.Irm.P95 }
    @{ name = 'Graph .NET SDK'; p50_us = $warm.Sdk.P50; p95_us = $warm.Sdk.P95 }
    @{ name = 'floor (no-op cmdlet + Rust loop)'; p50_us = $warm.Floor.P50; p95_us = $warm.Floor.P95 }
)
$seriesFile = Join-Path $work 'series.json'
ConvertTo-Json -InputObject $series | Set-Content $seriesFile
$svg = [IO.Path]::ChangeExtension($OutputPath, '.svg')
& $ChartPath $seriesFile $svg
if ($LASTEXITCODE -ne 0) { throw 'bench-chart failed' }
Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
Write-Host "Wrote $OutputPath and $svg"
