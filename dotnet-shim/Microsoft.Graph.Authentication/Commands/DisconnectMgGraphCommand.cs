using System.Management.Automation;

namespace GraphRust.Authentication.Commands
{
    /// <summary>Forgets the session's credential and tokens; outputs the context that was signed out.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "MgGraph")]
    [Alias("Disconnect-Graph")]
    public sealed class DisconnectMgGraphCommand : NativeCmdlet
    {
        protected override void ProcessRecord() => RunNative("disconnect", _ => { });
    }
}
