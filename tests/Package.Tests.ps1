# The gallery path: install both modules by name from the folder repository that
# `build.ps1 -Task Package` made, into an empty user module folder, run a seed example, uninstall.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $script:RepoRoot 'tools' 'BuildHelpers.ps1')
    $script:Packages = if ($env:GRAPH_TEST_PACKAGES) { $env:GRAPH_TEST_PACKAGES } else { Join-Path $script:RepoRoot 'out' 'packages' }
    $script:Emulator = Start-GraphEmulator -Path $script:EmulatorPath -Token 'package-token'
}

AfterAll {
    Stop-GraphEmulator $script:Emulator
}

Describe 'Installing from a gallery' {
    It 'the folder repository holds both packages, the native library inside in its RID folder' {
        $auth = Get-Item (Join-Path $script:Packages 'Microsoft.Graph.Authentication.*.nupkg')
        $cc = Get-Item (Join-Path $script:Packages 'Microsoft.Graph.CloudCommunications.*.nupkg')
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($auth.FullName)
        try {
            $zip.Entries.FullName | Should -Contain "runtimes/$(Get-RuntimeIdentifier)/native/$(Get-NativeLibraryName)"
            $zip.Entries.FullName | Should -Contain 'GraphRust.Authentication.dll'
            $zip.Entries.FullName | Should -Contain 'en-US/GraphRust.Authentication.dll-Help.xml'
        } finally {
            $zip.Dispose()
        }
        $cc.Length | Should -BeGreaterThan 0
    }

    It 'Install-PSResource by name brings Authentication along; Import-Module by name runs a seed example; uninstall removes both' {
        $example = (Read-CommandMarkdown $script:SeedHelpPath).Examples[0].Code
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name GraphRsPackageTest -Uri '$($script:Packages)' -Trusted
Install-PSResource -Name Microsoft.Graph.CloudCommunications -Repository GraphRsPackageTest -Scope CurrentUser
`$installed = @(Get-InstalledPSResource | Sort-Object Name | ForEach-Object { `$_.Name + ' ' + `$_.Version })
Import-Module Microsoft.Graph.CloudCommunications
`$loadedFrom = (Get-Module Microsoft.Graph.Authentication).ModuleBase
Add-MgEnvironment -Name Local -GraphEndpoint '$($script:Emulator.BaseUrl)' -AzureADEndpoint '$($script:Emulator.BaseUrl)' | Out-Null
Connect-MgGraph -Environment Local -AccessToken (ConvertTo-SecureString 'package-token' -AsPlainText -Force) -NoWelcome
`$callId = 'package-call'
`$operation = & { $example }
Remove-Module Microsoft.Graph.CloudCommunications, Microsoft.Graph.Authentication
Uninstall-PSResource -Name Microsoft.Graph.CloudCommunications -Scope CurrentUser
Uninstall-PSResource -Name Microsoft.Graph.Authentication -Scope CurrentUser
[pscustomobject]@{
    Installed = `$installed
    LoadedFrom = `$loadedFrom
    UserModules = [Environment]::GetFolderPath('UserProfile')
    Status = `$operation.Status
    Left = @(Get-InstalledPSResource -ErrorAction SilentlyContinue).Count
} | ConvertTo-Json -Compress
"@
        $json = Invoke-InIsolatedHome -Script $script | Select-Object -Last 1
        $result = $json | ConvertFrom-Json
        $version = (Select-String -Path (Join-Path $script:RepoRoot 'Cargo.toml') -Pattern '^version\s*=\s*"([^"]+)"').Matches[0].Groups[1].Value
        $result.Installed | Should -Be @("Microsoft.Graph.Authentication $version", "Microsoft.Graph.CloudCommunications $version")
        $result.LoadedFrom | Should -BeLike "$($result.UserModules)*"
        $result.LoadedFrom | Should -Not -BeLike "$($script:RepoRoot)*"
        $result.Status | Should -Be 'running'
        $result.Left | Should -Be 0
        @(Get-EmulatorRequest $script:Emulator).callId | Should -Be @('package-call')
    }

    It 'leaves the user''s own repository registrations as they were' {
        Get-PSResourceRepository -Name 'GraphRsPackageTest', 'GraphRsBuild' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Join-Path $script:RepoRoot 'PSResourceGet' | Should -Not -Exist
    }
}
