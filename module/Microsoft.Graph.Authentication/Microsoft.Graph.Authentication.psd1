@{
    RootModule           = 'GraphRust.Authentication.dll'
    # Stamped by build.ps1 from the one product version in Cargo.toml.
    ModuleVersion        = '2.0.0'
    # Microsoft's module GUID: we take its name and place, so #Requires with a GUID finds us too.
    GUID                 = '883916f2-9184-46ee-b1f8-b6a2fb784cee'
    Author               = 'Graph Invite Rust contributors'
    CompanyName          = 'Graph Invite Rust contributors'
    Copyright            = '(c) Graph Invite Rust contributors. MIT License.'
    Description          = 'Connect-MgGraph, Invoke-MgGraphRequest and the session cmdlets of Microsoft Graph, as a drop-in that loads light: one small managed assembly over a Rust library, no MSAL or Azure.Identity, so it never clashes with the Az modules.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Microsoft.Graph.Authentication.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-MgGraph'
        'Disconnect-MgGraph'
        'Get-MgContext'
        'Get-MgEnvironment'
        'Add-MgEnvironment'
        'Set-MgEnvironment'
        'Remove-MgEnvironment'
        'Set-MgRequestContext'
        'Get-MgRequestContext'
        'Invoke-MgGraphRequest'
        'Get-MgGraphOption'
        'Set-MgGraphOption'
        'Find-MgGraphCommand'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @('Connect-Graph', 'Disconnect-Graph', 'Invoke-GraphRequest', 'Invoke-MgRestMethod')
    PrivateData          = @{
        PSData = @{
            Tags         = @('Microsoft', 'Graph', 'Authentication', 'PSEdition_Core') # + the platforms of the runtimes held, at staging
            ProjectUri   = 'https://github.com/graph-invite-rust/graph-invite-rust'
            LicenseUri   = 'https://github.com/graph-invite-rust/graph-invite-rust/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
