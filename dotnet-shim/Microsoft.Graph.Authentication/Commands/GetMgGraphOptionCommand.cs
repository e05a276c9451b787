using System.Management.Automation;

namespace GraphRust.Authentication.Commands
{
    /// <summary>The options Set-MgGraphOption saved (see GraphOptions for which have an effect here).</summary>
    [Cmdlet(VerbsCommon.Get, "MgGraphOption")]
    [OutputType(typeof(PSObject))]
    public sealed class GetMgGraphOptionCommand : PSCmdlet
    {
        protected override void ProcessRecord() => WriteObject(GraphOptions.Load().ToPSObject());
    }
}
