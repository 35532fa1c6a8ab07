using System.Globalization;
using Npgsql;

namespace Ledger.Bench.Limits;

/// <summary>
/// Issue 8 item 3: this machine's limits, measured in one run and printed as a markdown table,
/// so that every throughput figure can be reported as a ratio to the limit that bounds it.
/// Each figure runs for a fixed time; nothing here loops without a deadline.
/// </summary>
public static class LimitsReport
{
    static readonly int[] SingleRowConnections = [1, 8, 32];
    static readonly int[] BatchRows = [100, 500];
    static readonly int[] BatchConnections = [1, 8];

    public static async Task<int> RunAsync(TimeSpan perFigure, CancellationToken cancellationToken)
    {
        var limits = await MeasureAsync(perFigure, cancellationToken);
        limits.Write(Console.Out);
        return 0;
    }

    public static async Task<MachineLimits> MeasureAsync(TimeSpan perFigure, CancellationToken cancellationToken)
    {
        var rows = new List<(string Limit, string Rate, string Detail)>();
        var cores = Environment.ProcessorCount;

        var (verifyOne, verifyAll) = Ed25519Rate.Measure(perFigure);
        rows.Add(("Ed25519 verify, one core", $"{verifyOne:N0}/s", $"{1e6 / verifyOne:N1} µs per signature"));
        rows.Add(($"Ed25519 verify, all {cores} cores", $"{verifyAll:N0}/s", $"{verifyAll / verifyOne:N2} × one core"));

        var (hashOne, hashAll) = Sha256Rate.Measure(perFigure);
        rows.Add(($"SHA-256 of {Sha256Rate.InputBytes}-byte inputs, one core", $"{hashOne:N0}/s", $"{hashOne * Sha256Rate.InputBytes / 1e6:N0} MB/s"));
        rows.Add(($"SHA-256 of {Sha256Rate.InputBytes}-byte inputs, all {cores} cores", $"{hashAll:N0}/s", $"{hashAll * Sha256Rate.InputBytes / 1e6:N0} MB/s"));

        Console.Error.WriteLine("starting a throwaway PostgreSQL cluster …");
        await using var scratch = await Machine.StartClusterAsync("limits", cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(scratch.Cluster.ConnectionString)
        {
            MaxPoolSize = 64,
        }.ConnectionString);
        var (version, synchronousCommit) = await scratch.SettingsAsync(dataSource, cancellationToken);
        var inserts = new PostgresInsertRate(dataSource);
        await inserts.CreateTableAsync(cancellationToken);
        double singleRowBest = 0, batchedBest = 0;
        foreach (var connections in SingleRowConnections)
        {
            var rate = await inserts.SingleRowAsync(connections, perFigure, cancellationToken);
            singleRowBest = Math.Max(singleRowBest, rate);
            rows.Add(($"PostgreSQL insert, one row per transaction, {Connections(connections)}", $"{rate:N0} rows/s",
                $"{connections / rate * 1e3:N2} ms per commit and connection"));
        }
        foreach (var connections in BatchConnections)
        {
            foreach (var batchRows in BatchRows)
            {
                var rate = await inserts.BatchedAsync(connections, batchRows, perFigure, cancellationToken);
                batchedBest = Math.Max(batchedBest, rate);
                rows.Add(($"PostgreSQL insert, batches of {batchRows} rows, {Connections(connections)}", $"{rate:N0} rows/s",
                    $"{rate / batchRows:N0} transactions/s"));
            }
        }
        return new MachineLimits(version, synchronousCommit, perFigure, verifyOne, verifyAll, hashOne, hashAll, singleRowBest, batchedBest, rows);
    }

    static string Connections(int count) => count == 1 ? "1 connection" : $"{count} connections";
}

/// <summary>This machine's limits from one run: the rates every figure is a ratio to, and the rows of the limits table.</summary>
public sealed record MachineLimits(
    string PostgresVersion,
    string SynchronousCommit,
    TimeSpan PerFigure,
    double Ed25519OneCore,
    double Ed25519AllCores,
    double Sha256OneCore,
    double Sha256AllCores,
    double PostgresSingleRowBest,
    double PostgresBatchedBest,
    IReadOnlyList<(string Limit, string Rate, string Detail)> Rows)
{
    public void Write(TextWriter output)
    {
        output.WriteLine(Machine.Describe(PostgresVersion));
        output.WriteLine($"PostgreSQL: local throwaway cluster, synchronous_commit={SynchronousCommit}, fsync=on; each figure measured for {PerFigure.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; rows of a 32-byte hash and 600 bytes");
        output.WriteLine();
        output.WriteLine("| limit | measured | detail |");
        output.WriteLine("|---|---:|---|");
        foreach (var (limit, rate, detail) in Rows)
        {
            output.WriteLine($"| {limit} | {rate} | {detail} |");
        }
    }
}
