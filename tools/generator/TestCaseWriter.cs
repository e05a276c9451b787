using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OData.Edm;

namespace CommandGenerator;

/// <summary>
/// Writes the generated test cases: for every command and parameter set, the arguments a user
/// would give and the request the emulator must receive (method, path, query, body) with the
/// type the command must return. tests/GeneratedCommands.Tests.ps1 runs them.
/// </summary>
public static class TestCaseWriter
{
    public static string Cases(IEnumerable<CommandSpec> commands, Samples samples)
    {
        var seeds = new JsonArray();
        var cases = new JsonArray();
        var seeded = new HashSet<string>(StringComparer.Ordinal);
        foreach (CommandSpec c in commands.Where(c => !Naming.HandWritten.Contains(c.Name)))
        {
            foreach (Operation o in c.Operations.Where(o => o.PathParameters.Count > 0))
            {
                Seed(seeds, seeded, o);
            }

            // Files in and out are tested on their own (tests/StreamCommands.Tests.ps1): a case here has no files.
            foreach (string set in c.SetNames.Where(set => c.OperationOf(set) is { Answer: not AnswerKind.Stream, Upload: false }))
            {
                cases.Add(Case(c, set, samples));
            }
        }

        var root = new JsonObject
        {
            ["comment"] = "Written by tools/generator from Graph's v1.0 metadata; do not edit. Run by tests/GeneratedCommands.Tests.ps1.",
            ["seed"] = seeds,
            ["cases"] = cases,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>The id a test gives for a path parameter: CallId → gen-call.</summary>
    public static string SampleId(PathParameter p) => "gen-" + p.Key[..^3];

    private static void Seed(JsonArray seeds, HashSet<string> seeded, Operation o)
    {
        // Every collection on the way to the deepest id gets one item with the sample id.
        string path = o.Path;
        for (int i = 0; i < o.PathParameters.Count; i++)
        {
            PathParameter p = o.PathParameters[i];
            int at = path.IndexOf("{" + p.Key + "}", StringComparison.Ordinal);
            string collection = Fill(path[..(at - 1)], o.PathParameters);
            // Users are the tenant's, not this module's to make: every user exists (in the emulator too).
            bool tenants = Surface.ItemRoots.Any(r => collection == "/" + r.EntitySet);
            if (!tenants && seeded.Add(collection + "/" + SampleId(p)))
            {
                var body = new JsonObject { ["id"] = SampleId(p) };
                if (collection.EndsWith("/communications/calls", StringComparison.Ordinal))
                {
                    body["callbackUri"] = "https://bot.contoso.com/api/calls";
                }

                seeds.Add(new JsonObject { ["path"] = collection, ["body"] = body });
            }
        }
    }

    private static string Fill(string path, IEnumerable<PathParameter> ids)
    {
        foreach (PathParameter p in ids)
        {
            path = path.Replace("{" + p.Key + "}", SampleId(p), StringComparison.Ordinal);
        }

        return path;
    }

    private static JsonObject Case(CommandSpec c, string set, Samples samples)
    {
        Operation o = c.OperationOf(set);
        var parameters = new JsonObject();
        var switches = new JsonArray();
        var query = new JsonObject();
        JsonNode? body = null;
        if (set.Contains("ViaIdentity", StringComparison.Ordinal))
        {
            var identity = new JsonObject();
            foreach (PathParameter p in o.PathParameters)
            {
                identity[p.Name] = SampleId(p);
            }

            parameters["InputObject"] = identity;
        }
        else
        {
            foreach (PathParameter p in o.PathParameters)
            {
                parameters[p.Name] = SampleId(p);
            }
        }

        if (c.Body is not null && c.Parameters.Any(p => p.Sets.ContainsKey(set) && p.Role is ParameterRole.Body or ParameterRole.BodyProperty))
        {
            var sample = samples.Body(c.Body);
            var expected = new JsonObject();
            foreach ((BodyProperty p, JsonNode v) in sample)
            {
                expected[p.Name] = v.DeepClone();
            }

            body = expected;
            if (set.Contains("Expanded", StringComparison.Ordinal))
            {
                foreach ((BodyProperty p, JsonNode v) in sample)
                {
                    if (ValueKinds.Of(p.Type) == "Boolean" && !p.Type.IsCollection())
                    {
                        switches.Add(Naming.Pascal(p.Name));
                    }
                    else
                    {
                        parameters[Naming.Pascal(p.Name)] = v.DeepClone();
                    }
                }
            }
            else
            {
                parameters[Naming.BodyParameterNames.GetValueOrDefault(c.Name, "BodyParameter")] = expected.DeepClone();
            }
        }

        if (o.IsList && c.Kind == CommandKind.Get)
        {
            parameters["Top"] = 5;
            parameters["Property"] = new JsonArray("id");
            parameters["Sort"] = new JsonArray("id desc");
            query["$top"] = "5";
            query["$select"] = "id";
            query["$orderby"] = "id desc";
        }
        else if (c.Kind == CommandKind.Get && o.Answer == AnswerKind.Entity)
        {
            parameters["Property"] = new JsonArray("id", "@odata.type");
            query["$select"] = "id,@odata.type";
        }

        string output;
        if (o.Answer == AnswerKind.Count)
        {
            output = "System.Int32";
        }
        else if (o.Answer == AnswerKind.Value)
        {
            output = "System.String";
        }
        else if (o.Answer == AnswerKind.None)
        {
            switches.Add("PassThru");
            output = "System.Boolean";
        }
        else
        {
            output = "Microsoft.Graph.PowerShell.Models." + Naming.ModelName(((IEdmSchemaType)o.AnswerType!).FullName());
        }

        return new JsonObject
        {
            ["command"] = c.Name,
            ["set"] = set,
            ["parameters"] = parameters,
            ["switches"] = switches,
            ["expect"] = new JsonObject
            {
                ["method"] = o.Method,
                ["path"] = "/v1.0" + Fill(o.Path, o.PathParameters),
                ["query"] = query,
                ["body"] = body,
                ["output"] = output,
            },
        };
    }
}
