# The content streams of meetings: a transcript downloaded to -OutFile as it arrives (50 MB with
# memory flat), uploads from -InFile with the content type Graph expects, a download that breaks
# off halfway leaving no file, and the join-URL function.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    $script:User = 'adele.vance@contoso.test'
    $script:Meeting = New-MgUserOnlineMeeting -UserId $script:User -Subject 'Design review'
    $script:Transcript = New-MgUserOnlineMeetingTranscript -UserId $script:User -OnlineMeetingId $script:Meeting.Id -MeetingId $script:Meeting.Id
    $script:Ids = @{ UserId = $script:User; OnlineMeetingId = $script:Meeting.Id; CallTranscriptId = $script:Transcript.Id }
    $script:ContentPath = "/users/$($script:User)/onlineMeetings/$($script:Meeting.Id)/transcripts/$($script:Transcript.Id)/content"

    function Set-EmulatorStream([string] $Path, [long] $Size, [long] $BreakAfter = 0) {
        $body = @{ path = $Path; size = $Size }
        if ($BreakAfter) { $body.breakAfter = $BreakAfter }
        Invoke-RestMethod -Method Post -Uri "$($script:Emulator.BaseUrl)/_emulator/streams" -ContentType 'application/json' -Body ($body | ConvertTo-Json) | Out-Null
    }
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'Downloading a stream to -OutFile' {
    It 'writes the transcript to the file, and -PassThru says it did' {
        $target = Join-Path $TestDrive 'transcript.vtt'
        $saved = Get-MgUserOnlineMeetingTranscriptContent @script:Ids -OutFile $target -PassThru
        $saved | Should -BeTrue
        (Get-Content $target -Raw) | Should -Match '^WEBVTT'
        Get-ChildItem $TestDrive -Filter '*.partial' | Should -BeNullOrEmpty
    }

    It 'writes nothing to the pipeline without -PassThru, and takes a path relative to the current location' {
        Push-Location $TestDrive
        try {
            $out = @(Get-MgUserOnlineMeetingTranscriptContent @script:Ids -OutFile 'relative.vtt')
        } finally {
            Pop-Location
        }
        $out.Count | Should -Be 0
        Join-Path $TestDrive 'relative.vtt' | Should -Exist
    }

    It 'writes 50 MB as it arrives, with memory flat' {
        $size = 50MB
        Set-EmulatorStream $script:ContentPath $size
        $target = Join-Path $TestDrive 'large.vtt'
        $child = @"
`$env:PSModulePath = '$env:GRAPH_TEST_MODULES' + [IO.Path]::PathSeparator + `$env:PSModulePath
Import-Module Microsoft.Graph.CloudCommunications
Add-MgEnvironment -Name Local -GraphEndpoint '$($script:Emulator.BaseUrl)' -AzureADEndpoint '$($script:Emulator.BaseUrl)' | Out-Null
Connect-MgGraph -Environment Local -AccessToken (ConvertTo-SecureString '$($script:Emulator.Token)' -AsPlainText -Force) -NoWelcome
`$ids = @{ UserId = '$($script:User)'; OnlineMeetingId = '$($script:Meeting.Id)' }
# A first download loads everything a download needs, so the peak after it measures the large one alone.
`$meta = Join-Path '$TestDrive' 'warm.json'
Get-MgUserOnlineMeetingTranscriptMetadataContent @ids -CallTranscriptId '$($script:Transcript.Id)' -OutFile `$meta
[GC]::Collect()
`$process = Get-Process -Id `$PID
`$before = `$process.PeakWorkingSet64
Get-MgUserOnlineMeetingTranscriptContent @ids -CallTranscriptId '$($script:Transcript.Id)' -OutFile '$target'
`$process.Refresh()
'{0},{1}' -f `$before, `$process.PeakWorkingSet64
"@
        $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command $child
        $LASTEXITCODE | Should -Be 0
        $before, $after = [long[]](@($output)[-1] -split ',')
        (Get-Item $target).Length | Should -Be $size
        [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($target), 0, 6) | Should -Be 'WEBVTT'
        ($after - $before) / 1MB | Should -BeLessThan 20 -Because "the peak working set grew by $([Math]::Round(($after - $before) / 1MB, 1)) MB for a 50 MB download"
    }

    It 'leaves no file behind when the connection breaks off halfway, and says how far it got' {
        Set-EmulatorStream $script:ContentPath (10MB) -BreakAfter (3MB)
        $target = Join-Path $TestDrive 'broken.vtt'
        Get-MgUserOnlineMeetingTranscriptContent @script:Ids -OutFile $target -ErrorVariable broke -ErrorAction SilentlyContinue
        $broke.Count | Should -Be 1
        $broke[0].Exception.Message | Should -Match 'broke off after \d+ bytes'
        $target | Should -Not -Exist
        Get-ChildItem $TestDrive -Filter '*.partial' | Should -BeNullOrEmpty
    }

    It 'keeps the file that was there when a download fails' {
        $target = Join-Path $TestDrive 'kept.vtt'
        Set-Content $target 'the old transcript'
        Get-MgUserOnlineMeetingTranscriptContent -UserId $script:User -OnlineMeetingId $script:Meeting.Id -CallTranscriptId 'no-such-transcript' `
            -OutFile $target -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Get-Content $target -Raw).Trim() | Should -Be 'the old transcript'
    }
}

Describe 'Uploading a stream from -InFile' {
    It 'sends the file''s bytes as they are, with the content type its extension says, and reads them back' {
        $bytes = [byte[]](0..255) + [Text.Encoding]::UTF8.GetBytes("WEBVTT`n`nä ö ü")
        $source = Join-Path $TestDrive 'upload.vtt'
        [IO.File]::WriteAllBytes($source, $bytes)
        Clear-EmulatorRequest $script:Emulator
        Set-MgUserOnlineMeetingTranscriptContent @script:Ids -InFile $source
        $put = @(Get-EmulatorRequest $script:Emulator -Kind graph)[-1]
        $put.method | Should -Be 'PUT'
        $put.headers.'content-type' | Should -Be 'text/vtt'
        $back = Join-Path $TestDrive 'back.vtt'
        Get-MgUserOnlineMeetingTranscriptContent @script:Ids -OutFile $back
        [IO.File]::ReadAllBytes($back) | Should -Be $bytes
    }

    It 'takes -ContentType over the extension, and -PassThru says it was accepted' {
        $source = Join-Path $TestDrive 'report.bin'
        [IO.File]::WriteAllBytes($source, [byte[]](1, 2, 3))
        Clear-EmulatorRequest $script:Emulator
        Set-MgUserOnlineMeetingAttendeeReport -UserId $script:User -OnlineMeetingId $script:Meeting.Id -InFile $source -ContentType 'text/csv' -PassThru |
            Should -BeTrue
        @(Get-EmulatorRequest $script:Emulator -Kind graph)[-1].headers.'content-type' | Should -Be 'text/csv'
    }

    It 'refuses a file that cannot be read, and sends nothing' {
        Clear-EmulatorRequest $script:Emulator
        Set-MgUserOnlineMeetingTranscriptContent @script:Ids -InFile (Join-Path $TestDrive 'missing.vtt') -ErrorVariable unreadable -ErrorAction SilentlyContinue
        $unreadable.Count | Should -Be 1
        $unreadable[0].Exception.Message | Should -Match 'could not be read.*Nothing was sent'
        @(Get-EmulatorRequest $script:Emulator -Kind graph).Count | Should -Be 0
    }
}

Describe 'A function that answers a string' {
    It 'returns the virtual appointment join URL as a string' {
        $meeting = New-MgCommunicationOnlineMeeting -Subject 'Appointment'
        $url = Get-MgCommunicationOnlineMeetingVirtualAppointmentJoinWebUrl -OnlineMeetingId $meeting.Id
        $url | Should -BeOfType [string]
        $url | Should -Match '^https://visit\.teams\.microsoft\.com/'
    }
}
