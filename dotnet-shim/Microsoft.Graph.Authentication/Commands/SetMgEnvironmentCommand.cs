using System.Management.Automation;

namespace GraphRust.Authentication.Commands
{
    /// <summary>Changes the endpoints of a user-defined environment (or adds it); saved for later sessions.</summary>
    [Cmdlet(VerbsCommon.Set, "MgEnvironment", SupportsShouldProcess = true)]
    public sealed class SetMgEnvironmentCommand : NativeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? AzureADEndpoint { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? GraphEndpoint { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Name, "Set the Graph environment"))
            {
                return;
            }

            RunNative("setEnvironment", writer =>
            {
                writer.WriteString("name", Name);
                if (AzureADEndpoint is not null)
                {
                    writer.WriteString("azureADEndpoint", AzureADEndpoint);
                }

                if (GraphEndpoint is not null)
                {
                    writer.WriteString("graphEndpoint", GraphEndpoint);
                }
            });
        }
    }
}
