using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Ledger.Bench.Limits;
using Ledger.Bench.Report;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Merkle;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Bench.Log;

/// <summary>Inclusion proofs at a tree size: served from PostgreSQL (p50 and p99) and, for comparison, from a tree in memory (p50).</summary>
public sealed record ProofFigures(long TreeSize, bool NodesOnly, double StoredP50Milliseconds, double StoredP99Milliseconds, double InMemoryP50Milliseconds);

/// <summary>
/// Issue 7's "proof generation time at 10^6 entries": loads N entries into a throwaway
/// cluster through EntryStore, integrates them into the database's Merkle log with
/// LogIntegrator, then times MerkleLog's inclusion and consistency proofs at tree size N,
/// next to the in-memory MerkleTree's proofs over the same leaves. The two trees must have
/// the same root, or the run fails. With --nodes-only (for 10^7 leaves, issue 8's size) the
/// nodes are computed in memory and copied in instead (<see cref="CopyNodesAsync"/>).
/// </summary>
public static class LogProofs
{
    const int AppendBatch = 1_000;
    const int Streams = 10_000;
    const int InclusionSamples = 1_000;
    const int ConsistencySamples = 200;
    const int WarmUpSamples = 50;

    public static async Task<int> RunAsync(long entryCount, int seed, bool nodesOnly, CancellationToken cancellationToken)
    {
        await MeasureAsync(entryCount, seed, nodesOnly, Console.Out, cancellationToken);
        return 0;
    }

    /// <summary>
    /// Fills the stored tree, times the proofs, prints the tables to <paramref name="output"/>
    /// and returns the headline figures.
    /// </summary>
    /// <param name="nodesOnly">
    /// Store only the tree's nodes, computed in memory and bulk-copied, not the entries the
    /// integrator would read them from: a proof reads merkle_node and merkle_head alone, so its
    /// time is the same, and 10^7 leaves load in a minute rather than the half hour that
    /// appending and integrating 10^7 entries takes on this machine.
    /// </param>
    public static async Task<ProofFigures> MeasureAsync(long entryCount, int seed, bool nodesOnly, TextWriter output, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine("starting a throwaway PostgreSQL cluster …");
        await using var scratch = await Machine.StartClusterAsync("log-proofs", cancellationToken);
        await using var database = await LedgerDatabase.OpenAsync(scratch.Cluster.ConnectionString, scratch.Folder, cancellationToken);
        var (version, synchronousCommit) = await scratch.SettingsAsync(database.DataSource, cancellationToken);

        var tree = new MerkleTree();
        var steps = nodesOnly
            ? await CopyNodesAsync(database.DataSource, tree, entryCount, cancellationToken)
            : await AppendAndIntegrateAsync(database, tree, entryCount, cancellationToken);

        var log = new MerkleLog(database.DataSource);
        var storedRoot = await log.RootAsync(entryCount, cancellationToken);
        Check(storedRoot.AsSpan().SequenceEqual(tree.Root(entryCount)), "the stored tree and the in-memory tree have the same root");

        var random = new Random(seed);
        var leaves = Enumerable.Range(0, InclusionSamples).Select(_ => random.NextInt64(entryCount)).ToArray();
        var pairs = Enumerable.Range(0, ConsistencySamples).Select(_ =>
        {
            var from = random.NextInt64(1, entryCount + 1);
            return (From: from, To: random.NextInt64(from, entryCount + 1));
        }).ToArray();

        // Warm up the pool, the JIT and the server's caches on other indices than those timed.
        for (var i = 0; i < WarmUpSamples; i++)
        {
            await log.InclusionProofAsync(random.NextInt64(entryCount), entryCount, cancellationToken);
            await log.ConsistencyProofAsync(Math.Max(1, random.NextInt64(entryCount)), entryCount, cancellationToken);
            tree.InclusionProof(random.NextInt64(entryCount), entryCount);
            tree.ConsistencyProof(Math.Max(1, random.NextInt64(entryCount)), entryCount);
        }

        var rows = new List<(string Figure, double[] Milliseconds)>
        {
            ("inclusion, MerkleLog.InclusionProofAsync (PostgreSQL)", await TimeAsync(leaves, leaf => log.InclusionProofAsync(leaf, entryCount, cancellationToken))),
            ("inclusion, MerkleTree in memory: the proof", Time(leaves, leaf => tree.InclusionProof(leaf, entryCount))),
            ("inclusion, MerkleTree in memory: leaf, proof, root, verified (what MerkleLog serves)", Time(leaves, leaf => ServedInclusion(tree, leaf, entryCount))),
            ("consistency, MerkleLog.ConsistencyProofAsync (PostgreSQL)", await TimeAsync(pairs, pair => log.ConsistencyProofAsync(pair.From, pair.To, cancellationToken))),
            ("consistency, MerkleTree in memory: the proof", Time(pairs, pair => tree.ConsistencyProof(pair.From, pair.To))),
            ("consistency, MerkleTree in memory: proof, both roots, verified (what MerkleLog serves)", Time(pairs, pair => ServedConsistency(tree, pair.From, pair.To))),
        };

        var databaseSize = await ScalarAsync(database.DataSource, "SELECT pg_size_pretty(pg_database_size(current_database()))", cancellationToken);
        output.WriteLine(Machine.Describe(version));
        output.WriteLine($"PostgreSQL: local throwaway cluster, synchronous_commit={synchronousCommit}; random seed {seed}");
        output.WriteLine();
        output.WriteLine("| step | entries | time | rate |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var (step, time) in steps)
        {
            output.WriteLine($"| {step} | {entryCount:N0} | {time.TotalSeconds:N1} s | {entryCount / time.TotalSeconds:N0} entries/s |");
        }
        output.WriteLine($"database size after loading: {databaseSize}; stored root = in-memory root = {Convert.ToHexStringLower(storedRoot)}");
        output.WriteLine();
        output.WriteLine($"| proof at tree size {entryCount:N0} | samples | mean ms | p50 ms | p95 ms | p99 ms |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (figure, milliseconds) in rows)
        {
            Array.Sort(milliseconds);
            output.WriteLine($"| {figure} | {milliseconds.Length:N0} | {Ms(milliseconds.Average())} | {Ms(NearestRank.Percentile(milliseconds, 0.50))} | {Ms(NearestRank.Percentile(milliseconds, 0.95))} | {Ms(NearestRank.Percentile(milliseconds, 0.99))} |");
        }
        var (stored, inMemory) = (rows[0].Milliseconds, rows[2].Milliseconds);
        return new ProofFigures(entryCount, nodesOnly, NearestRank.Percentile(stored, 0.50), NearestRank.Percentile(stored, 0.99), NearestRank.Percentile(inMemory, 0.50));
    }

    /// <summary>Appends synthetic entries through EntryStore and integrates them with LogIntegrator, as the server does.</summary>
    static async Task<List<(string Step, TimeSpan Time)>> AppendAndIntegrateAsync(LedgerDatabase database, MerkleTree tree, long entryCount,
        CancellationToken cancellationToken)
    {
        // The next batch is made while the previous one is appended; appends stay in order.
        var entries = new ChainedEntries(Streams, "bench");
        var loading = Stopwatch.StartNew();
        var appending = TimeSpan.Zero;
        Task<TimeSpan> pending = Task.FromResult(TimeSpan.Zero);
        long nextReport = 100_000;
        while (entries.Count < entryCount)
        {
            var batch = entries.Next((int)Math.Min(AppendBatch, entryCount - entries.Count));
            foreach (var entry in batch)
            {
                tree.Append(LogLeaf.Of(entry.Hash));
            }
            appending += await pending;
            pending = AppendAsync(database.Entries, batch, cancellationToken);
            if (entries.Count >= nextReport)
            {
                Console.Error.WriteLine($"  {entries.Count:N0} entries made, {loading.Elapsed.TotalSeconds:N0} s");
                nextReport += 100_000;
            }
        }
        appending += await pending;
        var loaded = loading.Elapsed;
        var logSize = await database.Entries.LogSizeAsync(cancellationToken);
        Check(logSize == entryCount, $"the log holds {logSize} entries, not {entryCount}");

        var integrator = new LogIntegrator(database.DataSource, signer: null, TimeProvider.System);
        var integrating = Stopwatch.StartNew();
        var integrated = await integrator.IntegrateAsync(cancellationToken);
        Check(integrated == entryCount, $"the integrator reached {integrated} leaves, not {entryCount}");
        return
        [
            ($"load: make entries and EntryStore.AppendAsync in batches of {AppendBatch:N0} (overlapped)", loaded),
            ("of which waiting on AppendAsync", appending),
            ($"integrate: LogIntegrator.IntegrateAsync, batches of {integrator.Options.BatchSize:N0}", integrating.Elapsed),
        ];
    }

    /// <summary>
    /// Builds the tree of <paramref name="entryCount"/> synthetic leaves in memory and copies
    /// every perfect subtree's node into merkle_node, then sets merkle_head: the table exactly
    /// as the integrator would have left it over entries with those leaves.
    /// </summary>
    static async Task<List<(string Step, TimeSpan Time)>> CopyNodesAsync(NpgsqlDataSource dataSource, MerkleTree tree, long entryCount,
        CancellationToken cancellationToken)
    {
        var building = Stopwatch.StartNew();
        Span<byte> index = stackalloc byte[sizeof(long)];
        for (long i = 0; i < entryCount; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(index, i);
            tree.Append(MerkleHash.Leaf(SHA256.HashData(index)));
        }
        var built = building.Elapsed;

        var copying = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long nodes = 0;
        await using (var copy = await connection.BeginBinaryImportAsync("COPY merkle_node (level, idx, hash) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var level = 0; (entryCount >> level) > 0; level++)
            {
                for (long i = 0; i < entryCount >> level; i++)
                {
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync((short)level, NpgsqlDbType.Smallint, cancellationToken);
                    await copy.WriteAsync(i, NpgsqlDbType.Bigint, cancellationToken);
                    await copy.WriteAsync(tree.Node(level, i), NpgsqlDbType.Bytea, cancellationToken);
                    nodes++;
                }
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using (var head = new NpgsqlCommand("UPDATE merkle_head SET size = $1", connection, transaction))
        {
            head.Parameters.Add(new() { Value = entryCount });
            await head.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        await using (var analyze = new NpgsqlCommand("ANALYZE merkle_node", connection))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
        Console.Error.WriteLine($"  copied {nodes:N0} nodes");
        return
        [
            ("load: the tree of synthetic leaves built in memory", built),
            ($"load: its {nodes:N0} nodes copied into merkle_node (COPY, one transaction)", copying.Elapsed),
        ];
    }

    static async Task<TimeSpan> AppendAsync(EntryStore store, Ledger.Entries.Entry[] batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await store.AppendAsync(batch, cancellationToken);
        Check(result is AppendResult.Appended, $"a batch of synthetic entries was not appended: {result}");
        return Stopwatch.GetElapsedTime(started);
    }

    static (byte[], byte[][], byte[]) ServedInclusion(MerkleTree tree, long leaf, long size)
    {
        var (leafHash, proof, root) = (tree.Node(0, leaf), tree.InclusionProof(leaf, size), tree.Root(size));
        Check(MerkleProof.VerifyInclusion(leaf, size, leafHash, proof, root).IsValid(), "an in-memory inclusion proof verifies");
        return (leafHash, proof, root);
    }

    static (byte[][], byte[], byte[]) ServedConsistency(MerkleTree tree, long from, long to)
    {
        var (proof, fromRoot, toRoot) = (tree.ConsistencyProof(from, to), tree.Root(from), tree.Root(to));
        Check(MerkleProof.VerifyConsistency(from, to, proof, fromRoot, toRoot).IsValid(), "an in-memory consistency proof verifies");
        return (proof, fromRoot, toRoot);
    }

    static async Task<double[]> TimeAsync<TInput, TResult>(TInput[] inputs, Func<TInput, Task<TResult>> run)
    {
        var milliseconds = new double[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await run(inputs[i]);
            milliseconds[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return milliseconds;
    }

    static double[] Time<TInput, TResult>(TInput[] inputs, Func<TInput, TResult> run)
    {
        var milliseconds = new double[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            GC.KeepAlive(run(inputs[i]));
            milliseconds[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return milliseconds;
    }

    static string Ms(double milliseconds) => milliseconds.ToString("0.0000", CultureInfo.InvariantCulture);

    static async Task<string> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException(what);
        }
    }
}
