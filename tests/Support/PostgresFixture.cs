using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using Ledger.Grains.LocalPostgres;
using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Ledger.Tests.Support;

/// <summary>
/// The PostgreSQL server of a test assembly (DESIGN.md decision 10, STYLE.md 13): the one
/// that the superuser connection string in <c>LEDGER_TEST_CONNECTION</c> names, or else a
/// throwaway <see cref="LocalCluster"/> in a fresh folder under /tmp, started on first use
/// and stopped and deleted by <see cref="PostgresTestFramework"/> once the assembly's tests
/// have run. Test classes do not use this directly: each takes a <see cref="TestDatabase"/>.
/// </summary>
public static class PostgresFixture
{
    public const string ConnectionVariable = "LEDGER_TEST_CONNECTION";

    static readonly Lazy<Task<Server>> server = new(StartAsync);
    static Func<Task>? cleanUp;

    /// <summary>A superuser connection string to the server, and a data source for it.</summary>
    public sealed record Server(string AdminConnectionString, NpgsqlDataSource Admin);

    public static Task<Server> GetAsync() => server.Value;

    /// <summary>Stops and deletes the throwaway cluster, if one was started; runs once.</summary>
    public static Task StopAsync() => Interlocked.Exchange(ref cleanUp, null)?.Invoke() ?? Task.CompletedTask;

    static async Task<Server> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var external = NpgsqlDataSource.Create(configured);
            cleanUp = async () => await external.DisposeAsync();
            return new Server(configured, external);
        }

        TestFolder.DeleteLeftovers();
        var folder = TestFolder.Create();
        LocalCluster cluster;
        try
        {
            cluster = await LocalCluster.StartAsync(Path.Combine(folder.Path, "data"), CancellationToken.None);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
        var admin = NpgsqlDataSource.Create(cluster.ConnectionStringFor("postgres"));
        cleanUp = async () =>
        {
            await admin.DisposeAsync();
            await cluster.DisposeAsync();
            folder.Dispose();
        };
        // In case the assembly does not name PostgresTestFramework: at process exit the test
        // host may be killed within ~100 ms (it was, here, half-way through pg_ctl stop),
        // which still gets the server a shutdown request; the next run's DeleteLeftovers
        // removes whatever remains.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAsync().GetAwaiter().GetResult();
        return new Server(cluster.ConnectionStringFor("postgres"), admin);
    }
}

/// <summary>
/// xunit 2 has no assembly fixtures, and process exit is too late to clean up reliably
/// (vstest kills the test host soon after it reports the end). This framework runs the tests as xunit does,
/// then stops the assembly's server before reporting that the assembly has finished. A test
/// project names it in its .csproj:
/// <code>
/// &lt;AssemblyAttribute Include="Xunit.TestFrameworkAttribute"&gt;
///   &lt;_Parameter1&gt;Ledger.Tests.Support.PostgresTestFramework&lt;/_Parameter1&gt;
///   &lt;_Parameter2&gt;$(AssemblyName)&lt;/_Parameter2&gt;
/// &lt;/AssemblyAttribute&gt;
/// </code>
/// </summary>
public sealed class PostgresTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        // async void as in XunitTestFrameworkExecutor itself: the runner reports through the sink.
        protected override async void RunTestCases(
            IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    sealed class AssemblyRunner(
        ITestAssembly testAssembly,
        IEnumerable<IXunitTestCase> testCases,
        IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink,
        ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            // A failure here is reported as the assembly's cleanup failure.
            await Aggregator.RunAsync(PostgresFixture.StopAsync);
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}

/// <summary>
/// A database created fresh (from template0: no tables, no leftovers of other tests) for
/// one test class and dropped after it. Use it as a class fixture:
/// <code>
/// public sealed class EntryStoreTests(TestDatabase database) : IClassFixture&lt;TestDatabase&gt;
/// {
///     [Fact]
///     public async Task Something() { await using var connection = await database.DataSource.OpenConnectionAsync(); … }
/// }
/// </code>
/// It creates no tables: a test class that needs the ledger schema migrates it itself.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    NpgsqlDataSource? dataSource;
    string? connectionString;

    /// <summary>Unique across classes, assemblies and concurrent runs on one shared server.</summary>
    public string Name { get; } = "ledger_test_" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    /// <summary>A superuser connection string to this database.</summary>
    public string ConnectionString => connectionString ?? throw NotInitialized();

    /// <summary>A data source for this database, disposed with it.</summary>
    public NpgsqlDataSource DataSource => dataSource ?? throw NotInitialized();

    public async Task InitializeAsync()
    {
        var server = await PostgresFixture.GetAsync();
        // Encoding and collation named, not inherited, so that ordering in tests is the same
        // on a LEDGER_TEST_CONNECTION server initialised with another locale.
        await using (var create = server.Admin.CreateCommand(
            $"CREATE DATABASE \"{Name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"))
        {
            await create.ExecuteNonQueryAsync();
        }
        connectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = Name }.ConnectionString;
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public async Task DisposeAsync()
    {
        if (dataSource is null)
        {
            return;
        }
        await dataSource.DisposeAsync();
        // Connections a test opened with `new NpgsqlConnection(ConnectionString)` sit in
        // Npgsql's global pool; FORCE ends any that remain so the drop cannot fail on them.
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }
        var server = await PostgresFixture.GetAsync();
        await using var drop = server.Admin.CreateCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }

    static InvalidOperationException NotInitialized() =>
        new("TestDatabase is used before xunit initialised it: take it as an IClassFixture<TestDatabase>");
}

/// <summary>
/// A fresh folder under /tmp, deleted on dispose. Its name carries the test process id, so
/// that a later run can tell the folders of a killed run (process gone) and clean them up.
/// Not under the system temp path of .NET ($TMPDIR may be a home folder, which the postgres
/// user cannot traverse when tests run as root).
/// </summary>
public sealed class TestFolder : IDisposable
{
    const string Root = "/tmp";
    const string Prefix = "ledger-test-";

    TestFolder(string path) => Path = path;

    public string Path { get; }

    public static TestFolder Create()
    {
        var path = System.IO.Path.Combine(Root, $"{Prefix}{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        Directory.CreateDirectory(path);
        return new TestFolder(path);
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            // A test may have left a folder read-only on purpose.
            foreach (var folder in Directory.EnumerateDirectories(Path, "*", SearchOption.AllDirectories).Prepend(Path))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
            Directory.Delete(Path, recursive: true);
        }
    }

    /// <summary>
    /// Stops the servers and deletes the folders that killed test runs left behind, so that
    /// interrupted runs do not pile up PostgreSQL processes.
    /// </summary>
    public static void DeleteLeftovers()
    {
        foreach (var path in Directory.EnumerateDirectories(Root, Prefix + "*"))
        {
            var name = System.IO.Path.GetFileName(path)[Prefix.Length..];
            if (!int.TryParse(name.Split('-')[0], out var processId) || IsRunning(processId))
            {
                continue;
            }
            var clusters = Directory.EnumerateFiles(path, "PG_VERSION",
                new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true });
            // PG_VERSION also sits in each database folder (base/<oid>/); the cluster's own
            // is in the folder that LocalCluster names "postgres".
            foreach (var cluster in clusters.Select(System.IO.Path.GetDirectoryName).OfType<string>()
                         .Where(folder => System.IO.Path.GetFileName(folder) == "postgres"))
            {
                try
                {
                    LocalCluster.StopIfRunningAsync(System.IO.Path.GetDirectoryName(cluster)!, CancellationToken.None)
                        .GetAwaiter().GetResult();
                }
                catch (LocalClusterException)
                {
                    // Not a cluster after all, or one that cannot be stopped: the folder still goes.
                }
            }
            try
            {
                new TestFolder(path).Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's, say: not ours to remove.
            }
        }
    }

    static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
