# How the invite cmdlet behaves for a user: input forms, pipeline, -WhatIf, headers,
# response headers, Graph errors, not being connected, and Ctrl+C.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    $script:Body = @{
        participants  = @(@{ identity = @{ user = @{ id = 'u1'; displayName = 'Ann' } } })
        clientContext = 'ctx-1'
    }
    $script:Expected = ConvertTo-CanonicalJson $script:Body
    function Get-OnlyRequest {
        $requests = @(Get-EmulatorRequest $script:Emulator)
        $requests.Count | Should -Be 1
        $requests[0]
    }
}

AfterAll {
    Stop-TestEmulator $script:Emulator
}

Describe 'Invoke-MgInviteCommunicationCallParticipant for a user' {
    BeforeEach {
        Clear-EmulatorRequest $script:Emulator
    }

    Describe 'Input forms' {
        It 'maps PascalCase keys to Graph''s camelCase names' {
            $pascal = @{
                Participants  = @(@{ Identity = @{ User = @{ Id = 'u1'; DisplayName = 'Ann' } } })
                ClientContext = 'ctx-1'
            }
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $pascal | Out-Null
            ConvertTo-CanonicalJson (Get-OnlyRequest).body | Should -Be $script:Expected
        }

        It 'accepts [ordered] dictionaries and PSCustomObjects' {
            $body = [pscustomobject]@{
                participants  = @([ordered]@{ identity = [pscustomobject]@{ user = @{ id = 'u1'; displayName = 'Ann' } } })
                clientContext = 'ctx-1'
            }
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $body | Out-Null
            ConvertTo-CanonicalJson (Get-OnlyRequest).body | Should -Be $script:Expected
        }

        It 'converts scalars as Microsoft''s models do' {
            $body = @{ participants = @(@{ identity = @{ user = @{ id = 42 } }; hidden = 'True' }); clientContext = 12345 }
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $body | Out-Null
            $sent = (Get-OnlyRequest).body
            $sent.clientContext | Should -BeExactly '12345'
            $sent.participants[0].hidden | Should -BeTrue
            $sent.participants[0].identity.user.id | Should -BeExactly '42'
        }

        It 'keeps unknown keys verbatim' {
            $body = @{ participants = @(@{ identity = @{ phone = @{ id = '+1555' }; user = @{ id = 'u'; identityProvider = 'AAD'; tenantId = 't' } } }); customKey = 'kept' }
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $body | Out-Null
            $sent = (Get-OnlyRequest).body
            $sent.customKey | Should -Be 'kept'
            $sent.participants[0].identity.phone.id | Should -Be '+1555'
            $sent.participants[0].identity.user.identityProvider | Should -Be 'AAD'
        }

        It 'escapes the call id as one path segment' {
            Invoke-MgInviteCommunicationCallParticipant -CallId 'a/b?c#d e' -BodyParameter $script:Body | Out-Null
            $r = Get-OnlyRequest
            $r.rawPath | Should -Be '/v1.0/communications/calls/a%2Fb%3Fc%23d%20e/participants/invite'
            $r.callId | Should -Be 'a/b?c#d e'
        }
    }

    Describe 'The expanded parameter sets' {
        It 'InviteExpanded builds the same body from -Participants and -ClientContext' {
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -Participants $script:Body.participants -ClientContext 'ctx-1' | Out-Null
            ConvertTo-CanonicalJson (Get-OnlyRequest).body | Should -Be $script:Expected
        }

        It 'InviteExpanded adds -AdditionalProperties' {
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -Participants $script:Body.participants -AdditionalProperties @{ extra = 'x' } | Out-Null
            (Get-OnlyRequest).body.extra | Should -Be 'x'
        }

        It 'InviteViaIdentityExpanded takes the call id from -InputObject' {
            Invoke-MgInviteCommunicationCallParticipant -InputObject @{ CallId = 'via-id' } -Participants $script:Body.participants -ClientContext 'ctx-1' | Out-Null
            $r = Get-OnlyRequest
            $r.callId | Should -Be 'via-id'
            ConvertTo-CanonicalJson $r.body | Should -Be $script:Expected
        }
    }

    Describe 'Pipeline input' {
        It 'a hashtable with CallId piped in is the InputObject (InviteViaIdentity)' {
            $op = @{ callid = 'piped-1' } | Invoke-MgInviteCommunicationCallParticipant -BodyParameter $script:Body
            $op.Id | Should -Not -BeNullOrEmpty
            $r = Get-OnlyRequest
            $r.callId | Should -Be 'piped-1'
            $r.headers.Keys | Should -Not -Contain 'callid'
        }

        It 'objects with CallId piped in each make one call' {
            $ops = [pscustomobject]@{ CallId = 'p1' }, [pscustomobject]@{ CallId = 'p2' } |
                Invoke-MgInviteCommunicationCallParticipant -BodyParameter $script:Body
            @($ops).Count | Should -Be 2
            @(Get-EmulatorRequest $script:Emulator).callId | Should -Be @('p1', 'p2')
        }

        It 'a body piped in with -CallId is the body' {
            $op = $script:Body | Invoke-MgInviteCommunicationCallParticipant -CallId 'piped-body'
            $op.Status | Should -Be 'running'
            ConvertTo-CanonicalJson (Get-OnlyRequest).body | Should -Be $script:Expected
        }

        It 'an InputObject without CallId is a terminating InvalidArgument error' {
            $err = { @{ Other = 1 } | Invoke-MgInviteCommunicationCallParticipant -BodyParameter $script:Body } | Should -Throw -PassThru
            $err.Exception.Message | Should -Be 'InputObject has null value for InputObject.CallId'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-EmulatorRequest $script:Emulator | Should -BeNullOrEmpty
        }
    }

    Describe '-WhatIf' {
        It 'validates, names the target and sends nothing' {
            # What-if text goes to the host, so read it from a transcript.
            $transcript = Join-Path ([IO.Path]::GetTempPath()) "whatif-$([Guid]::NewGuid()).txt"
            Start-Transcript -Path $transcript | Out-Null
            try {
                Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $script:Body -WhatIf
            } finally {
                Stop-Transcript | Out-Null
            }
            $out = Get-Content $transcript -Raw
            Remove-Item $transcript
            $out | Should -Match ([regex]::Escape('Performing the operation "Invoke-MgInviteCommunicationCallParticipant_Invite" on target "Call remote ''POST /communications/calls/{call-id}/participants/invite'' operation"'))
            Get-EmulatorRequest $script:Emulator | Should -BeNullOrEmpty
        }

        It 'still reports an invalid body' {
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter @{ participants = @() } -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
            $errs[0].Exception.Message | Should -Match 'participants: is empty'
        }
    }

    Describe '-Headers' {
        It 'adds headers to the request' {
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $script:Body -Headers @{ 'x-ms-test' = 'yes'; Prefer = 'return=minimal' } | Out-Null
            $h = (Get-OnlyRequest).headers
            $h.'x-ms-test' | Should -Be 'yes'
            $h.prefer | Should -Be 'return=minimal'
        }

        It 'refuses <Case> and sends nothing' -ForEach @(
            @{ Case = 'Authorization'; Headers = @{ Authorization = 'Bearer stolen' }; Says = 'is set by the cmdlet' }
            @{ Case = 'Host'; Headers = @{ host = 'evil.example' }; Says = 'is set by the cmdlet' }
            @{ Case = 'Content-Type'; Headers = @{ 'Content-Type' = 'text/plain' }; Says = 'is set by the cmdlet' }
            @{ Case = 'CR/LF in a value'; Headers = @{ 'x-a' = "1`r`nInjected: yes" }; Says = 'contains CR, LF or NUL' }
            @{ Case = 'LF in a name'; Headers = @{ "x-a`nb" = '1' }; Says = 'is not a valid header name' }
        ) {
            Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $script:Body -Headers $Headers -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
            $errs[0].Exception.Message | Should -Match $Says
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-EmulatorRequest $script:Emulator | Should -BeNullOrEmpty
        }
    }

    Describe '-ResponseHeadersVariable' {
        It 'sets a case-insensitive dictionary of the response headers in the caller''s scope' {
            Invoke-MgInviteCommunicationCallParticipant -CallId 'rh' -BodyParameter $script:Body -ResponseHeadersVariable headers | Out-Null
            $headers['Location'] | Should -Match '/v1.0/communications/calls/rh/operations/'
            $headers['LOCATION'] | Should -Be $headers['location']
            $headers['request-id'] | Should -Not -BeNullOrEmpty
        }

        It 'answers to the alias -RHV' {
            Invoke-MgInviteCommunicationCallParticipant -CallId 'rh' -BodyParameter $script:Body -RHV rhv | Out-Null
            $rhv['client-request-id'] | Should -Be (Get-OnlyRequest).headers.'client-request-id'
        }
    }

    Describe 'The result' {
        It 'has the model''s PascalCase properties, nested models, and ToJsonString()' {
            Set-EmulatorScript $script:Emulator 'shaped' @(@{ status = 200; body = @{
                        '@odata.type' = '#microsoft.graph.inviteParticipantsOperation'
                        id = 'op-1'; status = 'Running'; clientContext = 'ctx'; extraField = 'e'
                        resultInfo = @{ code = 200; subcode = 5; message = 'fine' }
                        participants = @(@{ identity = @{ user = @{ id = 'u1'; displayName = 'Ann' }; phone = @{ id = '+1' } } })
                    }
                })
            $op = Invoke-MgInviteCommunicationCallParticipant -CallId 'shaped' -BodyParameter $script:Body
            $op.Id | Should -Be 'op-1'
            $op.Status | Should -Be 'Running'
            $op.ResultInfo.Code | Should -Be 200
            $op.ResultInfo.Subcode | Should -Be 5
            $op.ResultInfo.Message | Should -Be 'fine'
            $op.ResultInfo.PSObject.TypeNames[0] | Should -Be 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphResultInfo'
            $op.Participants[0].Identity.User.DisplayName | Should -Be 'Ann'
            $op.Participants[0].Identity.AdditionalProperties['phone'].id | Should -Be '+1'
            $op.AdditionalProperties['extraField'] | Should -Be 'e'
            ($op.ToJsonString() | ConvertFrom-Json).resultInfo.subcode | Should -Be 5
        }
    }

    Describe 'Graph errors' {
        It 'a 404 is a non-terminating ObjectNotFound error with the Graph code and details' {
            Set-EmulatorCallMissing $script:Emulator 'gone'
            $after = $false
            Invoke-MgInviteCommunicationCallParticipant -CallId 'gone' -BodyParameter $script:Body -ErrorVariable errs -ErrorAction SilentlyContinue
            $after = $true
            $after | Should -BeTrue
            $e = $errs[0]
            $e.FullyQualifiedErrorId | Should -BeLike '8502,*'
            $e.Exception.Message | Should -Be '[8502] : Call not found.'
            $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $e.ErrorDetails.Message | Should -Match 'Status: 404 \(Not Found\)'
            $e.ErrorDetails.Message | Should -Match 'request-id: [0-9a-f-]{36}'
            $e.ErrorDetails.Message | Should -Match "client-request-id: $((Get-OnlyRequest).headers.'client-request-id')"
            $e.ErrorDetails.Message | Should -Match 'Date: \d{4}-\d\d-\d\dT'
        }

        It '-ErrorAction Stop throws it' {
            Set-EmulatorCallMissing $script:Emulator 'gone'
            { Invoke-MgInviteCommunicationCallParticipant -CallId 'gone' -BodyParameter $script:Body -ErrorAction Stop } |
                Should -Throw -ErrorId '8502,*'
        }

        It 'status <Status> has category <Category>' -ForEach @(
            @{ Status = 400; Category = 'InvalidArgument' }
            @{ Status = 401; Category = 'AuthenticationError' }
            @{ Status = 403; Category = 'PermissionDenied' }
            @{ Status = 409; Category = 'ResourceExists' }
            @{ Status = 500; Category = 'InvalidOperation' }
        ) {
            Set-EmulatorScript $script:Emulator "status-$Status" @(@{ status = $Status; body = @{ error = @{ code = "Code$Status"; message = "Scripted $Status" } } })
            Invoke-MgInviteCommunicationCallParticipant -CallId "status-$Status" -BodyParameter $script:Body -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].CategoryInfo.Category | Should -Be $Category
            $errs[0].Exception.Message | Should -Be "[Code$Status] : Scripted $Status"
        }

        It 'a body Graph refuses gets Graph''s 400 (the emulator checks what we let through)' {
            # An identity set holding only a null identity passes our checks as "named" no further; Graph says why.
            Set-EmulatorScript $script:Emulator 'refused' @(@{ status = 400; body = @{ error = @{ code = 'BadRequest'; message = 'Invalid participant.' } } })
            Invoke-MgInviteCommunicationCallParticipant -CallId 'refused' -BodyParameter $script:Body -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'BadRequest,*'
        }
    }

    Describe 'Not connected' {
        It 'is a clear error that names Connect-MgGraph, and nothing is sent' {
            Disconnect-MgGraph | Out-Null
            try {
                Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $script:Body -ErrorVariable errs -ErrorAction SilentlyContinue
                $errs[0].Exception.Message | Should -Match 'Connect-MgGraph'
                $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
                Get-EmulatorRequest $script:Emulator | Should -BeNullOrEmpty
            } finally {
                Connect-TestEmulator $script:Emulator
            }
        }

        It 'a wrong token gets the service''s 401' {
            Connect-TestEmulator $script:Emulator -Token 'not-the-token'
            try {
                Invoke-MgInviteCommunicationCallParticipant -CallId 'c' -BodyParameter $script:Body -ErrorVariable errs -ErrorAction SilentlyContinue
                $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAuthenticationToken,*'
                $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            } finally {
                Connect-TestEmulator $script:Emulator
            }
        }
    }

    Describe 'Ctrl+C' {
        It 'stops a call to a server that does not answer within a second and frees its native handle' {
            Set-EmulatorScript $script:Emulator 'never' @(@{ status = 200; delayMs = 60000 })
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript({
                        param($Body)
                        Import-Module Microsoft.Graph.CloudCommunications
                        Invoke-MgInviteCommunicationCallParticipant -CallId 'never' -BodyParameter $Body
                    }).AddArgument($script:Body)
                $async = $ps.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(20)
                while (-not (Get-EmulatorRequest $script:Emulator) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                Get-EmulatorRequest $script:Emulator | Should -Not -BeNullOrEmpty
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $watch.Stop()
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                Wait-NativeCallDrain | Should -Be 0
            } finally {
                $ps.Dispose()
            }
        }
    }
}
