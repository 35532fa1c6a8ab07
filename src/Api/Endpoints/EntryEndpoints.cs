using System.Globalization;
using System.Text.Json;
using Ledger.Api.Contracts;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Rules.Registry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// A stream's entries exactly as hashed, a page at a time (docs/API.md "Views"). Project and
/// catalog streams are public; a household's stream is read by its residents and the roles of
/// <see cref="Access.HouseholdStreamReaders"/>; the registry by <see cref="Access.RegistryReaders"/>.
/// </summary>
public static class EntryEndpoints
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1_000;

    public static void MapEntryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/entries", GetStreamEntries)
            .WithName("GetStreamEntries")
            .WithSummary("A stream's entries from a sequence number on, exactly as hashed, a page at a time.")
            .WithDescription("Public for project and catalog streams; a household's stream needs a signed read by one of its residents "
                + "or a FinanceOfficer, VolunteerCoordinator, ResidentSupervisor or Auditor; the registry needs a signed read by a "
                + "Registrar, ResidentSupervisor or Auditor. Follow \"next\" until it is null.")
            .WithTags("Entries")
            .AcceptSignedRead()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>A page of a stream's entries.</summary>
    /// <param name="context">The request, whose reader (<see cref="SignedReadAuthentication"/>) may read a private stream.</param>
    /// <param name="database">The ledger's database.</param>
    /// <param name="grains">The grain host, for the registry as it stands.</param>
    /// <param name="stream">The stream id: "registry", "catalog", "project/{projectId}" or "household/{householdId}".</param>
    /// <param name="from">The first sequence number to return, 0 or more; 0 when absent.</param>
    /// <param name="limit">How many entries at most, from 1 to 1000; 100 when absent.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<StreamEntriesPage>, ProblemHttpResult>> GetStreamEntries(
        HttpContext context, LedgerDatabase database, LedgerGrains grains,
        string? stream, string? from, string? limit, CancellationToken cancellationToken)
    {
        if (stream is null || !Names.IsStreamId(stream))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, Problems.MalformedRequest,
                "stream must be a stream id (docs/FORMAT.md §5): registry, catalog, project/{id} or household/{id}");
        }
        if (!TryParseQuery(from, 0, long.MaxValue, 0, out var fromSequence) || !TryParseQuery(limit, 1, MaxPageSize, DefaultPageSize, out var pageSize))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, Problems.MalformedRequest,
                $"from is a sequence number ≥ 0 and limit a number from 1 to {MaxPageSize}, both in decimal digits");
        }
        if (await ReadAuthorization.StreamRefusalAsync(context, stream) is { } refused)
        {
            return refused;
        }
        var registry = (RegistryState)await grains.ReadStateAsync(RegistryRules.Stream, cancellationToken);
        // One entry more than the page tells whether another page follows.
        var entries = await database.Entries.ReadStreamAsync(stream, fromSequence, checked((int)pageSize + 1), cancellationToken);
        var page = entries.Take((int)pageSize).Select(e => View(e, registry)).ToList();
        return TypedResults.Ok(new StreamEntriesPage(stream, page, entries.Count > pageSize ? fromSequence + pageSize : null));
    }

    /// <summary>An entry as the API shows it, with its signer's roles as <paramref name="registry"/> has them.</summary>
    public static StreamEntryView View(StoredEntry stored, RegistryState registry)
    {
        var entry = stored.Entry;
        var command = entry.SignedCommand.Command;
        return new StreamEntryView(entry.Stream, entry.Sequence, stored.LogPosition, entry.Hash.ToString(), entry.PreviousHash.ToString(),
            entry.Type, command.PersonId, command.KeyId,
            registry.PersonOf(command.PersonId)?.Roles.Select(r => r.ToString()).ToList() ?? [],
            Hex.Encode(entry.SignedCommand.Signature), LedgerTime.Format(entry.RecordedAt),
            JsonDocument.Parse(entry.CanonicalBytes.ToArray()).RootElement.Clone());
    }

    /// <summary>A decimal query value within bounds; an absent one takes its default.</summary>
    static bool TryParseQuery(string? text, long min, long max, long absent, out long value)
    {
        if (text is null)
        {
            value = absent;
            return true;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}
