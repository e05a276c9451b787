# A call-quality script as users write it, against the emulator: list the call records, read one
# with its sessions and their segments in one request, count sessions. The nested objects come
# back typed (Microsoft's module loses them: msgraph-sdk-powershell#1885).

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    # Graph makes call records after calls end; the emulator takes them through Graph's paths.
    $base = "$($script:Emulator.BaseUrl)/v1.0/communications/callRecords"
    $headers = @{ Authorization = "Bearer $($script:Emulator.Token)" }
    $script:RecordId = 'e523d2ed-2966-4b6b-925b-754a88034cc5'
    $record = @{
        id = $script:RecordId; type = 'groupCall'; modalities = @('audio', 'video'); version = 1
        startDateTime = '2026-11-27T09:00:00Z'; endDateTime = '2026-11-27T09:45:00Z'; lastModifiedDateTime = '2026-11-27T09:50:00Z'
        organizer = @{ user = @{ id = '821809f5-0000-0000-0000-3b5136c0e777'; displayName = 'Abbie Wilkins' } }
    }
    Invoke-RestMethod -Method Post -Uri $base -Headers $headers -ContentType 'application/json' -Body ($record | ConvertTo-Json -Depth 5) | Out-Null
    foreach ($n in 1..2) {
        $session = New-MgCommunicationCallRecordSession -CallRecordId $script:RecordId -Id "session-$n" -Modalities audio `
            -StartDateTime '2026-11-27T09:00:00Z' -EndDateTime '2026-11-27T09:45:00Z'
        foreach ($m in 1..3) {
            $segment = @{ id = "segment-$n-$m"; startDateTime = '2026-11-27T09:00:00Z'; endDateTime = '2026-11-27T09:15:00Z' }
            Invoke-RestMethod -Method Post -Uri "$base/$($script:RecordId)/sessions/$($session.Id)/segments" -Headers $headers `
                -ContentType 'application/json' -Body ($segment | ConvertTo-Json) | Out-Null
        }
    }
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'A script that reads call quality' {
    BeforeAll {
        Clear-EmulatorRequest $script:Emulator
        $script:Records = @(Get-MgCommunicationCallRecord -All)
        $script:Record = Get-MgCommunicationCallRecord -CallRecordId $script:RecordId -ExpandProperty 'sessions($expand=segments)'
        $script:Request = @(Get-EmulatorRequest $script:Emulator -Kind graph)[-1]
        $script:SessionCount = Get-MgCommunicationCallRecordSessionCount -CallRecordId $script:RecordId
    }

    It 'lists the call records, typed in their own namespace' {
        $script:Records.Count | Should -Be 1
        $script:Records[0] | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphCallRecordsCallRecord
        $script:Records[0].Type | Should -Be 'groupCall'
        $script:Records[0].Modalities | Should -Be @('audio', 'video')
    }

    It 'asks for the sessions and segments in one request' {
        $script:Request.rawPath | Should -BeLike "*/communications/callRecords/$($script:RecordId)?*"
        [uri]::UnescapeDataString(($script:Request.rawPath -split '\?', 2)[1]) | Should -Be '$expand=sessions($expand=segments)'
    }

    It 'returns the nested sessions and segments typed' {
        $script:Record.Sessions.Count | Should -Be 2
        $script:Record.Sessions | ForEach-Object { $_ | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphCallRecordsSession }
        $segments = @($script:Record.Sessions.Segments)
        $segments.Count | Should -Be 6
        $segments | ForEach-Object { $_ | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphCallRecordsSegment }
        $script:Record.Organizer.User.DisplayName | Should -Be 'Abbie Wilkins'
    }

    It 'counts the sessions' {
        $script:SessionCount | Should -Be 2
    }
}
