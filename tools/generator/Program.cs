using System.Text;
using System.Xml;
using CommandGenerator;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;

// Reads Graph's metadata and Microsoft's command list (spec/graph) and writes every generated file of the
// repository: the C# cmdlets and models, the Rust descriptors, the help, the format views and the test cases.
// Usage: CommandGenerator [--root <repository>] [--out <folder>]; --out writes the same tree elsewhere
// (the regeneration test compares it with what is committed).
string root = Path.GetFullPath(Option("--root") ?? FindRoot());
string output = Path.GetFullPath(Option("--out") ?? root);

IEdmModel model;
using (XmlReader reader = XmlReader.Create(Path.Combine(root, "spec", "graph", "v1.0-metadata.xml")))
{
    if (!CsdlReader.TryParse(reader, true, out model, out var errors))
    {
        Console.Error.WriteLine("The metadata does not parse: " + string.Join("; ", errors.Select(e => e.ErrorMessage)));
        return 1;
    }
}

string[] microsoftCommands = File.ReadAllLines(Path.Combine(root, "spec", "graph", "cloudcommunications-commands.txt"))
    .Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
List<CommandSpec> commands = Surface.Build(model, microsoftCommands);

var catalog = new TypeCatalog(model);
foreach (CommandSpec c in commands)
{
    foreach (Operation o in c.Operations.Where(o => o.AnswerType is not null))
    {
        catalog.AddType(o.AnswerType!);
    }

    foreach (BodyProperty p in c.Body?.Properties ?? Array.Empty<BodyProperty>())
    {
        catalog.Add(p.Type);
    }

    if (c.Body?.EntityType is not null)
    {
        catalog.AddType(c.Body.EntityType);
    }
}

var samples = new Samples(catalog);
var generated = commands.Where(c => !Naming.HandWritten.Contains(c.Name)).ToList();
var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
string shim = "dotnet-shim/Microsoft.Graph.CloudCommunications/Generated";
string module = "module/Microsoft.Graph.CloudCommunications/Generated";
foreach (CommandSpec c in generated)
{
    files[$"{shim}/Commands/{CSharpWriter.ClassName(c)}.cs"] = CSharpWriter.Cmdlet(c);
    files[$"{module}/docs/{c.Name}.md"] = HelpWriter.Command(c, samples);
}

files[$"{shim}/Models/Models.cs"] = CSharpWriter.Models(catalog, commands);
files[$"{module}/docs/about_Microsoft.Graph.CloudCommunications_Commands.md"] = HelpWriter.About(commands);
files[$"{module}/Commands.txt"] = string.Join('\n', generated.Select(c => c.Name)) + "\n";
files[$"{module}/Microsoft.Graph.CloudCommunications.Generated.format.ps1xml"] = FormatWriter.Views(commands, catalog);
files["rust/graph-core/src/generated/mod.rs"] = RustWriter.Module();
files["rust/graph-core/src/generated/types.rs"] = RustWriter.Types(catalog, commands);
files["rust/graph-core/src/generated/commands.rs"] = RustWriter.Commands(commands);
files["tests/generated/CallCommands.Cases.json"] = TestCaseWriter.Cases(commands, samples);

// Each generated folder holds exactly what this run wrote: a file no longer generated goes away.
foreach (string folder in new[] { $"{shim}/Commands", $"{shim}/Models", $"{module}/docs", "rust/graph-core/src/generated", "tests/generated" })
{
    string full = Path.Combine(output, folder);
    if (Directory.Exists(full))
    {
        foreach (string file in Directory.GetFiles(full))
        {
            string relative = Path.GetRelativePath(output, file).Replace('\\', '/');
            if (!files.ContainsKey(relative))
            {
                File.Delete(file);
            }
        }
    }
}

var utf8 = new UTF8Encoding(false);
foreach ((string relative, string text) in files)
{
    string path = Path.Combine(output, relative);
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal), utf8);
}

Console.WriteLine($"{generated.Count} commands generated ({commands.Count - generated.Count} hand-written with generated descriptors), {catalog.Structs.Count()} types, {catalog.Enums.Count()} enums, {files.Count} files under {output}");
return 0;

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string FindRoot()
{
    string? dir = AppContext.BaseDirectory;
    while (dir is not null && !File.Exists(Path.Combine(dir, "Cargo.toml")))
    {
        dir = Path.GetDirectoryName(dir);
    }

    return dir ?? Directory.GetCurrentDirectory();
}
