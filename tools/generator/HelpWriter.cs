using System.Text;
using System.Text.Json.Nodes;

namespace CommandGenerator;

/// <summary>Writes each command's help as platyPS-style markdown (tools/MarkdownHelp.ps1 makes the MAML of it).</summary>
public static class HelpWriter
{
    private const string Header = "<!-- Written by tools/generator from Graph's v1.0 metadata; do not edit. -->";

    public static string Command(CommandSpec c, Samples samples)
    {
        var sb = new StringBuilder();
        sb.AppendLine("---");
        sb.AppendLine("external help file: GraphRust.CloudCommunications.dll-Help.xml");
        sb.AppendLine("Module Name: Microsoft.Graph.CloudCommunications");
        sb.AppendLine($"online version: https://learn.microsoft.com/powershell/module/microsoft.graph.cloudcommunications/{c.Name.ToLowerInvariant()}");
        sb.AppendLine("schema: 2.0.0");
        sb.AppendLine("---");
        sb.AppendLine();
        sb.AppendLine($"# {c.Name}");
        sb.AppendLine();
        sb.AppendLine(Header);
        sb.AppendLine();
        sb.AppendLine("## SYNOPSIS");
        sb.AppendLine(HelpText.Synopsis(c));
        sb.AppendLine();
        sb.AppendLine("## SYNTAX");
        foreach (string set in c.SetNames)
        {
            sb.AppendLine();
            sb.AppendLine($"### {set}{(set == c.DefaultSet ? " (Default)" : string.Empty)}");
            sb.AppendLine("```");
            var parts = c.Parameters.Where(p => p.Sets.ContainsKey(set)).Select(p =>
            {
                string text = p.HelpType == "SwitchParameter" ? $"-{p.Name}" : $"-{p.Name} <{p.HelpType}>";
                return p.Sets[set] ? text : $"[{text}]";
            });
            string tail = c.SupportsShouldProcess ? " [-WhatIf] [-Confirm] [<CommonParameters>]" : " [<CommonParameters>]";
            sb.AppendLine($"{c.Name} {string.Join(' ', parts)}{tail}");
            sb.AppendLine("```");
        }

        sb.AppendLine();
        sb.AppendLine("## DESCRIPTION");
        sb.AppendLine(HelpText.Description(c));
        sb.AppendLine();
        sb.AppendLine("## EXAMPLES");
        int n = 1;
        foreach ((string code, string text) in Examples(c, samples))
        {
            sb.AppendLine();
            sb.AppendLine($"### -------------------------- EXAMPLE {n++} --------------------------");
            sb.AppendLine("```powershell");
            sb.AppendLine(code);
            sb.AppendLine("```");
            sb.AppendLine();
            sb.AppendLine(text);
        }

        sb.AppendLine();
        sb.AppendLine("## PARAMETERS");
        var parameters = c.Parameters.Select(p => (p.Name, p.Description, Type: QualifiedType(p), Sets: p.Sets, Aliases: p.Aliases, Pipeline: p.FromPipeline)).ToList();
        if (c.SupportsShouldProcess)
        {
            parameters.Add(("Confirm", "Asks for confirmation before sending.", "System.Management.Automation.SwitchParameter", new Dictionary<string, bool>(), new[] { "cf" }, false));
            parameters.Add(("WhatIf", "Shows what would be sent, after checking the body, without sending it.", "System.Management.Automation.SwitchParameter", new Dictionary<string, bool>(), new[] { "wi" }, false));
        }

        foreach (var p in parameters.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            sb.AppendLine();
            sb.AppendLine($"### -{p.Name}");
            sb.AppendLine(p.Description);
            sb.AppendLine();
            sb.AppendLine("```yaml");
            sb.AppendLine($"Type: {p.Type}");
            sb.AppendLine($"Parameter Sets: {(p.Sets.Count == 0 || p.Sets.Count == c.SetNames.Count ? "(All)" : string.Join(", ", p.Sets.Keys.OrderBy(s => s, StringComparer.Ordinal)))}");
            sb.AppendLine($"Aliases: {string.Join(", ", p.Aliases)}");
            sb.AppendLine();
            sb.AppendLine($"Required: {(p.Sets.Values.Any(m => m) ? "True" : "False")}");
            sb.AppendLine("Position: Named");
            sb.AppendLine("Default value: None");
            sb.AppendLine($"Accept pipeline input: {(p.Pipeline ? "True (ByValue)" : "False")}");
            sb.AppendLine("Accept wildcard characters: False");
            sb.AppendLine("```");
        }

        sb.AppendLine();
        sb.AppendLine("### CommonParameters");
        sb.AppendLine("This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).");
        sb.AppendLine();
        sb.AppendLine("## INPUTS");
        sb.AppendLine();
        foreach (CmdletParameter p in c.Parameters.Where(p => p.FromPipeline && p.Name != "Headers"))
        {
            sb.AppendLine($"### {QualifiedType(p)}");
            sb.AppendLine();
        }

        sb.AppendLine("### System.Collections.IDictionary");
        sb.AppendLine();
        sb.AppendLine("## OUTPUTS");
        sb.AppendLine();
        sb.AppendLine($"### {(c.OutputType.StartsWith("System.", StringComparison.Ordinal) ? c.OutputType : "Microsoft.Graph.PowerShell.Models." + c.OutputType)}");
        sb.AppendLine();
        sb.AppendLine("## NOTES");
        sb.AppendLine();
        sb.AppendLine("Generated from Graph's v1.0 metadata by this module's generator; the parameters and sets follow Microsoft's Microsoft.Graph.CloudCommunications module.");
        sb.AppendLine();
        sb.AppendLine("## RELATED LINKS");
        sb.AppendLine();
        sb.AppendLine($"[https://learn.microsoft.com/powershell/module/microsoft.graph.cloudcommunications/{c.Name.ToLowerInvariant()}](https://learn.microsoft.com/powershell/module/microsoft.graph.cloudcommunications/{c.Name.ToLowerInvariant()})");
        return sb.ToString();
    }

    private static string QualifiedType(CmdletParameter p) => p.HelpType switch
    {
        "String" or "String[]" or "Int32" or "Int64" or "Double" or "Decimal" or "DateTime" or "TimeSpan" or "Byte[]" or "Object" => "System." + p.HelpType,
        "SwitchParameter" => "System.Management.Automation.SwitchParameter",
        "Hashtable" or "IDictionary" => "System.Collections." + p.HelpType,
        _ => "Microsoft.Graph.PowerShell.Models." + p.HelpType,
    };

    private static IEnumerable<(string Code, string Text)> Examples(CommandSpec c, Samples samples)
    {
        string ids = string.Join(' ', c.Operations.OrderByDescending(o => o.PathParameters.Count).First().PathParameters.Select(p => $"-{p.Name} ${Variable(p.Name)}"));
        string parentIds = string.Join(' ', c.Operations.OrderBy(o => o.PathParameters.Count).First().PathParameters.Select(p => $"-{p.Name} ${Variable(p.Name)}"));
        switch (c.Kind)
        {
            case CommandKind.Get:
                yield return ($"{c.Name} {parentIds} -All".Replace("  ", " ", StringComparison.Ordinal), "Lists every item, following Graph's pages.");
                yield return ($"{c.Name} {ids}", "Reads one item by its key.");
                yield return ($"{c.Name} {parentIds} -Top 10 -CountVariable total\n\"$total in all\"".Replace("  ", " ", StringComparison.Ordinal), "Reads the first ten items and Graph's count of all of them.");
                break;
            case CommandKind.Count:
                yield return ($"{c.Name} {parentIds}".TrimEnd(), "Returns the number of items as an Int32.");
                break;
            case CommandKind.Delete:
                yield return ($"{c.Name} {ids} -PassThru", "Removes the item and returns $true once Graph accepted it.");
                break;
            default:
                if (c.Body is null)
                {
                    yield return ($"{c.Name} {ids} -PassThru", "Runs the action, which takes no body; -PassThru returns $true once Graph accepted it.");
                    break;
                }

                var body = new JsonObject();
                foreach ((BodyProperty p, JsonNode v) in samples.Body(c.Body))
                {
                    body[p.Name] = v.DeepClone();
                }

                yield return ($"$params = {Samples.PowerShell(body)}\n{c.Name} {ids} -BodyParameter $params".TrimEnd(), "Sends the body as a hashtable with Graph's property names (any case).");
                var expanded = samples.Body(c.Body).Select(s => s.Value is JsonValue v && v.TryGetValue(out bool _) ? $"-{Naming.Pascal(s.Property.Name)}" : $"-{Naming.Pascal(s.Property.Name)} {Samples.PowerShell(s.Value)}");
                yield return ($"{c.Name} {ids} {string.Join(' ', expanded)}".Replace("  ", " ", StringComparison.Ordinal), "The same with the expanded parameters.");
                break;
        }
    }

    private static string Variable(string parameter) => char.ToLowerInvariant(parameter[0]) + parameter[1..];

    public static string About(IEnumerable<CommandSpec> commands)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# about_Microsoft.Graph.CloudCommunications_Commands");
        sb.AppendLine();
        sb.AppendLine("## SHORT DESCRIPTION");
        sb.AppendLine("The commands this module generates from Graph's v1.0 metadata, what each sends, and how they are named.");
        sb.AppendLine();
        sb.AppendLine("## LONG DESCRIPTION");
        sb.AppendLine("Each command binds Microsoft's parameter sets and hands the values to one generic operation in the native core,");
        sb.AppendLine("which fills the path (each id one percent-encoded segment), builds the query, checks the body against Graph's");
        sb.AppendLine("schema (every problem at once, with its path) and sends it with the session's retries and timeouts.");
        sb.AppendLine();
        sb.AppendLine("Naming: a collection's commands are Get-, Get-…Count, New-, Update- and Remove-Mg<Noun>, the noun made of the");
        sb.AppendLine("path's segments in the singular. An action becomes <Verb>-Mg<Noun><Rest> when its first word is an approved");
        sb.AppendLine("verb, Invoke-Mg<Word><Noun><Rest> otherwise, except: transfer → Move-, change… → Rename-, cancel… → Stop-.");
        sb.AppendLine();
        sb.AppendLine("## COMMANDS");
        foreach (CommandSpec c in commands)
        {
            sb.AppendLine();
            sb.AppendLine($"{c.Name}");
            foreach (Operation o in c.Operations)
            {
                sb.AppendLine($"    {o.Method} {o.Path}");
            }
        }

        return sb.ToString();
    }
}
