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

    // Taken first, in a statement of its own: every later statement of the transaction then
    // reads with a snapshot taken after the lock, so it sees every append that committed
    // before, and log positions follow commit order (see 0001_entries.sql).
    const string LockLogSql = "SELECT size FROM log_head FOR UPDATE";

    // Inserts the batch at the next log positions, unless the registry has moved past the
    // sequence the command's authorization read ($8; null when it read none).
    const string InsertSql = """
        WITH guard AS (
            SELECT $8::bigint IS NULL
                OR coalesce((SELECT max(sequence) FROM entry WHERE stream_id = 'registry'), -1) = $8 AS holds
        ), head AS (
            UPDATE log_head SET size = size + cardinality($1::text[])
            WHERE (SELECT holds FROM guard)
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

    // The receipts of the batch's commands; the log head was advanced by this transaction, so
    // the batch's first position is the new size less the batch's entries. Nothing is
    // inserted when the registry guard stopped the entries ($6: the batch's first entry hash).
    const string InsertReceiptsSql = """
        INSERT INTO command_receipt (person_id, idempotency_key, request_hash, first_log_position, entry_count)
        SELECT receipt.person_id, receipt.idempotency_key, receipt.request_hash,
               head.size - $7 + receipt.entry_offset, receipt.entry_count
        FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bigint[], $5::integer[])
                 AS receipt(person_id, idempotency_key, request_hash, entry_offset, entry_count),
             (SELECT size FROM log_head) AS head
        WHERE EXISTS (SELECT 1 FROM entry WHERE hash = $6)
        """;

    public Task<AppendResult> AppendAsync(IReadOnlyList<Entry> entries, CancellationToken cancellationToken) =>
        AppendAsync(entries, AppendCondition.None, cancellationToken);

    /// <summary>
    /// Appends one command's entries, of one or several streams, in one transaction. Each entry
    /// must be the next of its stream: its sequence is the expected next sequence number, its
    /// previous hash the stream's head. Within the batch, a stream's entries come in sequence
    /// order. With a receipt, the command's idempotency record is written in the same transaction.
    /// </summary>
    public async Task<AppendResult> AppendAsync(IReadOnlyList<Entry> entries, AppendCondition condition, CancellationToken cancellationToken) =>
        await AppendCommandsAsync([new AppendRequest(entries, condition.Receipt)], condition.RegistrySequence, cancellationToken) switch
        {
            BatchResult.Appended appended => new AppendResult.Appended(appended.LogPositions[0]),
            BatchResult.Refused refused => refused.Result,
            var other => throw new InvalidOperationException($"unexpected batch result {other}"),
        };

    /// <summary>
    /// Appends several commands' entries in ONE transaction (group commit, DESIGN.md "Known
    /// pitfalls": throughput comes from batching): each command's entries take consecutive log
    /// positions, in the order given, with its receipt. All are written or none: on a conflict
    /// the whole batch is rolled back and the caller finds the culprit by appending one by one.
    /// </summary>
    /// <param name="registrySequence">The registry sequence every command's authorization read; null when none read it.</param>
    public async Task<BatchResult> AppendCommandsAsync(IReadOnlyList<AppendRequest> requests, long? registrySequence, CancellationToken cancellationToken)
    {
        Invariant.Holds(requests.Count > 0 && requests.All(r => r.Entries.Count > 0), "an append writes at least one entry per command");
        var entries = requests.SelectMany(r => r.Entries).ToList();
        AssertLinkedWithinBatch(entries);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(LockLogSql));
        batch.BatchCommands.Add(InsertCommand(entries, registrySequence));
        var offsets = new int[requests.Count];
        for (var i = 1; i < requests.Count; i++)
        {
            offsets[i] = offsets[i - 1] + requests[i - 1].Entries.Count;
        }
        var receipts = requests.Select((r, i) => (r.Receipt, Offset: (long)offsets[i], r.Entries.Count)).Where(r => r.Receipt is not null).ToList();
        if (receipts.Count > 0)
        {
            var record = new NpgsqlBatchCommand(InsertReceiptsSql);
            record.Parameters.Add(new() { Value = receipts.Select(r => r.Receipt!.PersonId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            record.Parameters.Add(new() { Value = receipts.Select(r => r.Receipt!.IdempotencyKey).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            record.Parameters.Add(new() { Value = receipts.Select(r => r.Receipt!.RequestHash.Bytes.ToArray()).ToArray() });
            record.Parameters.Add(new() { Value = receipts.Select(r => r.Offset).ToArray() });
            record.Parameters.Add(new() { Value = receipts.Select(r => r.Count).ToArray() });
            record.Parameters.Add(new() { Value = entries[0].Hash.Bytes.ToArray() });
            record.Parameters.Add(new() { Value = (long)entries.Count });
            batch.BatchCommands.Add(record);
        }
        var positions = new List<long>(entries.Count);
        try
        {
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                await reader.NextResultAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    positions.Add(reader.GetInt64(0));
                }
                while (await reader.NextResultAsync(cancellationToken))
                {
                }
            }
            if (positions.Count == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return new BatchResult.Refused(new AppendResult.RegistryChanged());
            }
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException e) when (StorageErrors.IsSequenceConflict(e))
        {
            return new BatchResult.Refused(new AppendResult.SequenceConflict(StreamOf(e, entries), StorageErrors.Describe(e)));
        }
        catch (PostgresException e) when (StorageErrors.IsReceiptConflict(e))
        {
            return new BatchResult.Refused(new AppendResult.ReceiptExists());
        }
        catch (PostgresException e) when (StorageErrors.IsRecordedTimeGoingBack(e))
        {
            return new BatchResult.Refused(new AppendResult.RecordedTimeWentBack());
        }
        Invariant.Holds(positions.Count == entries.Count, "every appended entry has a log position");
        positions.Sort();
        Invariant.Holds(positions[^1] - positions[0] == entries.Count - 1, "one append takes contiguous log positions");
        return new BatchResult.Appended(requests.Select((r, i) => (IReadOnlyList<long>)positions.GetRange(offsets[i], r.Entries.Count)).ToList());
    }

    /// <summary>
    /// The statement that inserts a batch's entries at the next log positions (after the log
    /// head's lock): the one the append runs, and the one bench/Storage/InsertCost.cs explains.
    /// </summary>
    internal static NpgsqlBatchCommand InsertCommand(IReadOnlyList<Entry> entries, long? registrySequence)
    {
        var insert = new NpgsqlBatchCommand(InsertSql);
        insert.Parameters.Add(new() { Value = entries.Select(e => e.Stream).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = entries.Select(e => e.Sequence).ToArray() });
        insert.Parameters.Add(new() { Value = entries.Select(e => e.Hash.Bytes.ToArray()).ToArray() });
        insert.Parameters.Add(new() { Value = entries.Select(e => e.PreviousHash.Bytes.ToArray()).ToArray() });
        insert.Parameters.Add(new() { Value = entries.Select(e => e.Type).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = entries.Select(e => e.CanonicalBytes.ToArray()).ToArray() });
        insert.Parameters.Add(new() { Value = entries.Select(e => e.RecordedAt.UtcDateTime).ToArray() });
        insert.Parameters.Add(new() { Value = (object?)registrySequence ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        return insert;
    }

    /// <summary>The receipt of a person's idempotency key, with the entries it wrote, if any.</summary>
    public async Task<StoredReceipt?> FindReceiptAsync(string personId, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT r.request_hash, e.log_position, e.hash, e.canonical
            FROM command_receipt r
            JOIN entry e ON e.log_position >= r.first_log_position AND e.log_position < r.first_log_position + r.entry_count
            WHERE r.person_id = $1 AND r.idempotency_key = $2
            ORDER BY e.log_position
            """);
        command.Parameters.Add(new() { Value = personId });
        command.Parameters.Add(new() { Value = idempotencyKey });
        Hash? requestHash = null;
        var entries = new List<StoredEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            requestHash ??= Hash.FromBytes(reader.GetFieldValue<byte[]>(0));
            entries.Add(ReadRow(reader, positionColumn: 1));
        }
        return requestHash is null ? null : new StoredReceipt(requestHash, entries);
    }

    /// <summary>Reads a stream from a sequence number on, in order, checking every link.</summary>
    public Task<IReadOnlyList<StoredEntry>> ReadStreamAsync(string stream, long fromSequence, CancellationToken cancellationToken) =>
        ReadStreamAsync(stream, fromSequence, limit: null, cancellationToken);

    /// <summary>Reads at most <paramref name="limit"/> entries of a stream from a sequence number on (a page of the API).</summary>
    public Task<IReadOnlyList<StoredEntry>> ReadStreamAsync(string stream, long fromSequence, int limit, CancellationToken cancellationToken) =>
        ReadStreamAsync(stream, fromSequence, (int?)limit, cancellationToken);

    /// <summary>
    /// The streams of one kind that have entries, e.g. every "project/…" stream, in ordinal
    /// order of stream id. <paramref name="kindPrefix"/> is matched literally, not as a pattern.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListStreamsAsync(string kindPrefix, CancellationToken cancellationToken)
    {
        // A stream exists from its entry 0; starts_with, unlike LIKE, gives '_' no meaning.
        await using var command = dataSource.CreateCommand("""
            SELECT stream_id FROM entry
            WHERE sequence = 0 AND starts_with(stream_id, $1)
            ORDER BY stream_id COLLATE "C"
            """);
        command.Parameters.Add(new() { Value = kindPrefix });
        var streams = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            streams.Add(reader.GetString(0));
        }
        return streams;
    }

    async Task<IReadOnlyList<StoredEntry>> ReadStreamAsync(string stream, long fromSequence, int? limit, CancellationToken cancellationToken)
    {
        Invariant.Holds(limit is null or > 0, "a page holds at least one entry");
        // LIMIT NULL is no limit.
        await using var command = dataSource.CreateCommand("""
            SELECT log_position, hash, canonical FROM entry
            WHERE stream_id = $1 AND sequence >= $2
            ORDER BY sequence
            LIMIT $3
            """);
        command.Parameters.Add(new() { Value = stream });
        command.Parameters.Add(new() { Value = fromSequence });
        command.Parameters.Add(new() { Value = (object?)limit ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
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

    /// <summary>The greatest recorded time of the global log (0006_recorded_time_order.sql); null while it is empty.</summary>
    public async Task<DateTimeOffset?> GreatestRecordedAtAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT greatest_recorded_at FROM log_head");
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime greatest ? new DateTimeOffset(greatest, TimeSpan.Zero) : null;
    }

    /// <summary>Reads the columns log_position, hash, canonical, in that order from <paramref name="positionColumn"/>.</summary>
    static StoredEntry ReadRow(NpgsqlDataReader reader, int positionColumn = 0)
    {
        var entry = Entry.Parse(reader.GetFieldValue<byte[]>(positionColumn + 2));
        // The stored hash column must be the hash of the stored bytes: a mismatch means the
        // table was altered behind the append-only guard, and nothing read may be served.
        Invariant.Holds(entry.Hash.Equals(Hash.FromBytes(reader.GetFieldValue<byte[]>(positionColumn + 1))),
            $"entry {entry.Stream}#{entry.Sequence} matches its stored hash");
        return new StoredEntry(reader.GetInt64(positionColumn), entry);
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
        // The detail reads "Key (stream_id, sequence)=(project/p-1, 4) already exists." (or,
        // from the chain check, "… does not name the hash of …"); name the batch stream it
        // mentions, or the first one if the detail is withheld.
        var detail = e.Detail ?? "";
        return entries.Select(entry => entry.Stream).FirstOrDefault(s => detail.Contains($"({s},", StringComparison.Ordinal))
            ?? entries[0].Stream;
    }
}
