using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ledger.Api.Endpoints;

/// <summary>
/// The OpenAPI document (STYLE.md 15): its title, for every command the schema of its body
/// (<see cref="BodySchemas"/>) and an example request, and for every entry type its body's schema.
/// The document is committed as docs/openapi.v1.json and a test fails when the server's
/// drifts from it, so it names no server address (that depends on where it runs). Private reads
/// name the signed read's scheme (<see cref="SignedReadAuthentication"/>) as their security: required
/// where the endpoint declares its readers, optional where it depends on the stream asked for.
/// </summary>
public static class OpenApiDocument
{
    public static IServiceCollection AddLedgerOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Community Ledger API",
                    Version = "v1",
                    Description = "An auditable ledger of public funds and resident points for a street office (街道) and its communities. "
                        + "Commands are signed (docs/FORMAT.md §6) and posted to /v1/commands/{Type}, or many at once to /v1/commands; private views take a signed read "
                        + "in the Authorization header (docs/API.md). Errors are RFC 9457 problem details with a stable code.",
                };
                document.Servers?.Clear();
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                // OpenAPI has no scheme of its own for a signed command in a header: an API key is the nearest.
                document.Components.SecuritySchemes[SignedReadAuthentication.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = "Authorization",
                    Description = $"A signed read: \"{SignedRead.AuthorizationScheme} \" and the base64url of the canonical JSON of a signed "
                        + $"{SignedRead.CommandType} command naming this request's method and target (docs/API.md \"Signed reads\").",
                };
                BodySchemas.DescribeEntries(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var optional = metadata.OfType<ReadAuthorization.SignedReadOptional>().Any();
                if (optional || metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any())
                {
                    operation.Security ??= [];
                    if (optional)
                    {
                        // An empty requirement: anonymous, for public streams.
                        operation.Security.Add(new OpenApiSecurityRequirement());
                    }
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(SignedReadAuthentication.SchemeName, context.Document)] = [],
                    });
                }
                var name = metadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
                if (name is not null && Commands.Find(name) is { } rule && CommandExamples.Bodies.TryGetValue(name, out var body)
                    && operation.RequestBody?.Content is { } content && content.TryGetValue("application/json", out var media))
                {
                    media.Schema = BodySchemas.SignedCommandOf(rule, context.Document!);
                    media.Example = CommandExamples.SignedCommand(name, body);
                }
                if (name == CommandBatchEndpoints.Name && operation.RequestBody?.Content is { } batch
                    && batch.TryGetValue("application/json", out var commands))
                {
                    commands.Example = CommandExamples.Batch();
                }
                return Task.CompletedTask;
            });
        });
}
