using System.Runtime.Versioning;
using Ledger.Grains.LocalPostgres;
using Ledger.Tests.Support;
using Npgsql;

namespace Ledger.Tests.LocalPostgres;

// Local clusters run on Unix only (file modes, OS users).
[UnsupportedOSPlatform("windows")]
public sealed class LocalClusterTests
{
    static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task RestartOnTheSameDataFolderKeepsRows()
    {
        using var folder = TestFolder.Create();
        var dataFolder = Path.Combine(folder.Path, "data");

        int port;
        await using (var cluster = await LocalCluster.StartAsync(dataFolder, None))
        {
            port = cluster.Port;
            // A pooled connection on purpose: after the restart the pool must not hand
            // back a connection to the stopped server.
            await using var connection = new NpgsqlConnection(cluster.ConnectionString);
            await connection.OpenAsync();
            await Execute(connection, "CREATE TABLE kept (n integer PRIMARY KEY)");
            await Execute(connection, "INSERT INTO kept VALUES (1), (2), (3)");
            await cluster.StopAsync();
        }

        await using (var cluster = await LocalCluster.StartAsync(dataFolder, None))
        {
            Assert.Equal(port, cluster.Port);
            await using var connection = new NpgsqlConnection(cluster.ConnectionString);
            await connection.OpenAsync();
            await using var sum = new NpgsqlCommand("SELECT sum(n)::int FROM kept", connection);
            Assert.Equal(6, await sum.ExecuteScalarAsync());
        }

        // The password is kept for the restart, readable by its owner only, and initdb's
        // copy of it is gone.
        Assert.Equal(["postgres", "postgres.password"],
            Directory.GetFileSystemEntries(dataFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
            File.GetUnixFileMode(Path.Combine(dataFolder, "postgres.password")));
        // 40 hex digits and a line feed, without a byte-order mark (issue 15: File.ReadAllText hides one; the bytes do not).
        Assert.Matches("^[0-9a-f]{40}\n\\z", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(dataFolder, "postgres.password"))));
    }

    /// <summary>
    /// A server process fills two pools of Npgsql's default 100 connections (its data source,
    /// and Orleans' AdoNet connections by connection string): the cluster takes both at once.
    /// </summary>
    [Fact]
    public async Task TheClusterTakesTwoFullPoolsAtOnce()
    {
        using var folder = TestFolder.Create();
        await using var cluster = await LocalCluster.StartAsync(Path.Combine(folder.Path, "data"), None);
        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
        var open = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                open.Add(await dataSource.OpenConnectionAsync());
                var byString = new NpgsqlConnection(cluster.ConnectionString);
                open.Add(byString);
                await byString.OpenAsync();
            }
            await using var count = new NpgsqlCommand("SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend'", open[0]);
            Assert.Equal(200, await count.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var connection in open)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task StartingOnAFolderWhoseServerRunsReusesIt()
    {
        using var folder = TestFolder.Create();
        var dataFolder = Path.Combine(folder.Path, "data");

        // The first cluster plays a process that was killed: its server keeps running.
        var first = await LocalCluster.StartAsync(dataFolder, None);
        await using (var second = await LocalCluster.StartAsync(dataFolder, None))
        {
            Assert.Equal(first.Port, second.Port);
            await using var connection = new NpgsqlConnection(second.ConnectionString);
            await connection.OpenAsync();
            await using var database = new NpgsqlCommand("SELECT current_database()", connection);
            Assert.Equal(LocalCluster.DatabaseName, await database.ExecuteScalarAsync());
        }
        // The second one stopped the server; stopping again is not an error.
        await first.StopAsync();
    }

    [Fact]
    public async Task DataFolderThePostgresUserCannotReachIsAOneLineError()
    {
        using var folder = TestFolder.Create();
        var locked = Path.Combine(folder.Path, "locked");
        Directory.CreateDirectory(locked);
        var dataFolder = Path.Combine(locked, "data");
        // As root, any folder is writable to us, so what fails is the postgres user's access:
        // a parent folder of mode 0700 owned by root, like /root. As another user, a parent
        // folder we cannot write to.
        File.SetUnixFileMode(locked, Environment.IsPrivilegedProcess
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var error = await Assert.ThrowsAsync<LocalClusterException>(() => LocalCluster.StartAsync(dataFolder, None));

        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith($"data folder {dataFolder} is not writable", error.Message);
        Assert.Contains("choose a folder such as", error.Message);
        if (Environment.IsPrivilegedProcess)
        {
            Assert.Contains("by the postgres user", error.Message);
            // Refused before anything was made.
            Assert.False(Directory.Exists(dataFolder));
        }
    }

    static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Tests that change process-wide environment variables run alone, after all others: a
/// concurrent test starting a cluster would read them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariableCollection
{
    public const string Name = "changes environment variables";
}

[Collection(EnvironmentVariableCollection.Name)]
public sealed class LocalClusterBinariesTests
{
    [Fact]
    public async Task BinariesVariableNamingAnEmptyFolderIsAOneLineError()
    {
        using var folder = TestFolder.Create();
        var emptyBin = Directory.CreateDirectory(Path.Combine(folder.Path, "bin")).FullName;
        var dataFolder = Path.Combine(folder.Path, "data");
        var saved = Environment.GetEnvironmentVariable(LocalCluster.BinariesVariable);
        Environment.SetEnvironmentVariable(LocalCluster.BinariesVariable, emptyBin);
        try
        {
            var error = await Assert.ThrowsAsync<LocalClusterException>(
                () => LocalCluster.StartAsync(dataFolder, CancellationToken.None));

            Assert.DoesNotContain('\n', error.Message);
            Assert.StartsWith("PostgreSQL server binaries not found", error.Message);
            Assert.Contains($"LEDGER_PG_BIN={emptyBin}", error.Message);
            // Looked for before touching the data folder.
            Assert.False(Directory.Exists(dataFolder));
        }
        finally
        {
            Environment.SetEnvironmentVariable(LocalCluster.BinariesVariable, saved);
        }
    }
}

public sealed class TestDatabaseTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task FixtureDatabaseAnswersSelectVersion()
    {
        await using var command = database.DataSource.CreateCommand("SELECT version()");
        var version = (string)(await command.ExecuteScalarAsync())!;
        Assert.StartsWith("PostgreSQL ", version);
    }

    [Fact]
    public async Task FixtureDatabaseIsTheClassesOwnAndHasNoTables()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(database.Name, await Scalar(connection, "SELECT current_database()"));
        Assert.Equal(0L, await Scalar(connection,
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"));
    }

    [Fact]
    public async Task TestDatabasesAreDistinctAndDroppedOnDispose()
    {
        var first = new TestDatabase();
        var second = new TestDatabase();
        await first.InitializeAsync();
        await second.InitializeAsync();
        Assert.NotEqual(first.Name, second.Name);
        Assert.Equal(2L, await CountDatabases(first.Name, second.Name));

        await first.DisposeAsync();
        await second.DisposeAsync();
        Assert.Equal(0L, await CountDatabases(first.Name, second.Name));
    }

    async Task<object?> CountDatabases(params string[] names)
    {
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM pg_database WHERE datname = ANY($1)");
        command.Parameters.Add(new() { Value = names });
        return await command.ExecuteScalarAsync();
    }

    static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}

/// <summary>
/// Two classes that each create the same table in their fixture's database: if they shared
/// one, whichever ran second would fail on CREATE TABLE or count two rows, in any order and
/// also when they run in parallel.
/// </summary>
public abstract class EachClassHasItsOwnDatabase(TestDatabase database)
{
    [Fact]
    public async Task NoOtherClassWritesIntoThisClassesDatabase()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE class_marker (class_name text PRIMARY KEY)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using (var insert = new NpgsqlCommand("INSERT INTO class_marker VALUES ($1)", connection))
        {
            insert.Parameters.Add(new() { Value = GetType().Name });
            await insert.ExecuteNonQueryAsync();
        }
        await using var names = new NpgsqlCommand("SELECT array_agg(class_name) FROM class_marker", connection);
        Assert.Equal([GetType().Name], (string[])(await names.ExecuteScalarAsync())!);
    }
}

public sealed class FirstClassWithADatabase(TestDatabase database)
    : EachClassHasItsOwnDatabase(database), IClassFixture<TestDatabase>;

public sealed class SecondClassWithADatabase(TestDatabase database)
    : EachClassHasItsOwnDatabase(database), IClassFixture<TestDatabase>;
