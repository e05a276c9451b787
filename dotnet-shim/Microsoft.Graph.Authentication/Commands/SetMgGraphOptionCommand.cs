using System.Management.Automation;

namespace GraphRust.Authentication.Commands
{
    /// <summary>
    /// Saves Microsoft's sign-in options. They have no effect here: Web Account Manager is a
    /// Windows broker reached through MSAL, which this module does not use.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "MgGraphOption")]
    public sealed class SetMgGraphOptionCommand : PSCmdlet
    {
        [Parameter]
        public bool EnableLoginByWAM { get; set; }

        protected override void ProcessRecord()
        {
            GraphOptions options = GraphOptions.Load();
            if (MyInvocation.BoundParameters.ContainsKey(nameof(EnableLoginByWAM)))
            {
                options.EnableWAMForMSGraph = EnableLoginByWAM;
                WriteDebug($"Signin by Web Account Manager (WAM) is {(EnableLoginByWAM ? "enabled" : "disabled")}.");
                WriteVerbose("EnableLoginByWAM is saved for Microsoft's module; it has no effect here (no MSAL, no WAM broker).");
            }

            options.Save();
        }
    }
}
