using System.Management.Automation;

namespace GraphRust.Authentication.Commands
{
    /// <summary>Adds a user-defined environment (a private cloud, or the local emulator); saved for later sessions.</summary>
    [Cmdlet(VerbsCommon.Add, "MgEnvironment")]
    public sealed class AddMgEnvironmentCommand : NativeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string AzureADEndpoint { get; set; } = string.Empty;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string GraphEndpoint { get; set; } = string.Empty;

        protected override void ProcessRecord() => RunNative("setEnvironment", writer =>
        {
            writer.WriteString("name", Name);
            writer.WriteString("azureADEndpoint", AzureADEndpoint);
            writer.WriteString("graphEndpoint", GraphEndpoint);
        });
    }
}
