using Microsoft.OData.Edm;

namespace CommandGenerator;

/// <summary>How Graph's types appear on cmdlets: the C# type of an expanded parameter and the name help prints.</summary>
public static class ParameterTypes
{
    public static (string Clr, string Help) Of(IEdmTypeReference type)
    {
        if (type.IsCollection())
        {
            (string clr, string help) = Element(type.AsCollection().ElementType(), inCollection: true);
            return (clr.TrimEnd('?') + "[]?", help + "[]");
        }

        return Element(type, inCollection: false);
    }

    /// <summary>
    /// A type with no properties of its own (mediaConfig, prompt, incomingCallOptions, contentSharingSession):
    /// Microsoft's generator makes no model of it, so the parameter takes a hashtable.
    /// </summary>
    public static bool IsEmpty(IEdmStructuredType type) =>
        !type.DeclaredProperties.Any(p => p.PropertyKind == EdmPropertyKind.Structural || (p is IEdmNavigationProperty n && n.ContainsTarget));

    private static (string Clr, string Help) Element(IEdmTypeReference type, bool inCollection)
    {
        switch (type.Definition)
        {
            case IEdmEnumType:
                return ("string?", "String");
            case IEdmStructuredType structured when IsEmpty(structured) && !inCollection:
                return ("System.Collections.Hashtable?", "Hashtable");
            case IEdmStructuredType structured:
                string name = "IMicrosoftGraph" + Naming.ModelName(((IEdmSchemaType)structured).FullName())["MicrosoftGraph".Length..];
                return (name + "?", name);
            case IEdmPrimitiveType primitive:
                return primitive.PrimitiveKind switch
                {
                    EdmPrimitiveTypeKind.Boolean => ("SwitchParameter", "SwitchParameter"),
                    EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int16 or EdmPrimitiveTypeKind.Byte or EdmPrimitiveTypeKind.SByte => ("int", "Int32"),
                    EdmPrimitiveTypeKind.Int64 => ("long", "Int64"),
                    EdmPrimitiveTypeKind.Double or EdmPrimitiveTypeKind.Single => ("double", "Double"),
                    EdmPrimitiveTypeKind.Decimal => ("decimal", "Decimal"),
                    EdmPrimitiveTypeKind.DateTimeOffset or EdmPrimitiveTypeKind.Date => ("System.DateTime", "DateTime"),
                    EdmPrimitiveTypeKind.Duration => ("System.TimeSpan", "TimeSpan"),
                    EdmPrimitiveTypeKind.Binary => ("byte[]?", "Byte[]"),
                    _ => ("string?", "String"),
                };
            default:
                return ("object?", "Object");
        }
    }
}

/// <summary>The kind of a Graph value as the Rust descriptors and the models name it.</summary>
public static class ValueKinds
{
    public static string Of(IEdmTypeReference type)
    {
        IEdmTypeReference element = type.IsCollection() ? type.AsCollection().ElementType() : type;
        return element.Definition switch
        {
            IEdmEnumType e => $"Enum(&{Naming.RustStatic("E", e.FullName())})",
            IEdmStructuredType s => $"Struct(&{Naming.RustStatic("T", ((IEdmSchemaType)s).FullName())})",
            IEdmPrimitiveType p => p.PrimitiveKind switch
            {
                EdmPrimitiveTypeKind.Boolean => "Boolean",
                EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int16 or EdmPrimitiveTypeKind.Byte or EdmPrimitiveTypeKind.SByte => "Int32",
                EdmPrimitiveTypeKind.Int64 => "Int64",
                EdmPrimitiveTypeKind.Double or EdmPrimitiveTypeKind.Single or EdmPrimitiveTypeKind.Decimal => "Number",
                EdmPrimitiveTypeKind.DateTimeOffset => "DateTimeOffset",
                EdmPrimitiveTypeKind.Date => "Date",
                EdmPrimitiveTypeKind.TimeOfDay => "TimeOfDay",
                EdmPrimitiveTypeKind.Duration => "Duration",
                EdmPrimitiveTypeKind.Guid => "Guid",
                EdmPrimitiveTypeKind.Binary => "Binary",
                EdmPrimitiveTypeKind.Stream => "Stream",
                _ => "String",
            },
            _ => "Untyped",
        };
    }
}

/// <summary>
/// Every structured type and enum the commands reach: their bodies and answers, the types of
/// their properties, and the types derived from them (what @odata.type may name), transitively.
/// </summary>
public sealed class TypeCatalog
{
    private readonly IEdmModel model;
    private readonly SortedDictionary<string, IEdmStructuredType> structs = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, IEdmEnumType> enums = new(StringComparer.Ordinal);

    public TypeCatalog(IEdmModel model) => this.model = model;

    public IEnumerable<IEdmStructuredType> Structs => structs.Values;

    public IEnumerable<IEdmEnumType> Enums => enums.Values;

    public bool Contains(IEdmStructuredType type) => structs.ContainsKey(((IEdmSchemaType)type).FullName());

    public void Add(IEdmTypeReference type) => AddType(type.IsCollection() ? type.AsCollection().ElementType().Definition : type.Definition);

    public void AddType(IEdmType type)
    {
        switch (type)
        {
            case IEdmEnumType e:
                enums.TryAdd(e.FullName(), e);
                return;
            case IEdmStructuredType s:
                string name = ((IEdmSchemaType)s).FullName();
                if (!structs.TryAdd(name, s))
                {
                    return;
                }

                if (s.BaseType is not null)
                {
                    AddType(s.BaseType);
                }

                foreach (IEdmProperty p in s.DeclaredProperties)
                {
                    if (p.PropertyKind == EdmPropertyKind.Structural || (p is IEdmNavigationProperty n && n.ContainsTarget))
                    {
                        Add(p.Type);
                    }
                }

                // What @odata.type may name in place of this type; not under entity itself (every entity).
                if (name != "microsoft.graph.entity")
                {
                    foreach (IEdmStructuredType derived in model.FindAllDerivedTypes(s))
                    {
                        AddType(derived);
                    }
                }

                return;
        }
    }

    /// <summary>Every type that derives from this one, at any depth, in name order.</summary>
    public IEnumerable<IEdmStructuredType> Derived(IEdmStructuredType type) =>
        model.FindAllDerivedTypes(type).Where(Contains).OrderBy(t => ((IEdmSchemaType)t).FullName(), StringComparer.Ordinal);
}
