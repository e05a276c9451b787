# Connect-MgGraph -Scopes: a person signs in with a device code or in the browser (the
# emulator's --follow mode plays the browser through $env:BROWSER), against the emulator.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator -NoConnect
    $script:SavedBrowser = $env:BROWSER
    $script:Follow = "$script:EmulatorPath --follow"
}

AfterAll {
    $env:BROWSER = $script:SavedBrowser
    Stop-TestEmulator $script:Emulator
}

Describe 'Connect-MgGraph -Scopes' {
    BeforeEach {
        $env:BROWSER = $script:Follow
        Clear-EmulatorRequest $script:Emulator
    }

    AfterEach {
        if (Get-MgContext) { Disconnect-MgGraph | Out-Null }
    }

    It 'a script that starts with -UseDeviceCode shows the code on the host and calls Graph as the user' {
        $shown = Connect-MgGraph -Scopes User.Read.All -UseDeviceCode -Environment Local 6>&1
        ($shown | Out-String) | Should -Match 'open the page http://127\.0\.0\.1:\d+/devicelogin and enter the code [0-9A-F]{9}'
        ($shown | Out-String) | Should -Match 'Connected via delegated access using 14d82eec-204b-4c2f-b7e8-296a70dab67e'
        $context = Get-MgContext
        $context.AuthType | Should -Be 'Delegated'
        $context.TokenCredentialType | Should -Be 'DeviceCode'
        $context.Account | Should -Be 'adele.vance@contoso.test'
        $context.Scopes | Should -Be @('User.Read.All')
        (Invoke-MgGraphRequest -Method GET -Uri /v1.0/me).displayName | Should -Be 'Adele Vance'
    }

    It 'takes scopes comma-separated or as an array, and the browser sign-in by default' {
        Connect-MgGraph -Scopes 'User.Read, Mail.Send', 'Group.Read.All' -Environment Local -NoWelcome
        $context = Get-MgContext
        $context.TokenCredentialType | Should -Be 'InteractiveBrowser'
        $context.Scopes | Should -Be @('User.Read', 'Mail.Send', 'Group.Read.All')
        (Get-EmulatorRequest $script:Emulator -Kind authorize).Count | Should -Be 1
    }

    It 'asks again only for more scopes (consent upgrade), keeping the ones it has' {
        Connect-MgGraph -Scopes User.Read -Environment Local -NoWelcome
        Connect-MgGraph -Scopes User.Read -Environment Local -NoWelcome
        @(Get-EmulatorRequest $script:Emulator -Kind authorize).Count | Should -Be 1
        Connect-MgGraph -Scopes Calendars.Read -Environment Local -NoWelcome
        @(Get-EmulatorRequest $script:Emulator -Kind authorize).Count | Should -Be 2
        (Get-MgContext).Scopes | Should -Be @('User.Read', 'Calendars.Read')
    }

    It 'refreshes an expired token with the refresh token and never shows a token' {
        $all = Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -Verbose -Debug 4>&1 5>&1 6>&1 3>&1 | Out-String
        Invoke-EmulatorTokenExpiry $script:Emulator
        $all += Invoke-MgGraphRequest -Method GET -Uri /v1.0/me -Verbose -Debug 4>&1 5>&1 | Out-String
        $all | Should -Match 'Adele Vance'
        @(Get-EmulatorRequest $script:Emulator -Kind token | Where-Object { $_.body.grant_type -eq 'refresh_token' }).Count | Should -Be 1
        foreach ($token in Get-EmulatorIssuedToken $script:Emulator) { $all | Should -Not -BeLike "*$token*" }
        $all | Should -Not -Match 'RT\.[0-9a-f]{8}'
    }

    It 'refuses the invite under a user''s sign-in, before sending, and says how to connect app-only' {
        Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -NoWelcome 6>$null
        $err = { Invoke-MgInviteCommunicationCallParticipant -CallId 'c1' -BodyParameter @{ participants = @(@{ identity = @{ user = @{ id = 'u' } } }) } -ErrorAction Stop } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'DelegatedPermissionNotSupported,*'
        $err.Exception.Message | Should -Match 'no delegated permission'
        $err.Exception.Message | Should -Match 'Connect-MgGraph -ClientSecretCredential'
        Get-EmulatorRequest $script:Emulator -Kind invite | Should -BeNullOrEmpty
    }

    It 'reports a denied sign-in and stays disconnected' {
        Set-EmulatorSignIn $script:Emulator @{ decision = 'deny' }
        $err = { Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -ErrorAction Stop 6>$null } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SignInDeclined,*'
        Get-MgContext | Should -BeNullOrEmpty
    }

    It 'ends a sign-in nobody finishes at -ClientTimeout' {
        Set-EmulatorSignIn $script:Emulator @{ decision = 'stall' }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -ClientTimeout 2 -ErrorAction Stop 6>$null } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SignInTimedOut,*'
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        Set-MgRequestContext -ClientTimeout 300 | Out-Null
    }

    It 'stops a device-code sign-in at once on Ctrl+C and leaves no native call behind' {
        Set-EmulatorSignIn $script:Emulator @{ decision = 'stall' }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({ Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local 6>$null })
            $null = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (-not (Get-EmulatorRequest $script:Emulator -Kind token) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-EmulatorRequest $script:Emulator -Kind token | Should -Not -BeNullOrEmpty -Because 'it is polling'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Wait-NativeCallDrain | Should -Be 0
            Get-MgContext | Should -BeNullOrEmpty
        } finally {
            $ps.Dispose()
        }
    }

    It 'falls back to a device code with a warning where no browser can be opened' {
        $env:BROWSER = '/nonexistent/browser'
        Connect-MgGraph -Scopes User.Read -Environment Local -NoWelcome -WarningVariable warned 6>$null 3>$null
        ($warned -join "`n") | Should -Match 'Could not open a web browser'
        (Get-MgContext).TokenCredentialType | Should -Be 'DeviceCode'
    }
}

Describe 'The sign-in kept for later sessions (-ContextScope CurrentUser)' {
    BeforeAll {
        $script:Kept = Join-Path $env:GRAPHRS_SETTINGS_DIRECTORY 'mg.user-signin.json'
    }

    BeforeEach {
        $env:BROWSER = $script:Follow
        Clear-EmulatorRequest $script:Emulator
    }

    AfterEach {
        Disconnect-MgGraph -ErrorAction SilentlyContinue | Out-Null
    }

    It 'is written owner-only without any access token, and a new session signs in from it without asking' {
        Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -NoWelcome 6>$null 3>$null
        (Get-MgContext).ContextScope | Should -Be 'CurrentUser'
        $script:Kept | Should -Exist
        (Get-Item $script:Kept).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        $text = Get-Content $script:Kept -Raw
        foreach ($token in Get-EmulatorIssuedToken $script:Emulator) { $text | Should -Not -BeLike "*$token*" }

        # A later session: another pwsh with the same settings folder.
        $child = @"
`$env:PSModulePath = '$env:GRAPH_TEST_MODULES' + [IO.Path]::PathSeparator + `$env:PSModulePath
`$env:GRAPHRS_SETTINGS_DIRECTORY = '$env:GRAPHRS_SETTINGS_DIRECTORY'
Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -NoWelcome 6>&1 3>`$null
(Invoke-MgGraphRequest -Method GET -Uri /v1.0/me).displayName
(Get-MgContext).TokenCredentialType
"@
        $output = & (Get-PwshPath) -NoProfile -Command $child
        $output | Should -Be @('Adele Vance', 'DeviceCode')
        @(Get-EmulatorRequest $script:Emulator -Kind token | Where-Object { $_.body.grant_type -eq 'urn:ietf:params:oauth:grant-type:device_code' }).Count |
            Should -Be 2 -Because 'only the first session polled for a device code'
    }

    It 'keeps the account and scopes across silent reconnects whose answers name nobody' {
        # Opaque access tokens and refreshes without an id token (as for a personal account):
        # only the first sign-in says who signed in.
        Set-EmulatorSignIn $script:Emulator @{ opaqueTokens = $true }
        Connect-MgGraph -Scopes 'User.Read', 'Presence.Read' -UseDeviceCode -Environment Local -ContextScope CurrentUser -NoWelcome 6>$null 3>$null
        (Get-MgContext).Account | Should -Be 'adele.vance@contoso.test'

        $child = @"
`$env:PSModulePath = '$env:GRAPH_TEST_MODULES' + [IO.Path]::PathSeparator + `$env:PSModulePath
`$env:GRAPHRS_SETTINGS_DIRECTORY = '$env:GRAPHRS_SETTINGS_DIRECTORY'
Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -ContextScope CurrentUser -NoWelcome 6>&1 3>`$null
`$context = Get-MgContext
`$context.Account
(`$context.Scopes | Sort-Object) -join ','
"@
        # Two later sessions: the second reads the file the first one's refresh rewrote.
        foreach ($session in 1, 2) {
            $output = & (Get-PwshPath) -NoProfile -Command $child
            $output | Should -Be @('adele.vance@contoso.test', 'Presence.Read,User.Read') -Because "session $session connects silently"
        }
        @(Get-EmulatorRequest $script:Emulator -Kind token | Where-Object { $_.body.grant_type -eq 'refresh_token' }).Count |
            Should -Be 2 -Because 'each later session refreshed once, without asking the user'
    }

    It 'is not written with -ContextScope Process, and Disconnect-MgGraph removes a kept one' {
        Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -ContextScope Process -NoWelcome 6>$null
        (Get-MgContext).ContextScope | Should -Be 'Process'
        $script:Kept | Should -Not -Exist
        Disconnect-MgGraph | Out-Null
        Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -NoWelcome 6>$null 3>$null
        $script:Kept | Should -Exist
        Disconnect-MgGraph | Out-Null
        $script:Kept | Should -Not -Exist
    }

    It 'ignores a kept sign-in readable by others, or corrupt, with a warning, and signs in again' {
        Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -NoWelcome 6>$null 3>$null
        Disconnect-MgGraph | Out-Null
        Set-Content $script:Kept '{ "version": 1, "refreshToken": "x" }'
        [IO.File]::SetUnixFileMode($script:Kept, [IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead')
        Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -NoWelcome -WarningVariable loose 6>$null 3>$null
        ($loose -join "`n") | Should -Match 'readable by others'
        (Get-MgContext).Account | Should -Be 'adele.vance@contoso.test'
        Disconnect-MgGraph | Out-Null
        [IO.File]::WriteAllText($script:Kept, '{ not json')
        [IO.File]::SetUnixFileMode($script:Kept, [IO.UnixFileMode]'UserRead, UserWrite')
        Connect-MgGraph -Scopes User.Read -UseDeviceCode -Environment Local -NoWelcome -WarningVariable corrupt 6>$null 3>$null
        ($corrupt -join "`n") | Should -Match 'not valid'
        (Get-MgContext).AuthType | Should -Be 'Delegated'
    }
}
