# The native libraries a package can hold, one per runtime identifier (RID), and the checks
# that each is the right kind of file for its RID: ELF, Mach-O or PE, the right CPU, and for
# Alpine the musl C library. `build.ps1 -Task Assemble` merges the runners' libraries with them.

# RID -> the library's file name, its binary format and CPU, and (Linux) its C library.
$script:NativeRuntimes = [ordered]@{
    'win-x64'          = @{ File = 'graph_ffi.dll'; Format = 'PE'; Cpu = 'x64'; Platform = 'Windows' }
    'win-arm64'        = @{ File = 'graph_ffi.dll'; Format = 'PE'; Cpu = 'arm64'; Platform = 'Windows' }
    'osx-x64'          = @{ File = 'libgraph_ffi.dylib'; Format = 'MachO'; Cpu = 'x64'; Platform = 'MacOS' }
    'osx-arm64'        = @{ File = 'libgraph_ffi.dylib'; Format = 'MachO'; Cpu = 'arm64'; Platform = 'MacOS' }
    'linux-x64'        = @{ File = 'libgraph_ffi.so'; Format = 'ELF'; Cpu = 'x64'; Platform = 'Linux'; Libc = 'glibc' }
    'linux-arm64'      = @{ File = 'libgraph_ffi.so'; Format = 'ELF'; Cpu = 'arm64'; Platform = 'Linux'; Libc = 'glibc' }
    'linux-musl-x64'   = @{ File = 'libgraph_ffi.so'; Format = 'ELF'; Cpu = 'x64'; Platform = 'Linux'; Libc = 'musl' }
    'linux-musl-arm64' = @{ File = 'libgraph_ffi.so'; Format = 'ELF'; Cpu = 'arm64'; Platform = 'Linux'; Libc = 'musl' }
}

function Get-NativeBinaryInfo {
    # What a native library is, read from its header: Format (ELF, MachO, PE), Cpu (x64, arm64,
    # or the raw machine number) and, for ELF, the C library it links (glibc, musl, or unknown).
    param([Parameter(Mandatory)] [string] $Path)
    $bytes = [IO.File]::ReadAllBytes($Path)
    $u16 = { param([int] $at) if ($at + 2 -le $bytes.Length) { [BitConverter]::ToUInt16($bytes, $at) } else { -1 } }
    $u32 = { param([int] $at) if ($at + 4 -le $bytes.Length) { [BitConverter]::ToUInt32($bytes, $at) } else { -1 } }
    if ($bytes.Length -ge 20 -and $bytes[0] -eq 0x7F -and $bytes[1] -eq 0x45 -and $bytes[2] -eq 0x4C -and $bytes[3] -eq 0x46) {
        $machine = & $u16 18
        $cpu = switch ($machine) { 0x3E { 'x64' } 0xB7 { 'arm64' } default { "machine 0x{0:X}" -f $machine } }
        # The C library shows in the dynamic section's needed names.
        $text = [Text.Encoding]::ASCII.GetString($bytes)
        $libc = if ($text.Contains('libc.musl-')) { 'musl' } elseif ($text.Contains('libc.so.6')) { 'glibc' } else { 'unknown' }
        return [pscustomobject]@{ Format = 'ELF'; Cpu = $cpu; Libc = $libc }
    }
    $magic = & $u32 0
    if ($magic -eq 0xFEEDFACFu) {
        $cputype = & $u32 4
        $cpu = switch ($cputype) { 0x01000007 { 'x64' } 0x0100000C { 'arm64' } default { "cputype 0x{0:X}" -f $cputype } }
        return [pscustomobject]@{ Format = 'MachO'; Cpu = $cpu; Libc = $null }
    }
    if ($bytes.Length -ge 64 -and $bytes[0] -eq 0x4D -and $bytes[1] -eq 0x5A) {
        $pe = & $u32 0x3C
        if ((& $u32 $pe) -eq 0x00004550) {
            $machine = & $u16 ($pe + 4)
            $cpu = switch ($machine) { 0x8664 { 'x64' } 0xAA64 { 'arm64' } default { "machine 0x{0:X}" -f $machine } }
            return [pscustomobject]@{ Format = 'PE'; Cpu = $cpu; Libc = $null }
        }
    }
    [pscustomobject]@{ Format = 'unknown'; Cpu = 'unknown'; Libc = $null }
}

function Assert-NativeRuntime {
    # Throws unless the library at Path is what the RID needs; says what it is instead.
    param([Parameter(Mandatory)] [string] $Rid, [Parameter(Mandatory)] [string] $Path)
    $want = $script:NativeRuntimes[$Rid]
    if (-not $want) { throw "Unknown runtime '$Rid': the package holds $($script:NativeRuntimes.Keys -join ', ')." }
    if ((Split-Path $Path -Leaf) -ne $want.File) { throw "runtimes/$Rid/native holds '$(Split-Path $Path -Leaf)'; $Rid needs '$($want.File)'." }
    $is = Get-NativeBinaryInfo -Path $Path
    $problems = @()
    if ($is.Format -ne $want.Format) { $problems += "a $($is.Format) file, not $($want.Format)" }
    if ($is.Cpu -ne $want.Cpu) { $problems += "built for $($is.Cpu), not $($want.Cpu)" }
    if ($want['Libc'] -and $is.Libc -ne $want['Libc']) { $problems += "linked to $($is.Libc), not $($want['Libc'])" }
    if ($problems) { throw "runtimes/$Rid/native/$($want.File) is $($problems -join ', ')." }
}

function Get-PlatformTag {
    # The gallery tags (Windows, MacOS, Linux) of the runtimes a package holds, in that order.
    param([string[]] $Rid)
    $held = @($Rid | ForEach-Object { $script:NativeRuntimes[$_].Platform })
    @('Windows', 'MacOS', 'Linux') | Where-Object { $held -contains $_ }
}

function Set-ManifestRuntime {
    # Records the runtimes in a module manifest: PrivateData.NativeRuntimes, and platform tags
    # computed from them (the other tags are kept); -TagsOnly for a module without native code.
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string[]] $Rid, [switch] $TagsOnly)
    $text = Get-Content $Path -Raw
    $platforms = @('Windows', 'MacOS', 'Linux')
    $match = [regex]::Match($text, "Tags\s*=\s*@\(([^)]*)\)[^\r\n]*")
    if (-not $match.Success) { throw "$Path has no Tags to update." }
    $kept = @([regex]::Matches($match.Groups[1].Value, "'([^']*)'") | ForEach-Object { $_.Groups[1].Value } | Where-Object { $platforms -notcontains $_ })
    $tags = @($kept) + @(Get-PlatformTag -Rid $Rid)
    $text = $text.Remove($match.Index, $match.Length).Insert($match.Index, "Tags         = @($(($tags | ForEach-Object { "'$_'" }) -join ', '))")
    $list = "NativeRuntimes = @($(($Rid | ForEach-Object { "'$_'" }) -join ', '))"
    if ($TagsOnly) {
        # Nothing to list.
    } elseif ($text -match "NativeRuntimes\s*=\s*@\([^)]*\)") {
        $text = $text -replace "NativeRuntimes\s*=\s*@\([^)]*\)", $list
    } else {
        $text = $text -replace "PrivateData\s*=\s*@\{", "PrivateData          = @{`n        $list"
    }
    Set-Content -Path $Path -Value $text -NoNewline
}

function Copy-NativeRuntime {
    # Merges <From>/runtimes/<rid>/native/<library> folders into the staged module: each RID must
    # be known, hold its library, and the library must be right for it; -Require names RIDs that
    # must be there. Records what the module then holds in its manifest; returns those RIDs.
    param(
        [Parameter(Mandatory)] [string] $From,
        [Parameter(Mandatory)] [string] $Module,
        [string[]] $Require = @()
    )
    $source = Join-Path $From 'runtimes'
    if (-not (Test-Path $source -PathType Container)) { throw "$From has no runtimes folder (expected runtimes/<rid>/native/<library>)." }
    $found = @(Get-ChildItem $source -Directory | Sort-Object Name)
    foreach ($dir in $found) {
        $rid = $dir.Name
        $want = $script:NativeRuntimes[$rid]
        if (-not $want) { throw "runtimes/$rid is not a runtime this package supports ($($script:NativeRuntimes.Keys -join ', '))." }
        $library = Join-Path $dir.FullName 'native' $want.File
        if (-not (Test-Path $library -PathType Leaf)) { throw "runtimes/$rid has no native/$($want.File)." }
        Assert-NativeRuntime -Rid $rid -Path $library
    }
    $missing = @($Require | Where-Object { $found.Name -notcontains $_ })
    if ($missing) { throw "Missing runtimes: $($missing -join ', ') (found: $(@($found.Name) -join ', '))." }
    foreach ($dir in $found) {
        $target = Join-Path $Module 'runtimes' $dir.Name 'native'
        New-Item -ItemType Directory -Path $target -Force | Out-Null
        Copy-Item (Join-Path $dir.FullName 'native' $script:NativeRuntimes[$dir.Name].File) $target -Force
    }
    $held = @(Get-ChildItem (Join-Path $Module 'runtimes') -Directory | Sort-Object Name | ForEach-Object Name)
    Set-ManifestRuntime -Path (Join-Path $Module 'Microsoft.Graph.Authentication.psd1') -Rid $held
    $held
}
