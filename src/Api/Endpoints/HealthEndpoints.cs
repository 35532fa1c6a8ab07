using Ledger.Api.Contracts;
using Ledger.Entries;
using Ledger.Grains.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", GetHealth)
            .WithName("GetHealth")
            .WithSummary("Whether the server and its database answer, with their versions.")
            .WithTags("Health");
    }

    static async Task<Ok<Health>> GetHealth(LedgerDatabase database, CancellationToken cancellationToken) =>
        TypedResults.Ok(new Health("ok", database.ServerVersion, database.SchemaVersion, FormatVersion.Current,
            await database.Entries.LogSizeAsync(cancellationToken)));
}
