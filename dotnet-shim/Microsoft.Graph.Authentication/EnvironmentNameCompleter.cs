using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace GraphRust.Authentication
{
    /// <summary>Completes -Environment with the names Get-MgEnvironment knows.</summary>
    public sealed class EnvironmentNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var results = new List<CompletionResult>();
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            foreach (PSObject environment in ps.AddCommand("Get-MgEnvironment").Invoke())
            {
                string? name = environment.Properties["Name"]?.Value as string;
                if (name is not null && name.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase))
                {
                    string text = name.IndexOfAny(new[] { ' ', '\'', '"', '$', '`' }) >= 0 ? $"'{name.Replace("'", "''")}'" : name;
                    results.Add(new CompletionResult(text, name, CompletionResultType.ParameterValue, name));
                }
            }

            return results;
        }
    }
}
