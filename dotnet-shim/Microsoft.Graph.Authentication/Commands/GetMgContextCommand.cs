using System.Management.Automation;

namespace GraphRust.Authentication.Commands
{
    /// <summary>The current connection's context (never a secret); nothing when not connected.</summary>
    [Cmdlet(VerbsCommon.Get, "MgContext")]
    public sealed class GetMgContextCommand : NativeCmdlet
    {
        protected override void ProcessRecord() => RunNative("getContext", _ => { });
    }
}
