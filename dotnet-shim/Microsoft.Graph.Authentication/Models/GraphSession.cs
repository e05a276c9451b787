using System;
using System.Globalization;
using System.Text.Json;
using GraphRust.Authentication.Native;

namespace Microsoft.Graph.PowerShell.Authentication
{
    /// <summary>
    /// The process-wide session, as Microsoft's module exposes it. The connection itself lives in
    /// the native library; <see cref="AuthContext"/> reads it from there. A script (or a test) may
    /// also set a context of its own, which Get-MgContext then shows until Disconnect-MgGraph or
    /// the next Connect-MgGraph; such a context carries no credential, so Graph calls still need
    /// Connect-MgGraph.
    /// </summary>
    public sealed class GraphSession
    {
        private AuthContext? assigned;

        private GraphSession()
        {
        }

        public static GraphSession Instance { get; } = new GraphSession();

        public AuthContext? AuthContext
        {
            get => assigned ?? Connected();
            set => assigned = value;
        }

        /// <summary>Whether a script assigned the context (rather than Connect-MgGraph making it).</summary>
        internal bool HasAssignedContext => assigned is not null;

        internal void ClearAssigned() => assigned = null;

        private static AuthContext? Connected()
        {
            JsonElement? context = NativeOperation.FirstResult("getContext");
            return context is JsonElement c ? FromNative(c) : null;
        }

        /// <summary>The native side's context (PascalCase JSON) as an AuthContext.</summary>
        internal static AuthContext FromNative(JsonElement c)
        {
            string? Text(string name) =>
                c.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

            var scopes = new System.Collections.Generic.List<string>();
            if (c.TryGetProperty("Scopes", out JsonElement s) && s.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement scope in s.EnumerateArray())
                {
                    scopes.Add(scope.GetString() ?? string.Empty);
                }
            }

            return new AuthContext
            {
                ClientId = Text("ClientId"),
                TenantId = Text("TenantId"),
                Scopes = scopes.ToArray(),
                AuthType = Enum.TryParse(Text("AuthType"), out AuthenticationType a) ? a : AuthenticationType.AppOnly,
                TokenCredentialType = Enum.TryParse(Text("TokenCredentialType"), out TokenCredentialType t) ? t : TokenCredentialType.UserProvidedAccessToken,
                CertificateThumbprint = Text("CertificateThumbprint"),
                CertificateSubjectName = Text("CertificateSubjectName"),
                Account = Text("Account"),
                AppName = Text("AppName"),
                ContextScope = Enum.TryParse(Text("ContextScope"), out ContextScope cs) ? cs : ContextScope.Process,
                Environment = Text("Environment"),
                ManagedIdentityId = Text("ManagedIdentityId"),
                ClientTimeout = TimeSpan.TryParse(Text("ClientTimeout"), CultureInfo.InvariantCulture, out TimeSpan ct) ? ct : TimeSpan.FromSeconds(300),
                PSHostVersion = typeof(System.Management.Automation.PSObject).Assembly.GetName().Version,
            };
        }
    }
}
