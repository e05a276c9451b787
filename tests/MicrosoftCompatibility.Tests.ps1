# What existing scripts and Microsoft's own public tests of Microsoft.Graph.Authentication
# (msgraph-sdk-powershell, src/Authentication/Authentication/test, those that need no tenant)
# expect of the module, restated here; plus version pins and saved settings.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module Microsoft.Graph.CloudCommunications -ErrorAction Stop
    $script:Version = (Select-String -Path (Join-Path $script:RepoRoot 'Cargo.toml') -Pattern '^version\s*=\s*"([^"]+)"').Matches[0].Groups[1].Value
    # A dummy JWT (HS256, no roles), as Microsoft's Get-MgContext tests use.
    $script:DummyToken = 'eyJhbGciOiJIUzI1NiJ9.eyJSb2xlIjoiVGVzdCIsIklzc3VlciI6Iklzc3VlciIsIlVzZXJuYW1lIjoiVGVzdCIsImV4cCI6MTkxMTIzMDM1NiwiaWF0IjoxNjc4NDg4ODE2fQ.yjRvogDyxlQrrQV3EaEsZJKhpYuNzaCyrh5Ip9WvdjU'

    function Invoke-ChildPwsh([string] $Script, [hashtable] $Environment = @{}) {
        # A fresh process: module resolution and saved settings are what a new session sees.
        $saved = @{}
        foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
        try {
            $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command $Script 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) }
        } finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

AfterAll {
    if (Get-MgContext) { Disconnect-MgGraph | Out-Null }
}

Describe 'Versions scripts pin' {
    It 'both modules carry the product version, 2.0.0 or later' {
        [version] $script:Version | Should -BeGreaterOrEqual ([version] '2.0.0')
        (Get-Module Microsoft.Graph.Authentication).Version | Should -Be ([version] $script:Version)
        (Get-Module Microsoft.Graph.CloudCommunications).Version | Should -Be ([version] $script:Version)
    }

    It 'a script with #Requires ModuleVersion 2.0.0 and Import-Module -MinimumVersion 2.0 runs' {
        $script = Join-Path $TestDrive 'pinned.ps1'
        Set-Content $script @'
#Requires -Modules @{ ModuleName = 'Microsoft.Graph.CloudCommunications'; ModuleVersion = '2.0.0' }
Import-Module Microsoft.Graph.Authentication -MinimumVersion 2.0
(Get-Command Invoke-MgGraphRequest).Source
'@
        $result = Invoke-ChildPwsh "& '$script'"
        $result.Output | Should -Match 'Microsoft.Graph.Authentication'
        $result.ExitCode | Should -Be 0
    }

    It 'CloudCommunications loads our Authentication even with a higher one first on PSModulePath' {
        $fake = Join-Path $TestDrive 'fake-modules' 'Microsoft.Graph.Authentication' '9.9.9'
        New-Item -ItemType Directory -Path $fake -Force | Out-Null
        Set-Content (Join-Path $fake 'Microsoft.Graph.Authentication.psm1') "function Get-FakeMarker { 'fake' }"
        New-ModuleManifest -Path (Join-Path $fake 'Microsoft.Graph.Authentication.psd1') -RootModule 'Microsoft.Graph.Authentication.psm1' -ModuleVersion '9.9.9' -FunctionsToExport 'Get-FakeMarker'
        $path = (Join-Path $TestDrive 'fake-modules') + [IO.Path]::PathSeparator + $env:PSModulePath
        $result = Invoke-ChildPwsh 'Import-Module Microsoft.Graph.CloudCommunications; $a = Get-Module Microsoft.Graph.Authentication; "$($a.Version)|$($a.ModuleBase)"' @{ PSModulePath = $path }
        $result.ExitCode | Should -Be 0
        $version, $base = $result.Output.Trim() -split '\|'
        $version | Should -Be $script:Version
        $base | Should -Not -BeLike "$TestDrive*"
        # Import-Module by name alone picks the highest version, as PowerShell always does.
        (Invoke-ChildPwsh '(Import-Module Microsoft.Graph.Authentication -PassThru).Version.ToString()' @{ PSModulePath = $path }).Output.Trim() | Should -Be '9.9.9'
    }
}

Describe 'Microsoft.Graph.Authentication module (Microsoft''s module tests)' {
    BeforeAll {
        $script:Info = Get-Module Microsoft.Graph.Authentication
    }

    It 'exports only commands Microsoft''s module exports, Invoke-MgGraphRequest among them' {
        $expected = 'Add-MgEnvironment', 'Connect-MgGraph', 'Disconnect-MgGraph', 'Get-MgContext', 'Get-MgEnvironment', 'Invoke-MgGraphRequest',
            'Remove-MgEnvironment', 'Set-MgEnvironment', 'Find-MgGraphCommand', 'Connect-Graph', 'Disconnect-Graph', 'Invoke-GraphRequest',
            'Find-MgGraphPermission', 'Invoke-MgRestMethod', 'Get-MgRequestContext', 'Set-MgRequestContext', 'Set-MgGraphOption', 'Get-MgGraphOption'
        $script:Info.ExportedCommands.Keys | Should -BeIn $expected
        $script:Info.ExportedCommands.Keys | Should -Contain 'Invoke-MgGraphRequest'
    }

    It 'exports Microsoft''s aliases' {
        @($script:Info.ExportedAliases.Keys | Sort-Object) | Should -Be @('Connect-Graph', 'Disconnect-Graph', 'Invoke-GraphRequest', 'Invoke-MgRestMethod')
    }

    It 'has Microsoft''s module GUID and a Core edition' {
        $script:Info.Guid.Guid | Should -Be '883916f2-9184-46ee-b1f8-b6a2fb784cee'
        $script:Info.CompatiblePSEditions | Should -BeIn @('Core', 'Desktop')
    }
}

Describe 'Connect-MgGraph parameter sets (Microsoft''s tests)' {
    BeforeAll {
        $script:Sets = (Get-Command Connect-MgGraph).ParameterSets
        function Get-Mandatory([string] $Set) { @(($script:Sets | Where-Object Name -EQ $Set).Parameters | Where-Object IsMandatory | ForEach-Object Name) }
    }

    It 'has six sets, UserParameterSet the default with nothing mandatory' {
        $script:Sets | Should -HaveCount 6
        ($script:Sets | Where-Object Name -EQ 'UserParameterSet').IsDefault | Should -BeTrue
        Get-Mandatory 'UserParameterSet' | Should -HaveCount 0
        @('ClientId', 'TenantId', 'ContextScope', 'Environment', 'ClientTimeout') | Should -BeIn ($script:Sets | Where-Object Name -EQ 'UserParameterSet').Parameters.Name
    }

    It '<Set> has mandatory: <Mandatory>' -ForEach @(
        @{ Set = 'AppCertificateParameterSet'; Mandatory = @('ClientId') }
        @{ Set = 'AppSecretCredentialParameterSet'; Mandatory = @() }
        @{ Set = 'EnvironmentVariableParameterSet'; Mandatory = @() }
        @{ Set = 'AccessTokenParameterSet'; Mandatory = @('AccessToken') }
    ) {
        Get-Mandatory $Set | Should -Be $Mandatory
    }

    It 'a thumbprint whose length is not 40 is refused before any store lookup: <Thumbprint>' -ForEach @(
        @{ Thumbprint = '12345678901234567890123456789012345678901' }
        @{ Thumbprint = '123456789012345678901234567890123456789' }
    ) {
        { Connect-MgGraph -ClientId (New-Guid).Guid -CertificateThumbprint $Thumbprint -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'CertificateThumbprint' must have a length of 40.*"
    }

    It '-EnvironmentVariable without the variables says what Azure.Identity says, then what is missing' {
        $names = 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH'
        $saved = @{}; foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n); [Environment]::SetEnvironmentVariable($n, $null) }
        try {
            { Connect-MgGraph -EnvironmentVariable -ErrorAction Stop } | Should -Throw -ExpectedMessage '*EnvironmentCredential authentication unavailable. Environment variables are not fully configured*Missing: AZURE_CLIENT_ID, AZURE_TENANT_ID*'
        } finally {
            foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
        }
    }
}

Describe 'Get-MgContext, GraphSession and Disconnect-MgGraph (Microsoft''s tests)' {
    It 'Get-MgContext is $null with no connection' {
        if (Get-MgContext) { Disconnect-MgGraph | Out-Null }
        Get-MgContext | Should -Be $null
    }

    It 'Connect-MgGraph -AccessToken defaults to Global; the context is an AuthContext with Microsoft''s types' {
        Connect-MgGraph -AccessToken (ConvertTo-SecureString -AsPlainText -String $script:DummyToken) -NoWelcome
        $context = Get-MgContext
        $context | Should -BeOfType ([Microsoft.Graph.PowerShell.Authentication.AuthContext])
        $context.Environment | Should -Be 'Global'
        $context.AuthType | Should -Be ([Microsoft.Graph.PowerShell.Authentication.AuthenticationType]::UserProvidedAccessToken)
        $context.TokenCredentialType | Should -Be 'UserProvidedAccessToken'
        $context.ContextScope | Should -Be ([Microsoft.Graph.PowerShell.Authentication.ContextScope]::Process)
        [Microsoft.Graph.PowerShell.Authentication.GraphSession]::Instance.AuthContext.Environment | Should -Be 'Global'
        # No secret is reachable from the context.
        ($context | ConvertTo-Json -Depth 5) | Should -Not -Match ([regex]::Escape($script:DummyToken.Split('.')[2]))
        $context.PSObject.Properties.Name | Should -Not -Contain 'ClientSecret'
        $context.PSObject.Properties.Name | Should -Not -Contain 'Certificate'
        Disconnect-MgGraph | Out-Null
    }

    It 'a context a script assigns to GraphSession is shown, and Disconnect-MgGraph removes it' {
        $id = (New-Guid).Guid
        $mock = New-Object Microsoft.Graph.PowerShell.Authentication.AuthContext -Property @{
            ClientId = $id; TenantId = $id
            AuthType = [Microsoft.Graph.PowerShell.Authentication.AuthenticationType]::UserProvidedAccessToken
            TokenCredentialType = [Microsoft.Graph.PowerShell.Authentication.TokenCredentialType]::UserProvidedAccessToken
        }
        [Microsoft.Graph.PowerShell.Authentication.GraphSession]::Instance.AuthContext = $mock
        $before = Get-MgContext
        Disconnect-MgGraph | Out-Null
        $before.ClientId | Should -Be $id
        $before.AuthType | Should -Be 'UserProvidedAccessToken'
        Get-MgContext | Should -BeNullOrEmpty
        [Microsoft.Graph.PowerShell.Authentication.GraphSession]::Instance.AuthContext | Should -BeNullOrEmpty
    }

    It 'Disconnect-MgGraph has no parameters of its own; with nothing to sign out it throws unless silenced' {
        (Get-Command Disconnect-MgGraph).ParameterSets | Should -HaveCount 1
        # Microsoft's test counts 11 common parameters; PowerShell 7.4 added a twelfth (ProgressAction).
        $common = [Management.Automation.PSCmdlet]::CommonParameters
        (Get-Command Disconnect-MgGraph).ParameterSets.Parameters | Where-Object Name -NotIn $common | Should -HaveCount 0
        { Disconnect-MgGraph } | Should -Throw -ExpectedMessage 'No application to sign out from.'
        { Disconnect-MgGraph -ErrorAction SilentlyContinue } | Should -Not -Throw
    }
}

Describe 'Get-/Set-MgGraphOption (Microsoft''s tests)' {
    It 'Set-MgGraphOption has one set with one parameter of its own' {
        (Get-Command Set-MgGraphOption).ParameterSets | Should -HaveCount 1
        $common = [Management.Automation.PSCmdlet]::CommonParameters
        @((Get-Command Set-MgGraphOption).ParameterSets.Parameters | Where-Object Name -NotIn $common).Name | Should -Be @('EnableLoginByWAM')
    }

    It 'stores -EnableLoginByWAM <Value> and Get-MgGraphOption reads it back' -ForEach @(@{ Value = $true }, @{ Value = $false }) {
        { Set-MgGraphOption -EnableLoginByWAM $Value -ErrorAction Stop } | Should -Not -Throw
        (Get-MgGraphOption).EnableWAMForMSGraph | Should -Be $Value
        Join-Path $env:GRAPHRS_SETTINGS_DIRECTORY 'mgGraphOptions.json' | Should -Exist
    }
}

Describe 'Environments saved between sessions' {
    BeforeAll {
        $script:Settings = Join-Path $TestDrive 'mg'
    }

    It 'Add-MgEnvironment saves to mg.context.json, a new session sees it, Set- changes and Remove- forgets it' {
        $env = @{ GRAPHRS_SETTINGS_DIRECTORY = $script:Settings }
        $add = Invoke-ChildPwsh "Add-MgEnvironment -Name Saved -GraphEndpoint https://graph.saved.test -AzureADEndpoint https://login.saved.test | Out-Null" $env
        $add.ExitCode | Should -Be 0
        (Get-Content (Join-Path $script:Settings 'mg.context.json') -Raw | ConvertFrom-Json).EnvironmentTable.Saved.GraphEndpoint | Should -Be 'https://graph.saved.test'
        (Invoke-ChildPwsh '(Get-MgEnvironment -Name saved).GraphEndpoint' $env).Output.Trim() | Should -Be 'https://graph.saved.test'
        (Invoke-ChildPwsh "(Set-MgEnvironment -Name Saved -GraphEndpoint https://graph2.saved.test).AzureADEndpoint" $env).Output.Trim() | Should -Be 'https://login.saved.test'
        (Invoke-ChildPwsh '(Get-MgEnvironment -Name Saved).GraphEndpoint' $env).Output.Trim() | Should -Be 'https://graph2.saved.test'
        Invoke-ChildPwsh 'Remove-MgEnvironment -Name Saved | Out-Null' $env | Out-Null
        (Invoke-ChildPwsh '@(Get-MgEnvironment -Name Saved).Count' $env).Output.Trim() | Should -Be '0'
    }

    It 'built-in environments cannot be changed or removed; an unknown one cannot be removed' {
        { Remove-MgEnvironment -Name Global -ErrorAction Stop } | Should -Throw -ExpectedMessage '*built-in environment*'
        { Set-MgEnvironment -Name USGov -GraphEndpoint https://x.test -ErrorAction Stop } | Should -Throw -ExpectedMessage '*built-in environment*'
        { Remove-MgEnvironment -Name 'NoSuchCloud' -ErrorAction Stop } | Should -Throw -ExpectedMessage '*not found*'
        (Get-MgEnvironment).Name | Should -Contain 'GovSGCloud'
    }

    It 'a corrupt file is a clear error naming it, and is not overwritten' {
        $dir = Join-Path $TestDrive 'corrupt'
        New-Item -ItemType Directory $dir | Out-Null
        Set-Content (Join-Path $dir 'mg.context.json') '{ broken' -NoNewline
        $result = Invoke-ChildPwsh 'Get-MgEnvironment -ErrorAction Stop' @{ GRAPHRS_SETTINGS_DIRECTORY = $dir }
        $result.Output | Should -Match 'mg.context.json'
        $result.Output | Should -Match 'not valid JSON'
        Get-Content (Join-Path $dir 'mg.context.json') -Raw | Should -Be '{ broken'
        # Built-in environments still connect.
        (Invoke-ChildPwsh "Connect-MgGraph -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -NoWelcome; (Get-MgContext).Environment" @{ GRAPHRS_SETTINGS_DIRECTORY = $dir }).Output.Trim() | Should -Be 'Global'
    }
}
