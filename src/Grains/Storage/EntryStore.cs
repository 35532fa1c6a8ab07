using System.Runtime.CompilerServices;
using Ledger.Entries;
using Ledger.Hashing;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Grains.Storage;

/// <summary>
/// The system of record (DESIGN.md 7): appends entries to PostgreSQL and reads them back.
/// It knows nothing of rules; it guarantees that a batch is written whole or not at all, that
/// a stream position is taken once, and that what it reads back is what was hashed.
/// </summary>
public sealed class EntryStore(NpgsqlDataSource dataSource)
{
    const int ReadPageSize = 1_000;

    // One statement: taking the log head's row lock first serialises appenders, so log
    // positions follow commit order (see 0001_entries.sql), and the insert of the whole batch
    // commits or fails as one.
    const string AppendSql = """
        WITH head AS (
            UPDATE log_head SET size = size + cardinality($1::text[])
            RETURNING size - cardinality($1::text[]) AS first_position
        )
        INSERT INTO entry (log_position, stream_id, sequence, hash, previous_hash, entry_type, canonical, recorded_at)
        SELECT head.first_position + batch.ordinal - 1,
               batch.stream_id, batch.sequence, batch.hash, batch.previous_hash,
               batch.entry_type, batch.canonical, batch.recorded_at
        FROM head,
             unnest($1::text[], $2::bigint[], $3::bytea[], $4::bytea[], $5::text[], $6::bytea[], $7::timestamptz[])
                 WITH ORDINALITY AS batch(stream_id, sequence, hash, previous_hash, entry_type, canonical, recorded_at, ordinal)
        RETURNING log_position
        """;

    /// <summary>
    /// Appends entries of one or several streams in one transaction. Each entry must be the
    /// next of its stream: its sequence is the expected next sequence number, its previous
    /// hash the stream's head. Within the batch, a stream's entries come in sequence order.
    /// </summary>
    public async Task<AppendResult> AppendAsync(IReadOnlyList<Entry> entries, CancellationToken cancellationToken)
    {
        Invariant.Holds(entries.Count > 0, "an append writes at least one entry");
        AssertLinkedWithinBatch(entries);
        await using var command = dataSource.CreateCommand(AppendSql);
        command.Parameters.Add(new() { Value = entries.Select(e => e.Stream).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = entries.Select(e => e.Sequence).ToArray() });
        command.Parameters.Add(new() { Value = entries.Select(e => e.Hash.Bytes.ToArray()).ToArray() });
        command.Parameters.Add(new() { Value = entries.Select(e => e.PreviousHash.Bytes.ToArray()).ToArray() });
        command.Parameters.Add(new() { Value = entries.Select(e => e.Type).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = entries.Select(e => e.CanonicalBytes.ToArray()).ToArray() });
        command.Parameters.Add(new() { Value = entries.Select(e => e.RecordedAt.UtcDateTime).ToArray() });
        var positions = new List<long>(entries.Count);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                positions.Add(reader.GetInt64(0));
            }
        }
        catch (PostgresException e) when (StorageErrors.IsSequenceConflict(e))
        {
            return new AppendResult.SequenceConflict(StreamOf(e, entries), StorageErrors.Describe(e));
        }
        Invariant.Holds(positions.Count == entries.Count, "every appended entry has a log position");
        positions.Sort();
        return new AppendResult.Appended(positions);
    }

    /// <summary>Reads a stream from a sequence number on, in order, checking every link.</summary>
    public async Task<IReadOnlyList<StoredEntry>> ReadStreamAsync(string stream, long fromSequence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT log_position, hash, canonical FROM entry
            WHERE stream_id = $1 AND sequence >= $2
            ORDER BY sequence
            """);
        command.Parameters.Add(new() { Value = stream });
        command.Parameters.Add(new() { Value = fromSequence });
        var entries = new List<StoredEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var stored = ReadRow(reader);
            Invariant.Holds(stored.Entry.Stream == stream, "a stream read returns that stream's entries");
            Invariant.Holds(
                entries.Count == 0 ? stored.Entry.Sequence == fromSequence : stored.Entry.Follows(entries[^1].Entry),
                $"stream {stream} is contiguous and chained at sequence {stored.Entry.Sequence}");
            entries.Add(stored);
        }
        return entries;
    }

    /// <summary>Every entry from a log position on, in commit order (the global log's order).</summary>
    public async IAsyncEnumerable<StoredEntry> ReadAllAsync(long fromPosition,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = fromPosition;
        while (true)
        {
            await using var command = dataSource.CreateCommand("""
                SELECT log_position, hash, canonical FROM entry
                WHERE log_position >= $1
                ORDER BY log_position
                LIMIT $2
                """);
            command.Parameters.Add(new() { Value = next });
            command.Parameters.Add(new() { Value = ReadPageSize });
            var page = new List<StoredEntry>(ReadPageSize);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add(ReadRow(reader));
                }
            }
            foreach (var stored in page)
            {
                Invariant.Holds(stored.LogPosition == next, $"the global log has no gap at position {next}");
                next++;
                yield return stored;
            }
            if (page.Count < ReadPageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>The number of entries in the global log.</summary>
    public async Task<long> LogSizeAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT size FROM log_head");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static StoredEntry ReadRow(NpgsqlDataReader reader)
    {
        var entry = Entry.Parse(reader.GetFieldValue<byte[]>(2));
        // The stored hash column must be the hash of the stored bytes: a mismatch means the
        // table was altered behind the append-only guard, and nothing read may be served.
        Invariant.Holds(entry.Hash.Equals(Hash.FromBytes(reader.GetFieldValue<byte[]>(1))),
            $"entry {entry.Stream}#{entry.Sequence} matches its stored hash");
        return new StoredEntry(reader.GetInt64(0), entry);
    }

    static void AssertLinkedWithinBatch(IReadOnlyList<Entry> entries)
    {
        var lastOfStream = new Dictionary<string, Entry>();
        foreach (var entry in entries)
        {
            if (lastOfStream.TryGetValue(entry.Stream, out var previous))
            {
                Invariant.Holds(entry.Follows(previous), $"batch entries of {entry.Stream} are chained in order");
            }
            lastOfStream[entry.Stream] = entry;
        }
    }

    static string StreamOf(PostgresException e, IReadOnlyList<Entry> entries)
    {
        // The key detail reads "Key (stream_id, sequence)=(project/p-1, 4) already exists.";
        // name the batch stream it mentions, or the only one if the detail is withheld.
        var detail = e.Detail ?? "";
        return entries.Select(entry => entry.Stream).FirstOrDefault(s => detail.Contains($"({s},", StringComparison.Ordinal))
            ?? entries[0].Stream;
    }
}
