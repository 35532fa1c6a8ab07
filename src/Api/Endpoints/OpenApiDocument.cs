using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ledger.Api.Endpoints;

/// <summary>
/// The OpenAPI document (STYLE.md 15): its title, and an example request for every command.
/// The document is committed as docs/openapi.v1.json and a test fails when the server's
/// drifts from it, so it names no server address (that depends on where it runs).
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
                        + "Commands are signed (docs/FORMAT.md §6) and posted to /v1/commands/{Type}; private views take a signed read "
                        + "in the Authorization header (docs/API.md). Errors are RFC 9457 problem details with a stable code.",
                };
                document.Servers?.Clear();
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var name = context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
                if (name is not null && CommandExamples.Bodies.TryGetValue(name, out var body)
                    && operation.RequestBody?.Content is { } content && content.TryGetValue("application/json", out var media))
                {
                    media.Example = CommandExamples.SignedCommand(name, body);
                }
                return Task.CompletedTask;
            });
        });
}
