# Throttling, retries, timeouts, Ctrl+C in a wait, transport faults, HTTPS and -Debug.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    $script:Body = @{ participants = @(@{ identity = @{ user = @{ id = 'u1' } } }) }
    function Invoke-Scripted {
        [CmdletBinding()]
        param([string] $CallId, [object[]] $Answers)
        Set-EmulatorScript $script:Emulator $CallId $Answers
        Invoke-MgInviteCommunicationCallParticipant -CallId $CallId -BodyParameter $script:Body -ErrorVariable +script:LastErrors -ErrorAction SilentlyContinue
    }
    function Reset-Record {
        Clear-EmulatorRequest $script:Emulator
        $script:LastErrors = @()
    }
    function Throttled([string] $RetryAfter) {
        @{ status = 429; headers = @{ 'Retry-After' = $RetryAfter }; body = @{ error = @{ code = 'TooManyRequests'; message = 'Throttled.' } } }
    }
}

AfterAll {
    Set-MgRequestContext -MaxRetry 3 -RetryDelay 3 -RetriesTimeLimit 0 -ClientTimeout 300 | Out-Null
    Stop-TestEmulator $script:Emulator
}

Describe 'Set-MgRequestContext and Get-MgRequestContext' {
    BeforeEach { Reset-Record }

    It 'start with Microsoft''s defaults' {
        $c = Get-MgRequestContext
        $c.MaxRetry | Should -Be 3
        $c.RetryDelay | Should -Be 3
        $c.RetriesTimeLimit | Should -Be '00:00:00'
        $c.ClientTimeout | Should -Be '00:05:00'
    }

    It 'change only what is given, for the whole process' {
        Set-MgRequestContext -MaxRetry 5 | Out-Null
        try {
            $c = Get-MgRequestContext
            $c.MaxRetry | Should -Be 5
            $c.RetryDelay | Should -Be 3
            $seen = & { [powershell]::Create().AddScript('(Get-MgRequestContext).MaxRetry').Invoke() }
            $seen | Should -Be 5
        } finally {
            Set-MgRequestContext -MaxRetry 3 | Out-Null
        }
    }

    It 'refuse <Name> = <Value>' -ForEach @(
        @{ Name = 'MaxRetry'; Value = 11 }
        @{ Name = 'RetryDelay'; Value = 181 }
        @{ Name = 'ClientTimeout'; Value = 0 }
        @{ Name = 'RetriesTimeLimit'; Value = -1 }
    ) {
        $splat = @{ $Name = $Value }
        { Set-MgRequestContext @splat -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Retries' {
    BeforeEach { Reset-Record }

    It 'a 429 then a 503 then success: the call succeeds, each retry announced and marked' {
        Set-MgRequestContext -RetryDelay 0 | Out-Null
        try {
            $verbose = Invoke-Scripted 'retry-ok' @((Throttled '0.2'), @{ status = 503 }, @{ status = 200 }) -Verbose 4>&1
        } finally {
            Set-MgRequestContext -RetryDelay 3 | Out-Null
        }
        @($verbose | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }).Count | Should -Be 1
        $story = ($verbose | Where-Object { $_ -is [Management.Automation.VerboseRecord] }) -join "`n"
        $story | Should -Match 'Waiting 0\.200 s \(Retry-After\) before retry 1 of 3'
        $story | Should -Match 'Graph answered 503'
        $requests = @(Get-EmulatorRequest $script:Emulator)
        $requests.Count | Should -Be 3
        $requests[1].headers.'retry-attempt' | Should -Be '1'
        $requests[2].headers.'retry-attempt' | Should -Be '2'
    }

    It 'Retry-After is honoured (the retry does not come sooner)' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Invoke-Scripted 'retry-after' @((Throttled '1'), @{ status = 200 }) | Out-Null
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.95
        @(Get-EmulatorRequest $script:Emulator).Count | Should -Be 2
    }

    It 'when retries run out, the user gets Graph''s last error, not a generic one' {
        Set-MgRequestContext -MaxRetry 1 | Out-Null
        try {
            Invoke-Scripted 'retry-exhausted' @((Throttled '0.1'), (Throttled '0.1'), (Throttled '0.1'))
        } finally {
            Set-MgRequestContext -MaxRetry 3 | Out-Null
        }
        $e = $script:LastErrors[0]
        $e.FullyQualifiedErrorId | Should -BeLike 'TooManyRequests,*'
        $e.Exception.Message | Should -Be '[TooManyRequests] : Throttled.'
        $e.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $e.ErrorDetails.Message | Should -Match 'Retries: 1'
        @(Get-EmulatorRequest $script:Emulator).Count | Should -Be 2
    }

    It 'other statuses are not retried' {
        Invoke-Scripted 'no-retry' @(@{ status = 500 }, @{ status = 200 })
        $script:LastErrors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        @(Get-EmulatorRequest $script:Emulator).Count | Should -Be 1
    }
}

Describe 'Timeouts and Ctrl+C' {
    BeforeEach { Reset-Record }

    It 'ClientTimeout bounds the call: an OperationTimeout error that names the limit' {
        Set-MgRequestContext -ClientTimeout 1 | Out-Null
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Invoke-Scripted 'slow' @(@{ status = 200; delayMs = 5000 })
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 4
        } finally {
            Set-MgRequestContext -ClientTimeout 300 | Out-Null
        }
        $script:LastErrors[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $script:LastErrors[0].Exception.Message | Should -Match 'ClientTimeout \(1 s'
    }

    It 'Ctrl+C during a Retry-After wait returns within a second and frees the native call' {
        Set-EmulatorScript $script:Emulator 'long-wait' @((Throttled '60'))
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({ param($Body) Invoke-MgInviteCommunicationCallParticipant -CallId 'long-wait' -BodyParameter $Body -Verbose }).AddArgument($script:Body)
            $null = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (-not ($ps.Streams.Verbose | Where-Object Message -Like 'Waiting 60*') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $ps.Streams.Verbose.Message | Should -Contain 'Waiting 60.000 s (Retry-After) before retry 1 of 3.'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
            Wait-NativeCallDrain | Should -Be 0
        } finally {
            $ps.Dispose()
        }
    }
}

Describe 'Transport faults' {
    BeforeEach { Reset-Record }

    It '<Fault> is a <Category> error saying "<Says>", and the shell goes on' -ForEach @(
        @{ Fault = 'a dropped connection'; Answer = @{ status = 200; fault = 'drop' }; Category = 'ConnectionError'; Says = 'failed' }
        @{ Fault = 'a reset mid-response'; Answer = @{ status = 200; fault = 'reset' }; Category = 'ConnectionError'; Says = 'broke off' }
        @{ Fault = 'a truncated body'; Answer = @{ status = 200; fault = 'truncate' }; Category = 'ConnectionError'; Says = 'broke off' }
        @{ Fault = 'a body over 16 MiB'; Answer = @{ status = 200; fault = 'oversized' }; Category = 'InvalidResult'; Says = 'larger than 16 MiB' }
        @{ Fault = 'invalid JSON in a 200'; Answer = @{ status = 200; bodyText = '{"id": "op",' }; Category = 'InvalidResult'; Says = 'not valid JSON' }
        @{ Fault = 'an HTML 502 from a proxy'; Answer = @{ status = 502; headers = @{ 'content-type' = 'text/html' }; bodyText = '<html><title>502 Bad Gateway</title></html>' }; Category = 'ResourceUnavailable'; Says = 'not a Graph error \(text/html' }
    ) {
        Invoke-Scripted "fault-$($Fault.GetHashCode())" @($Answer)
        $script:LastErrors.Count | Should -Be 1
        $script:LastErrors[0].CategoryInfo.Category | Should -Be $Category
        $script:LastErrors[0].Exception.Message | Should -Match $Says
        (Get-MgContext).Environment | Should -Be 'Local'
    }

    It 'connection refused is a ConnectionError' {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        Add-MgEnvironment -Name Refused -GraphEndpoint "http://127.0.0.1:$port" -AzureADEndpoint "http://127.0.0.1:$port" | Out-Null
        Connect-MgGraph -Environment Refused -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -NoWelcome
        try {
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $script:Body -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $errs[0].Exception.Message | Should -Match "Could not connect to http://127.0.0.1:$port/"
        } finally {
            Connect-TestEmulator $script:Emulator
        }
    }

    It 'a name that does not resolve is a ConnectionError (no DNS query: the resolver hook answers)' {
        [GraphRust.Authentication.Diagnostics]::SetUnresolvableHosts(@('graph.unresolvable.test'))
        Add-MgEnvironment -Name Unresolvable -GraphEndpoint 'https://graph.unresolvable.test' -AzureADEndpoint 'https://login.unresolvable.test' | Out-Null
        Connect-MgGraph -Environment Unresolvable -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -NoWelcome
        try {
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $script:Body -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $errs[0].Exception.Message | Should -Match "'graph.unresolvable.test' does not resolve"
        } finally {
            Connect-TestEmulator $script:Emulator
        }
    }
}

Describe 'HTTPS' {
    BeforeEach { Reset-Record }

    BeforeAll {
        $script:TlsDir = Join-Path ([IO.Path]::GetTempPath()) "graph-tls-$([Guid]::NewGuid())"
        $script:OtherTlsDir = Join-Path ([IO.Path]::GetTempPath()) "graph-tls-$([Guid]::NewGuid())"
        $script:Https = Start-GraphEmulator -Path $script:EmulatorPath -Token 'tls-token' -TlsDir $script:TlsDir
        $script:OtherHttps = Start-GraphEmulator -Path $script:EmulatorPath -Token 'tls-token' -TlsDir $script:OtherTlsDir
        # A fresh process: the HTTP client and its trust store are set up once per process.
        function Invoke-InChild([string] $BaseUrl) {
            $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module Microsoft.Graph.CloudCommunications
Add-MgEnvironment -Name Tls -GraphEndpoint '$BaseUrl' -AzureADEndpoint '$BaseUrl' | Out-Null
Connect-MgGraph -Environment Tls -AccessToken (ConvertTo-SecureString 'tls-token' -AsPlainText -Force) -NoWelcome
try { (Invoke-MgInviteCommunicationCallParticipant -CallId 'tls' -BodyParameter @{ participants = @(@{ identity = @{ user = @{ id = 'u' } } }) }).Status }
catch { 'ERROR ' + `$_.CategoryInfo.Category + ' ' + `$_.Exception.Message }
"@
            & (Get-PwshPath) -NoProfile -NonInteractive -Command $script
        }
    }

    AfterAll {
        Stop-GraphEmulator $script:Https
        Stop-GraphEmulator $script:OtherHttps
        Remove-Item $script:TlsDir, $script:OtherTlsDir -Recurse -ErrorAction SilentlyContinue
        Remove-Item env:SSL_CERT_FILE -ErrorAction SilentlyContinue
    }

    It 'works against the emulator when its CA is trusted through SSL_CERT_FILE' {
        $env:SSL_CERT_FILE = $script:Https.CaPath
        $script:Https.BaseUrl | Should -Match '^https://127\.0\.0\.1:\d+$'
        Invoke-InChild $script:Https.BaseUrl | Should -Be 'running'
    }

    It 'refuses a server whose CA is not trusted, and sends it nothing' {
        $env:SSL_CERT_FILE = $script:Https.CaPath
        $result = Invoke-InChild $script:OtherHttps.BaseUrl
        $result | Should -Match '^ERROR ConnectionError .*certificate'
        Get-EmulatorRequest $script:OtherHttps | Should -BeNullOrEmpty
    }

    It 'refuses a certificate for another host name' {
        $env:SSL_CERT_FILE = $script:Https.CaPath
        Invoke-InChild ($script:Https.BaseUrl -replace '127\.0\.0\.1', 'localhost') | Should -Match '^ERROR ConnectionError .*certificate'
    }
}

Describe 'Proxies from the environment' {
    BeforeEach { Reset-Record }

    BeforeAll {
        # A fresh process each: the HTTP client reads the proxy settings once, on the first call.
        function Invoke-ThroughProxySettings([hashtable] $Variables) {
            $saved = @{}
            foreach ($k in $Variables.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Variables[$k]) }
            try {
                $script = @"
Import-Module Microsoft.Graph.CloudCommunications
Add-MgEnvironment -Name Local -GraphEndpoint '$($script:Emulator.BaseUrl)' -AzureADEndpoint '$($script:Emulator.BaseUrl)' | Out-Null
Connect-MgGraph -Environment Local -AccessToken (ConvertTo-SecureString '$($script:Emulator.Token)' -AsPlainText -Force) -NoWelcome
try { (Invoke-MgInviteCommunicationCallParticipant -CallId 'proxied' -BodyParameter @{ participants = @(@{ identity = @{ user = @{ id = 'u' } } }) } -ErrorAction Stop).Status }
catch { 'ERROR ' + `$_.CategoryInfo.Category + ' ' + `$_.Exception.Message }
"@
                & (Get-PwshPath) -NoProfile -NonInteractive -Command $script
            } finally {
                foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
            }
        }
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $script:DeadProxy = "http://127.0.0.1:$($listener.LocalEndpoint.Port)"; $listener.Stop()
    }

    It 'HTTP_PROXY from the environment is used (a proxy that is down makes the call fail)' {
        Invoke-ThroughProxySettings @{ HTTP_PROXY = $script:DeadProxy } | Should -Match '^ERROR ConnectionError '
        Get-EmulatorRequest $script:Emulator | Should -BeNullOrEmpty
    }

    It 'NO_PROXY exempts a host from the proxy' {
        Invoke-ThroughProxySettings @{ HTTP_PROXY = $script:DeadProxy; NO_PROXY = '127.0.0.1' } | Should -Be 'running'
        @(Get-EmulatorRequest $script:Emulator).callId | Should -Be @('proxied')
    }
}

Describe '-Debug' {
    BeforeEach { Reset-Record }

    It 'prints the request and the response like Microsoft''s module, without the token' {
        $out = Invoke-MgInviteCommunicationCallParticipant -CallId 'debug' -BodyParameter $script:Body -Debug 5>&1 | Out-String
        $out | Should -Match '============================ HTTP REQUEST ============================'
        $out | Should -Match 'HTTP Method:\s+POST'
        $out | Should -Match ([regex]::Escape("Absolute Uri:`n$($script:Emulator.BaseUrl)/v1.0/communications/calls/debug/participants/invite"))
        $out | Should -Match '============================ HTTP RESPONSE ============================'
        $out | Should -Match 'Status Code:\s+200'
        $out | Should -Match '"participants"'
        $out | Should -Not -Match ([regex]::Escape($script:Emulator.Token))
        $out | Should -Not -Match '(?im)^authorization'
    }
}
