using System.Management.Automation;
using Microsoft.Graph.PowerShell.Authentication;

namespace GraphRust.Authentication.Commands
{
    /// <summary>Forgets the session's credential and tokens; outputs the context that was signed out.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "MgGraph")]
    [Alias("Disconnect-Graph")]
    [OutputType(typeof(AuthContext))]
    public sealed class DisconnectMgGraphCommand : NativeCmdlet
    {
        private const string NothingToSignOut = "No application to sign out from.";

        protected override void ProcessRecord()
        {
            AuthContext? assigned = GraphSession.Instance.HasAssignedContext ? GraphSession.Instance.AuthContext : null;
            GraphSession.Instance.ClearAssigned();
            AuthContext? signedOut = null;
            bool connected = RunNative("disconnect", _ => { }, onResult: (value, _) => signedOut = GraphSession.FromNative(value), quietErrors: true);
            signedOut ??= assigned;
            if (signedOut is not null)
            {
                WriteObject(signedOut);
                return;
            }

            // As Microsoft's: an error that stops the script, unless the caller silenced errors.
            var record = new ErrorRecord(new System.InvalidOperationException(NothingToSignOut), "NotConnected", ErrorCategory.InvalidOperation, null);
            if (connected || ErrorsSilenced())
            {
                WriteError(record);
            }
            else
            {
                ThrowTerminatingError(record);
            }
        }

        private bool ErrorsSilenced()
        {
            object? preference = MyInvocation.BoundParameters.TryGetValue("ErrorAction", out object? bound)
                ? bound
                : GetVariableValue("ErrorActionPreference");
            return preference is ActionPreference p && (p == ActionPreference.SilentlyContinue || p == ActionPreference.Ignore);
        }
    }
}
