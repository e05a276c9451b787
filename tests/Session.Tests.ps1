# Connect-MgGraph (access token), Disconnect-MgGraph, Get-MgContext and the environments.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator -NoConnect
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'Environments' {
    It 'Get-MgEnvironment lists the built-in clouds with their endpoints' {
        $all = Get-MgEnvironment
        $global = $all | Where-Object Name -EQ 'Global'
        $global.GraphEndpoint | Should -Be 'https://graph.microsoft.com'
        $global.AzureADEndpoint | Should -Be 'https://login.microsoftonline.com'
        ($all | Where-Object Name -EQ 'USGov').GraphEndpoint | Should -Be 'https://graph.microsoft.us'
        ($all | Where-Object Name -EQ 'USGovDoD').GraphEndpoint | Should -Be 'https://dod-graph.microsoft.us'
        ($all | Where-Object Name -EQ 'China').GraphEndpoint | Should -Be 'https://microsoftgraph.chinacloudapi.cn'
        $global.Type | Should -Be 'Built-in'
    }

    It 'Add-MgEnvironment adds a user-defined environment that Get-MgEnvironment -Name finds' {
        Add-MgEnvironment -Name 'PrivateCloud' -GraphEndpoint 'https://graph.contoso.test/' -AzureADEndpoint 'https://login.contoso.test' | Out-Null
        $e = Get-MgEnvironment -Name privatecloud
        $e.GraphEndpoint | Should -Be 'https://graph.contoso.test'
        $e.Type | Should -Be 'User-defined'
    }

    It 'refuses http:// for a host that is not loopback' {
        { Add-MgEnvironment -Name 'Clear' -GraphEndpoint 'http://graph.contoso.test' -AzureADEndpoint 'https://login.contoso.test' -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*allowed only for loopback hosts*'
        Get-MgEnvironment -Name 'Clear' | Should -BeNullOrEmpty
    }

    It 'refuses to replace a built-in environment' {
        { Add-MgEnvironment -Name 'Global' -GraphEndpoint 'https://evil.test' -AzureADEndpoint 'https://evil.test' -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*built-in environment*'
    }

    It '-Environment completes environment names' {
        $completion = TabExpansion2 -inputScript 'Connect-MgGraph -Environment US' -cursorColumn 'Connect-MgGraph -Environment US'.Length
        $completion.CompletionMatches.CompletionText | Should -Be @('USGov', 'USGovDoD')
    }
}

Describe 'Connect-MgGraph -AccessToken' {
    AfterEach {
        if (Get-MgContext) { Disconnect-MgGraph | Out-Null }
    }

    It 'connects to the named environment and Get-MgContext describes it without the token' {
        $token = 'header.' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('{"tid":"tenant-1","appid":"app-1","roles":["Calls.InitiateGroupCall.All"]}')).TrimEnd('=') + '.sig'
        Connect-MgGraph -Environment Local -AccessToken (ConvertTo-SecureString $token -AsPlainText -Force) -NoWelcome | Should -BeNullOrEmpty
        $context = Get-MgContext
        $context.Environment | Should -Be 'Local'
        $context.AuthType | Should -Be 'UserProvidedAccessToken'
        $context.TenantId | Should -Be 'tenant-1'
        $context.ClientId | Should -Be 'app-1'
        $context.Scopes | Should -Be @('Calls.InitiateGroupCall.All')
        $context.ContextScope | Should -Be 'Process'
        ($context | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($token))
        ($context | ConvertTo-Json) | Should -Not -Match 'sig'
    }

    It 'greets unless -NoWelcome is given' {
        $info = Connect-MgGraph -Environment Local -AccessToken (ConvertTo-SecureString 'tok' -AsPlainText -Force) 6>&1
        ($info | Out-String) | Should -Match 'Welcome to Microsoft Graph'
        $quiet = Connect-MgGraph -Environment Local -AccessToken (ConvertTo-SecureString 'tok' -AsPlainText -Force) -NoWelcome 6>&1
        $quiet | Should -BeNullOrEmpty
    }

    It 'an unknown environment is a clear error and leaves the session unconnected' {
        { Connect-MgGraph -Environment 'Nowhere' -AccessToken (ConvertTo-SecureString 'tok' -AsPlainText -Force) -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*Environment 'Nowhere' is not known*"
        Get-MgContext | Should -BeNullOrEmpty
    }

    It 'accepts the aliases -EnvironmentName and -NationalCloud' {
        $command = Get-Command Connect-MgGraph
        $command.Parameters['Environment'].Aliases | Should -Contain 'EnvironmentName'
        $command.Parameters['Environment'].Aliases | Should -Contain 'NationalCloud'
    }
}

Describe 'Disconnect-MgGraph' {
    It 'returns the context it signed out from, then Get-MgContext is empty' {
        Connect-MgGraph -Environment Local -AccessToken (ConvertTo-SecureString 'tok' -AsPlainText -Force) -NoWelcome
        $gone = Disconnect-MgGraph
        $gone.Environment | Should -Be 'Local'
        Get-MgContext | Should -BeNullOrEmpty
    }

    It 'says there is nothing to sign out from when not connected (non-terminating)' {
        Disconnect-MgGraph -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -Be 'No application to sign out from.'
    }
}

Describe 'Loading' {
    It 'imports both modules in a fresh process without starting the native runtime' {
        $script = 'Import-Module Microsoft.Graph.CloudCommunications; (Get-Module Microsoft.Graph.Authentication).Version.ToString(); [Diagnostics.Process]::GetCurrentProcess().Threads.Count'
        $out = & (Get-PwshPath) -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $out[0] | Should -Match '^\d+\.\d+\.\d+$'
        # The native library is not even loaded: the import touched only managed code.
        $maps = & (Get-PwshPath) -NoProfile -NonInteractive -Command "Import-Module Microsoft.Graph.CloudCommunications; if (`$IsLinux) { Get-Content /proc/`$PID/maps | Select-String graph_ffi }"
        $maps | Should -BeNullOrEmpty
    }

    It 'Import-Module -Force again keeps working' {
        Import-Module Microsoft.Graph.Authentication -Force
        Import-Module Microsoft.Graph.CloudCommunications -Force
        (Get-MgEnvironment -Name Global).Name | Should -Be 'Global'
        [GraphRust.Authentication.Diagnostics]::NativeAbiVersion() | Should -Be 1
    }
}
