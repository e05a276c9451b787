@{
    RootModule           = 'GraphRust.CloudCommunications.dll'
    # Stamped by build.ps1 from the one product version in Cargo.toml.
    ModuleVersion        = '2.0.0'
    GUID                 = 'b3f0a0d4-8f3c-4c57-a1de-6a4f3f7f2c90'
    Author               = 'Graph Invite Rust contributors'
    CompanyName          = 'Graph Invite Rust contributors'
    Copyright            = '(c) Graph Invite Rust contributors. MIT License.'
    Description          = 'Microsoft Graph''s call commands (create, answer, invite, mute, list participants, hang up, ...) as a drop-in for Microsoft''s Microsoft.Graph.CloudCommunications: the same commands, parameters and bodies, validated against Graph''s schema before anything is sent, with better errors under throttling and faults.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # Pinned to our own Authentication, so a higher Microsoft one on PSModulePath is never picked.
    RequiredModules      = @(@{ ModuleName = 'Microsoft.Graph.Authentication'; RequiredVersion = '2.0.0' })
    FormatsToProcess     = @('Microsoft.Graph.CloudCommunications.format.ps1xml', 'Microsoft.Graph.CloudCommunications.Generated.format.ps1xml')
    # The hand-written cmdlets; build.ps1 adds the generated ones (Generated/Commands.txt) at staging.
    CmdletsToExport      = @('Invoke-MgInviteCommunicationCallParticipant')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Microsoft', 'Graph', 'Teams', 'Calls', 'CloudCommunications', 'PSEdition_Core') # + platforms, at staging
            ProjectUri   = 'https://github.com/graph-invite-rust/graph-invite-rust'
            LicenseUri   = 'https://github.com/graph-invite-rust/graph-invite-rust/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
