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

$params = @{
	participants = @(
		@{
			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
			replacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db"
			identity = @{
				"@odata.type" = "#microsoft.graph.identitySet"
				user = @{
					"@odata.type" = "#microsoft.graph.identity"
					id = "278405a3-f568-4b3e-b684-009193463064"
					displayName = "string"
				}
			}
		}
	)
	clientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
}

Write-Host "Emulator at $BaseUrl; inviting into call $callId"
$operation = Invoke-MgInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params
$operation | Format-List Id, Status, ClientContext, ResultInfo
Write-Host 'Participants:'
$operation.Participants.Identity.User | Format-Table Id, DisplayName
Disconnect-MgGraph | Out-Null
