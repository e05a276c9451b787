using System.Text;
using Microsoft.OData.Edm;

namespace CommandGenerator;

/// <summary>Table views for the types the Get commands return: the id and a few plain properties.</summary>
public static class FormatWriter
{
    public static string Views(IEnumerable<CommandSpec> commands, TypeCatalog catalog)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        sb.AppendLine("<!-- Written by tools/generator from Graph's v1.0 metadata; do not edit. Format-List * shows every property. -->");
        sb.AppendLine("<Configuration>");
        sb.AppendLine("  <ViewDefinitions>");
        var types = commands.Where(c => c.Kind == CommandKind.Get).Select(c => c.Subject).Distinct().OrderBy(t => ((IEdmSchemaType)t).FullName(), StringComparer.Ordinal);
        foreach (IEdmStructuredType type in types)
        {
            string cls = Naming.ModelName(((IEdmSchemaType)type).FullName());
            var columns = new List<string> { "Id" };
            columns.AddRange(type.DeclaredStructuralProperties()
                .Where(p => !p.Type.IsCollection() && (p.Type.Definition is IEdmEnumType || ValueKinds.Of(p.Type) is "String" or "Boolean" or "DateTimeOffset"))
                .Select(p => Naming.Pascal(p.Name)).Take(4));
            sb.AppendLine("    <View>");
            sb.AppendLine($"      <Name>{cls}</Name>");
            sb.AppendLine($"      <ViewSelectedBy><TypeName>Microsoft.Graph.PowerShell.Models.{cls}</TypeName></ViewSelectedBy>");
            sb.AppendLine("      <TableControl>");
            sb.AppendLine("        <TableHeaders>");
            foreach (string column in columns)
            {
                sb.AppendLine($"          <TableColumnHeader><Label>{column}</Label></TableColumnHeader>");
            }

            sb.AppendLine("        </TableHeaders>");
            sb.AppendLine("        <TableRowEntries>");
            sb.AppendLine("          <TableRowEntry>");
            sb.AppendLine("            <TableColumnItems>");
            foreach (string column in columns)
            {
                sb.AppendLine($"              <TableColumnItem><PropertyName>{column}</PropertyName></TableColumnItem>");
            }

            sb.AppendLine("            </TableColumnItems>");
            sb.AppendLine("          </TableRowEntry>");
            sb.AppendLine("        </TableRowEntries>");
            sb.AppendLine("      </TableControl>");
            sb.AppendLine("    </View>");
        }

        sb.AppendLine("  </ViewDefinitions>");
        sb.AppendLine("</Configuration>");
        return sb.ToString();
    }
}
