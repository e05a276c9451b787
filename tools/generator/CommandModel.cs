using Microsoft.OData.Edm;

namespace CommandGenerator;

/// <summary>What a command does to its path: the shapes of Microsoft's generated commands.</summary>
public enum CommandKind
{
    Get,
    Count,
    Create,
    Update,
    Delete,
    Action,
}

/// <summary>How the answer of a request is read.</summary>
public enum AnswerKind
{
    /// <summary>No body (204, 202): nothing, or $true with -PassThru.</summary>
    None,

    /// <summary>One object of the answer type.</summary>
    Entity,

    /// <summary>A page of a collection (value, @odata.nextLink, @odata.count).</summary>
    Collection,

    /// <summary>A /$count: text/plain holding a number.</summary>
    Count,

    /// <summary>A stream property's bytes, written to the -OutFile as they arrive.</summary>
    Stream,

    /// <summary>A primitive in value (a function that answers a string).</summary>
    Value,
}

/// <summary>An id in the path: the parameter that carries it and the template's key.</summary>
public sealed record PathParameter(string Name, string Key);

/// <summary>One request shape a command can send (Get and GetViaIdentity share one; List is another).</summary>
public sealed class Operation
{
    public required string Name { get; init; }

    public required string Method { get; init; }

    /// <summary>Template, e.g. /communications/calls/{call-id}/participants.</summary>
    public required string Path { get; init; }

    public required IReadOnlyList<PathParameter> PathParameters { get; init; }

    /// <summary>The sets that send this operation.</summary>
    public List<string> Sets { get; } = new();

    public AnswerKind Answer { get; init; }

    /// <summary>The type the answer holds (or the items of the collection).</summary>
    public IEdmStructuredType? AnswerType { get; init; }

    /// <summary>The body is the -InFile's bytes (a stream property's PUT).</summary>
    public bool Upload { get; init; }

    public bool IsList => Answer == AnswerKind.Collection;
}

/// <summary>A parameter of a generated cmdlet.</summary>
public sealed class CmdletParameter
{
    public required string Name { get; init; }

    /// <summary>The C# type as declared on the cmdlet.</summary>
    public required string ClrType { get; init; }

    /// <summary>The type as Microsoft's help prints it (String, Int32, IMicrosoftGraphMediaConfig, ...).</summary>
    public required string HelpType { get; init; }

    public required ParameterRole Role { get; init; }

    /// <summary>For body properties: Graph's name of the property.</summary>
    public string? JsonName { get; init; }

    /// <summary>The property's Graph type, for help and for samples.</summary>
    public IEdmTypeReference? EdmType { get; init; }

    public string[] Aliases { get; init; } = Array.Empty<string>();

    public bool FromPipeline { get; init; }

    /// <summary>Set name → mandatory in that set.</summary>
    public Dictionary<string, bool> Sets { get; } = new();

    public string Description { get; set; } = string.Empty;
}

public enum ParameterRole
{
    PathId,
    InputObject,
    Body,
    BodyProperty,
    AdditionalProperties,
    Query,
    Header,
    ResponseHeaders,
    CountVariable,
    PassThru,
    Paging,

    /// <summary>A file path (-OutFile, -InFile), resolved against PowerShell's current location by the cmdlet.</summary>
    File,
}

/// <summary>A command to generate: Microsoft's name, its sets and parameters, and what it sends.</summary>
public sealed class CommandSpec
{
    public required string Name { get; init; }

    public required CommandKind Kind { get; init; }

    public required string DefaultSet { get; init; }

    public required IReadOnlyList<string> SetNames { get; init; }

    public required IReadOnlyList<Operation> Operations { get; init; }

    /// <summary>The type of the body (an entity for New/Update, the action's parameters otherwise).</summary>
    public BodyShape? Body { get; init; }

    /// <summary>The entity the command is about (for help text).</summary>
    public required IEdmStructuredType Subject { get; init; }

    /// <summary>For actions: Graph's action name.</summary>
    public string? ActionName { get; init; }

    public List<CmdletParameter> Parameters { get; } = new();

    public string Verb => Name[..Name.IndexOf('-')];

    public string Noun => Name[(Name.IndexOf('-') + 1)..];

    public bool SupportsShouldProcess => Kind is CommandKind.Create or CommandKind.Update or CommandKind.Delete or CommandKind.Action;

    /// <summary>Output type names (interfaces), as in OutputType.</summary>
    public required string OutputType { get; init; }

    public Operation OperationOf(string set) => Operations.Single(o => o.Sets.Contains(set));
}

/// <summary>A request body: its Graph type (an entity, or an action's parameters) and its name on -BodyParameter.</summary>
public sealed class BodyShape
{
    public required string GraphName { get; init; }

    /// <summary>The interface -BodyParameter is typed with.</summary>
    public required string InterfaceName { get; init; }

    public required IReadOnlyList<BodyProperty> Properties { get; init; }

    /// <summary>The entity type, when the body is one (New/Update); null for action parameters.</summary>
    public IEdmStructuredType? EntityType { get; init; }
}

public sealed record BodyProperty(string Name, IEdmTypeReference Type, bool Required);
