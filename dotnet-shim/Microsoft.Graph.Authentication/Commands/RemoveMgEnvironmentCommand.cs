using System.Management.Automation;

namespace GraphRust.Authentication.Commands
{
    /// <summary>Removes a user-defined environment; built-in ones cannot be removed.</summary>
    [Cmdlet(VerbsCommon.Remove, "MgEnvironment", SupportsShouldProcess = true)]
    public sealed class RemoveMgEnvironmentCommand : NativeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            if (ShouldProcess(Name, "Remove the Graph environment"))
            {
                RunNative("removeEnvironment", writer => writer.WriteString("name", Name));
            }
        }
    }
}
