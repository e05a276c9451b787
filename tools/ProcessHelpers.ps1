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
