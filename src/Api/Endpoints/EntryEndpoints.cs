using System.Text.Json;
using Ledger.Api.Contracts;
using Ledger.Entries;
using Ledger.Grains.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

public static class EntryEndpoints
{
    public static void MapEntryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/entries", GetStreamEntries)
            .WithName("GetStreamEntries")
            .WithSummary("A stream's entries from a sequence number on, exactly as hashed.")
            .WithTags("Entries");
    }

    static async Task<Results<Ok<IReadOnlyList<StoredEntryResponse>>, ProblemHttpResult>> GetStreamEntries(
        LedgerDatabase database, string stream, long? from, CancellationToken cancellationToken)
    {
        if (!Names.IsStreamId(stream) || from is < 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed request",
                detail: "stream must be a stream id (docs/FORMAT.md §5) and from a sequence number ≥ 0",
                extensions: new Dictionary<string, object?> { ["code"] = "MalformedRequest" });
        }
        var entries = await database.Entries.ReadStreamAsync(stream, from ?? 0, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<StoredEntryResponse>>(entries
            .Select(s => new StoredEntryResponse(s.LogPosition, s.Entry.Hash.ToString(), JsonDocument.Parse(s.Entry.CanonicalBytes.ToArray()).RootElement))
            .ToList());
    }
}
