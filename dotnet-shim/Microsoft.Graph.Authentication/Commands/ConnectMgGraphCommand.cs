using System;
using System.Collections;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Graph.PowerShell.Authentication;

namespace GraphRust.Authentication.Commands
{
    /// <summary>
    /// Connects the session to Graph: as a user (-Scopes, in the browser or with a device code), or
    /// app-only with an access token, a client secret, a certificate, environment variables or a
    /// managed identity. The invite needs app-only: Graph grants it to applications alone.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "MgGraph", DefaultParameterSetName = UserSet)]
    [Alias("Connect-Graph")]
    [OutputType(typeof(void))]
    public sealed class ConnectMgGraphCommand : NativeCmdlet
    {
        private const string UserSet = "UserParameterSet";
        private const string AccessTokenSet = "AccessTokenParameterSet";
        private const string CertificateSet = "AppCertificateParameterSet";
        private const string SecretSet = "AppSecretCredentialParameterSet";
        private const string IdentitySet = "IdentityParameterSet";
        private const string EnvironmentVariableSet = "EnvironmentVariableParameterSet";

        [Parameter(ParameterSetName = UserSet, Position = 0)]
        public string[]? Scopes { get; set; }

        /// <summary>$env:BROWSER as PowerShell sees it (.NET keeps its own copy of the environment on Unix).</summary>
        private static string? BrowserCommand => System.Environment.GetEnvironmentVariable("BROWSER");

        [Parameter(ParameterSetName = UserSet, Position = 1)]
        [Parameter(ParameterSetName = CertificateSet, Position = 1, Mandatory = true)]
        [Parameter(ParameterSetName = IdentitySet)]
        [Alias("AppId", "ApplicationId")]
        public string? ClientId { get; set; }

        [Parameter(ParameterSetName = CertificateSet, Position = 2)]
        [Alias("CertificateSubject", "CertificateName")]
        public string? CertificateSubjectName { get; set; }

        [Parameter(ParameterSetName = CertificateSet, Position = 3)]
        public string? CertificateThumbprint { get; set; }

        [Parameter(ParameterSetName = CertificateSet)]
        public bool SendCertificateChain { get; set; }

        [Parameter(ParameterSetName = CertificateSet)]
        public X509Certificate2? Certificate { get; set; }

        [Parameter(ParameterSetName = SecretSet)]
        [Alias("SecretCredential", "Credential")]
        public PSCredential? ClientSecretCredential { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 4)]
        [Parameter(ParameterSetName = CertificateSet, Position = 4)]
        [Parameter(ParameterSetName = SecretSet, Position = 4)]
        [Alias("Audience", "Tenant")]
        public string? TenantId { get; set; }

        [Parameter(ParameterSetName = UserSet)]
        [Alias("UseDeviceAuthentication", "DeviceCode", "DeviceAuth", "Device")]
        public SwitchParameter UseDeviceCode { get; set; }

        [Parameter(ParameterSetName = AccessTokenSet, Mandatory = true)]
        public SecureString? AccessToken { get; set; }

        [Parameter(ParameterSetName = IdentitySet, Mandatory = true)]
        [Alias("ManagedIdentity", "ManagedServiceIdentity", "MSI")]
        public SwitchParameter Identity { get; set; }

        [Parameter(ParameterSetName = EnvironmentVariableSet)]
        [Alias("EnvVar", "EnvironmentVariables")]
        public SwitchParameter EnvironmentVariable { get; set; }

        [Parameter]
        [Alias("EnvironmentName", "NationalCloud")]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string? Environment { get; set; }

        [Parameter]
        [ValidateRange(1, double.MaxValue)]
        public double ClientTimeout { get; set; }

        [Parameter]
        [ValidateSet("Process", "CurrentUser")]
        public string? ContextScope { get; set; }

        [Parameter]
        public SwitchParameter NoWelcome { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == SecretSet && ClientSecretCredential is null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new PSArgumentException("ClientSecretCredential is null: give a PSCredential whose user name is the client id and whose password is the secret."),
                    "MissingClientSecretCredential", ErrorCategory.InvalidArgument, null));
            }

            // Microsoft's check, made before any certificate store is opened.
            if (CertificateThumbprint is not null && CertificateThumbprint.Length != 40)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new PSArgumentException("'CertificateThumbprint' must have a length of 40."),
                    "InvalidCertificateThumbprint", ErrorCategory.InvalidArgument, CertificateThumbprint));
            }

            if (ContextScope == "CurrentUser" && ParameterSetName != UserSet)
            {
                WriteWarning("ContextScope CurrentUser is treated as Process for app-only sign-in: tokens are kept in this process only and never written to disk.");
            }

            JsonElement? context = null;
            bool connected;
            try
            {
                GraphSession.Instance.ClearAssigned();
                connected = RunNative("connect", WriteCredential, onResult: (value, _) => context = value);
            }
            catch (PSArgumentException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "MissingEnvironmentVariable", ErrorCategory.InvalidArgument, null));
                return;
            }
            catch (CertificateProblemException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "CertificateNotUsable", ErrorCategory.AuthenticationError, Certificate ?? (object?)CertificateThumbprint ?? CertificateSubjectName));
                return;
            }

            if (connected && !NoWelcome && context is JsonElement c)
            {
                string how = c.GetProperty("AuthType").GetString() switch
                {
                    "AppOnly" => $"apponly access using {c.GetProperty("ClientId").GetString() ?? "a managed identity"}",
                    "Delegated" => $"delegated access using {c.GetProperty("ClientId").GetString()}",
                    _ => "userprovidedaccesstoken access",
                };
                WriteInformation(new HostInformationMessage
                {
                    Message = $"Welcome to Microsoft Graph!\n\nConnected via {how}.\n" +
                              "NOTE: You can use the -NoWelcome parameter to suppress this message.",
                }, new[] { "PSHOST" });
            }
        }

        private void WriteCredential(Utf8JsonWriter writer)
        {
            if (Environment is not null)
            {
                writer.WriteString("environment", Environment);
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(ClientTimeout)))
            {
                writer.WriteNumber("clientTimeout", ClientTimeout);
            }

            switch (ParameterSetName)
            {
                case UserSet:
                    writer.WriteString("type", "delegated");
                    writer.WriteStartArray("scopes");
                    foreach (string scope in Scopes ?? Array.Empty<string>())
                    {
                        writer.WriteStringValue(scope);
                    }

                    writer.WriteEndArray();
                    writer.WriteString("tenantId", TenantId);
                    writer.WriteString("clientId", ClientId);
                    writer.WriteBoolean("useDeviceCode", UseDeviceCode.IsPresent);
                    writer.WriteString("contextScope", ContextScope ?? "CurrentUser");
                    if (BrowserCommand is string browser)
                    {
                        writer.WriteString("browserCommand", browser);
                    }

                    break;
                case AccessTokenSet:
                    writer.WriteString("type", "accessToken");
                    SecureStringWriter.Write(writer, "accessToken", AccessToken!);
                    break;
                case SecretSet:
                    writer.WriteString("type", "clientSecret");
                    writer.WriteString("tenantId", TenantId);
                    writer.WriteString("clientId", ClientSecretCredential!.UserName);
                    SecureStringWriter.Write(writer, "clientSecret", ClientSecretCredential.Password);
                    break;
                case CertificateSet:
                    writer.WriteString("type", "certificate");
                    writer.WriteString("tenantId", TenantId);
                    writer.WriteString("clientId", ClientId);
                    CertificateCredentialWriter.Write(writer, ChosenCertificate(), SendCertificateChain);
                    break;
                case IdentitySet:
                    WriteManagedIdentity(writer, ClientId);
                    break;
                case EnvironmentVariableSet:
                    WriteFromEnvironmentVariables(writer);
                    break;
            }
        }

        private X509Certificate2 ChosenCertificate()
        {
            int given = (Certificate is null ? 0 : 1) + (CertificateThumbprint is null ? 0 : 1) + (CertificateSubjectName is null ? 0 : 1);
            if (given != 1)
            {
                throw new CertificateProblemException(
                    "Give exactly one of -CertificateThumbprint, -CertificateSubjectName or -Certificate to sign in with a certificate.");
            }

            return Certificate ?? CertificateCredentialWriter.FromStore(CertificateThumbprint, CertificateSubjectName);
        }

        private static string? Variable(string name)
        {
            string? value = System.Environment.GetEnvironmentVariable(name);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }

        private static void WriteManagedIdentity(Utf8JsonWriter writer, string? clientId)
        {
            writer.WriteString("type", "managedIdentity");
            if (clientId is not null)
            {
                writer.WriteString("clientId", clientId);
            }

            // App Service, Functions and Automation set these; elsewhere the instance metadata service is used.
            string? endpoint = Variable("IDENTITY_ENDPOINT") ?? Variable("MSI_ENDPOINT");
            string? header = Variable("IDENTITY_HEADER") ?? Variable("MSI_SECRET");
            if (endpoint is not null && header is not null)
            {
                writer.WriteString("identityEndpoint", endpoint);
                writer.WriteString("identityHeader", header);
            }

            string? imdsHost = Variable("AZURE_POD_IDENTITY_AUTHORITY_HOST");
            if (imdsHost is not null)
            {
                writer.WriteString("imdsHost", imdsHost);
            }
        }

        /// <summary>Azure.Identity's EnvironmentCredential: a secret or a certificate from AZURE_* variables.</summary>
        private static void WriteFromEnvironmentVariables(Utf8JsonWriter writer)
        {
            string? clientId = Variable("AZURE_CLIENT_ID");
            string? tenantId = Variable("AZURE_TENANT_ID");
            string? secret = Variable("AZURE_CLIENT_SECRET");
            string? certificatePath = Variable("AZURE_CLIENT_CERTIFICATE_PATH");
            var missing = new ArrayList();
            if (clientId is null)
            {
                missing.Add("AZURE_CLIENT_ID");
            }

            if (tenantId is null)
            {
                missing.Add("AZURE_TENANT_ID");
            }

            if (secret is null && certificatePath is null)
            {
                missing.Add("AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH");
            }

            if (missing.Count > 0)
            {
                // Azure.Identity's words, which scripts and Microsoft's tests match on; then what is missing.
                throw new PSArgumentException(
                    "EnvironmentCredential authentication unavailable. Environment variables are not fully configured. " +
                    $"Missing: {string.Join(", ", missing.ToArray())}.");
            }

            writer.WriteString("credentialType", "EnvironmentVariable");
            writer.WriteString("tenantId", tenantId);
            writer.WriteString("clientId", clientId);
            if (secret is not null)
            {
                writer.WriteString("type", "clientSecret");
                writer.WriteString("clientSecret", secret);
                return;
            }

            SecureString? password = null;
            string? passwordText = Variable("AZURE_CLIENT_CERTIFICATE_PASSWORD");
            if (passwordText is not null)
            {
                password = new SecureString();
                foreach (char ch in passwordText)
                {
                    password.AppendChar(ch);
                }
            }

            bool sendChain = string.Equals(Variable("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"), "true", StringComparison.OrdinalIgnoreCase)
                || Variable("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN") == "1";
            using X509Certificate2 certificate = CertificateCredentialWriter.FromFile(certificatePath!, password);
            password?.Dispose();
            writer.WriteString("type", "certificate");
            CertificateCredentialWriter.Write(writer, certificate, sendChain);
        }
    }
}
