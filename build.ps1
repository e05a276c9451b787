#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, stages, tests and demonstrates the Graph invite modules.
.DESCRIPTION
    Build (default): the Rust workspace (release), the C# shims (compiled ReadyToRun for this
    platform with crossgen2 from NuGet), the MAML help, and installable module folders under
    out/modules/<Name>/.
    Package: Build, then publish both modules with Publish-PSResource into the folder
    repository out/packages (*.nupkg), without touching the user's repository registrations.
    Test: Package, then every cargo test and every Pester test (in a child pwsh -NoProfile),
    the package test included (install from out/packages into an empty module folder).
    Demo: Build, then start the local Graph emulator, connect to it and run the seed's first example.
    Bench: Build, then the benchmark suite side by side with the peers and the floor; writes
    docs/benchmarks.md and docs/benchmarks.svg (with -Quick: out/bench/benchmarks.md, few iterations).
    Fuzz: Build, then a long campaign of generated inputs through the real cmdlets (in-process, see
    rust/graph-host-tests) and the raw C ABI: -Cases per generator (default 500,000: a million
    cmdlet calls in all), a printed seed (GRAPH_FUZZ_SEED repeats it), shrunk failures saved under
    rust/graph-host-tests/regressions/ for the default run to replay.
    Soak: Build, then -Calls invites (default 100,000) through 4 parallel runspaces under injected faults.
    Assemble: Build, then merge the runners' native libraries (-From <folder> holding
    runtimes/<rid>/native/<library>) into the staged Authentication module, each checked to be the
    right file format and CPU for its RID (-Require names RIDs that must be there), record the RIDs
    and the platform tags in the manifests, and package the result into out/packages.
    Generate: run tools/generator (Graph's metadata in spec/graph → the generated cmdlets, models,
    descriptors, help, format views and test cases); the regeneration test fails on any difference.
    InstallTest: install the packages in out/packages into an empty module folder and run the
    help's first example against the emulator (the release workflow's check on each OS).
.EXAMPLE
    pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Bench', 'Fuzz', 'Soak', 'Assemble', 'InstallTest', 'Generate')]
    [string] $Task = 'Build',

    # With -Task Fuzz: generated cases per generator.
    [ValidateRange(1, [int]::MaxValue)]
    [int] $Cases = 500000,

    # With -Task Soak: invites in all.
    [ValidateRange(1, [int]::MaxValue)]
    [int] $Calls = 100000,

    # With -Task Bench: few iterations, report in out/bench (CI keeps the suite working this way).
    [switch] $Quick,

    # With -Task Assemble: the folder holding runtimes/<rid>/native/<library>, and the RIDs it must hold.
    [string] $From,
    [string[]] $Require = @(),

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
. (Join-Path $root 'tools/BuildHelpers.ps1')
. (Join-Path $root 'tools/NativeRuntimes.ps1')
. (Join-Path $root 'tools/ReadyToRun.ps1')

$version = Get-ProductVersion -CargoToml (Join-Path $root 'Cargo.toml')
$cargoProfile = if ($Configuration -eq 'Release') { 'release' } else { 'debug' }
[string[]] $cargoFlags = if ($Configuration -eq 'Release') { @('--release') } else { @() }
$target = Join-Path $root 'target' $cargoProfile
$outModules = Join-Path $root 'out' 'modules'
$hostHarness = Join-Path $root 'out' 'host-harness'
$emulatorPath = Join-Path $target ('graph-emulator' + $(if ($IsWindows) { '.exe' } else { '' }))

function Invoke-Build {
    Write-Host "==> Rust workspace ($cargoProfile), version $version"
    Invoke-Native cargo build --workspace --locked @cargoFlags

    Write-Host '==> C# shims'
    foreach ($project in 'Microsoft.Graph.Authentication/Microsoft.Graph.Authentication.Shim.csproj',
        'Microsoft.Graph.CloudCommunications/Microsoft.Graph.CloudCommunications.Shim.csproj') {
        Invoke-Native dotnet build (Join-Path $root 'dotnet-shim' $project) -c $Configuration -nologo -v q "-p:Version=$version"
    }

    Write-Host '==> C# host harness for the in-process tests (rust/graph-host-tests)'
    Invoke-Native dotnet build (Join-Path $root 'tests' 'host-harness' 'GraphHostHarness.csproj') -c $Configuration -nologo -v q -o $hostHarness

    Write-Host "==> Staging modules in $outModules (assemblies compiled ReadyToRun)"
    $rid = Get-RuntimeIdentifier
    $crossgen2 = Get-Crossgen2Command $root
    $authAssembly = Join-Path $root 'dotnet-shim' 'Microsoft.Graph.Authentication' 'bin' $Configuration 'GraphRust.Authentication.dll'
    $nativeName = Get-NativeLibraryName
    foreach ($module in 'Microsoft.Graph.Authentication', 'Microsoft.Graph.CloudCommunications') {
        $stage = Join-Path $outModules $module
        if (Test-Path $stage) { Remove-Item $stage -Recurse -Force }
        New-Item -ItemType Directory -Path $stage | Out-Null
        $source = Join-Path $root 'module' $module
        $assembly = if ($module -eq 'Microsoft.Graph.Authentication') { 'GraphRust.Authentication' } else { 'GraphRust.CloudCommunications' }
        $bin = Join-Path $root 'dotnet-shim' $module 'bin' $Configuration
        $references = if ($module -eq 'Microsoft.Graph.Authentication') { @() } else { @($authAssembly) }
        ConvertTo-ReadyToRun -Crossgen2 $crossgen2 -Assembly (Join-Path $bin "$assembly.dll") `
            -Destination (Join-Path $stage "$assembly.dll") -Reference $references
        $generated = Join-Path $source 'Generated'
        Get-ChildItem $source, $generated -File -ErrorAction SilentlyContinue | Where-Object Extension -In '.psd1', '.ps1xml' | Copy-Item -Destination $stage
        Set-ManifestVersion -Path (Join-Path $stage "$module.psd1") -Version $version
        Set-ManifestCommand -Path (Join-Path $stage "$module.psd1") -GeneratedList (Join-Path $generated 'Commands.txt')
        $docs = @(Join-Path $source 'docs'; Join-Path $generated 'docs') | Where-Object { Test-Path $_ }
        if ($docs) {
            $helpDir = Join-Path $stage 'en-US'
            New-Item -ItemType Directory -Path $helpDir | Out-Null
            $pages = @(Get-ChildItem $docs -Filter '*.md' | Where-Object Name -NotLike 'about_*')
            if ($pages) {
                ConvertTo-MamlHelp -MarkdownPath $pages.FullName -OutputPath (Join-Path $helpDir "$assembly.dll-Help.xml")
            }
            Get-ChildItem $docs -Filter 'about_*.md' | ForEach-Object {
                Copy-Item $_.FullName (Join-Path $helpDir ($_.BaseName + '.help.txt'))
            }
        }
        if ($module -eq 'Microsoft.Graph.Authentication') {
            $nativeDir = Join-Path $stage 'runtimes' $rid 'native'
            New-Item -ItemType Directory -Path $nativeDir | Out-Null
            Copy-Item (Join-Path $target $nativeName) $nativeDir
        }
    }
    # The manifests say which platforms the package serves: those of the runtimes it holds.
    Set-StagedRuntimeTag -Rid @($rid)
}

function Set-StagedRuntimeTag([string[]] $Rid) {
    Set-ManifestRuntime -Path (Join-Path $outModules 'Microsoft.Graph.Authentication' 'Microsoft.Graph.Authentication.psd1') -Rid $Rid
    Set-ManifestRuntime -Path (Join-Path $outModules 'Microsoft.Graph.CloudCommunications' 'Microsoft.Graph.CloudCommunications.psd1') -Rid $Rid -TagsOnly
}

function Invoke-Package {
    Invoke-Build
    Publish-StagedModule
}

function Invoke-Assemble {
    if (-not $From) { throw '-Task Assemble needs -From <folder holding runtimes/<rid>/native/<library>>.' }
    Invoke-Build
    Write-Host "==> Merging the native runtimes of $From"
    # "-Require a,b" from a shell that is not PowerShell arrives as one string.
    $required = @($Require | ForEach-Object { $_ -split ',' } | ForEach-Object Trim | Where-Object { $_ })
    $held = Copy-NativeRuntime -From $From -Module (Join-Path $outModules 'Microsoft.Graph.Authentication') -Require $required
    Set-StagedRuntimeTag -Rid $held
    Write-Host "    runtimes: $($held -join ', ')"
    Publish-StagedModule
}

function Publish-StagedModule {
    $packages = Join-Path $root 'out' 'packages'
    if (Test-Path $packages) { Remove-Item $packages -Recurse -Force }
    New-Item -ItemType Directory -Path $packages | Out-Null
    Write-Host "==> Publish-PSResource into $packages"
    $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name GraphRsBuild -Uri '$packages' -Trusted
Publish-PSResource -Path '$(Join-Path $outModules 'Microsoft.Graph.Authentication')' -Repository GraphRsBuild
Publish-PSResource -Path '$(Join-Path $outModules 'Microsoft.Graph.CloudCommunications')' -Repository GraphRsBuild
"@
    # A throw-away home: the repository registration never reaches the user's own settings.
    Invoke-InIsolatedHome -ModulePath $outModules -Script $script
    Get-ChildItem $packages -Filter *.nupkg | ForEach-Object { Write-Host ("    {0} ({1:N0} KiB)" -f $_.Name, ($_.Length / 1KB)) }
}

function Invoke-Test {
    Invoke-Package
    Write-Host '==> cargo test'
    Invoke-Native cargo test --workspace --locked @cargoFlags
    Invoke-PesterSuite -Path (Join-Path $root 'tests')
}

function Invoke-InstallTest {
    # The release's check on each OS: install the packages in out/packages (made by -Task Package
    # or Assemble, or downloaded) and run the help's first example against the emulator.
    if (-not (Get-ChildItem (Join-Path $root 'out' 'packages') -Filter '*.nupkg' -ErrorAction SilentlyContinue)) {
        throw 'out/packages holds no package: run -Task Package or -Task Assemble first (or download the release''s).'
    }
    Write-Host '==> The emulator'
    Invoke-Native cargo build --locked @cargoFlags -p graph-emulator
    Invoke-PesterSuite -Path (Join-Path $root 'tests' 'Package.Tests.ps1')
}

function Invoke-PesterSuite([string] $Path) {
    Write-Host '==> Pester (child pwsh -NoProfile)'
    $pester = Get-Module Pester -ListAvailable | Where-Object { $_.Version -ge [version]'5.0' } | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Host 'Pester 5 is not installed; installing it from the PowerShell Gallery for the current user.'
        if (Get-Command Install-PSResource -ErrorAction SilentlyContinue) {
            Install-PSResource -Name Pester -Version '[5.5.0,6.0.0)' -Scope CurrentUser -TrustRepository
        } else {
            Install-Module -Name Pester -MinimumVersion 5.5.0 -MaximumVersion 5.99.99 -Scope CurrentUser -Force -SkipPublisherCheck
        }
        $pester = Get-Module Pester -ListAvailable | Where-Object { $_.Version -ge [version]'5.0' } | Sort-Object Version -Descending | Select-Object -First 1
    }
    # What the suites load besides the modules (YamlDotNet for the workflow checks).
    Invoke-Native dotnet restore (Join-Path $root 'tests' 'tools' 'TestTools.csproj') -nologo -v q
    $env:GRAPH_EMULATOR_PATH = $emulatorPath
    $env:GRAPH_TEST_MODULES = $outModules
    $env:GRAPH_TEST_PACKAGES = Join-Path $root 'out' 'packages'
    # Environments and options the suites save go here, never into the user's own ~/.mg.
    $env:GRAPHRS_SETTINGS_DIRECTORY = Join-Path $root 'out' 'test-settings'
    if (Test-Path $env:GRAPHRS_SETTINGS_DIRECTORY) { Remove-Item $env:GRAPHRS_SETTINGS_DIRECTORY -Recurse -Force }
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($pester.Path)'
`$config = New-PesterConfiguration
`$config.Run.Path = '$Path'
`$config.Run.Exit = `$true
`$config.Output.Verbosity = 'Detailed'
`$config.TestResult.Enabled = `$true
`$config.TestResult.OutputPath = '$(Join-Path $root 'out' 'pester-results.xml')'
Invoke-Pester -Configuration `$config
"@
    Invoke-Native (Get-PwshPath) -NoProfile -NonInteractive -Command $script
}

function Invoke-Demo {
    Invoke-Build
    $token = [Guid]::NewGuid().ToString('N')
    $emulator = Start-GraphEmulator -Path $emulatorPath -Token $token
    try {
        $env:PSModulePath = $outModules + [IO.Path]::PathSeparator + $env:PSModulePath
        $demo = Join-Path $root 'tools' 'Demo.ps1'
        $env:GRAPH_DEMO_TOKEN = $token
        Invoke-Native (Get-PwshPath) -NoProfile -NonInteractive -File $demo -BaseUrl $emulator.BaseUrl
    } finally {
        Stop-GraphEmulator $emulator
    }
}

function Invoke-Bench {
    Invoke-Build
    Write-Host '==> The Graph .NET SDK (the peer), published with its dependencies'
    $sdk = Join-Path $root 'out' 'bench' 'graphsdk'
    Invoke-Native dotnet publish (Join-Path $root 'bench' 'GraphSdkPeer' 'GraphSdkPeer.csproj') -c Release -o $sdk -nologo -v q
    $output = if ($Quick) { Join-Path $root 'out' 'bench' 'benchmarks.md' } else { Join-Path $root 'docs' 'benchmarks.md' }
    $exe = if ($IsWindows) { '.exe' } else { '' }
    & (Join-Path $root 'tools' 'Benchmarks.ps1') -Root $root -ModulesPath $outModules -EmulatorPath $emulatorPath `
        -FloorPath (Join-Path $target "invite-floor$exe") -ChartPath (Join-Path $target "bench-chart$exe") `
        -GraphSdkPath $sdk -OutputPath $output -Quick:$Quick
}

function Invoke-Fuzz {
    Invoke-Build
    $env:GRAPH_FUZZ_CASES = $Cases
    $env:GRAPH_ABI_CASES = $Cases
    Write-Host "==> $Cases generated cases per generator (invites, the call commands' bodies, Invoke-MgGraphRequest, the C ABI)"
    Invoke-Native cargo test --locked @cargoFlags -p graph-host-tests --test invite_fuzz --test graph_request_fuzz --test call_body_fuzz '--' --nocapture
    Invoke-Native cargo test --locked @cargoFlags -p graph-ffi --test c_abi_abuse '--' --nocapture
}

function Invoke-Soak {
    Invoke-Build
    $env:GRAPH_SOAK_CALLS = $Calls
    Write-Host "==> Soak: $Calls invites through 4 runspaces under injected faults"
    Invoke-Native cargo test --locked @cargoFlags -p graph-host-tests --test soak '--' --nocapture
}

function Invoke-Generate {
    Write-Host '==> tools/generator: spec/graph → generated cmdlets, models, descriptors, help, tests'
    Invoke-Native dotnet run --project (Join-Path $root 'tools' 'generator' 'CommandGenerator.csproj') -c Release -- --root $root
}

switch ($Task) {
    'Generate' { Invoke-Generate }
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Package' { Invoke-Package }
    'Bench' { Invoke-Bench }
    'Fuzz' { Invoke-Fuzz }
    'Soak' { Invoke-Soak }
    'Assemble' { Invoke-Assemble }
    'InstallTest' { Invoke-InstallTest }
}
