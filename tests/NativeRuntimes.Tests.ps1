# The package's native runtimes: each library checked against its RID by its header (ELF,
# Mach-O, PE; CPU; musl), merged by build.ps1 -Task Assemble, and the manifests' platform tags
# computed from what the package holds. Other platforms' libraries are small synthetic files.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $script:RepoRoot 'tools' 'NativeRuntimes.ps1')
    Import-Module Microsoft.Graph.Authentication -ErrorAction Stop
    $script:Staged = Join-Path $env:GRAPH_TEST_MODULES 'Microsoft.Graph.Authentication'
    $script:RealLinux = Join-Path $script:Staged 'runtimes' 'linux-x64' 'native' 'libgraph_ffi.so'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "native-runtimes-$([Guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $script:Work | Out-Null

    function New-FakeLibrary([string] $Path, [string] $Format, [string] $Cpu, [string] $Libc = 'glibc') {
        # Just enough of a header for each format, as the real files start.
        $bytes = [byte[]]::new(256)
        switch ($Format) {
            'ELF' {
                [byte[]](0x7F, 0x45, 0x4C, 0x46, 2, 1, 1) | ForEach-Object -Begin { $i = 0 } -Process { $bytes[$i++] = $_ }
                $machine = if ($Cpu -eq 'arm64') { 0xB7 } else { 0x3E }
                [BitConverter]::GetBytes([uint16]$machine).CopyTo($bytes, 18)
                $needed = if ($Libc -eq 'musl') { "libc.musl-$(if ($Cpu -eq 'arm64') { 'aarch64' } else { 'x86_64' }).so.1" } else { 'libc.so.6' }
                [Text.Encoding]::ASCII.GetBytes($needed).CopyTo($bytes, 64)
            }
            'MachO' {
                [BitConverter]::GetBytes(0xFEEDFACFu).CopyTo($bytes, 0)
                $cputype = if ($Cpu -eq 'arm64') { 0x0100000C } else { 0x01000007 }
                [BitConverter]::GetBytes([uint32]$cputype).CopyTo($bytes, 4)
            }
            'PE' {
                $bytes[0] = 0x4D; $bytes[1] = 0x5A
                [BitConverter]::GetBytes([uint32]0x80).CopyTo($bytes, 0x3C)
                [BitConverter]::GetBytes([uint32]0x00004550).CopyTo($bytes, 0x80)
                $machine = if ($Cpu -eq 'arm64') { 0xAA64 } else { 0x8664 }
                [BitConverter]::GetBytes([uint16]$machine).CopyTo($bytes, 0x84)
            }
        }
        New-Item -ItemType Directory -Path (Split-Path $Path) -Force | Out-Null
        [IO.File]::WriteAllBytes($Path, $bytes)
    }

    function New-RunnerOutput([hashtable] $Libraries) {
        # A folder as the release workflow gathers it: runtimes/<rid>/native/<library>.
        $from = Join-Path $script:Work ([Guid]::NewGuid().ToString('N'))
        foreach ($rid in $Libraries.Keys) {
            $spec = $Libraries[$rid]
            $path = Join-Path $from 'runtimes' $rid 'native' $spec.File
            if ($spec.Real) { New-Item -ItemType Directory -Path (Split-Path $path) -Force | Out-Null; Copy-Item $script:RealLinux $path }
            else { New-FakeLibrary -Path $path -Format $spec.Format -Cpu $spec.Cpu -Libc $spec.Libc }
        }
        $from
    }

    function Copy-StagedModule {
        $copy = Join-Path $script:Work ([Guid]::NewGuid().ToString('N')) 'Microsoft.Graph.Authentication'
        New-Item -ItemType Directory -Path (Split-Path $copy) | Out-Null
        Copy-Item $script:Staged $copy -Recurse
        $copy
    }
}

AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Reading a native library''s header' {
    It 'knows the real linux-x64 library: ELF, x64, glibc' {
        $info = Get-NativeBinaryInfo -Path $script:RealLinux
        $info.Format | Should -Be 'ELF'
        $info.Cpu | Should -Be 'x64'
        $info.Libc | Should -Be 'glibc'
        { Assert-NativeRuntime -Rid 'linux-x64' -Path $script:RealLinux } | Should -Not -Throw
    }

    It 'tells <Format> <Cpu> apart' -TestCases @(
        @{ Format = 'PE'; Cpu = 'x64'; File = 'graph_ffi.dll'; Rid = 'win-x64' }
        @{ Format = 'PE'; Cpu = 'arm64'; File = 'graph_ffi.dll'; Rid = 'win-arm64' }
        @{ Format = 'MachO'; Cpu = 'x64'; File = 'libgraph_ffi.dylib'; Rid = 'osx-x64' }
        @{ Format = 'MachO'; Cpu = 'arm64'; File = 'libgraph_ffi.dylib'; Rid = 'osx-arm64' }
        @{ Format = 'ELF'; Cpu = 'arm64'; File = 'libgraph_ffi.so'; Rid = 'linux-arm64' }
    ) {
        $path = Join-Path $script:Work $Rid $File
        New-FakeLibrary -Path $path -Format $Format -Cpu $Cpu
        $info = Get-NativeBinaryInfo -Path $path
        $info.Format | Should -Be $Format
        $info.Cpu | Should -Be $Cpu
        { Assert-NativeRuntime -Rid $Rid -Path $path } | Should -Not -Throw
    }

    It 'refuses a library that is not what its RID needs, saying what it is' {
        $pe = Join-Path $script:Work 'wrong' 'libgraph_ffi.dylib'
        New-FakeLibrary -Path $pe -Format PE -Cpu x64
        { Assert-NativeRuntime -Rid 'osx-x64' -Path $pe } | Should -Throw '*a PE file, not MachO*'
        $arm = Join-Path $script:Work 'wrong-arm' 'libgraph_ffi.so'
        New-FakeLibrary -Path $arm -Format ELF -Cpu arm64
        { Assert-NativeRuntime -Rid 'linux-x64' -Path $arm } | Should -Throw '*built for arm64, not x64*'
        { Assert-NativeRuntime -Rid 'linux-musl-x64' -Path $script:RealLinux } | Should -Throw '*linked to glibc, not musl*'
        { Assert-NativeRuntime -Rid 'win-x64' -Path $script:RealLinux } | Should -Throw '*needs ''graph_ffi.dll''*'
    }
}

Describe 'Merging the runners'' libraries (build.ps1 -Task Assemble)' {
    It 'merges every runtime, records them and computes the platform tags' {
        $from = New-RunnerOutput @{
            'linux-x64'        = @{ File = 'libgraph_ffi.so'; Real = $true }
            'linux-musl-arm64' = @{ File = 'libgraph_ffi.so'; Format = 'ELF'; Cpu = 'arm64'; Libc = 'musl' }
            'win-x64'          = @{ File = 'graph_ffi.dll'; Format = 'PE'; Cpu = 'x64' }
            'osx-arm64'        = @{ File = 'libgraph_ffi.dylib'; Format = 'MachO'; Cpu = 'arm64' }
        }
        $module = Copy-StagedModule
        $held = Copy-NativeRuntime -From $from -Module $module -Require 'linux-x64', 'win-x64'
        $held | Should -Be @('linux-musl-arm64', 'linux-x64', 'osx-arm64', 'win-x64')
        Join-Path $module 'runtimes' 'win-x64' 'native' 'graph_ffi.dll' | Should -Exist
        $manifest = Import-PowerShellDataFile (Join-Path $module 'Microsoft.Graph.Authentication.psd1')
        $manifest.PrivateData.NativeRuntimes | Should -Be $held
        $manifest.PrivateData.PSData.Tags | Should -Contain 'Windows'
        $manifest.PrivateData.PSData.Tags | Should -Contain 'MacOS'
        $manifest.PrivateData.PSData.Tags | Should -Contain 'Linux'
        $manifest.PrivateData.PSData.Tags | Should -Contain 'Graph'
    }

    It 'refuses a missing runtime, an unknown one, and a mismatched library, and copies nothing then' {
        $module = Copy-StagedModule
        $from = New-RunnerOutput @{ 'linux-x64' = @{ File = 'libgraph_ffi.so'; Real = $true } }
        { Copy-NativeRuntime -From $from -Module $module -Require 'linux-x64', 'win-arm64' } | Should -Throw '*Missing runtimes: win-arm64*'
        $unknown = New-RunnerOutput @{ 'freebsd-x64' = @{ File = 'libgraph_ffi.so'; Format = 'ELF'; Cpu = 'x64' } }
        { Copy-NativeRuntime -From $unknown -Module $module } | Should -Throw '*runtimes/freebsd-x64 is not a runtime this package supports*'
        $mismatch = New-RunnerOutput @{ 'win-arm64' = @{ File = 'graph_ffi.dll'; Format = 'PE'; Cpu = 'x64' } }
        { Copy-NativeRuntime -From $mismatch -Module $module } | Should -Throw '*built for x64, not arm64*'
        @(Get-ChildItem (Join-Path $module 'runtimes') -Directory).Name | Should -Be @('linux-x64')
    }
}

Describe 'The staged package tells the truth about its platforms' {
    It 'has the platform tags of the runtimes it holds, and lists them' {
        $held = @(Get-ChildItem (Join-Path $script:Staged 'runtimes') -Directory).Name
        $auth = Import-PowerShellDataFile (Join-Path $script:Staged 'Microsoft.Graph.Authentication.psd1')
        $auth.PrivateData.NativeRuntimes | Should -Be $held
        $platforms = @($auth.PrivateData.PSData.Tags | Where-Object { $_ -in 'Windows', 'MacOS', 'Linux' })
        $platforms | Should -Be @(Get-PlatformTag -Rid $held)
        $cloud = Import-PowerShellDataFile (Join-Path $env:GRAPH_TEST_MODULES 'Microsoft.Graph.CloudCommunications' 'Microsoft.Graph.CloudCommunications.psd1')
        @($cloud.PrivateData.PSData.Tags | Where-Object { $_ -in 'Windows', 'MacOS', 'Linux' }) | Should -Be $platforms
    }
}

Describe 'Which library a machine needs (the module''s resolver)' {
    It '<Os> <Arch> musl=<Musl> is <Rid>, whose library is <File>' -TestCases @(
        @{ Os = 'win'; Arch = 'X64'; Musl = $false; Rid = 'win-x64'; File = 'graph_ffi.dll' }
        @{ Os = 'win'; Arch = 'Arm64'; Musl = $false; Rid = 'win-arm64'; File = 'graph_ffi.dll' }
        @{ Os = 'osx'; Arch = 'X64'; Musl = $false; Rid = 'osx-x64'; File = 'libgraph_ffi.dylib' }
        @{ Os = 'osx'; Arch = 'Arm64'; Musl = $false; Rid = 'osx-arm64'; File = 'libgraph_ffi.dylib' }
        @{ Os = 'linux'; Arch = 'X64'; Musl = $false; Rid = 'linux-x64'; File = 'libgraph_ffi.so' }
        @{ Os = 'linux'; Arch = 'Arm64'; Musl = $false; Rid = 'linux-arm64'; File = 'libgraph_ffi.so' }
        @{ Os = 'linux'; Arch = 'X64'; Musl = $true; Rid = 'linux-musl-x64'; File = 'libgraph_ffi.so' }
        @{ Os = 'linux'; Arch = 'Arm64'; Musl = $true; Rid = 'linux-musl-arm64'; File = 'libgraph_ffi.so' }
    ) {
        [GraphRust.Authentication.NativeRuntime]::RuntimeIdentifier($Os, [Runtime.InteropServices.Architecture]$Arch, $Musl) | Should -Be $Rid
        [GraphRust.Authentication.NativeRuntime]::LibraryFileName($Os) | Should -Be $File
        $script:NativeRuntimes[$Rid].File | Should -Be $File -Because 'the build and the module agree on file names'
    }

    It 'this machine is linux-x64 (glibc), which the staged package holds' {
        [GraphRust.Authentication.NativeRuntime]::Current | Should -Be 'linux-x64'
        [GraphRust.Authentication.NativeRuntime]::MissingRuntimeMessage($script:Staged, 'linux-x64') | Should -BeNullOrEmpty
    }

    It 'a package without this machine''s library says so at import, with the platforms it holds' {
        $module = Copy-StagedModule
        Remove-Item (Join-Path $module 'runtimes' 'linux-x64') -Recurse
        New-FakeLibrary -Path (Join-Path $module 'runtimes' 'win-x64' 'native' 'graph_ffi.dll') -Format PE -Cpu x64
        New-FakeLibrary -Path (Join-Path $module 'runtimes' 'osx-arm64' 'native' 'libgraph_ffi.dylib') -Format MachO -Cpu arm64
        $output = & (Get-PwshPath) -NoProfile -Command "try { Import-Module '$module' -ErrorAction Stop; 'imported' } catch { `$_.Exception.Message }"
        ($output -join ' ') | Should -BeLike '*holds native libraries for osx-arm64, win-x64 only; this machine needs linux-x64*'
    }
}
