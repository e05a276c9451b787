# Every generated command, every parameter set, against the emulator: the cases (tests/generated,
# written by the generator) give the arguments a user would type and the request Graph must receive;
# the emulator serves the paths from its own reading of Graph's shapes, not from our descriptors.

BeforeDiscovery {
    $script:CaseFile = Join-Path $PSScriptRoot 'generated' 'CallCommands.Cases.json'
    $script:Cases = @((Get-Content $script:CaseFile -Raw | ConvertFrom-Json -AsHashtable).cases)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    $script:Seed = (Get-Content (Join-Path $PSScriptRoot 'generated' 'CallCommands.Cases.json') -Raw | ConvertFrom-Json -AsHashtable).seed

    function Reset-EmulatorStore {
        # The calls and their children the cases address, created afresh through Graph's own paths.
        $base = $script:Emulator.BaseUrl
        $headers = @{ Authorization = "Bearer $($script:Emulator.Token)" }
        foreach ($item in $script:Seed) {
            Invoke-WebRequest -Method Delete -Uri "$base/v1.0$($item.path)/$($item.body.id)" -Headers $headers -SkipHttpErrorCheck | Out-Null
        }
        foreach ($item in $script:Seed) {
            Invoke-RestMethod -Method Post -Uri "$base/v1.0$($item.path)" -Headers $headers -ContentType 'application/json' `
                -Body ($item.body | ConvertTo-Json -Depth 5) | Out-Null
        }
        Clear-EmulatorRequest $script:Emulator
    }

    function Get-SentRequest([string] $Method, [string] $Path) {
        $all = @(Invoke-RestMethod -Uri "$($script:Emulator.BaseUrl)/_emulator/requests" | ForEach-Object { $_ })
        @($all | Where-Object { $_.method -eq $Method -and ($_.rawPath -split '\?')[0] -eq $Path })[-1]
    }
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'Generated command <command> (<set>)' -ForEach $script:Cases {
    BeforeAll {
        Reset-EmulatorStore
        $arguments = @{}
        foreach ($key in $parameters.Keys) { $arguments[$key] = $parameters[$key] }
        foreach ($switch in $switches) { $arguments[$switch] = $true }
        if ((Get-Command $command).Parameters.ContainsKey('Confirm')) { $arguments['Confirm'] = $false }
        $script:Output = @(& $command @arguments -ErrorVariable failed -ErrorAction SilentlyContinue)
        $script:Failed = @($failed)
        $script:Sent = Get-SentRequest $expect.method $expect.path
    }

    It 'binds the set, sends the request and writes no error' {
        $script:Failed | Should -BeNullOrEmpty
        $script:Sent | Should -Not -BeNullOrEmpty -Because "$($expect.method) $($expect.path) should reach the emulator"
    }

    It 'sends the expected query' {
        $query = [Web.HttpUtility]::ParseQueryString(($script:Sent.rawPath -split '\?', 2)[1] + '')
        $sent = @{}
        foreach ($key in $query.AllKeys) { if ($key) { $sent[$key] = $query[$key] } }
        (ConvertTo-CanonicalJson $sent) | Should -Be (ConvertTo-CanonicalJson $expect.query)
    }

    It 'sends the expected body' {
        if ($null -eq $expect.body) {
            $script:Sent.bodyText | Should -BeNullOrEmpty
        } else {
            (ConvertTo-CanonicalJson $script:Sent.body) | Should -Be (ConvertTo-CanonicalJson $expect.body)
        }
    }

    It 'returns <expect.output>' {
        $script:Output.Count | Should -BeGreaterThan 0
        foreach ($item in $script:Output) {
            $item.GetType().FullName | Should -Be $expect.output
        }
    }
}
