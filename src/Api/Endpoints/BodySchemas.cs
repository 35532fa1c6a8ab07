using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Contracts;
using Ledger.Bodies;
using Ledger.Hashing;
using Ledger.Rules;
using Microsoft.OpenApi;

namespace Ledger.Api.Endpoints;

/// <summary>
/// The OpenAPI schema of every command's body, made from its record in src/Ledger/Bodies, the
/// one place the shape is written: each property is a member, in camel case; a
/// <see cref="Member{T}"/> whose value may be null is optional, every other member required; no
/// other member is allowed, as the reader refuses one. A property its reader does not allow
/// stops the document, so the two cannot drift apart.
/// </summary>
public static class BodySchemas
{
    static readonly NullabilityInfoContext Nullability = new();

    /// <summary>
    /// The request body of <paramref name="rule"/>'s route: a signed command whose type is the
    /// route's and whose body is the command's body schema, added to the document's components.
    /// </summary>
    public static IOpenApiSchema SignedCommandOf(CommandRule rule, Microsoft.OpenApi.OpenApiDocument document)
    {
        var components = document.Components ??= new OpenApiComponents();
        components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        components.Schemas.TryAdd(rule.Body.Name, ObjectOf(rule.Body));
        return new OpenApiSchema
        {
            AllOf =
            [
                new OpenApiSchemaReference(nameof(SignedCommandRequest), document),
                new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["command"] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = rule.Type },
                                ["body"] = new OpenApiSchemaReference(rule.Body.Name, document),
                            },
                        },
                    },
                },
            ],
        };
    }

    static OpenApiSchema ObjectOf(Type type)
    {
        var allowed = type.GetProperty(nameof(AddKeyBody.Members), BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as IReadOnlyList<string>;
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>(),
            Required = new HashSet<string>(),
            AdditionalPropertiesAllowed = false,
        };
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (allowed is not null && !allowed.Contains(name))
            {
                throw new InvalidOperationException($"{type.Name}.{property.Name} is not a member its reader allows ({string.Join(", ", allowed)})");
            }
            var nullability = Nullability.Create(property);
            var (valueType, valueNullability) = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Member<>)
                ? (property.PropertyType.GetGenericArguments()[0], nullability.GenericTypeArguments[0])
                : (property.PropertyType, nullability);
            var underlying = Nullable.GetUnderlyingType(valueType);
            schema.Properties[name] = SchemaOf(underlying ?? valueType);
            if (underlying is null && valueNullability.ReadState != NullabilityState.Nullable)
            {
                schema.Required.Add(name);
            }
        }
        if (allowed is not null && allowed.Count != schema.Properties.Count)
        {
            throw new InvalidOperationException($"{type.Name} has no property for each member its reader allows ({string.Join(", ", allowed)})");
        }
        return schema;
    }

    static OpenApiSchema SchemaOf(Type type)
    {
        if (type == typeof(string))
        {
            return new OpenApiSchema { Type = JsonSchemaType.String };
        }
        if (type == typeof(long) || type == typeof(int))
        {
            return new OpenApiSchema { Type = JsonSchemaType.Integer, Format = type == typeof(long) ? "int64" : "int32" };
        }
        if (type == typeof(bool))
        {
            return new OpenApiSchema { Type = JsonSchemaType.Boolean };
        }
        if (type == typeof(DateTimeOffset))
        {
            return new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "A time as the ledger writes it: 2026-01-31T08:00:00.000Z (docs/FORMAT.md)." };
        }
        if (type == typeof(Hash))
        {
            return new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9a-f]{64}$", Description = "A SHA-256 hash: 64 lowercase hex digits." };
        }
        if (type.IsEnum)
        {
            return new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. Enum.GetNames(type).Select(n => (JsonNode)n)] };
        }
        if (Implementation(type, typeof(IReadOnlyDictionary<,>)) is { } dictionary && dictionary.GetGenericArguments()[0].IsEnum)
        {
            // A sum over an enumeration (the funding plan): every name once.
            var names = Enum.GetNames(dictionary.GetGenericArguments()[0]);
            return new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = names.ToDictionary(n => n, n => (IOpenApiSchema)SchemaOf(dictionary.GetGenericArguments()[1])),
                Required = names.ToHashSet(),
                AdditionalPropertiesAllowed = false,
            };
        }
        if (Implementation(type, typeof(IEnumerable<>)) is { } list)
        {
            return new OpenApiSchema { Type = JsonSchemaType.Array, Items = SchemaOf(list.GetGenericArguments()[0]) };
        }
        if (type.IsClass)
        {
            return ObjectOf(type);
        }
        throw new InvalidOperationException($"no schema for a member of type {type.Name}");
    }

    static Type? Implementation(Type type, Type generic) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == generic
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);
}
