using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ledger.Bench.Limits;
using Ledger.Bench.Log;
using Ledger.Entries;
using Ledger.Grains.Storage;
using Ledger.Hashing;
using Npgsql;

namespace Ledger.Bench.Storage;

/// <summary>
/// Issue 16 item 4: what appending an entry writes, with the entry table of migration 0007
/// (two unique B-tree indexes on random hashes and the chain's foreign key) and with the latest
/// schema, each in a database of its own on one throwaway cluster, filled alike. For each: the
/// entry indexes' sizes after N entries, EXPLAIN (ANALYZE, BUFFERS, WAL) of EntryStore's insert
/// of the first batch after a CHECKPOINT (the worst case: every page it touches is written
/// whole to the WAL once), then the WAL bytes per entry and the entries per second of the next
/// batches appended through EntryStore, durably committed. Last, the migration of the filled
/// 0007 database to the latest schema, timed: a server's first start after the upgrade runs it.
/// </summary>
public static class InsertCost
{
    /// <summary>The schema before the leaner indexes (0008_leaner_entry_indexes.sql).</summary>
    const int BeforeVersion = 7;

    const int EntriesPerFilledStream = 100;

    // N entries over N / 100 household streams of 100 entries each, linked as the chain check
    // wants (entry i to stream i mod S at sequence i div S, its hash SHA-256 of "stream#sequence"), with 600 bytes of filler for the canonical bytes (an award's entry is about that
    // size). Recorded before every entry that ChainedEntries makes, so none goes back in time.
    const string FillSql = """
        INSERT INTO entry (log_position, stream_id, sequence, hash, previous_hash, entry_type, canonical, recorded_at)
        SELECT i, 'household/fill-' || i % $2, i / $2,
               sha256(convert_to('household/fill-' || i % $2 || '#' || i / $2, 'UTF8')),
               CASE WHEN i < $2 THEN '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
                    ELSE sha256(convert_to('household/fill-' || i % $2 || '#' || (i / $2 - 1), 'UTF8')) END,
               'PointsAwarded', convert_to(repeat('x', 600) || i, 'UTF8'), timestamptz '2025-12-31 00:00:00+00'
        FROM generate_series(0::bigint, $1 - 1) AS i
        """;

    public sealed record Figures(int SchemaVersion, long IndexBytes, double WalBytesPerEntryAfterCheckpoint, double WalBytesPerEntry, double EntriesPerSecond);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        long entries = 1_000_000;
        var batchSize = 1_000;
        var batches = 20;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--entries" when i + 1 < args.Length && long.TryParse(args[++i], CultureInfo.InvariantCulture, out var n) && n >= EntriesPerFilledStream: entries = n; break;
                case "--batch" when i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var b) && b is > 0 and <= 2_000: batchSize = b; break;
                case "--batches" when i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var k) && k > 0: batches = k; break;
                default:
                    return Usage(error);
            }
        }
        if (StreamCount(entries) < batchSize)
        {
            // A batch holds at most one entry per filled stream (ChainedEntries.Next).
            return Usage(error);
        }
        error.WriteLine("starting a throwaway PostgreSQL cluster …");
        await using var scratch = await Machine.StartClusterAsync("inserts", CancellationToken.None);
        var figures = new List<Figures>();
        foreach (var version in new[] { BeforeVersion, Schema.LatestVersion })
        {
            figures.Add(await MeasureAsync(scratch, version, entries, batchSize, batches, output, error, CancellationToken.None));
        }
        output.WriteLine();
        output.WriteLine($"| schema | entry indexes | WAL per entry, first batch after CHECKPOINT | WAL per entry, next {batches} batches | entries/s, next {batches} batches |");
        output.WriteLine("|---|--:|--:|--:|--:|");
        foreach (var f in figures)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {f.SchemaVersion:0000} | {f.IndexBytes / 1048576.0:F1} MiB | {f.WalBytesPerEntryAfterCheckpoint:N0} B | {f.WalBytesPerEntry:N0} B | {f.EntriesPerSecond:N0} |"));
        }
        return 0;
    }

    static int Usage(TextWriter error)
    {
        error.WriteLine("usage: bench inserts [--entries N (at least 100 × B)] [--batch B (1 … 2000)] [--batches K]");
        return 2;
    }

    static async Task<Figures> MeasureAsync(Machine.ScratchCluster scratch, int version, long entries, int batchSize, int batches,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var name = $"inserts_{version:0000}";
        await using (var admin = NpgsqlDataSource.Create(scratch.Cluster.ConnectionString))
        await using (var create = admin.CreateCommand($"CREATE DATABASE {name}"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(scratch.Cluster.ConnectionString)
        {
            Database = name,
            CommandTimeout = 0,
        }.ConnectionString);
        var (postgres, _) = await scratch.SettingsAsync(dataSource, cancellationToken);
        await Schema.MigrateAsync(dataSource, version, cancellationToken);
        output.WriteLine();
        output.WriteLine($"## schema version {version:0000}");
        output.WriteLine(Machine.Describe(postgres));

        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"filling {entries:N0} entries …"));
        var fill = Stopwatch.StartNew();
        await using (var command = dataSource.CreateCommand(FillSql))
        {
            command.Parameters.Add(new() { Value = entries });
            command.Parameters.Add(new() { Value = StreamCount(entries) });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await ExecuteAsync(dataSource, $"UPDATE log_head SET size = {entries}", cancellationToken);
        await ExecuteAsync(dataSource, "VACUUM ANALYZE entry", cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"filled {entries:N0} entries in {fill.Elapsed.TotalSeconds:F1} s"));

        var indexBytes = 0L;
        await using (var sizes = dataSource.CreateCommand(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index WHERE indrelid = 'entry'::regclass ORDER BY 1"))
        await using (var reader = await sizes.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                indexBytes += reader.GetInt64(1);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"index {reader.GetString(0)}: {reader.GetInt64(1) / 1048576.0:F1} MiB"));
            }
        }

        // Made before anything is measured; the same entries for every schema. They continue the
        // filled streams, whose ids are spread over the primary key like a street's households.
        var chained = new ChainedEntries(FilledHeads(entries), runName: "inserts");
        var ready = Enumerable.Range(0, batches + 1).Select(_ => chained.Next(batchSize)).ToList();
        await ExecuteAsync(dataSource, "CHECKPOINT", cancellationToken);

        var walBefore = await WalPositionAsync(dataSource, cancellationToken);
        output.WriteLine($"EXPLAIN (ANALYZE, BUFFERS, WAL) of EntryStore's insert of {batchSize} entries, the first after a CHECKPOINT:");
        await ExplainAppendAsync(dataSource, ready[0], output, cancellationToken);
        var afterCheckpoint = (double)(await WalPositionAsync(dataSource, cancellationToken) - walBefore) / batchSize;

        var store = new EntryStore(dataSource);
        walBefore = await WalPositionAsync(dataSource, cancellationToken);
        var appending = Stopwatch.StartNew();
        foreach (var batch in ready.Skip(1))
        {
            var result = await store.AppendCommandsAsync([new AppendRequest(batch, null)], null, cancellationToken);
            if (result is not BatchResult.Appended)
            {
                throw new InvalidOperationException($"a benchmark append was refused: {result}");
            }
        }
        var seconds = appending.Elapsed.TotalSeconds;
        var perEntry = (double)(await WalPositionAsync(dataSource, cancellationToken) - walBefore) / (batches * batchSize);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"WAL per entry: {afterCheckpoint:N0} B in the first batch after the CHECKPOINT, {perEntry:N0} B over the next {batches} batches, appended at {batches * batchSize / seconds:N0} entries/s"));

        if (version < Schema.LatestVersion)
        {
            var migration = Stopwatch.StartNew();
            await Schema.MigrateAsync(dataSource, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"migrating these {entries + (batches + 1) * batchSize:N0} entries to version {Schema.LatestVersion:0000} took {migration.Elapsed.TotalSeconds:F1} s"));
        }
        return new Figures(version, indexBytes, afterCheckpoint, perEntry, batches * batchSize / seconds);
    }

    /// <summary>Each filled stream's next sequence and head hash, as <see cref="FillSql"/> computes them.</summary>
    static List<(string Stream, long NextSequence, Hash HeadHash)> FilledHeads(long entries)
    {
        var streamCount = StreamCount(entries);
        return Enumerable.Range(0, (int)streamCount).Select(s =>
        {
            var stream = $"household/fill-{s}";
            var last = (entries - 1 - s) / streamCount;
            return (stream, last + 1, Hash.FromBytes(SHA256.HashData(Encoding.UTF8.GetBytes($"{stream}#{last}"))));
        }).ToList();
    }

    static long StreamCount(long entries) => (entries + EntriesPerFilledStream - 1) / EntriesPerFilledStream;

    /// <summary>Appends the batch as EntryStore does (log head locked first, then its insert statement), explained, and commits it.</summary>
    static async Task ExplainAppendAsync(NpgsqlDataSource dataSource, IReadOnlyList<Entry> batch, TextWriter output, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockLog = new NpgsqlCommand("SELECT size FROM log_head FOR UPDATE", connection, transaction))
        {
            await lockLog.ExecuteNonQueryAsync(cancellationToken);
        }
        var insert = EntryStore.InsertCommand(batch, registrySequence: null);
        await using (var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, WAL, COSTS OFF) " + insert.CommandText, connection, transaction))
        {
            foreach (NpgsqlParameter parameter in insert.Parameters)
            {
                explain.Parameters.Add(parameter.Clone());
            }
            await using var reader = await explain.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                output.WriteLine("    " + reader.GetString(0));
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    static async Task<long> WalPositionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
