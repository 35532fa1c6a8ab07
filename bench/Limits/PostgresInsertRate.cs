using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Bench.Limits;

/// <summary>
/// PostgreSQL's durable insert rates on a given server, with an Npgsql loop (the equivalent of
/// pgbench that issue 8 item 3 allows): rows of an entry's size (a 32-byte hash and 600 bytes)
/// into a scratch table with a primary key, each single-row insert its own committed
/// transaction, each batch one INSERT … SELECT FROM unnest(…) as EntryStore writes it. With
/// synchronous_commit on, a commit waits for its WAL flush: that flush, not the CPU, is what
/// one row per transaction measures.
/// </summary>
public sealed class PostgresInsertRate(NpgsqlDataSource dataSource)
{
    const int PayloadBytes = 600;

    const string SingleRowSql = "INSERT INTO bench_scratch (hash, payload) VALUES ($1, $2)";

    const string BatchSql = "INSERT INTO bench_scratch (hash, payload) SELECT * FROM unnest($1::bytea[], $2::bytea[])";

    public async Task CreateTableAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            DROP TABLE IF EXISTS bench_scratch;
            CREATE TABLE bench_scratch (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                hash bytea NOT NULL,
                payload bytea NOT NULL
            )
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <returns>Rows (= committed transactions) per second, one row per transaction, across <paramref name="connections"/>.</returns>
    public Task<double> SingleRowAsync(int connections, TimeSpan duration, CancellationToken cancellationToken) =>
        RunAsync(connections, duration, rowsPerStatement: 1, cancellationToken);

    /// <returns>Rows per second in transactions of <paramref name="batchRows"/> rows, across <paramref name="connections"/>.</returns>
    public Task<double> BatchedAsync(int connections, int batchRows, TimeSpan duration, CancellationToken cancellationToken) =>
        RunAsync(connections, duration, batchRows, cancellationToken);

    async Task<double> RunAsync(int connections, TimeSpan duration, int rowsPerStatement, CancellationToken cancellationToken)
    {
        // Every connection is open and its statement prepared before the clock starts.
        var opened = new List<(NpgsqlConnection Connection, NpgsqlCommand Command)>();
        try
        {
            for (var c = 0; c < connections; c++)
            {
                var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                opened.Add((connection, Statement(connection, rowsPerStatement, seed: c)));
                await opened[^1].Command.PrepareAsync(cancellationToken);
            }
            var stopwatch = Stopwatch.StartNew();
            var counts = await Task.WhenAll(opened.Select(async o =>
            {
                long statements = 0;
                while (stopwatch.Elapsed < duration)
                {
                    // Without a transaction of its own, each statement commits on its own (autocommit).
                    await o.Command.ExecuteNonQueryAsync(cancellationToken);
                    statements++;
                }
                return statements;
            }));
            return counts.Sum() * rowsPerStatement / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var (connection, command) in opened)
            {
                await command.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }

    static NpgsqlCommand Statement(NpgsqlConnection connection, int rows, int seed)
    {
        var random = new Random(seed);
        byte[] Bytes(int size)
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            return bytes;
        }
        if (rows == 1)
        {
            var single = new NpgsqlCommand(SingleRowSql, connection);
            single.Parameters.Add(new() { Value = Bytes(32), NpgsqlDbType = NpgsqlDbType.Bytea });
            single.Parameters.Add(new() { Value = Bytes(PayloadBytes), NpgsqlDbType = NpgsqlDbType.Bytea });
            return single;
        }
        var batch = new NpgsqlCommand(BatchSql, connection);
        batch.Parameters.Add(new() { Value = Enumerable.Range(0, rows).Select(_ => Bytes(32)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        batch.Parameters.Add(new() { Value = Enumerable.Range(0, rows).Select(_ => Bytes(PayloadBytes)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        return batch;
    }
}
