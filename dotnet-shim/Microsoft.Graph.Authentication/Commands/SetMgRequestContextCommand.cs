using System.Management.Automation;

namespace GraphRust.Authentication.Commands
{
    /// <summary>Sets the process-wide retry and timeout settings of every Graph request.</summary>
    [Cmdlet(VerbsCommon.Set, "MgRequestContext", SupportsShouldProcess = true)]
    public sealed class SetMgRequestContextCommand : NativeCmdlet
    {
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int ClientTimeout { get; set; }

        [Parameter]
        [ValidateRange(0, 180)]
        public int RetryDelay { get; set; }

        [Parameter]
        [ValidateRange(0, 10)]
        public int MaxRetry { get; set; }

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int RetriesTimeLimit { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess("the request context of this process", "Set"))
            {
                return;
            }

            RunNative("setRequestContext", writer =>
            {
                foreach (var (name, key) in new[]
                {
                    (nameof(ClientTimeout), "clientTimeout"), (nameof(RetryDelay), "retryDelay"),
                    (nameof(MaxRetry), "maxRetry"), (nameof(RetriesTimeLimit), "retriesTimeLimit"),
                })
                {
                    if (MyInvocation.BoundParameters.TryGetValue(name, out object? value))
                    {
                        writer.WriteNumber(key, (int)value!);
                    }
                }
            });
        }
    }
}
