using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using GraphRust.Authentication.Json;

namespace GraphRust.CloudCommunications.Runtime
{
    /// <summary>What every command of this module reads from its input the same way: identity keys, piped values, confirmation.</summary>
    internal static class CommandInput
    {
        /// <summary>A key property of an identity (CallId, ...), found case-insensitively on a dictionary or an object.</summary>
        internal static string? IdentityValue(object? input, string key)
        {
            object? value = input is IWrapsPowerShellValue w ? w.WrappedValue : input;
            if (value is PSObject pso && pso.BaseObject is IDictionary)
            {
                value = pso.BaseObject;
            }

            object? found = null;
            if (value is IDictionary dict)
            {
                foreach (DictionaryEntry entry in dict)
                {
                    if (string.Equals(entry.Key?.ToString(), key, StringComparison.OrdinalIgnoreCase))
                    {
                        found = entry.Value;
                        break;
                    }
                }
            }
            else if (value is not null)
            {
                found = PSObject.AsPSObject(value).Properties[key]?.Value;
            }

            return Convert.ToString(found is PSObject p ? p.BaseObject : found, CultureInfo.InvariantCulture);
        }

        /// <summary>Whether a bound parameter holds the very object that was piped in.</summary>
        internal static bool SameValue(object? wrapped, object piped)
        {
            object? value = wrapped is IWrapsPowerShellValue w ? w.WrappedValue : wrapped;
            if (value is PSObject pso)
            {
                value = pso.BaseObject;
            }

            return ReferenceEquals(value, piped);
        }

        /// <summary>Whether ShouldProcess would print (-WhatIf) or prompt (-Confirm, $ConfirmPreference) for a command of Medium impact.</summary>
        internal static bool WouldAskOrOnlyTell(PSCmdlet cmdlet)
        {
            bool Bound(string name) =>
                cmdlet.MyInvocation.BoundParameters.TryGetValue(name, out object? v) && v is SwitchParameter s && s.IsPresent;
            if (Bound("WhatIf") || Bound("Confirm"))
            {
                return true;
            }

            if (cmdlet.GetVariableValue("WhatIfPreference") is bool whatIf && whatIf)
            {
                return true;
            }

            return cmdlet.GetVariableValue("ConfirmPreference") is ConfirmImpact preference
                && preference != ConfirmImpact.None && preference <= ConfirmImpact.Medium;
        }
    }
}
