# Child processes of the build and the tests: the graph-emulator binary, and pwsh itself.

function Start-GraphEmulator {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [string] $Token,
        # Serve HTTPS; the CA to trust is written into this folder.
        [string] $TlsDir
    )
    if (-not (Test-Path $Path)) { throw "The emulator is not built: $Path" }
    $info = [Diagnostics.ProcessStartInfo]::new($Path)
    foreach ($a in '--port', '0', '--token', $Token) { $info.ArgumentList.Add($a) }
    if ($TlsDir) { foreach ($a in '--tls-dir', $TlsDir) { $info.ArgumentList.Add($a) } }
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($info)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait([TimeSpan]::FromSeconds(20)) -or -not $line.Result) {
        $process.Kill()
        throw 'The emulator did not print its base URL.'
    }
    $caPath = $null
    if ($TlsDir) { $caPath = ($process.StandardOutput.ReadLine() -replace '^ca:\s*', '').Trim() }
    [pscustomobject]@{ Process = $process; BaseUrl = $line.Result.Trim(); CaPath = $caPath }
}

function Stop-GraphEmulator($Emulator) {
    if ($Emulator -and -not $Emulator.Process.HasExited) {
        $Emulator.Process.Kill()
        $Emulator.Process.WaitForExit(5000) | Out-Null
    }
}

function Get-PwshPath {
    # The process path is `dotnet` when pwsh runs as a .NET global tool; its apphost sits in $PSHOME.
    Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
}

function Invoke-InIsolatedHome {
    # Runs a script in a child pwsh whose home (and so its user module folder and its
    # PSResourceGet repository registrations) is a fresh temporary folder, removed afterwards.
    param(
        [Parameter(Mandatory)] [string] $Script,
        # Extra module folders to put first on PSModulePath.
        [string] $ModulePath
    )
    $isolatedHome = Join-Path ([IO.Path]::GetTempPath()) "graph-home-$([Guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $isolatedHome | Out-Null
    $saved = @{}
    $overrides = @{
        HOME = $isolatedHome; USERPROFILE = $isolatedHome; LOCALAPPDATA = (Join-Path $isolatedHome 'AppData'); APPDATA = (Join-Path $isolatedHome 'AppData')
        XDG_DATA_HOME = (Join-Path $isolatedHome '.local' 'share'); XDG_CACHE_HOME = (Join-Path $isolatedHome '.cache'); XDG_CONFIG_HOME = (Join-Path $isolatedHome '.config')
        PSModulePath = $(if ($ModulePath) { $ModulePath + [IO.Path]::PathSeparator } else { '' }) + (Join-Path $PSHOME 'Modules')
    }
    # .NET reports a special folder that does not exist as '', and PSResourceGet would then
    # write its store relative to the working directory: create them, and work from the home.
    foreach ($name in 'LOCALAPPDATA', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME') {
        New-Item -ItemType Directory -Path $overrides[$name] -Force | Out-Null
    }
    foreach ($name in $overrides.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $overrides[$name])
    }
    try {
        $file = Join-Path $isolatedHome 'script.ps1'
        Set-Content -Path $file -Value $Script
        Push-Location $isolatedHome
        try {
            & (Get-PwshPath) -NoProfile -NonInteractive -File $file
        } finally {
            Pop-Location
        }
        if ($LASTEXITCODE -ne 0) { throw "The isolated pwsh failed with exit code $LASTEXITCODE" }
    } finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        Remove-Item $isolatedHome -Recurse -Force -ErrorAction SilentlyContinue
    }
}
