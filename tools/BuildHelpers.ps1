# Helpers for build.ps1: versions, native commands, platform names, manifest stamping.

. (Join-Path $PSScriptRoot 'ProcessHelpers.ps1')
. (Join-Path $PSScriptRoot 'MarkdownHelp.ps1')

function Get-ProductVersion([string] $CargoToml) {
    # The workspace version is the one product version; everything else is stamped from it.
    $match = Select-String -Path $CargoToml -Pattern '^version\s*=\s*"([^"]+)"' | Select-Object -First 1
    if (-not $match) { throw "No version in $CargoToml" }
    $match.Matches[0].Groups[1].Value
}

function Invoke-Native {
    $command, $arguments = $args
    & $command @arguments
    if ($LASTEXITCODE -ne 0) { throw "'$command $($arguments -join ' ')' failed with exit code $LASTEXITCODE" }
}

function Get-RuntimeIdentifier {
    # As the module's resolver (NativeRuntime.cs) names it: win-x64, osx-arm64, linux-musl-x64, ...
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $arch = [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
    $musl = $IsLinux -and ([Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier -like '*musl*' -or (Test-Path '/lib/ld-musl-*.so.1'))
    if ($musl) { "linux-musl-$arch" } else { "$os-$arch" }
}

function Get-NativeLibraryName {
    if ($IsWindows) { 'graph_ffi.dll' } elseif ($IsMacOS) { 'libgraph_ffi.dylib' } else { 'libgraph_ffi.so' }
}

function Set-ManifestVersion([string] $Path, [string] $Version) {
    $text = Get-Content $Path -Raw
    $text = $text -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$Version'"
    $text = $text -replace "RequiredVersion\s*=\s*'[^']*'", "RequiredVersion = '$Version'"
    Set-Content -Path $Path -Value $text -NoNewline
}

function Set-ManifestCommand([string] $Path, [string] $GeneratedList) {
    # CmdletsToExport: the hand-written cmdlets the manifest names, and the generated ones (the
    # generator's list), spelled out so that PowerShell need not load the assembly to learn them.
    if (-not (Test-Path $GeneratedList)) { return }
    $text = Get-Content $Path -Raw
    $match = [regex]::Match($text, "CmdletsToExport\s*=\s*@\(([^)]*)\)")
    $handWritten = @([regex]::Matches($match.Groups[1].Value, "'([^']+)'") | ForEach-Object { $_.Groups[1].Value })
    $all = @($handWritten) + @(Get-Content $GeneratedList | Where-Object { $_ }) | Sort-Object -Unique
    $list = ($all | ForEach-Object { "'$_'" }) -join ",`n        "
    $text = $text.Remove($match.Index, $match.Length).Insert($match.Index, "CmdletsToExport      = @(`n        $list`n    )")
    Set-Content -Path $Path -Value $text -NoNewline
}
