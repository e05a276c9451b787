using System;

// Public types under Microsoft's names, since scripts and Microsoft's own tests use them
// ([Microsoft.Graph.PowerShell.Authentication.AuthContext], ...AuthenticationType, ...).
namespace Microsoft.Graph.PowerShell.Authentication
{
    public enum AuthenticationType
    {
        Delegated,
        AppOnly,
        UserProvidedAccessToken,
        ManagedIdentity,
        EnvironmentVariable,
    }

    public enum ContextScope
    {
        Process,
        CurrentUser,
    }

    public enum TokenCredentialType
    {
        InteractiveBrowser,
        DeviceCode,
        ClientCertificate,
        UserProvidedAccessToken,
        ManagedIdentity,
        ClientSecret,
        EnvironmentVariable,
    }

    /// <summary>
    /// What Get-MgContext shows, with Microsoft's property names and types. It never holds a
    /// secret: unlike Microsoft's, it has no ClientSecret or Certificate property.
    /// </summary>
    public sealed class AuthContext
    {
        public string? ClientId { get; set; }

        public string? TenantId { get; set; }

        public string[] Scopes { get; set; } = Array.Empty<string>();

        public AuthenticationType AuthType { get; set; }

        public TokenCredentialType TokenCredentialType { get; set; }

        public string? CertificateThumbprint { get; set; }

        public string? CertificateSubjectName { get; set; }

        public bool SendCertificateChain { get; set; }

        public string? Account { get; set; }

        public string? AppName { get; set; }

        public ContextScope ContextScope { get; set; }

        public string? Environment { get; set; }

        public Version? PSHostVersion { get; set; }

        public string? ManagedIdentityId { get; set; }

        public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(300);
    }
}
