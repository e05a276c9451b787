# Connect-MgGraph for every app-only way in, against the emulator's identity platform.
# No request leaves loopback: the metadata endpoint is reached only through its override.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator -NoConnect
    $script:Secret = 'S3cret-' + [Guid]::NewGuid().ToString('N')
    $script:IdentityHeader = 'hdr-' + [Guid]::NewGuid().ToString('N')
    Register-EmulatorApp $script:Emulator @{ tenantId = 'tenant-1'; clientId = 'app-secret'; clientSecret = $script:Secret; displayName = 'Invite bot' }
    Register-EmulatorApp $script:Emulator @{ tenantId = 'tenant-1'; clientId = 'app-short'; clientSecret = $script:Secret; tokenLifetimeSeconds = 2 }
    Register-EmulatorApp $script:Emulator @{ tenantId = 'tenant-1'; clientId = 'app-noperm'; clientSecret = $script:Secret; roles = @('User.Read.All') }
    $script:Cert = New-TestCertificate
    Register-EmulatorApp $script:Emulator @{ tenantId = 'tenant-1'; clientId = 'app-cert'; certificate = [Convert]::ToBase64String($script:Cert.RawData) }
    Set-EmulatorManagedIdentity $script:Emulator @{ identityHeader = $script:IdentityHeader; clientId = 'system-mi'; userAssigned = @('user-mi') }

    $script:Body = @{ participants = @(@{ identity = @{ user = @{ id = 'u1' } } }) }
    function New-SecretCredential([string] $ClientId, [string] $Secret = $script:Secret) {
        [pscredential]::new($ClientId, (ConvertTo-SecureString $Secret -AsPlainText -Force))
    }
    function Invoke-TestInvite([string] $CallId = 'auth-call') {
        Invoke-MgInviteCommunicationCallParticipant -CallId $CallId -BodyParameter $script:Body
    }
    function Get-TokenRequestCount { @(Get-EmulatorRequest $script:Emulator -Kind token).Count }
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'Connect-MgGraph app-only' {
    AfterEach {
        if (Get-MgContext) { Disconnect-MgGraph | Out-Null }
    }

    Context 'AppSecretCredentialParameterSet' {
        It 'signs in with -ClientSecretCredential and -TenantId, and the invite carries the issued token' {
            Connect-MgGraph -ClientSecretCredential (New-SecretCredential 'app-secret') -TenantId 'tenant-1' -Environment Local -NoWelcome
            $c = Get-MgContext
            $c.ClientId | Should -Be 'app-secret'
            $c.TenantId | Should -Be 'tenant-1'
            $c.AuthType | Should -Be 'AppOnly'
            $c.TokenCredentialType | Should -Be 'ClientSecret'
            $c.Scopes | Should -Be @('Calls.InitiateGroupCall.All')
            $c.AppName | Should -Be 'Invite bot'
            (Invoke-TestInvite).Status | Should -Be 'running'
            (Get-EmulatorRequest $script:Emulator | Select-Object -Last 1).tokenAccepted | Should -BeTrue
        }

        It 'answers to the aliases -Credential, -SecretCredential, -Tenant and -Audience' {
            $p = (Get-Command Connect-MgGraph).Parameters
            $p['ClientSecretCredential'].Aliases | Should -Be @('SecretCredential', 'Credential')
            $p['TenantId'].Aliases | Should -Be @('Audience', 'Tenant')
            Connect-MgGraph -Credential (New-SecretCredential 'app-secret') -Tenant 'tenant-1' -Environment Local -NoWelcome
            (Get-MgContext).ClientId | Should -Be 'app-secret'
        }
    }

    Context 'AppCertificateParameterSet' {
        It 'signs in with -Certificate (a PFX made in the test)' {
            Connect-MgGraph -ClientId 'app-cert' -TenantId 'tenant-1' -Certificate $script:Cert -Environment Local -NoWelcome
            $c = Get-MgContext
            $c.TokenCredentialType | Should -Be 'ClientCertificate'
            $c.CertificateThumbprint | Should -Be $script:Cert.Thumbprint
            $c.CertificateSubjectName | Should -Be 'CN=invite-bot.test'
            (Invoke-TestInvite).Status | Should -Be 'running'
        }

        It 'finds the certificate in CurrentUser\My by -CertificateThumbprint and by -CertificateSubjectName' {
            $store = [Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
            $store.Open('ReadWrite')
            try {
                $store.Add($script:Cert)
                Connect-MgGraph -ClientId 'app-cert' -TenantId 'tenant-1' -CertificateThumbprint $script:Cert.Thumbprint -Environment Local -NoWelcome
                (Get-MgContext).CertificateThumbprint | Should -Be $script:Cert.Thumbprint
                Disconnect-MgGraph | Out-Null
                Connect-MgGraph -AppId 'app-cert' -TenantId 'tenant-1' -CertificateName 'CN=invite-bot.test' -Environment Local -NoWelcome
                (Invoke-TestInvite).Status | Should -Be 'running'
            } finally {
                $store.Remove($script:Cert)
                $store.Dispose()
            }
        }

        It 'sends the chain in x5c with -SendCertificateChain $true' {
            Connect-MgGraph -ClientId 'app-cert' -TenantId 'tenant-1' -Certificate $script:Cert -SendCertificateChain $true -Environment Local -NoWelcome
            (Get-MgContext).TokenCredentialType | Should -Be 'ClientCertificate'
        }

        It 'refuses a certificate that is <Case>, before anything is sent' -ForEach @(
            @{ Case = 'expired'; Make = { New-TestCertificate -NotBefore ([datetimeoffset]::UtcNow.AddDays(-10)) -NotAfter ([datetimeoffset]::UtcNow.AddDays(-1)) }; Says = 'expired on' }
            @{ Case = 'not yet valid'; Make = { New-TestCertificate -NotBefore ([datetimeoffset]::UtcNow.AddDays(1)) -NotAfter ([datetimeoffset]::UtcNow.AddDays(2)) }; Says = 'is not valid before' }
            @{ Case = 'without a private key'; Make = { [Security.Cryptography.X509Certificates.X509Certificate2]::new((New-TestCertificate).RawData) }; Says = 'has no private key' }
        ) {
            $before = Get-TokenRequestCount
            $err = { Connect-MgGraph -ClientId 'app-cert' -TenantId 'tenant-1' -Certificate (& $Make) -Environment Local -NoWelcome } | Should -Throw -PassThru
            $err.Exception.Message | Should -Match $Says
            $err.FullyQualifiedErrorId | Should -BeLike 'CertificateNotUsable,*'
            $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
            Get-TokenRequestCount | Should -Be $before
        }

        It 'a certificate the app does not know gets the identity platform''s AADSTS700027' {
            $other = New-TestCertificate -Subject 'CN=stranger.test'
            Connect-MgGraph -ClientId 'app-cert' -TenantId 'tenant-1' -Certificate $other -Environment Local -NoWelcome -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'invalid_client,*'
            $errs[0].Exception.Message | Should -Match 'AADSTS700027'
        }
    }

    Context 'EnvironmentVariableParameterSet' {
        AfterEach {
            foreach ($name in 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_CLIENT_CERTIFICATE_PASSWORD') {
                Remove-Item "env:$name" -ErrorAction SilentlyContinue
            }
        }

        It 'reads AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET' {
            $env:AZURE_CLIENT_ID = 'app-secret'; $env:AZURE_TENANT_ID = 'tenant-1'; $env:AZURE_CLIENT_SECRET = $script:Secret
            Connect-MgGraph -EnvironmentVariable -Environment Local -NoWelcome
            (Get-MgContext).TokenCredentialType | Should -Be 'EnvironmentVariable'
            (Invoke-TestInvite).Status | Should -Be 'running'
        }

        It 'reads a PEM certificate from AZURE_CLIENT_CERTIFICATE_PATH' {
            $pem = Join-Path ([IO.Path]::GetTempPath()) "invite-$([Guid]::NewGuid()).pem"
            try {
                $key = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($script:Cert).ExportPkcs8PrivateKeyPem()
                Set-Content -Path $pem -Value ($script:Cert.ExportCertificatePem() + "`n" + $key)
                $env:AZURE_CLIENT_ID = 'app-cert'; $env:AZURE_TENANT_ID = 'tenant-1'; $env:AZURE_CLIENT_CERTIFICATE_PATH = $pem
                Connect-MgGraph -EnvironmentVariable -Environment Local -NoWelcome
                (Get-MgContext).CertificateThumbprint | Should -Be $script:Cert.Thumbprint
            } finally {
                Remove-Item $pem -ErrorAction SilentlyContinue
            }
        }

        It 'reads a PFX with AZURE_CLIENT_CERTIFICATE_PASSWORD' {
            $pfx = Join-Path ([IO.Path]::GetTempPath()) "invite-$([Guid]::NewGuid()).pfx"
            try {
                [IO.File]::WriteAllBytes($pfx, $script:Cert.Export('Pfx', 'file-pass'))
                $env:AZURE_CLIENT_ID = 'app-cert'; $env:AZURE_TENANT_ID = 'tenant-1'
                $env:AZURE_CLIENT_CERTIFICATE_PATH = $pfx; $env:AZURE_CLIENT_CERTIFICATE_PASSWORD = 'file-pass'
                Connect-MgGraph -EnvironmentVariable -Environment Local -NoWelcome
                (Get-MgContext).ClientId | Should -Be 'app-cert'
            } finally {
                Remove-Item $pfx -ErrorAction SilentlyContinue
            }
        }

        It 'names the variables that are missing' {
            $env:AZURE_CLIENT_ID = 'app-secret'
            { Connect-MgGraph -EnvironmentVariable -Environment Local -NoWelcome } |
                Should -Throw -ExpectedMessage '*AZURE_TENANT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH*'
        }
    }

    Context 'IdentityParameterSet' {
        AfterEach {
            foreach ($name in 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'AZURE_POD_IDENTITY_AUTHORITY_HOST') {
                Remove-Item "env:$name" -ErrorAction SilentlyContinue
            }
        }

        It 'uses IDENTITY_ENDPOINT and IDENTITY_HEADER (App Service, Functions, Automation)' {
            $env:IDENTITY_ENDPOINT = "$($script:Emulator.BaseUrl)/msi/token"; $env:IDENTITY_HEADER = $script:IdentityHeader
            Connect-MgGraph -Identity -Environment Local -NoWelcome
            (Get-MgContext).TokenCredentialType | Should -Be 'ManagedIdentity'
            (Invoke-TestInvite).Status | Should -Be 'running'
            $request = Get-EmulatorRequest $script:Emulator -Kind managedIdentity | Select-Object -Last 1
            $request.rawPath | Should -Be '/msi/token'
            $request.body.resource | Should -Be $script:Emulator.BaseUrl
        }

        It 'passes -ClientId for a user-assigned identity (alias -MSI)' {
            $env:IDENTITY_ENDPOINT = "$($script:Emulator.BaseUrl)/msi/token"; $env:IDENTITY_HEADER = $script:IdentityHeader
            Connect-MgGraph -MSI -ClientId 'user-mi' -Environment Local -NoWelcome
            (Get-MgContext).ManagedIdentityId | Should -Be 'user-mi'
            (Get-EmulatorRequest $script:Emulator -Kind managedIdentity | Select-Object -Last 1).body.client_id | Should -Be 'user-mi'
        }

        It 'reaches the instance metadata endpoint only through AZURE_POD_IDENTITY_AUTHORITY_HOST' {
            $env:AZURE_POD_IDENTITY_AUTHORITY_HOST = $script:Emulator.BaseUrl
            Connect-MgGraph -ManagedIdentity -Environment Local -NoWelcome
            (Get-EmulatorRequest $script:Emulator -Kind managedIdentity | Select-Object -Last 1).rawPath | Should -Be '/metadata/identity/oauth2/token'
        }

        It 'a wrong IDENTITY_HEADER is an AuthenticationError' {
            $env:IDENTITY_ENDPOINT = "$($script:Emulator.BaseUrl)/msi/token"; $env:IDENTITY_HEADER = 'wrong'
            Connect-MgGraph -Identity -Environment Local -NoWelcome -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            Get-MgContext | Should -BeNullOrEmpty
        }
    }

    Context 'Errors at connect time' {
        It '<Case> is <Category> with the service''s code <Code>' -ForEach @(
            @{ Case = 'a wrong secret'; Client = 'app-secret'; Secret = 'wrong'; Tenant = 'tenant-1'; Id = 'invalid_client'; Code = 'AADSTS7000215'; Category = 'AuthenticationError' }
            @{ Case = 'an unknown tenant'; Client = 'app-secret'; Secret = $null; Tenant = 'tenant-nope'; Id = 'invalid_request'; Code = 'AADSTS90002'; Category = 'AuthenticationError' }
            @{ Case = 'an unknown app'; Client = 'app-nope'; Secret = $null; Tenant = 'tenant-1'; Id = 'unauthorized_client'; Code = 'AADSTS700016'; Category = 'AuthenticationError' }
        ) {
            $credential = if ($Secret) { New-SecretCredential $Client $Secret } else { New-SecretCredential $Client }
            Clear-EmulatorRequest $script:Emulator
            Connect-MgGraph -ClientSecretCredential $credential -TenantId $Tenant -Environment Local -NoWelcome -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
            $errs[0].Exception.Message | Should -Match ([regex]::Escape($Code))
            $errs[0].CategoryInfo.Category | Should -Be $Category
            Get-MgContext | Should -BeNullOrEmpty
            Get-EmulatorRequest $script:Emulator | Should -BeNullOrEmpty
        }

        It 'an app without the invite permission connects with a warning; the invite is refused before sending' {
            Clear-EmulatorRequest $script:Emulator
            Connect-MgGraph -ClientSecretCredential (New-SecretCredential 'app-noperm') -TenantId 'tenant-1' -Environment Local -NoWelcome -WarningVariable warnings -WarningAction SilentlyContinue
            ($warnings | Out-String) | Should -Match 'Calls.InitiateGroupCall.All'
            (Get-MgContext).AuthType | Should -Be 'AppOnly'
            Invoke-MgInviteCommunicationCallParticipant -CallId 'noperm-call' -BodyParameter @{ participants = @(@{ identity = @{ user = @{ id = 'u' } } }) } -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'MissingApplicationPermission,*'
            $errs[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            Get-EmulatorRequest $script:Emulator | Should -BeNullOrEmpty
            Disconnect-MgGraph | Out-Null
        }

        It 'an unreachable identity endpoint is an AuthenticationError' {
            $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
            $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
            Add-MgEnvironment -Name Unreachable -GraphEndpoint $script:Emulator.BaseUrl -AzureADEndpoint "http://127.0.0.1:$port" | Out-Null
            Connect-MgGraph -ClientSecretCredential (New-SecretCredential 'app-secret') -TenantId 'tenant-1' -Environment Unreachable -NoWelcome -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityEndpointUnreachable,*'
            $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        }
    }

    Context 'Token lifecycle' {
        It 'refreshes a short-lived token ahead of its expiry' {
            Connect-MgGraph -ClientSecretCredential (New-SecretCredential 'app-short') -TenantId 'tenant-1' -Environment Local -NoWelcome
            $before = Get-TokenRequestCount
            Invoke-TestInvite | Out-Null
            Get-TokenRequestCount | Should -Be $before -Because 'the token from Connect-MgGraph is still fresh'
            # The token lives 2 s and is refreshed at half its life.
            Start-Sleep -Milliseconds 1200
            (Invoke-TestInvite).Status | Should -Be 'running'
            Get-TokenRequestCount | Should -Be ($before + 1)
        }

        It 'a 401 saying the token expired gets one refresh and one retry' {
            Connect-MgGraph -ClientSecretCredential (New-SecretCredential 'app-secret') -TenantId 'tenant-1' -Environment Local -NoWelcome
            Clear-EmulatorRequest $script:Emulator
            $before = Get-TokenRequestCount
            Invoke-EmulatorTokenExpiry $script:Emulator
            (Invoke-TestInvite).Status | Should -Be 'running'
            $invites = @(Get-EmulatorRequest $script:Emulator)
            $invites.Count | Should -Be 2
            $invites[0].tokenAccepted | Should -BeFalse
            $invites[1].tokenAccepted | Should -BeTrue
            Get-TokenRequestCount | Should -Be ($before + 1)
        }

        It 'eight parallel calls that find the token stale cause one token request' {
            Connect-MgGraph -ClientSecretCredential (New-SecretCredential 'app-secret') -TenantId 'tenant-1' -Environment Local -NoWelcome
            $before = Get-TokenRequestCount
            Invoke-EmulatorTokenExpiry $script:Emulator
            $body = $script:Body
            $results = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module Microsoft.Graph.CloudCommunications
                Invoke-MgInviteCommunicationCallParticipant -CallId "parallel-$_" -BodyParameter $using:body
            }
            @($results | Where-Object Status -EQ 'running').Count | Should -Be 8
            Get-TokenRequestCount | Should -Be ($before + 1)
        }
    }
}

Describe 'Secrets' {
    It 'no stream of a whole sign-in and invite story, debug output included, holds a secret or an issued token' {
        $env:IDENTITY_ENDPOINT = "$($script:Emulator.BaseUrl)/msi/token"; $env:IDENTITY_HEADER = $script:IdentityHeader
        try {
            $everything = & {
                Connect-MgGraph -ClientSecretCredential (New-SecretCredential 'app-secret') -TenantId 'tenant-1' -Environment Local -Debug -Verbose
                Get-MgContext | Format-List * | Out-String
                Invoke-MgInviteCommunicationCallParticipant -CallId 'secret-scan' -BodyParameter $script:Body -Debug -Verbose | Format-List * | Out-String
                Connect-MgGraph -ClientSecretCredential (New-SecretCredential 'app-secret' 'wrong') -TenantId 'tenant-1' -Environment Local -Debug -Verbose -ErrorAction Continue
                Connect-MgGraph -Identity -Environment Local -Debug -Verbose
                Invoke-MgInviteCommunicationCallParticipant -CallId 'secret-scan' -BodyParameter $script:Body -Debug -Verbose | Out-String
                Disconnect-MgGraph -Debug -Verbose | Format-List * | Out-String
            } *>&1 | ForEach-Object { $_ | Out-String }
            $text = $everything -join "`n"
            $text | Should -Match 'HTTP REQUEST' -Because 'the debug output is part of what is scanned'
            $text | Should -Not -Match ([regex]::Escape($script:Secret))
            $text | Should -Not -Match ([regex]::Escape($script:IdentityHeader))
            $text | Should -Not -Match 'Authorization\s*:'
            $issued = @(Get-EmulatorIssuedToken $script:Emulator)
            $issued.Count | Should -BeGreaterThan 0
            foreach ($token in $issued) {
                $text.Contains($token) | Should -BeFalse
                # Not even the signature part of a token.
                $text.Contains($token.Split('.')[2]) | Should -BeFalse
            }
        } finally {
            Remove-Item env:IDENTITY_ENDPOINT, env:IDENTITY_HEADER -ErrorAction SilentlyContinue
        }
    }
}
