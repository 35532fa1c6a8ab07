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

    public static async Task<LedgerDatabase> OpenAsync(string? connectionString, string dataFolder, CancellationToken cancellationToken)
    {
        var cluster = string.IsNullOrWhiteSpace(connectionString)
            ? await LocalCluster.StartAsync(dataFolder, cancellationToken)
            : null;
        var resolved = cluster?.ConnectionString ?? connectionString!;
        var dataSource = NpgsqlDataSource.Create(resolved);
        try
        {
            var schemaVersion = await Schema.MigrateAsync(dataSource, cancellationToken);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return new LedgerDatabase(resolved, dataSource, cluster, schemaVersion, connection.PostgreSqlVersion.ToString());
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

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }
}
