using System.Text;
using Ledger.Bodies;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Merkle;
using Ledger.Rules.Registry;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Grains.Log;

/// <summary>How often the log is integrated and signed, and in what batches.</summary>
public sealed record LogIntegratorOptions
{
    /// <summary>Entries integrated per transaction.</summary>
    public int BatchSize { get; init; } = 4_096;

    /// <summary>
    /// The least time between two checkpoints (issue 7: "at most every few seconds"). One
    /// second keeps an entry's wait for a signed checkpoint under two seconds (issue 8) at the
    /// cost of one small signed row a second while the log grows.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the server's background loop (Api, LogIntegrationService) looks for new entries:
    /// a fraction of the checkpoint interval, so a due checkpoint waits at most this long.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>
/// Builds the global Merkle log (docs/FORMAT.md §10) and signs its checkpoints. Both steps run
/// in transactions of their own under one PostgreSQL advisory lock, so several server
/// processes on one database never integrate or sign at once: whoever holds the lock reads
/// merkle_head, which the previous holder committed, and carries on from there.
/// <para>
/// Integration reads committed entries beyond merkle_head in log order, a batch at a time,
/// and hashes them into the tree starting from the stored right frontier (one node per set bit
/// of the size, O(log n) rows), so each new perfect subtree is hashed once, when its last leaf
/// arrives. Log positions are taken under log_head's lock and committed in order
/// (docs/STORAGE.md), so the committed entries are always a prefix of the log: nothing the
/// integrator reads can later be preceded by another entry.
/// </para>
/// <para>
/// Signing makes a C2SP checkpoint of the integrated tree when it has grown and the previous
/// checkpoint is older than <see cref="LogIntegratorOptions.CheckpointInterval"/>, but first
/// verifies a consistency proof from the previous checkpoint's stored root to the new root: the
/// log never signs two checkpoints that contradict each other (a fork), whatever the node table holds.
/// </para>
/// </summary>
public sealed class LogIntegrator(NpgsqlDataSource dataSource, NoteSigner? signer, TimeProvider clock, LogIntegratorOptions? options = null)
{
    // An arbitrary constant naming "the Merkle log's lock" among advisory locks ("MERKLE").
    const long LogLockId = 0x4D45_524B_4C45;

    public LogIntegratorOptions Options { get; } = options ?? new LogIntegratorOptions();

    /// <summary>The key this integrator signs with; null for one that only integrates.</summary>
    public NoteVerifierKey? VerifierKey => signer?.VerifierKey;

    /// <summary>
    /// Records this integrator's key as the database's log key if it has none yet (the key
    /// /v1/log/vkey and exports name, for the registrar to name in the registry), and returns
    /// the recorded key (C2SP vkey text) and whether it is this integrator's. Which key signs is
    /// the registry's to say (<see cref="CheckpointDecision.NotNamed"/>).
    /// </summary>
    public async Task<(string? LogKey, bool IsOurs)> EnsureKeyRecordedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var recorded = await RecordKeyAsync(connection, cancellationToken);
        return (recorded, IsOurs(recorded));
    }

    /// <summary>Integrates every committed entry; returns the integrated size.</summary>
    public async Task<long> IntegrateAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (size, added) = await IntegrateBatchAsync(cancellationToken);
            if (added < Options.BatchSize)
            {
                return size;
            }
        }
    }

    /// <summary>
    /// Signs and stores a checkpoint of the integrated tree if it has grown since the latest
    /// checkpoint and, unless <paramref name="ignoreInterval"/>, the latest is older than the
    /// checkpoint interval.
    /// </summary>
    public async Task<CheckpointOutcome> SignCheckpointAsync(bool ignoreInterval, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, cancellationToken);
        var latest = await LatestCheckpointAsync(connection, cancellationToken);
        var size = await ScalarAsync(connection, "SELECT size FROM merkle_head", cancellationToken);
        if (signer is null)
        {
            return new(CheckpointDecision.NotTheLogKey, latest, size);
        }
        var previousSize = latest?.TreeSize ?? 0;
        Invariant.Holds(previousSize <= size, "no checkpoint is beyond the integrated tree");
        if (size == previousSize)
        {
            return new(CheckpointDecision.NotGrown, latest, size);
        }
        if (await NamedKeyAsync(connection, size, cancellationToken) != signer.VerifierKey.Format())
        {
            return new(CheckpointDecision.NotNamed, latest, size);
        }
        // Exports and /v1/log/vkey name the key the database recorded: the first to sign, if no
        // server recorded its own at start.
        await RecordKeyAsync(connection, cancellationToken);
        var now = LedgerTime.Truncate(clock.GetUtcNow());
        if (!ignoreInterval && latest is not null && now - latest.SignedAt < Options.CheckpointInterval)
        {
            return new(CheckpointDecision.NotDue, latest, size);
        }

        var (root, consistency) = await StoredMerkleNodes.ComputeAsync(connection,
            nodes => (nodes.Root(size), previousSize == 0 ? [] : nodes.ConsistencyProof(previousSize, size)), cancellationToken);
        if (latest is not null)
        {
            // The one check that makes a fork impossible to sign: the new tree must extend the
            // tree the previous checkpoint committed to, as any verifier would check it.
            var result = MerkleProof.VerifyConsistency(previousSize, size, consistency, latest.RootHash, root);
            Invariant.Holds(result.IsValid(),
                $"the tree of {size} leaves is consistent with the checkpoint of {previousSize} leaves ({result})");
        }
        var text = Checkpoint.Create(signer.Name, size, root).Format();
        var noteBytes = SignedNote.Sign(text, signer);
        Invariant.Holds(SignedNote.Verify(noteBytes, [signer.VerifierKey]).IsValid, "a new checkpoint verifies under the log key");
        var checkpoint = new StoredCheckpoint(size, root, Encoding.UTF8.GetString(noteBytes), now);

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO checkpoint (tree_size, root_hash, note, signed_at) VALUES ($1, $2, $3, $4)", connection))
        {
            insert.Parameters.Add(new() { Value = checkpoint.TreeSize });
            insert.Parameters.Add(new() { Value = checkpoint.RootHash });
            insert.Parameters.Add(new() { Value = checkpoint.Note });
            insert.Parameters.Add(new() { Value = checkpoint.SignedAt });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new(CheckpointDecision.Signed, checkpoint, size);
    }

    /// <summary>What the background loop does on each tick: integrate, then sign if due.</summary>
    public async Task<CheckpointOutcome> RunOnceAsync(CancellationToken cancellationToken)
    {
        await IntegrateAsync(cancellationToken);
        return await SignCheckpointAsync(ignoreInterval: false, cancellationToken);
    }

    /// <summary>Integrates everything committed and signs a checkpoint of it now, whatever the interval (for tests and tools).</summary>
    public async Task<CheckpointOutcome> IntegrateAndSignNowAsync(CancellationToken cancellationToken)
    {
        await IntegrateAsync(cancellationToken);
        return await SignCheckpointAsync(ignoreInterval: true, cancellationToken);
    }

    /// <returns>The integrated size after the batch, and how many entries the batch added.</returns>
    async Task<(long Size, int Added)> IntegrateBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, cancellationToken);
        var size = await ScalarAsync(connection, "SELECT size FROM merkle_head FOR UPDATE", cancellationToken);

        // The compact range of D[0:size]: one perfect subtree per set bit of size. Appending a
        // leaf merges equal levels from the right (RFC 9162 §2.1.1's tree is the same whatever
        // order nodes are hashed in).
        var range = await StoredMerkleNodes.ComputeAsync(connection, nodes => CompactRange.Of(size, nodes), cancellationToken);

        var newLevels = new List<short>();
        var newIndices = new List<long>();
        var newHashes = new List<byte[]>();
        CompactRange.NodeAppended record = (level, index, hash) =>
        {
            newLevels.Add(checked((short)level));
            newIndices.Add(index);
            newHashes.Add(hash.ToArray());
        };
        var next = size;
        await using (var read = new NpgsqlCommand("""
            SELECT log_position, hash, canonical FROM entry
            WHERE log_position >= $1
            ORDER BY log_position
            LIMIT $2
            """, connection))
        {
            read.Parameters.Add(new() { Value = size });
            read.Parameters.Add(new() { Value = Options.BatchSize });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var position = reader.GetInt64(0);
                Invariant.Holds(position == next, $"the global log has no gap at position {next}");
                var entryHash = Hash.FromBytes(reader.GetFieldValue<byte[]>(1));
                // The leaf is the hash of the stored bytes, not merely of the hash column: a
                // column altered behind the append-only guard is never integrated.
                Invariant.Holds(entryHash.Equals(Hash.Of(FormatVersion.EntryHashPrefix, reader.GetFieldValue<byte[]>(2))),
                    $"the entry at log position {position} matches its stored hash");
                range.Append(LogLeaf.Of(entryHash), record);
                next++;
            }
        }
        var added = checked((int)(next - size));
        if (added == 0)
        {
            return (size, 0);
        }
        Invariant.Holds(range.Size == next, $"the tree integrated up to position {next - 1} has {next} leaves");

        await using var batch = new NpgsqlBatch(connection, transaction);
        var insert = new NpgsqlBatchCommand("INSERT INTO merkle_node (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])");
        insert.Parameters.Add(new() { Value = newLevels.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
        insert.Parameters.Add(new() { Value = newIndices.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        insert.Parameters.Add(new() { Value = newHashes.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        batch.BatchCommands.Add(insert);
        var advance = new NpgsqlBatchCommand("UPDATE merkle_head SET size = $2 WHERE size = $1");
        advance.Parameters.Add(new() { Value = size });
        advance.Parameters.Add(new() { Value = next });
        batch.BatchCommands.Add(advance);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        Invariant.Holds(insert.RecordsAffected == newHashes.Count && advance.RecordsAffected == 1,
            $"integrating positions {size} … {next - 1} stores every new node and advances merkle_head once");
        await transaction.CommitAsync(cancellationToken);
        return (next, added);
    }

    bool IsOurs(string? recorded) => signer is not null && recorded == signer.VerifierKey.Format();

    async Task<string?> RecordKeyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (signer is not null)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO log_key (singleton, verifier_key, recorded_at) VALUES (true, $1, $2)
                ON CONFLICT (singleton) DO NOTHING
                """, connection);
            insert.Parameters.Add(new() { Value = signer.VerifierKey.Format() });
            insert.Parameters.Add(new() { Value = clock.GetUtcNow() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var select = new NpgsqlCommand("SELECT verifier_key FROM log_key", connection);
        return (string?)await select.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>
    /// The vkey the newest LogKeyNamed among the first <paramref name="size"/> entries names: the
    /// only key a checkpoint of that size is valid under (docs/FORMAT.md §10.3); null if none.
    /// </summary>
    static async Task<string?> NamedKeyAsync(NpgsqlConnection connection, long size, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("""
            SELECT canonical FROM entry
            WHERE stream_id = $1 AND entry_type = $2 AND log_position < $3
            ORDER BY sequence DESC LIMIT 1
            """, connection);
        select.Parameters.Add(new() { Value = RegistryRules.Stream });
        select.Parameters.Add(new() { Value = RegistryEntryTypes.LogKeyNamed });
        select.Parameters.Add(new() { Value = size });
        return await select.ExecuteScalarAsync(cancellationToken) is byte[] canonical
            ? Entry.Parse(canonical).BodyAs<LogKeyNamedBody>().VerifierKey.Value
            : null;
    }

    static async Task<StoredCheckpoint?> LatestCheckpointAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT tree_size, root_hash, note, signed_at FROM checkpoint ORDER BY tree_size DESC LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? MerkleLog.ReadCheckpoint(reader) : null;
    }

    static async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Held until the transaction ends; statements after it see whatever the previous holder committed.
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LogLockId})", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
