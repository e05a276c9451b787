# A meeting script as users write it, under a user's sign-in (device code) against the emulator:
# create a meeting for the user, find-or-create one by an external id, read its attendance
# report and records page by page, download its transcript, read the user's presence, delete it.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator -NoConnect
    Connect-MgGraph -Scopes 'OnlineMeetings.ReadWrite', 'Presence.Read' -UseDeviceCode -Environment Local -ContextScope Process -NoWelcome 6>$null
    $script:User = 'adele.vance@contoso.test'
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'A script that creates a meeting for the user and reads who attended' {
    BeforeAll {
        Clear-EmulatorRequest $script:Emulator
        $start = [datetime]::new(2026, 12, 1, 9, 0, 0, [DateTimeKind]::Utc)
        $script:Meeting = New-MgUserOnlineMeeting -UserId $script:User -Subject 'Quarterly review' -StartDateTime $start -EndDateTime $start.AddHours(1)
        $script:Created = @(Get-EmulatorRequest $script:Emulator -Kind graph)[-1]

        # Graph makes attendance reports after a meeting; the emulator takes them as Graph's own paths would.
        $report = New-MgUserOnlineMeetingAttendanceReport -UserId $script:User -OnlineMeetingId $script:Meeting.Id -TotalParticipantCount 5
        foreach ($n in 1..5) {
            $null = New-MgUserOnlineMeetingAttendanceReportAttendanceRecord -UserId $script:User -OnlineMeetingId $script:Meeting.Id `
                -MeetingAttendanceReportId $report.Id -EmailAddress "attendee$n@contoso.test" -TotalAttendanceInSeconds (600 * $n) -Role Attendee
        }
        Invoke-RestMethod -Method Post -Uri "$($script:Emulator.BaseUrl)/_emulator/paging" -ContentType 'application/json' -Body '{"pageSize":2}' | Out-Null
        Clear-EmulatorRequest $script:Emulator
        $script:Reports = @(Get-MgUserOnlineMeetingAttendanceReport -UserId $script:User -OnlineMeetingId $script:Meeting.Id -All)
        $script:Records = @(Get-MgUserOnlineMeetingAttendanceReportAttendanceRecord -UserId $script:User -OnlineMeetingId $script:Meeting.Id `
                -MeetingAttendanceReportId $script:Reports[0].Id -All)
        $script:RecordPages = @(Get-EmulatorRequest $script:Emulator -Kind graph | Where-Object { $_.rawPath -like '*/attendanceRecords*' })
        Invoke-RestMethod -Method Post -Uri "$($script:Emulator.BaseUrl)/_emulator/paging" -ContentType 'application/json' -Body '{"pageSize":100}' | Out-Null
        # Graph makes the transcript during the meeting; the emulator takes it through Graph's path.
        $transcript = New-MgUserOnlineMeetingTranscript -UserId $script:User -OnlineMeetingId $script:Meeting.Id -MeetingId $script:Meeting.Id
        $script:TranscriptFile = Join-Path $TestDrive 'quarterly-review.vtt'
        $script:Downloaded = Get-MgUserOnlineMeetingTranscriptContent -UserId $script:User -OnlineMeetingId $script:Meeting.Id `
            -CallTranscriptId $transcript.Id -OutFile $script:TranscriptFile -PassThru
        $script:Presence = Get-MgUserPresence -UserId $script:User
        $script:Removed = Remove-MgUserOnlineMeeting -UserId $script:User -OnlineMeetingId $script:Meeting.Id -PassThru
    }

    It 'creates the meeting under the user, typed, with its join URL' {
        $script:Meeting | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphOnlineMeeting
        $script:Meeting.Subject | Should -Be 'Quarterly review'
        $script:Meeting.JoinWebUrl | Should -Match '^https://teams\.microsoft\.com/l/meetup-join/'
        $script:Created.method | Should -Be 'POST'
        $script:Created.rawPath | Should -Be '/v1.0/users/adele.vance%40contoso.test/onlineMeetings'
        $script:Created.bodyText | Should -Match '"startDateTime":\s*"2026-12-01T09:00:00(\.0+)?Z"'
    }

    It 'reads the attendance report and every record, following the pages' {
        $script:Reports.Count | Should -Be 1
        $script:Reports[0] | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphMeetingAttendanceReport
        $script:Reports[0].TotalParticipantCount | Should -Be 5
        $script:Records.Count | Should -Be 5
        $script:Records | ForEach-Object { $_ | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphAttendanceRecord }
        ($script:Records | Measure-Object TotalAttendanceInSeconds -Sum).Sum | Should -Be 9000
        $script:RecordPages.Count | Should -Be 3 -Because 'five records two to a page'
    }

    It 'downloads the meeting''s transcript, a WebVTT file' {
        $script:Downloaded | Should -BeTrue
        (Get-Content $script:TranscriptFile -Raw) | Should -Match '^WEBVTT'
    }

    It 'reads the user''s presence, typed' {
        $script:Presence | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphPresence
        $script:Presence.Id | Should -Be $script:User
    }

    It 'deletes the meeting, and a read of it is then an ObjectNotFound record' {
        $script:Removed | Should -BeTrue
        Get-MgUserOnlineMeeting -UserId $script:User -OnlineMeetingId $script:Meeting.Id -ErrorVariable gone -ErrorAction SilentlyContinue
        $gone.Count | Should -Be 1
        $gone[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Meetings found or made by an external id' {
    It 'makes the meeting once and finds it the second time' {
        $first = Invoke-MgCreateOrGetCommunicationOnlineMeeting -ExternalId 'crm-4711' -Subject 'Customer call'
        $second = Invoke-MgCreateOrGetCommunicationOnlineMeeting -ExternalId 'crm-4711' -Subject 'Customer call'
        $first | Should -BeOfType Microsoft.Graph.PowerShell.Models.MicrosoftGraphOnlineMeeting
        $second.Id | Should -Be $first.Id
        (Get-MgCommunicationOnlineMeeting -OnlineMeetingId $first.Id).Subject | Should -Be 'Customer call'
    }

    It 'refuses a body without the externalId Graph requires, and sends nothing' {
        Clear-EmulatorRequest $script:Emulator
        Invoke-MgCreateOrGetCommunicationOnlineMeeting -Subject 'No id' -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].Exception.Message | Should -Match 'externalId'
        @(Get-EmulatorRequest $script:Emulator -Kind graph).Count | Should -Be 0
    }
}
