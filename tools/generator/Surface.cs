using Microsoft.OData.Edm;

namespace CommandGenerator;

/// <summary>
/// Walks Graph's metadata from the roots this module covers and makes every command Microsoft's
/// generator would make there (Get/Count/New/Update/Remove for each contained collection, and a
/// command for each bound action), then keeps those of Microsoft's command list (plus
/// <see cref="Naming.Additions"/>). A listed name under a root that no rule produces is an error.
/// </summary>
public sealed class Surface
{
    /// <summary>Where the commands of this module start: a singleton and the collections under it.</summary>
    public static readonly (string Singleton, string[] Collections)[] Roots =
    {
        ("communications", new[] { "calls", "presences", "onlineMeetings", "callRecords" }),
    };

    /// <summary>Where the commands that start at one item of an entity set start: /users/{user-id}/onlineMeetings.</summary>
    public static readonly (string EntitySet, string[] Navigations)[] ItemRoots =
    {
        ("users", new[] { "onlineMeetings", "presence" }),
    };

    /// <summary>The nouns of the commands the roots make, for the check that every listed one is made.</summary>
    private static readonly string[] CoveredNouns =
    {
        "MgCommunicationCall", "MgCommunicationPresence", "MgCommunicationOnlineMeeting", "MgUserOnlineMeeting", "MgUserPresence",
    };

    /// <summary>How deep contained collections are followed below a root's (calls → participants; meetings → reports → records).</summary>
    private const int MaxDepth = 2;

    public const string AllSets = "__AllParameterSets";

    private readonly IEdmModel model;
    private readonly List<IEdmAction> boundActions;
    private readonly List<IEdmFunction> boundFunctions;
    private readonly List<CommandSpec> candidates = new();

    public Surface(IEdmModel model)
    {
        this.model = model;
        boundActions = model.SchemaElements.OfType<IEdmAction>().Where(a => a.IsBound).ToList();
        boundFunctions = model.SchemaElements.OfType<IEdmFunction>().Where(f => f.IsBound).ToList();
    }

    public static List<CommandSpec> Build(IEdmModel model, IEnumerable<string> microsoftCommands)
    {
        var surface = new Surface(model);
        foreach ((string singleton, string[] collections) in Roots)
        {
            IEdmSingleton root = model.EntityContainer.FindSingleton(singleton) ?? throw new InvalidOperationException($"no singleton {singleton}");
            foreach (string collection in collections)
            {
                IEdmNavigationProperty nav = root.EntityType.NavigationProperties().Single(n => n.Name == collection);
                surface.AddCollection("/" + singleton, Naming.NounPart(singleton), new List<PathParameter>(), nav, depth: 0);
            }

            // Actions bound to the singleton itself: communications/getPresencesByUserId.
            foreach (IEdmAction action in surface.boundActions.Where(a => !a.Parameters.First().Type.IsCollection() && a.Parameters.First().Type.Definition == root.EntityType))
            {
                surface.candidates.Add(surface.Action(Naming.NounPart(singleton), root.EntityType, action, "/" + singleton, new List<PathParameter>()));
            }
        }

        foreach ((string entitySet, string[] navigations) in ItemRoots)
        {
            IEdmEntitySet set = model.EntityContainer.FindEntitySet(entitySet) ?? throw new InvalidOperationException($"no entity set {entitySet}");
            var id = new PathParameter(Naming.Pascal(set.EntityType.Name) + "Id", set.EntityType.Name + "-id");
            string itemPath = $"/{entitySet}/{{{id.Key}}}";
            foreach (string navigation in navigations)
            {
                IEdmNavigationProperty nav = set.EntityType.NavigationProperties().Single(n => n.Name == navigation);
                if (nav.Type.IsCollection())
                {
                    surface.AddCollection(itemPath, Naming.NounPart(entitySet), new List<PathParameter> { id }, nav, depth: 0);
                }
                else
                {
                    surface.AddSingle(itemPath, Naming.NounPart(entitySet), new List<PathParameter> { id }, nav);
                }
            }
        }

        var wanted = new HashSet<string>(microsoftCommands, StringComparer.OrdinalIgnoreCase);
        wanted.UnionWith(Naming.Additions);
        var chosen = surface.candidates.Where(c => wanted.Contains(c.Name)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        // Every listed command under a root must come out of a rule.
        var unplaced = wanted
            .Where(w => CoveredNouns.Any(n => w.Contains(n, StringComparison.Ordinal)))
            .Where(w => chosen.All(c => c.Name != w))
            .ToList();
        if (unplaced.Count > 0)
        {
            throw new InvalidOperationException("Listed commands no rule produces: " + string.Join(", ", unplaced));
        }

        return chosen;
    }

    private void AddCollection(string parentPath, string parentNoun, List<PathParameter> parentIds, IEdmNavigationProperty nav, int depth)
    {
        var entity = (IEdmEntityType)nav.ToEntityType();
        string noun = parentNoun + Naming.NounPart(nav.Name);
        string collectionPath = $"{parentPath}/{nav.Name}";
        var id = new PathParameter(Naming.Pascal(entity.Name) + "Id", entity.Name + "-id");
        string itemPath = $"{collectionPath}/{{{id.Key}}}";
        var itemIds = parentIds.Append(id).ToList();

        candidates.Add(Get(noun, entity, collectionPath, itemPath, parentIds, itemIds));
        candidates.Add(Count(noun, entity, collectionPath, parentIds));
        candidates.Add(CreateOrUpdate(CommandKind.Create, noun, entity, collectionPath, parentIds));
        candidates.Add(CreateOrUpdate(CommandKind.Update, noun, entity, itemPath, itemIds));
        candidates.Add(Delete(noun, entity, itemPath, itemIds));
        foreach (IEdmAction action in boundActions)
        {
            IEdmTypeReference binding = action.Parameters.First().Type;
            if (binding.IsCollection() && binding.AsCollection().ElementType().Definition == entity)
            {
                candidates.Add(Action(noun, entity, action, collectionPath, parentIds));
            }
            else if (!binding.IsCollection() && binding.Definition == entity)
            {
                candidates.Add(Action(noun, entity, action, itemPath, itemIds));
            }
        }

        foreach (IEdmStructuralProperty stream in entity.StructuralProperties().Where(IsStream))
        {
            candidates.Add(StreamRead(noun, entity, stream, itemPath, itemIds));
            candidates.Add(StreamWrite(noun, entity, stream, itemPath, itemIds));
        }

        foreach (IEdmFunction function in boundFunctions.Where(f => !f.Parameters.First().Type.IsCollection() && f.Parameters.First().Type.Definition == entity))
        {
            candidates.Add(Function(noun, entity, function, itemPath, itemIds));
        }

        if (depth < MaxDepth)
        {
            foreach (IEdmNavigationProperty child in entity.NavigationProperties().Where(n => n.ContainsTarget && n.Type.IsCollection()))
            {
                AddCollection(itemPath, noun, itemIds, child, depth + 1);
            }
        }
    }

    /// <summary>A stream property's GET: Get-Mg&lt;Noun&gt;&lt;Property&gt;, its bytes written to -OutFile as they arrive.</summary>
    private CommandSpec StreamRead(string noun, IEdmEntityType entity, IEdmProperty stream, string itemPath, List<PathParameter> ids)
    {
        var operation = new Operation { Name = "Get", Method = "GET", Path = $"{itemPath}/{stream.Name}", PathParameters = ids, Answer = AnswerKind.Stream };
        operation.Sets.AddRange(new[] { "Get", "GetViaIdentity" });
        var spec = new CommandSpec
        {
            Name = $"Get-Mg{noun}{Naming.Pascal(stream.Name)}", Kind = CommandKind.Get, DefaultSet = "Get", SetNames = new[] { "Get", "GetViaIdentity" },
            Operations = new[] { operation }, Subject = entity, OutputType = "System.Boolean",
        };
        AddIds(spec, ids, new[] { "Get" }, new List<PathParameter>(), Array.Empty<string>());
        AddInputObject(spec, "GetViaIdentity");
        Add(spec, new CmdletParameter { Name = "OutFile", ClrType = "string?", HelpType = "String", Role = ParameterRole.File, Description = $"The file to write the {Words(stream.Name)} to, as it arrives: never held whole in memory; a download that breaks off leaves no file behind." }, spec.SetNames, mandatory: true);
        AddPassThru(spec);
        AddCommon(spec);
        return spec;
    }

    /// <summary>A stream property's PUT: Set-Mg&lt;Noun&gt;&lt;Property&gt; from -InFile.</summary>
    private CommandSpec StreamWrite(string noun, IEdmEntityType entity, IEdmProperty stream, string itemPath, List<PathParameter> ids)
    {
        var operation = new Operation { Name = "Set", Method = "PUT", Path = $"{itemPath}/{stream.Name}", PathParameters = ids, Answer = AnswerKind.None, Upload = true };
        operation.Sets.AddRange(new[] { "Set", "SetViaIdentity" });
        var spec = new CommandSpec
        {
            Name = $"Set-Mg{noun}{Naming.Pascal(stream.Name)}", Kind = CommandKind.Update, DefaultSet = "Set", SetNames = new[] { "Set", "SetViaIdentity" },
            Operations = new[] { operation }, Subject = entity, OutputType = "System.Boolean",
        };
        AddIds(spec, ids, new[] { "Set" }, new List<PathParameter>(), Array.Empty<string>());
        AddInputObject(spec, "SetViaIdentity");
        Add(spec, new CmdletParameter { Name = "InFile", ClrType = "string?", HelpType = "String", Role = ParameterRole.File, Description = $"The file whose bytes become the {Words(stream.Name)}." }, spec.SetNames, mandatory: true);
        Add(spec, new CmdletParameter { Name = "ContentType", ClrType = "string?", HelpType = "String", Role = ParameterRole.Header, JsonName = "Content-Type", FromPipeline = true, Description = "The content type to send (text/vtt, application/json, ...); without it, the file's extension says (.vtt, .json, .csv, .txt), else application/octet-stream." }, spec.SetNames);
        AddPassThru(spec);
        AddCommon(spec);
        return spec;
    }

    /// <summary>A function bound to an item, answering a primitive: getVirtualAppointmentJoinWebUrl → Get-Mg…VirtualAppointmentJoinWebUrl.</summary>
    private CommandSpec Function(string noun, IEdmEntityType entity, IEdmFunction function, string itemPath, List<PathParameter> ids)
    {
        (string name, string prefix) = Naming.ActionCommand(function.Name, noun);
        var operation = new Operation { Name = prefix, Method = "GET", Path = $"{itemPath}/{function.Name}()", PathParameters = ids, Answer = AnswerKind.Value };
        operation.Sets.AddRange(new[] { prefix, prefix + "ViaIdentity" });
        var spec = new CommandSpec
        {
            Name = name, Kind = CommandKind.Get, DefaultSet = prefix, SetNames = new[] { prefix, prefix + "ViaIdentity" },
            Operations = new[] { operation }, Subject = entity, ActionName = function.Name, OutputType = "System.String",
        };
        AddIds(spec, ids, new[] { prefix }, new List<PathParameter>(), Array.Empty<string>());
        AddInputObject(spec, prefix + "ViaIdentity");
        AddCommon(spec);
        return spec;
    }

    /// <summary>A single-valued contained navigation (/users/{user-id}/presence): Get, Update and Remove, no list, no New.</summary>
    private void AddSingle(string parentPath, string parentNoun, List<PathParameter> ids, IEdmNavigationProperty nav)
    {
        var entity = (IEdmEntityType)nav.ToEntityType();
        string noun = parentNoun + Naming.NounPart(nav.Name);
        string path = $"{parentPath}/{nav.Name}";
        var get = new Operation { Name = "Get", Method = "GET", Path = path, PathParameters = ids, Answer = AnswerKind.Entity, AnswerType = entity };
        get.Sets.AddRange(new[] { "Get", "GetViaIdentity" });
        var spec = new CommandSpec
        {
            Name = $"Get-Mg{noun}", Kind = CommandKind.Get, DefaultSet = "Get", SetNames = new[] { "Get", "GetViaIdentity" },
            Operations = new[] { get }, Subject = entity, OutputType = Interface(entity),
        };
        AddIds(spec, ids, new[] { "Get" }, new List<PathParameter>(), Array.Empty<string>());
        AddInputObject(spec, "GetViaIdentity");
        AddSelectExpand(spec, "the object");
        AddCommon(spec);
        candidates.Add(spec);
        candidates.Add(CreateOrUpdate(CommandKind.Update, noun, entity, path, ids));
        candidates.Add(Delete(noun, entity, path, ids));
    }

    private static string Interface(IEdmSchemaType type) => "IMicrosoftGraph" + Naming.ModelName(type.FullName())["MicrosoftGraph".Length..];

    private CommandSpec Get(string noun, IEdmEntityType entity, string collectionPath, string itemPath, List<PathParameter> parentIds, List<PathParameter> itemIds)
    {
        var list = new Operation { Name = "List", Method = "GET", Path = collectionPath, PathParameters = parentIds, Answer = AnswerKind.Collection, AnswerType = entity };
        var get = new Operation { Name = "Get", Method = "GET", Path = itemPath, PathParameters = itemIds, Answer = AnswerKind.Entity, AnswerType = entity };
        bool listable = !Naming.NotListable.Contains(collectionPath);
        list.Sets.Add("List");
        get.Sets.AddRange(new[] { "Get", "GetViaIdentity" });
        var spec = new CommandSpec
        {
            Name = $"Get-Mg{noun}", Kind = CommandKind.Get, DefaultSet = listable ? "List" : "Get",
            SetNames = listable ? new[] { "Get", "GetViaIdentity", "List" } : new[] { "Get", "GetViaIdentity" },
            Operations = listable ? new[] { get, list } : new[] { get }, Subject = entity, OutputType = Interface(entity),
        };
        AddIds(spec, itemIds, new[] { "Get" }, parentIds, listable ? new[] { "List" } : Array.Empty<string>());
        AddInputObject(spec, "GetViaIdentity");
        AddSelectExpand(spec, "each object");
        string[] listOnly = listable ? new[] { "List" } : Array.Empty<string>();
        AddQuery(spec, "Filter", "string?", "String", Array.Empty<string>(), listOnly, "Filters the items by an OData expression ($filter).");
        AddQuery(spec, "Search", "string?", "String", Array.Empty<string>(), listOnly, "Searches the items by a phrase ($search).");
        AddQuery(spec, "Skip", "int", "Int32", Array.Empty<string>(), listOnly, "Skips the first items ($skip).");
        AddQuery(spec, "Sort", "string[]?", "String[]", new[] { "OrderBy" }, listOnly, "Orders the items by these properties ($orderby), each optionally followed by asc or desc.");
        AddQuery(spec, "Top", "int", "Int32", new[] { "Limit" }, listOnly, "Returns at most this many items in all ($top on the first page).");
        Add(spec, new CmdletParameter { Name = "All", ClrType = "SwitchParameter", HelpType = "SwitchParameter", Role = ParameterRole.Paging, Description = "Follows @odata.nextLink until every page is read." }, listOnly);
        Add(spec, new CmdletParameter { Name = "PageSize", ClrType = "int", HelpType = "Int32", Role = ParameterRole.Paging, Description = "Asks for this many items per page ($top on each request)." }, listOnly);
        Add(spec, new CmdletParameter { Name = "CountVariable", ClrType = "string?", HelpType = "String", Role = ParameterRole.CountVariable, Aliases = new[] { "CV" }, Description = "Asks Graph to count the items ($count=true) and puts the count in a variable of this name." }, listOnly);
        AddCommon(spec);
        return spec;
    }

    private CommandSpec Count(string noun, IEdmEntityType entity, string collectionPath, List<PathParameter> parentIds)
    {
        var count = new Operation { Name = "Count", Method = "GET", Path = collectionPath + "/$count", PathParameters = parentIds, Answer = AnswerKind.Count };
        // Without an id there is one set, which PowerShell names __AllParameterSets (as in Microsoft's).
        string[] sets = parentIds.Count > 0 ? new[] { "Get", "GetViaIdentity" } : new[] { AllSets };
        count.Sets.AddRange(sets);
        var spec = new CommandSpec
        {
            Name = $"Get-Mg{noun}Count", Kind = CommandKind.Count, DefaultSet = sets[0], SetNames = sets, Operations = new[] { count },
            Subject = entity, OutputType = "System.Int32",
        };
        AddIds(spec, parentIds, new[] { "Get" }, new List<PathParameter>(), Array.Empty<string>());
        if (parentIds.Count > 0)
        {
            AddInputObject(spec, "GetViaIdentity");
        }

        AddQuery(spec, "Filter", "string?", "String", Array.Empty<string>(), sets, "Counts only the items this OData expression selects ($filter).");
        AddQuery(spec, "Search", "string?", "String", Array.Empty<string>(), sets, "Counts only the items that match this phrase ($search).");
        AddCommon(spec);
        return spec;
    }

    private CommandSpec CreateOrUpdate(CommandKind kind, string noun, IEdmEntityType entity, string path, List<PathParameter> ids)
    {
        bool create = kind == CommandKind.Create;
        string prefix = create ? "Create" : "Update";
        bool viaIdentity = ids.Count > 0;
        var operation = new Operation
        {
            Name = prefix, Method = create ? "POST" : "PATCH", Path = path, PathParameters = ids,
            Answer = AnswerKind.Entity, AnswerType = entity,
        };
        string[] sets = viaIdentity
            ? new[] { prefix, prefix + "Expanded", prefix + "ViaIdentity", prefix + "ViaIdentityExpanded" }
            : new[] { prefix, prefix + "Expanded" };
        operation.Sets.AddRange(sets);
        var body = new BodyShape
        {
            GraphName = entity.FullName(), InterfaceName = Interface(entity), EntityType = entity,
            Properties = EntityProperties(entity).Select(p => new BodyProperty(p.Name, p.Type, false)).ToList(),
        };
        var spec = new CommandSpec
        {
            Name = (create ? "New-Mg" : "Update-Mg") + noun, Kind = kind, DefaultSet = prefix + "Expanded", SetNames = sets,
            Operations = new[] { operation }, Body = body, Subject = entity, OutputType = Interface(entity),
        };
        AddIds(spec, ids, new[] { prefix, prefix + "Expanded" }, new List<PathParameter>(), Array.Empty<string>());
        if (viaIdentity)
        {
            AddInputObject(spec, prefix + "ViaIdentity", prefix + "ViaIdentityExpanded");
        }

        AddBody(spec, prefix);
        AddCommon(spec);
        return spec;
    }

    private CommandSpec Delete(string noun, IEdmEntityType entity, string path, List<PathParameter> ids)
    {
        var operation = new Operation { Name = "Delete", Method = "DELETE", Path = path, PathParameters = ids, Answer = AnswerKind.None };
        operation.Sets.AddRange(new[] { "Delete", "DeleteViaIdentity" });
        var spec = new CommandSpec
        {
            Name = $"Remove-Mg{noun}", Kind = CommandKind.Delete, DefaultSet = "Delete", SetNames = new[] { "Delete", "DeleteViaIdentity" },
            Operations = new[] { operation }, Subject = entity, OutputType = "System.Boolean",
        };
        AddIds(spec, ids, new[] { "Delete" }, new List<PathParameter>(), Array.Empty<string>());
        AddInputObject(spec, "DeleteViaIdentity");
        Add(spec, new CmdletParameter { Name = "IfMatch", ClrType = "string?", HelpType = "String", Role = ParameterRole.Header, JsonName = "If-Match", Description = "Deletes only if the object's ETag still matches this value (If-Match)." }, spec.SetNames);
        AddPassThru(spec);
        AddCommon(spec);
        return spec;
    }

    private CommandSpec Action(string noun, IEdmEntityType entity, IEdmAction action, string boundPath, List<PathParameter> ids)
    {
        (string name, string prefix) = Naming.ActionCommand(action.Name, noun);
        (string setPrefix, string setSuffix) = Naming.ActionSets.GetValueOrDefault(name, (prefix, string.Empty));
        string Set(string kind) => setPrefix + kind + setSuffix;
        var parameters = action.Parameters.Skip(1)
            .Select(p => new BodyProperty(p.Name, p.Type, !p.Type.IsNullable && p is not IEdmOptionalParameter))
            .ToList();
        bool hasBody = parameters.Count > 0;
        bool viaIdentity = ids.Count > 0;
        var sets = new List<string> { Set(string.Empty) };
        if (hasBody)
        {
            sets.Add(Set("Expanded"));
        }

        if (viaIdentity)
        {
            sets.Add(Set("ViaIdentity"));
            if (hasBody)
            {
                sets.Add(Set("ViaIdentityExpanded"));
            }
        }

        IEdmTypeReference? returnType = action.GetReturn()?.Type;
        bool returnsMany = returnType?.IsCollection() == true;
        IEdmStructuredType? returns = (returnsMany ? returnType!.AsCollection().ElementType().Definition : returnType?.Definition) as IEdmStructuredType;
        var operation = new Operation
        {
            Name = prefix, Method = "POST", Path = $"{boundPath}/{action.Name}", PathParameters = ids,
            Answer = returns is null ? AnswerKind.None : returnsMany ? AnswerKind.Collection : AnswerKind.Entity, AnswerType = returns,
        };
        operation.Sets.AddRange(sets);
        BodyShape? body = hasBody
            ? new BodyShape
            {
                GraphName = $"{action.Namespace}.{action.Name}({action.Parameters.First().Type.FullName()})",
                InterfaceName = BodyInterfaces.For(name, boundPath, action.Name),
                Properties = parameters,
            }
            : null;
        var spec = new CommandSpec
        {
            Name = name, Kind = CommandKind.Action, DefaultSet = hasBody ? Set("Expanded") : Set(string.Empty), SetNames = sets.OrderBy(s => s, StringComparer.Ordinal).ToList(),
            Operations = new[] { operation }, Body = body, Subject = entity, ActionName = action.Name,
            OutputType = returns is null ? "System.Boolean" : Interface((IEdmSchemaType)returns),
        };
        AddIds(spec, ids, hasBody ? new[] { Set(string.Empty), Set("Expanded") } : new[] { Set(string.Empty) }, new List<PathParameter>(), Array.Empty<string>());
        if (viaIdentity)
        {
            AddInputObject(spec, hasBody ? new[] { Set("ViaIdentity"), Set("ViaIdentityExpanded") } : new[] { Set("ViaIdentity") });
        }

        if (hasBody)
        {
            AddBody(spec, prefix);
        }

        if (returns is null)
        {
            AddPassThru(spec);
        }

        AddCommon(spec);
        return spec;
    }

    /// <summary>The properties an entity's body can carry: its own and its bases', navigation collections included.</summary>
    public static IEnumerable<IEdmProperty> EntityProperties(IEdmStructuredType entity) =>
        entity.Properties().Where(p => (p.PropertyKind == EdmPropertyKind.Structural && !IsStream(p)) || (p is IEdmNavigationProperty n && n.ContainsTarget))
            .OrderBy(p => p.Name, StringComparer.Ordinal);

    /// <summary>Edm.Stream properties (a meeting's attendeeReport, a transcript's content) are read and written at their own path, never in a body.</summary>
    private static bool IsStream(IEdmProperty p) =>
        p.Type.Definition is IEdmPrimitiveType { PrimitiveKind: EdmPrimitiveTypeKind.Stream };

    private static void AddIds(CommandSpec spec, List<PathParameter> ids, string[] sets, List<PathParameter> listIds, string[] listSets)
    {
        foreach (PathParameter id in ids)
        {
            var parameter = new CmdletParameter
            {
                Name = id.Name, ClrType = "string?", HelpType = "String", Role = ParameterRole.PathId, JsonName = id.Key,
                Description = $"The key of the {Words(id.Name[..^2])} ({{{id.Key}}} in the path).",
            };
            Add(spec, parameter, sets, mandatory: true);
            if (listIds.Contains(id))
            {
                foreach (string set in listSets)
                {
                    parameter.Sets[set] = true;
                }
            }
        }

        foreach (PathParameter id in listIds.Where(i => !ids.Contains(i)))
        {
            Add(spec, new CmdletParameter { Name = id.Name, ClrType = "string?", HelpType = "String", Role = ParameterRole.PathId, JsonName = id.Key, Description = $"The key of the {Words(id.Name[..^2])}." }, listSets, mandatory: true);
        }
    }

    private static string Words(string pascal) => string.Join(' ', Naming.Words(pascal).Select(w => w.ToLowerInvariant()));

    private static void AddInputObject(CommandSpec spec, params string[] sets) =>
        Add(spec, new CmdletParameter
        {
            Name = "InputObject", ClrType = "ICloudCommunicationsIdentity?", HelpType = "ICloudCommunicationsIdentity", Role = ParameterRole.InputObject, FromPipeline = true,
            Description = "An identity: any object or hashtable with the key properties this command needs (" + string.Join(", ", spec.Operations.SelectMany(o => o.PathParameters).Select(p => p.Name).Distinct()) + "), such as an object another command returned.",
        }, sets, mandatory: true);

    /// <summary>-ExpandProperty ($expand) and -Property ($select) in every set of a read.</summary>
    private static void AddSelectExpand(CommandSpec spec, string returned)
    {
        AddQuery(spec, "ExpandProperty", "string[]?", "String[]", new[] { "Expand" }, spec.SetNames, $"Expands related entities ($expand): the navigation properties to return with {returned}.");
        AddQuery(spec, "Property", "string[]?", "String[]", new[] { "Select" }, spec.SetNames, "Selects the properties to return ($select).");
    }

    private static void AddQuery(CommandSpec spec, string name, string clr, string help, string[] aliases, IEnumerable<string> sets, string description) =>
        Add(spec, new CmdletParameter { Name = name, ClrType = clr, HelpType = help, Role = ParameterRole.Query, Aliases = aliases, Description = description }, sets);

    private static void AddBody(CommandSpec spec, string prefix)
    {
        BodyShape body = spec.Body!;
        string[] plain = spec.SetNames.Where(s => !s.Contains("Expanded", StringComparison.Ordinal)).ToArray();
        string[] expanded = spec.SetNames.Where(s => s.Contains("Expanded", StringComparison.Ordinal)).ToArray();
        bool empty = body.EntityType is not null && ParameterTypes.IsEmpty(body.EntityType);
        Add(spec, new CmdletParameter
        {
            Name = Naming.BodyParameterNames.GetValueOrDefault(spec.Name, "BodyParameter"),
            ClrType = empty ? "System.Collections.Hashtable?" : body.InterfaceName + "?", HelpType = empty ? "Hashtable" : body.InterfaceName, Role = ParameterRole.Body, FromPipeline = true,
            Description = "The whole request body, as a hashtable (or any object) with Graph's property names; see the expanded parameters for what it holds.",
        }, plain, mandatory: true);
        Add(spec, new CmdletParameter { Name = "AdditionalProperties", ClrType = "System.Collections.Hashtable?", HelpType = "Hashtable", Role = ParameterRole.AdditionalProperties, Description = "Further properties to send in the body, as they are (the named parameters win over these)." }, expanded);
        foreach (BodyProperty property in body.Properties)
        {
            (string clr, string help) = ParameterTypes.Of(property.Type);
            Add(spec, new CmdletParameter
            {
                Name = Naming.Pascal(property.Name), ClrType = clr, HelpType = help, Role = ParameterRole.BodyProperty, JsonName = property.Name, EdmType = property.Type,
                Description = HelpText.Property(property.Name, property.Type, property.Required),
            }, expanded);
        }
    }

    private static void AddPassThru(CommandSpec spec) =>
        Add(spec, new CmdletParameter { Name = "PassThru", ClrType = "SwitchParameter", HelpType = "SwitchParameter", Role = ParameterRole.PassThru, Description = "Returns $true when Graph accepted the request (it answers no object)." }, spec.SetNames);

    private static void AddCommon(CommandSpec spec)
    {
        Add(spec, new CmdletParameter { Name = "Headers", ClrType = "System.Collections.IDictionary?", HelpType = "IDictionary", Role = ParameterRole.Header, FromPipeline = true, Description = "Further request headers, as a hashtable of names and values." }, spec.SetNames);
        Add(spec, new CmdletParameter { Name = "ResponseHeadersVariable", ClrType = "string?", HelpType = "String", Role = ParameterRole.ResponseHeaders, Aliases = new[] { "RHV" }, Description = "Puts the response headers in a variable of this name, as a case-insensitive dictionary of names and values." }, spec.SetNames);
    }

    private static void Add(CommandSpec spec, CmdletParameter parameter, IEnumerable<string> sets, bool mandatory = false)
    {
        if (!sets.Any())
        {
            return;
        }

        CmdletParameter? existing = spec.Parameters.FirstOrDefault(p => p.Name == parameter.Name);
        if (existing is not null && existing.Role != parameter.Role)
        {
            throw new InvalidOperationException($"{spec.Name}: parameter {parameter.Name} would have two roles ({existing.Role}, {parameter.Role})");
        }

        CmdletParameter target = existing ?? parameter;
        foreach (string set in sets)
        {
            target.Sets[set] = mandatory;
        }

        if (existing is null)
        {
            spec.Parameters.Add(parameter);
        }
    }
}
