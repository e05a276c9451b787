# Invoke-MgGraphRequest against the emulator: every parameter, the calls API, errors, files, retries.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    $script:CallId = 'request-call-1'
    Invoke-MgInviteCommunicationCallParticipant -CallId $script:CallId -BodyParameter @{
        participants = @(@{ identity = @{ user = @{ id = 'u-1'; displayName = 'Alice' } } }, @{ identity = @{ user = @{ id = 'u-2'; displayName = 'Bob' } } })
    } | Out-Null

    function Get-LastGraphRequest {
        @(Get-EmulatorRequest $script:Emulator 'graph')[-1]
    }
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'Invoke-MgGraphRequest on the calls API' {
    It 'returns the call from a relative URI (GET is the default)' {
        $call = Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)"
        $call | Should -BeOfType [hashtable]
        $call.id | Should -Be $script:CallId
        $call.state | Should -Be 'established'
        (Get-LastGraphRequest).method | Should -Be 'GET'
        (Get-LastGraphRequest).tokenAccepted | Should -BeTrue
    }

    It 'accepts the absolute URI of the connected environment, and the aliases' {
        (Invoke-GraphRequest -Uri "$($script:Emulator.BaseUrl)/v1.0/communications/calls/$($script:CallId)").id | Should -Be $script:CallId
        (Invoke-MgRestMethod -Method GET "/beta/communications/calls/$($script:CallId)").id | Should -Be $script:CallId
    }

    It 'lists participants, mutes one and removes one (204, nothing returned)' {
        $list = Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)/participants"
        $list.value.Count | Should -Be 2
        $bob = $list.value | Where-Object { $_.info.identity.user.displayName -eq 'Bob' }
        $mute = Invoke-MgGraphRequest -Method POST -Uri "/v1.0/communications/calls/$($script:CallId)/participants/$($bob.id)/mute" -Body @{ clientContext = 'mute-1' }
        $mute.status | Should -Be 'completed'
        $mute.clientContext | Should -Be 'mute-1'
        (Get-LastGraphRequest).body.clientContext | Should -Be 'mute-1'
        (Get-LastGraphRequest).headers.'content-type' | Should -Be 'application/json'
        (Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)/participants/$($bob.id)").isMuted | Should -BeTrue
        $out = Invoke-MgGraphRequest -Method DELETE -Uri "/v1.0/communications/calls/$($script:CallId)/participants/$($bob.id)" -StatusCodeVariable status
        $out | Should -BeNullOrEmpty
        $status | Should -Be 204
        (Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)/participants").value.Count | Should -Be 1
    }
}

Describe 'Invoke-MgGraphRequest -OutputType' {
    It '<Type> returns <Expected>' -ForEach @(
        @{ Type = 'HashTable'; Expected = [hashtable] }
        @{ Type = 'PSObject'; Expected = [pscustomobject] }
        @{ Type = 'Json'; Expected = [string] }
        @{ Type = 'HttpResponseMessage'; Expected = [System.Net.Http.HttpResponseMessage] }
    ) {
        $answer = Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)" -OutputType $Type
        $answer | Should -BeOfType $Expected
    }

    It 'PSObject nests objects and arrays; Json is the text Graph sent' {
        $p = Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)/participants" -OutputType PSObject
        $p.value[0].info.identity.user.displayName | Should -Be 'Alice'
        $json = Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)" -OutputType Json
        ($json | ConvertFrom-Json).id | Should -Be $script:CallId
    }

    It 'HttpResponseMessage carries the status, headers and body' {
        $m = Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)" -OutputType HttpResponseMessage
        [int] $m.StatusCode | Should -Be 200
        $m.Headers.GetValues('request-id') | Should -Not -BeNullOrEmpty
        ($m.Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json).id | Should -Be $script:CallId
    }
}

Describe 'Invoke-MgGraphRequest bodies, headers and variables' {
    It 'sends a string body as it is, with -ContentType' {
        Invoke-MgGraphRequest -Method PATCH -Uri '/v1.0/echo/text' -Body '{"raw": true}' -ContentType 'application/json; charset=utf-8' -SkipHttpErrorCheck | Out-Null
        $r = Get-LastGraphRequest
        $r.method | Should -Be 'PATCH'
        $r.bodyText | Should -Be '{"raw": true}'
        $r.headers.'content-type' | Should -Be 'application/json; charset=utf-8'
    }

    It 'sends byte[] raw and -InputFilePath as the file''s bytes' {
        Invoke-MgGraphRequest -Method PUT -Uri '/v1.0/echo/bytes' -Body ([Text.Encoding]::UTF8.GetBytes('abc')) -SkipHttpErrorCheck | Out-Null
        (Get-LastGraphRequest).bodyText | Should -Be 'abc'
        (Get-LastGraphRequest).headers.'content-type' | Should -Be 'application/octet-stream'
        $file = Join-Path $TestDrive 'upload.txt'
        Set-Content -Path $file -Value 'file content' -NoNewline
        Invoke-MgGraphRequest -Method PUT -Uri '/v1.0/echo/file' -InputFilePath $file -SkipHttpErrorCheck | Out-Null
        (Get-LastGraphRequest).bodyText | Should -Be 'file content'
    }

    It 'a PSCustomObject or ordered dictionary body is JSON; a dictionary on GET becomes the query' {
        Invoke-MgGraphRequest -Method POST -Uri '/v1.0/echo/object' -Body ([pscustomobject]@{ a = 1; b = @('x', 'y') }) -SkipHttpErrorCheck | Out-Null
        (Get-LastGraphRequest).body.b | Should -Be @('x', 'y')
        Invoke-MgGraphRequest -Uri '/v1.0/users' -Body ([ordered]@{ '$top' = 5; '$filter' = "startswith(displayName,'A B')" }) -SkipHttpErrorCheck | Out-Null
        (Get-LastGraphRequest).rawPath | Should -Be "/v1.0/users?%24top=5&%24filter=startswith%28displayName%2C%27A+B%27%29"
    }

    It 'a body with no JSON form is refused with its path and nothing is sent' {
        Clear-EmulatorRequest $script:Emulator
        { Invoke-MgGraphRequest -Method POST -Uri '/v1.0/echo' -Body @{ bad = { 'script' } } } | Should -Throw -ExpectedMessage '*bad*'
        Get-EmulatorRequest $script:Emulator 'graph' | Should -BeNullOrEmpty
    }

    It 'sends -Headers and -UserAgent; refuses header splitting and Authorization without sending' {
        Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)" -Headers @{ ConsistencyLevel = 'eventual'; 'x-skip' = $null } -UserAgent 'my-agent/1.0' | Out-Null
        $r = Get-LastGraphRequest
        $r.headers.consistencylevel | Should -Be 'eventual'
        $r.headers.'user-agent' | Should -Be 'my-agent/1.0'
        $r.headers.PSObject.Properties.Name | Should -Not -Contain 'x-skip'
        Clear-EmulatorRequest $script:Emulator
        { Invoke-MgGraphRequest -Uri '/v1.0/me' -Headers @{ 'x-a' = "1`r`nInjected: yes" } } | Should -Throw -ExpectedMessage '*CR, LF or NUL*'
        { Invoke-MgGraphRequest -Uri '/v1.0/me' -Headers @{ Authorization = 'Bearer other' } } | Should -Throw -ExpectedMessage '*set by the cmdlet*'
        # Found by the generated-input suite: these went out as raw UTF-8 or as U+FFFD.
        { Invoke-MgGraphRequest -Uri '/v1.0/me' -Headers @{ 'x-name' = 'Zoë' } } | Should -Throw -ExpectedMessage "*'x-name' holds U+00EB, which is not printable ASCII*"
        { Invoke-MgGraphRequest -Method POST -Uri '/v1.0/echo' -Body "half $([char]0xD83D)" } | Should -Throw -ExpectedMessage '*lone UTF-16 surrogate (U+D83D)*Nothing was sent*'
        { Invoke-MgGraphRequest -Method POST -Uri '/v1.0/echo' -Body @{ name = "half $([char]0xD83D)" } } | Should -Throw -ExpectedMessage '*name: holds a lone UTF-16 surrogate*'
        { Invoke-MgGraphRequest -Method POST -Uri '/v1.0/echo' -Body @{ Uri = "half $([char]0xD83D)" } } | Should -Throw -ErrorId 'InvalidBody,*'
        { Invoke-MgGraphRequest -Uri "/v1.0/me$([char]0xD83D)" } | Should -Throw -ErrorId 'InvalidUri,*'
        Get-EmulatorRequest $script:Emulator 'graph' | Should -BeNullOrEmpty
    }

    It '-ResponseHeadersVariable (RHV) and -StatusCodeVariable are set in the caller''s scope' {
        Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)" -RHV headers -StatusCodeVariable code | Out-Null
        $code | Should -Be 200
        $headers['REQUEST-ID'] | Should -Not -BeNullOrEmpty
    }
}

Describe 'Invoke-MgGraphRequest errors' {
    It 'a 404 stops the command with Graph''s code, ObjectNotFound, request ids and the body as ErrorDetails' {
        $err = $null
        try { Invoke-MgGraphRequest -Uri '/v1.0/communications/calls/no-such-call' } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike '8502,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Be '[8502] : Call not found.'
        [int] $err.Exception.Response.StatusCode | Should -Be 404
        $details = $err.ErrorDetails.Message | ConvertFrom-Json
        $details.error.code | Should -Be '8502'
        $details.error.innerError.'request-id' | Should -Not -BeNullOrEmpty
    }

    It '-SkipHttpErrorCheck returns the error answer instead' {
        $answer = Invoke-MgGraphRequest -Uri '/v1.0/communications/calls/no-such-call' -SkipHttpErrorCheck -StatusCodeVariable code
        $code | Should -Be 404
        $answer.error.code | Should -Be '8502'
    }

    It 'a 429 is retried as Retry-After says' {
        # Request context is process-wide: put it back so later test files see Microsoft's defaults.
        $before = Get-MgRequestContext
        Set-MgRequestContext -RetryDelay 1 | Out-Null
        Set-EmulatorScript $script:Emulator $script:CallId @(@{ status = 429; headers = @{ 'Retry-After' = '0.2' } })
        Clear-EmulatorRequest $script:Emulator
        try {
            $verbose = Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)" -Verbose 4>&1
        } finally {
            Set-MgRequestContext -RetryDelay $before.RetryDelay | Out-Null
        }
        ($verbose | Where-Object { $_ -is [hashtable] }).id | Should -Be $script:CallId
        ($verbose | Out-String) | Should -Match 'Retry-After'
        $sent = @(Get-EmulatorRequest $script:Emulator 'graph')
        $sent.Count | Should -Be 2
        $sent[1].headers.'retry-attempt' | Should -Be '1'
    }

    It 'refuses an absolute URI on another host without sending the token (-Token allows it)' {
        Clear-EmulatorRequest $script:Emulator
        $err = $null
        try { Invoke-MgGraphRequest -Uri 'https://graph.contoso.invalid/v1.0/me' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ForeignHost,*'
        $err.Exception.Message | Should -Match 'Nothing was sent'
        Get-EmulatorRequest $script:Emulator 'graph' | Should -BeNullOrEmpty
        $other = "http://localhost:$(([Uri]$script:Emulator.BaseUrl).Port)"
        $call = Invoke-MgGraphRequest -Uri "$other/v1.0/communications/calls/$($script:CallId)" -Token (ConvertTo-SecureString $script:Emulator.Token -AsPlainText -Force)
        $call.id | Should -Be $script:CallId
    }

    It 'is refused when not connected, with Connect-MgGraph named' {
        Disconnect-MgGraph | Out-Null
        try {
            { Invoke-MgGraphRequest -Uri '/v1.0/me' } | Should -Throw -ExpectedMessage '*Connect-MgGraph*'
        } finally {
            Connect-TestEmulator $script:Emulator
        }
    }

    It '-Debug shows the request and response without the token' {
        $debug = Invoke-MgGraphRequest -Uri "/v1.0/communications/calls/$($script:CallId)" -Debug 5>&1 | Out-String
        $debug | Should -Match 'HTTP REQUEST'
        $debug | Should -Match 'GET'
        $debug | Should -Not -Match ([regex]::Escape($script:Emulator.Token))
    }
}

Describe 'Invoke-MgGraphRequest files' {
    It 'returns a CSV report as text when no file is named' {
        $csv = Invoke-MgGraphRequest -Uri "/v1.0/reports/getTeamsUserActivityUserDetail(period='D7')"
        $csv | Should -BeOfType [string]
        ($csv -split "`n")[0] | Should -Match '^Report Refresh Date,'
    }

    It '-OutputFilePath streams a report larger than any answer held in memory; -PassThru needs a file' {
        $file = Join-Path $TestDrive 'big.csv'
        $out = Invoke-MgGraphRequest -Uri "/v1.0/reports/getTeamsUserActivityUserDetail(period='D7')?rows=400000" -OutputFilePath $file
        $out | Should -BeNullOrEmpty
        (Get-Item $file).Length | Should -BeGreaterThan 17MB
        (Get-Content $file -TotalCount 2)[1] | Should -Match '^2026-11-25,user1@contoso.test'
        Test-Path "$file.partial" | Should -BeFalse
        { Invoke-MgGraphRequest -Uri '/v1.0/me' -PassThru } | Should -Throw -ExpectedMessage '*-PassThru needs -OutputFilePath*'
    }

    It '-InferOutputFileName names the file from Content-Disposition; -PassThru also returns it' {
        Push-Location $TestDrive
        try {
            $text = Invoke-MgGraphRequest -Uri "/v1.0/reports/getTeamsUserActivityUserDetail(period='D7')?rows=5" -InferOutputFileName -PassThru
            Join-Path $TestDrive 'TeamsUserActivityUserDetail.csv' | Should -Exist
            $text | Should -Be (Get-Content (Join-Path $TestDrive 'TeamsUserActivityUserDetail.csv') -Raw)
        } finally {
            Pop-Location
        }
    }
}
