using Ledger.Grains.LocalPostgres;
using Npgsql;

namespace Ledger.Grains.Storage;

/// <summary>
/// The ledger's PostgreSQL database, opened and migrated: the configured server when a
/// connection string is given, else a local cluster in the data folder (DESIGN.md 10).
/// </summary>
public sealed class LedgerDatabase : IAsyncDisposable
{
    readonly LocalCluster? cluster;

    LedgerDatabase(string connectionString, NpgsqlDataSource dataSource, LocalCluster? cluster, int schemaVersion, string serverVersion)
    {
        ConnectionString = connectionString;
        DataSource = dataSource;
        this.cluster = cluster;
        SchemaVersion = schemaVersion;
        ServerVersion = serverVersion;
        Entries = new EntryStore(dataSource);
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The connection string, password included (never to be logged or shown): for the silo's membership provider.</summary>
    public string ConnectionString { get; }

    public EntryStore Entries { get; }

    public int SchemaVersion { get; }

    /// <summary>PostgreSQL's own version string, e.g. "15.18".</summary>
    public string ServerVersion { get; }

    /// <summary>Where the data lives, for the start-up line: a local cluster's folder or the configured host.</summary>
    public string Location => cluster is not null
        ? $"local PostgreSQL in {cluster.DataFolder} (127.0.0.1:{cluster.Port})"
        : $"PostgreSQL at {new NpgsqlConnectionStringBuilder(DataSource.ConnectionString).Host}";

    /// <param name="commandDeadline">
    /// The longest the served data source waits to connect or for a command's answer, before
    /// it gives up with an <see cref="NpgsqlException"/>; null for Npgsql's defaults (the
    /// export tool, whose reads may be long). Migrations run without it: a schema change on a
    /// large ledger may rightly take longer.
    /// </param>
    public static async Task<LedgerDatabase> OpenAsync(string? connectionString, string dataFolder, CancellationToken cancellationToken,
        TimeSpan? commandDeadline = null)
    {
        var cluster = string.IsNullOrWhiteSpace(connectionString)
            ? await LocalCluster.StartAsync(dataFolder, cancellationToken)
            : null;
        var configured = cluster?.ConnectionString ?? connectionString!;
        var served = commandDeadline is { } deadline ? WithDeadline(configured, deadline) : configured;
        var dataSource = NpgsqlDataSource.Create(served);
        try
        {
            int schemaVersion;
            await using (var migrating = NpgsqlDataSource.Create(configured))
            {
                schemaVersion = await Schema.MigrateAsync(migrating, cancellationToken);
            }
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return new LedgerDatabase(served, dataSource, cluster, schemaVersion, connection.PostgreSqlVersion.ToString());
        }
        catch
        {
            await dataSource.DisposeAsync();
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>
    /// The connection string with the deadline as its connect and command timeouts. A timed-out
    /// command's connection is broken at once instead of waiting for PostgreSQL to confirm the
    /// cancellation (Cancellation Timeout -1): a hung server would not confirm it either.
    /// </summary>
    static string WithDeadline(string connectionString, TimeSpan deadline)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(deadline.TotalSeconds));
        return new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = seconds,
            CommandTimeout = seconds,
            CancellationTimeout = -1,
        }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }
}
