using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GraphRust.Authentication.Commands
{
    /// <summary>
    /// From a Graph URI to the commands that call it, and from a command to its URIs, as Microsoft's
    /// Find-MgGraphCommand: answered from the generated command table in the native library, so it
    /// knows the commands these modules ship (v1.0), and no permissions. Patterns match as
    /// PowerShell's -match does (regular expressions, case-insensitive): '.*Presence.*'.
    /// </summary>
    [Cmdlet(VerbsCommon.Find, "MgGraphCommand", DefaultParameterSetName = FindByUri)]
    [OutputType(typeof(PSObject))]
    public sealed class FindMgGraphCommandCommand : NativeCmdlet
    {
        private const string FindByUri = "FindByUri";
        private const string FindByCommand = "FindByCommand";
        private const string TypeName = "Microsoft.Graph.PowerShell.Authentication.Models.GraphCommand";
        private const string ApiVersionOfTable = "v1.0";

        /// <summary>Microsoft's test for a segment holding an id: a digit after a character that is not of a version (participants_v2 is a name).</summary>
        private const string IdLike = @"[^v1.0|beta]\d";

        private static readonly object TableLock = new();
        private static IReadOnlyList<Row>? table;

        [Parameter(ParameterSetName = FindByUri, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public string[]? Uri { get; set; }

        [Parameter(ParameterSetName = FindByUri)]
        [ValidateSet("GET", "POST", "PUT", "PATCH", "DELETE")]
        public string? Method { get; set; }

        [Parameter(ParameterSetName = FindByUri)]
        [Parameter(ParameterSetName = FindByCommand)]
        [ValidateSet("v1.0", "beta")]
        [Alias("Profile")]
        public string? ApiVersion { get; set; }

        [Parameter(ParameterSetName = FindByCommand, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Command { get; set; }

        private sealed record Row(string Command, string Method, string Uri, string OutputType, string[] Variants);

        protected override void ProcessRecord()
        {
            IReadOnlyList<Row>? rows = Table();
            if (rows is null)
            {
                return;
            }

            if (ParameterSetName == FindByCommand)
            {
                foreach (string name in Command ?? Array.Empty<string>())
                {
                    Write(Matching(rows, name, r => r.Command.Equals(name, StringComparison.OrdinalIgnoreCase) || IsMatch(r.Command, $"^{name}$"), null),
                        $"'{name}' is not a command of these modules. Find-MgGraphCommand knows the commands they ship only.", name);
                }

                return;
            }

            foreach (string uri in Uri ?? Array.Empty<string>())
            {
                (string path, string? version) = Resource(uri);
                // Placeholders stand for any key; a '$' after a slash is OData's ($count), not an anchor; '()' ends a function.
                string pattern = "^" + Regex.Replace(path, @"\{[^/{}]*\}", @"\{[^/{}]+\}").Replace("/$", "/\\$", StringComparison.Ordinal).Replace("()", @"\(\)", StringComparison.Ordinal) + "$";
                Write(Matching(rows, uri, r => IsMatch(r.Uri, pattern) && (Method is null || r.Method.Equals(Method, StringComparison.OrdinalIgnoreCase)), version),
                    $"URI '{(Method is null ? string.Empty : Method + " ")}{uri}' is not called by any command of these modules (v1.0). Find-MgGraphCommand knows the commands they ship only.", uri);
            }
        }

        private IEnumerable<Row> Matching(IReadOnlyList<Row> rows, string what, Func<Row, bool> test, string? versionInUri)
        {
            string? version = ApiVersion ?? versionInUri;
            if (version is not null && version != ApiVersionOfTable)
            {
                WriteVerbose($"These modules call Graph's {ApiVersionOfTable} only; nothing matches {what} in {version}.");
                return Enumerable.Empty<Row>();
            }

            return rows.Where(test).OrderBy(r => r.Command, StringComparer.Ordinal);
        }

        private void Write(IEnumerable<Row> found, string notFound, string target)
        {
            bool any = false;
            foreach (Row row in found)
            {
                any = true;
                var result = new PSObject();
                result.TypeNames.Insert(0, TypeName);
                result.Properties.Add(new PSNoteProperty("Command", row.Command));
                result.Properties.Add(new PSNoteProperty("Module", "CloudCommunications"));
                result.Properties.Add(new PSNoteProperty("APIVersion", ApiVersionOfTable));
                result.Properties.Add(new PSNoteProperty("Method", row.Method));
                result.Properties.Add(new PSNoteProperty("URI", row.Uri));
                result.Properties.Add(new PSNoteProperty("OutputType", row.OutputType));
                result.Properties.Add(new PSNoteProperty("Permissions", Array.Empty<string>()));
                result.Properties.Add(new PSNoteProperty("Variants", row.Variants));
                WriteObject(result);
            }

            if (!any)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException(notFound), "CommandNotFound", ErrorCategory.ObjectNotFound, target));
            }
        }

        /// <summary>
        /// The resource path of a URI as Microsoft's Find-MgGraphCommand reads it: relative or absolute,
        /// with or without the version; segments that hold an id (a digit as Microsoft's test has it, or a user's UPN) stand for any key.
        /// </summary>
        private static (string Path, string? Version) Resource(string uri)
        {
            string text = System.Uri.UnescapeDataString(uri.Trim());
            if (System.Uri.TryCreate(text, UriKind.Absolute, out Uri? absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal))
            {
                text = absolute.AbsolutePath;
            }

            text = text.Split('?')[0].Trim('/');
            string? version = null;
            Match leading = Regex.Match(text, @"^(v1\.0|beta)(/|$)");
            if (leading.Success)
            {
                version = leading.Groups[1].Value;
                text = text[leading.Length..];
            }

            IEnumerable<string> segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => (Regex.IsMatch(s, IdLike) || s.Contains('@', StringComparison.Ordinal)) && !s.StartsWith('{') && !s.Contains(".*", StringComparison.Ordinal) ? "{id}" : s);
            return ("/" + string.Join('/', segments), version);
        }

        private static bool IsMatch(string value, string pattern)
        {
            try
            {
                return Regex.IsMatch(value, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                // Not a regular expression: compared as text.
                return string.Equals(value, pattern.Trim('^', '$'), StringComparison.OrdinalIgnoreCase);
            }
        }

        /// <summary>The native library's command table, read once per process.</summary>
        private IReadOnlyList<Row>? Table()
        {
            lock (TableLock)
            {
                if (table is not null)
                {
                    return table;
                }
            }

            var rows = new List<Row>();
            bool ok = RunNative("commandTable", _ => { }, onResult: (value, _) =>
            {
                foreach (JsonElement row in value.EnumerateArray())
                {
                    rows.Add(new Row(
                        row.GetProperty("command").GetString() ?? string.Empty,
                        row.GetProperty("method").GetString() ?? string.Empty,
                        row.GetProperty("uri").GetString() ?? string.Empty,
                        row.GetProperty("outputType").GetString() ?? string.Empty,
                        row.GetProperty("variants").EnumerateArray().Select(v => v.GetString() ?? string.Empty).ToArray()));
                }
            });
            if (!ok)
            {
                return null;
            }

            lock (TableLock)
            {
                table ??= rows;
                return table;
            }
        }
    }
}
