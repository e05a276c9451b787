using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;

namespace GraphRust.Authentication.Commands
{
    /// <summary>Connects the session to Graph (app-only: invite needs an application permission).</summary>
    [Cmdlet(VerbsCommunications.Connect, "MgGraph", DefaultParameterSetName = UserSet)]
    [Alias("Connect-Graph")]
    [OutputType(typeof(void))]
    public sealed class ConnectMgGraphCommand : NativeCmdlet
    {
        private const string UserSet = "UserParameterSet";
        private const string AccessTokenSet = "AccessTokenParameterSet";

        [Parameter(ParameterSetName = UserSet, Position = 0)]
        public string[]? Scopes { get; set; }

        [Parameter(ParameterSetName = UserSet)]
        [Alias("AppId", "ApplicationId")]
        public string? ClientId { get; set; }

        [Parameter(ParameterSetName = UserSet)]
        [Alias("Audience", "Tenant")]
        public string? TenantId { get; set; }

        [Parameter(ParameterSetName = UserSet)]
        [Alias("UseDeviceAuthentication", "DeviceCode", "DeviceAuth", "Device")]
        public SwitchParameter UseDeviceCode { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
        public SecureString? AccessToken { get; set; }

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
            if (ParameterSetName == UserSet)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new NotSupportedException(
                        "Delegated (user) sign-in is not supported: inviting participants to a call needs the application permission " +
                        "Calls.InitiateGroupCall.All, which Graph grants to apps only. Connect app-only instead, for example " +
                        "Connect-MgGraph -AccessToken (ConvertTo-SecureString $appOnlyToken -AsPlainText -Force)."),
                    "DelegatedAuthenticationNotSupported",
                    ErrorCategory.AuthenticationError,
                    null));
            }

            if (ContextScope == "CurrentUser")
            {
                WriteWarning("ContextScope CurrentUser is treated as Process: tokens are kept in this process only and never written to disk.");
            }

            char[] token = Array.Empty<char>();
            IntPtr unmanaged = IntPtr.Zero;
            try
            {
                unmanaged = Marshal.SecureStringToGlobalAllocUnicode(AccessToken!);
                token = new char[AccessToken!.Length];
                Marshal.Copy(unmanaged, token, 0, token.Length);
                bool connected = RunNative("connect", writer =>
                {
                    writer.WriteString("accessToken", token);
                    if (Environment is not null)
                    {
                        writer.WriteString("environment", Environment);
                    }

                    if (MyInvocation.BoundParameters.ContainsKey(nameof(ClientTimeout)))
                    {
                        writer.WriteNumber("clientTimeout", ClientTimeout);
                    }
                }, onResult: (_, _) => { });
                if (connected && !NoWelcome)
                {
                    WriteInformation(new HostInformationMessage
                    {
                        Message = "Welcome to Microsoft Graph!\n\nConnected via userprovidedaccesstoken access.\n" +
                                  "NOTE: You can use the -NoWelcome parameter to suppress this message.",
                    }, new[] { "PSHOST" });
                }
            }
            finally
            {
                Array.Clear(token);
                if (unmanaged != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
                }
            }
        }
    }
}
