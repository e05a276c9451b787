@{
    RootModule           = 'GraphRust.Authentication.dll'
    # Stamped by build.ps1 from the one product version in Cargo.toml.
    ModuleVersion        = '0.1.0'
    GUID                 = '6d1c3c0e-5b1e-4f7a-9f55-2f0f1e8b7a31'
    Author               = 'Graph Invite Rust contributors'
    CompanyName          = 'Graph Invite Rust contributors'
    Copyright            = '(c) Graph Invite Rust contributors. MIT License.'
    Description          = 'Connect-MgGraph and the session cmdlets of Microsoft Graph, as a drop-in that loads in milliseconds: one small managed assembly over a Rust library, no MSAL or Azure.Identity, so it never clashes with the Az modules.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Microsoft.Graph.Authentication.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-MgGraph'
        'Disconnect-MgGraph'
        'Get-MgContext'
        'Get-MgEnvironment'
        'Add-MgEnvironment'
        'Set-MgRequestContext'
        'Get-MgRequestContext'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @('Connect-Graph', 'Disconnect-Graph')
    PrivateData          = @{
        PSData = @{
            Tags         = @('Microsoft', 'Graph', 'Authentication', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ProjectUri   = 'https://github.com/graph-invite-rust/graph-invite-rust'
            LicenseUri   = 'https://github.com/graph-invite-rust/graph-invite-rust/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
