using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Npgsql;

namespace Ledger.Grains.LocalPostgres;

/// <summary>
/// Zero-setup PostgreSQL (DESIGN.md decision 10): a cluster that the process creates and
/// starts itself in <c>&lt;data folder&gt;/postgres</c> from the server binaries on the machine,
/// for when no connection string is configured.
/// </summary>
/// <remarks>
/// The layout of a data folder:
/// <list type="bullet">
/// <item><c>postgres/</c> — the cluster (initdb's data directory), its <c>server.log</c>,
/// and in its <c>postgresql.conf</c> the TCP port chosen when it was created.</item>
/// <item><c>postgres.password</c> — the password of the superuser <c>ledger</c>, mode 0600,
/// so that a later process can reconnect.</item>
/// </list>
/// The server outlives this object's process if that process is killed (pg_ctl detaches it);
/// the next <see cref="StartAsync(string, CancellationToken)"/> on the folder finds it running
/// and reuses it. One data folder is meant for one process at a time: disposing stops the
/// server for everyone connected to it. Several server processes on one database is the
/// deployment with a configured connection string (decision 8), not this.
/// </remarks>
public sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>Names a folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>.</summary>
    public const string BinariesVariable = "LEDGER_PG_BIN";

    /// <summary>The superuser that initdb creates; the OS user is irrelevant to clients.</summary>
    public const string UserName = "ledger";

    /// <summary>The database that <see cref="ConnectionString"/> names, created on start.</summary>
    public const string DatabaseName = "ledger";

    const string ClusterFolderName = "postgres";
    const string PasswordFileName = "postgres.password";

    readonly PostgresCommands commands;
    readonly string clusterFolder;
    readonly string password;
    // Every connection string handed out, so that stopping can empty Npgsql's pools for
    // them: after a restart on the same port a pooled connection to the old server would
    // otherwise fail on its first command.
    readonly ConcurrentDictionary<string, bool> connectionStrings = new();
    bool stopped;

    LocalCluster(PostgresCommands commands, string dataFolder, string clusterFolder, int port, string password)
    {
        this.commands = commands;
        this.clusterFolder = clusterFolder;
        this.password = password;
        DataFolder = dataFolder;
        Port = port;
        ConnectionString = ConnectionStringFor(DatabaseName);
    }

    /// <summary>The folder given to <see cref="StartAsync(string, CancellationToken)"/>, made absolute.</summary>
    public string DataFolder { get; }

    /// <summary>The TCP port on 127.0.0.1 that the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server's log file, named in error messages.</summary>
    public string LogFile => ServerControl.LogFile(clusterFolder);

    /// <summary>Npgsql connection string to the <c>ledger</c> database, as superuser <c>ledger</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>Npgsql connection string to <paramref name="database"/> on this server, as superuser <c>ledger</c>.</summary>
    public string ConnectionStringFor(string database)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = Port,
            Username = UserName,
            Password = password,
            Database = database,
        }.ConnectionString;
        connectionStrings.TryAdd(connectionString, true);
        return connectionString;
    }

    /// <summary>
    /// Starts the cluster in <c>&lt;<paramref name="dataFolder"/>&gt;/postgres</c>, creating it
    /// first if absent, or reuses the server already running on it. Fails with a
    /// <see cref="LocalClusterException"/> whose message says what to do.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(string dataFolder, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            // Unix file modes, OS users and pg_ctl's detaching are assumed throughout.
            throw new LocalClusterException("the local PostgreSQL cluster needs Linux or another Unix: configure a connection string to a PostgreSQL server instead");
        }
        dataFolder = Path.GetFullPath(dataFolder);
        var clusterFolder = Path.Combine(dataFolder, ClusterFolderName);
        // Binaries first: finding none must not leave an empty data folder behind.
        var binFolder = await PostgresBinaries.FindAsync(PostgresBinaries.ClusterMajorVersion(clusterFolder), cancellationToken);
        var commands = await PostgresCommands.CreateAsync(binFolder, cancellationToken);
        await DataFolderSetup.PrepareAsync(dataFolder, commands, cancellationToken);

        var passwordFile = Path.Combine(dataFolder, PasswordFileName);
        if (!File.Exists(Path.Combine(clusterFolder, "PG_VERSION")))
        {
            await ClusterCreation.CreateAsync(commands, clusterFolder, passwordFile, cancellationToken);
        }
        else if (!File.Exists(passwordFile))
        {
            throw new LocalClusterException(
                $"the cluster in {clusterFolder} exists but its password file {passwordFile} is missing: restore the file, or delete {clusterFolder} to start over (that deletes its data)");
        }
        var password = File.ReadAllText(passwordFile).Trim();
        var port = await ClusterConfiguration.ReadPortAsync(commands, clusterFolder, cancellationToken);

        var cluster = new LocalCluster(commands, dataFolder, clusterFolder, port, password);
        if (!await ServerControl.IsRunningAsync(commands, clusterFolder, cancellationToken))
        {
            await ServerControl.StartAsync(commands, clusterFolder, cancellationToken);
        }
        // else: a previous process was killed (or is still serving) and left the server
        // running on this folder; starting a second postmaster would fail on its lock file.
        await cluster.CreateDatabaseIfMissingAsync(cancellationToken);
        return cluster;
    }

    /// <summary>Stops the server with <c>pg_ctl stop -m fast</c> (rolls back open transactions, keeps committed ones); does nothing if it is not running.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (stopped)
        {
            return;
        }
        foreach (var connectionString in connectionStrings.Keys)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
        // Another process (or another LocalCluster on this folder) may have stopped it.
        await ServerControl.StopAsync(commands, clusterFolder, cancellationToken);
        stopped = true;
    }

    /// <summary>
    /// Stops the server as a crash would (<c>pg_ctl stop -m immediate</c>): every connection is
    /// dropped at once, nothing is checkpointed, and the next start recovers from the WAL. For
    /// fault tests; <see cref="StopAsync"/> is the orderly stop.
    /// </summary>
    public Task StopImmediatelyAsync(CancellationToken cancellationToken = default) =>
        ServerControl.StopAsync(commands, clusterFolder, cancellationToken, mode: "immediate");

    /// <summary>The postmaster's process id, from the first line of its postmaster.pid (for fault tests).</summary>
    public int ServerProcessId =>
        int.Parse(File.ReadLines(Path.Combine(clusterFolder, "postmaster.pid")).First(), NumberStyles.None, CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// Stops the server running on <paramref name="dataFolder"/>, if any, without starting
    /// or creating anything: for cleaning up after a process that was killed.
    /// </summary>
    public static async Task StopIfRunningAsync(string dataFolder, CancellationToken cancellationToken)
    {
        var clusterFolder = Path.Combine(Path.GetFullPath(dataFolder), ClusterFolderName);
        if (PostgresBinaries.ClusterMajorVersion(clusterFolder) is not { } majorVersion)
        {
            return;
        }
        var binFolder = await PostgresBinaries.FindAsync(majorVersion, cancellationToken);
        var commands = await PostgresCommands.CreateAsync(binFolder, cancellationToken);
        await ServerControl.StopAsync(commands, clusterFolder, cancellationToken);
    }

    async Task CreateDatabaseIfMissingAsync(CancellationToken cancellationToken)
    {
        // Unpooled: this one connection to the maintenance database is done with at once.
        var maintenance = new NpgsqlConnectionStringBuilder(ConnectionStringFor("postgres")) { Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", connection);
            exists.Parameters.Add(new() { Value = DatabaseName });
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        // Another process created it between our check and our CREATE: what we wanted.
        // (duplicate_database, or unique_violation on pg_database's name index.)
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
        }
        catch (NpgsqlException e)
        {
            throw new LocalClusterException(
                $"cannot connect to the local PostgreSQL on 127.0.0.1:{Port} (cluster {clusterFolder}): {e.Message} (server log: {LogFile})");
        }
    }
}
