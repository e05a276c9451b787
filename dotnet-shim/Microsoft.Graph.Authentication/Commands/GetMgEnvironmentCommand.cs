using System.Management.Automation;

namespace GraphRust.Authentication.Commands
{
    /// <summary>The environments (clouds) Connect-MgGraph can use.</summary>
    [Cmdlet(VerbsCommon.Get, "MgEnvironment")]
    public sealed class GetMgEnvironmentCommand : NativeCmdlet
    {
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string? Name { get; set; }

        protected override void ProcessRecord() => RunNative("getEnvironments", writer =>
        {
            if (Name is not null)
            {
                writer.WriteString("name", Name);
            }
        });
    }
}
