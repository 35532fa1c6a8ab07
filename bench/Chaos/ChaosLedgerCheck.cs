using Ledger.Bench.Load;
using Ledger.Entries;
using Npgsql;

namespace Ledger.Bench.Chaos;

/// <summary>
/// What the faults may not do, read from the database once the processes have stopped.
/// Missing: an acknowledged command one of whose entries is not in the <c>entry</c> table at
/// the acknowledged stream and sequence with the acknowledged hash and log position (an
/// acknowledgement is sent only after the commit). Duplicated: a command with more than one
/// entry on one stream, each entry naming the signed command that caused it (FORMAT.md §4) —
/// a retry that was written again instead of answered with the first result.
/// </summary>
public sealed record ChaosLedgerCheck(
    int AcknowledgedCommands,
    int ReplayedAcknowledgements,
    IReadOnlyList<AcknowledgedEntry> MissingEntries,
    int MissingCommands,
    int DuplicatedEntries,
    long RunEntries,
    long AcknowledgedEntries)
{
    /// <summary>Entries of the run's commands whose acknowledgement never arrived: written, then every answer lost, or given up on.</summary>
    public long UnacknowledgedEntries => RunEntries - AcknowledgedEntries;

    /// <param name="runId">The prefix of every idempotency key of the run's own commands.</param>
    public static async Task<ChaosLedgerCheck> ReadAsync(string connectionString, string runId, IReadOnlyList<AcknowledgedCommand> acknowledged,
        CancellationToken cancellationToken)
    {
        var stored = new Dictionary<(string Stream, long Sequence), StoredPosition>();
        var entriesPerCommandAndStream = new Dictionary<(string PersonId, string IdempotencyKey, string Stream), int>();
        long runEntries = 0;
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var command = dataSource.CreateCommand("SELECT stream_id, sequence, hash, log_position, canonical FROM entry"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (stream, sequence) = (reader.GetString(0), reader.GetInt64(1));
                stored[(stream, sequence)] = new StoredPosition(Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(2)), reader.GetInt64(3));
                var cause = Entry.Parse(reader.GetFieldValue<byte[]>(4)).SignedCommand.Command;
                var key = (cause.PersonId, cause.IdempotencyKey, stream);
                entriesPerCommandAndStream[key] = entriesPerCommandAndStream.GetValueOrDefault(key) + 1;
                if (cause.IdempotencyKey.StartsWith(runId + "/", StringComparison.Ordinal))
                {
                    runEntries++;
                }
            }
        }
        var missing = new List<AcknowledgedEntry>();
        var missingCommands = 0;
        foreach (var command in acknowledged)
        {
            var absent = command.Acknowledgement.Entries
                .Where(e => !(stored.TryGetValue((e.Stream, e.Sequence), out var found)
                    && string.Equals(found.Hash, e.Hash, StringComparison.OrdinalIgnoreCase) && found.LogPosition == e.LogPosition))
                .ToList();
            missing.AddRange(absent);
            missingCommands += absent.Count > 0 ? 1 : 0;
        }
        return new ChaosLedgerCheck(
            acknowledged.Count,
            acknowledged.Count(a => a.Acknowledgement.Replayed),
            missing,
            missingCommands,
            entriesPerCommandAndStream.Values.Sum(n => n - 1),
            runEntries,
            acknowledged.Sum(a => a.Acknowledgement.Entries.Count));
    }
}
