# The README's demo: connect to the local emulator and run the seed's first example.
param(
    [Parameter(Mandatory)] [string] $BaseUrl
)
$ErrorActionPreference = 'Stop'
$token = $env:GRAPH_DEMO_TOKEN

Import-Module Microsoft.Graph.CloudCommunications
Add-MgEnvironment -Name Local -GraphEndpoint $BaseUrl -AzureADEndpoint $BaseUrl | Out-Null
Connect-MgGraph -Environment Local -AccessToken (ConvertTo-SecureString $token -AsPlainText -Force) -NoWelcome
$callId = '2f1a0b00-7a1a-4b9e-9f7e-5d0c1c2f3e4d'

# The help's first example, read from the help source so the demo runs it verbatim.
. (Join-Path $PSScriptRoot 'MarkdownHelp.ps1')
$seed = Join-Path $PSScriptRoot '..' 'module' 'Microsoft.Graph.CloudCommunications' 'docs' 'Invoke-MgInviteCommunicationCallParticipant.md'
. ([scriptblock]::Create((Get-SeedParamsScript -MarkdownPath $seed)))

Write-Host "Emulator at $BaseUrl; inviting into call $callId"
$operation = Invoke-MgInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params
$operation | Format-List Id, Status, ClientContext, ResultInfo
Write-Host 'Participants:'
$operation.Participants.Identity.User | Format-Table Id, DisplayName
Disconnect-MgGraph | Out-Null
