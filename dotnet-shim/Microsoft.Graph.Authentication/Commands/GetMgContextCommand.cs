using System.Management.Automation;
using Microsoft.Graph.PowerShell.Authentication;

namespace GraphRust.Authentication.Commands
{
    /// <summary>The current connection's context (never a secret); nothing when not connected.</summary>
    [Cmdlet(VerbsCommon.Get, "MgContext")]
    [OutputType(typeof(AuthContext))]
    public sealed class GetMgContextCommand : NativeCmdlet
    {
        protected override void ProcessRecord()
        {
            AuthContext? context = GraphSession.Instance.AuthContext;
            if (context is not null)
            {
                WriteObject(context);
            }
        }
    }
}
