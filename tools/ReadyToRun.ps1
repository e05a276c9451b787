# ReadyToRun for the module's assemblies: machine code compiled ahead of time (crossgen2) for this
# platform and for the .NET major version of the PowerShell running the build, so Import-Module and
# the first call do not wait on the JIT. The IL stays in the file: on another platform or another
# .NET major version (PowerShell 7.4 on .NET 8) the runtime ignores the precompiled code and JITs.

function Get-Crossgen2Command([string] $Root) {
    # crossgen2 from NuGet for this host, the version of the runtime PowerShell runs on (its ReadyToRun
    # format is the one that runtime reads).
    $rid = Get-RuntimeIdentifier
    $version = [Environment]::Version.ToString(3)
    Invoke-Native dotnet restore (Join-Path $Root 'tools' 'crossgen2' 'Crossgen2.csproj') -nologo -v q `
        "-p:Crossgen2Rid=$rid" "-p:Crossgen2Version=$version"
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages' }
    $tools = Join-Path $packages "microsoft.netcore.app.crossgen2.$rid" $version 'tools'
    $exe = Join-Path $tools ('crossgen2' + $(if ($IsWindows) { '.exe' } else { '' }))
    if (Test-Path $exe) { return , @($exe) }
    $dll = Join-Path $tools 'crossgen2.dll'
    if (Test-Path $dll) { return , @('dotnet', $dll) }
    throw "No crossgen2 in $tools"
}

function ConvertTo-ReadyToRun {
    # Compiles $Assembly to $Destination against the PowerShell and .NET that run this build
    # (and $Reference: our other assemblies), for this machine's platform.
    param(
        [Parameter(Mandatory)] [string[]] $Crossgen2,
        [Parameter(Mandatory)] [string] $Assembly,
        [Parameter(Mandatory)] [string] $Destination,
        [string[]] $Reference = @()
    )
    $rid = Get-RuntimeIdentifier
    $os = switch -Wildcard ($rid) { 'win-*' { 'windows' } 'osx-*' { 'osx' } default { 'linux' } }
    $arch = $rid.Split('-')[-1]
    $frameworkDirectory = [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
    $references = @(Join-Path $PSHOME '*.dll') + @(Join-Path $frameworkDirectory '*.dll') + $Reference
    # $Crossgen2 is the program and its leading arguments (`dotnet crossgen2.dll` where no apphost ships).
    $arguments = @($Crossgen2 | Select-Object -Skip 1) + @($Assembly, '-o', $Destination, '--targetos', $os, '--targetarch', $arch, '-O')
    foreach ($r in $references) { $arguments += @('-r', $r) }
    Invoke-Native $Crossgen2[0] @arguments
}

function Test-ReadyToRun([string] $Path) {
    # True when the assembly carries ReadyToRun code (a managed native header in its CLI header).
    $stream = [IO.File]::OpenRead($Path)
    try {
        $reader = [Reflection.PortableExecutable.PEReader]::new($stream)
        $cor = $reader.PEHeaders.CorHeader
        $null -ne $cor -and $cor.ManagedNativeHeaderDirectory.Size -gt 0
    } finally {
        $stream.Dispose()
    }
}
