using System.Management.Automation;

namespace GraphRust.Authentication.Commands
{
    /// <summary>The process-wide retry and timeout settings of every Graph request.</summary>
    [Cmdlet(VerbsCommon.Get, "MgRequestContext")]
    public sealed class GetMgRequestContextCommand : NativeCmdlet
    {
        protected override void ProcessRecord() => RunNative("getRequestContext", _ => { });
    }
}
