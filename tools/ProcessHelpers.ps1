# Child processes of the build and the tests: the graph-emulator binary, and pwsh itself.

function Start-GraphEmulator {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [string] $Token
    )
    if (-not (Test-Path $Path)) { throw "The emulator is not built: $Path" }
    $info = [Diagnostics.ProcessStartInfo]::new($Path)
    foreach ($a in '--port', '0', '--token', $Token) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($info)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait([TimeSpan]::FromSeconds(20)) -or -not $line.Result) {
        $process.Kill()
        throw 'The emulator did not print its base URL.'
    }
    [pscustomobject]@{ Process = $process; BaseUrl = $line.Result.Trim() }
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
