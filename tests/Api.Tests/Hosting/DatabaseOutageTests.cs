using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ledger.Api;
using Ledger.Client;
using Ledger.Grains.LocalPostgres;
using Ledger.Rules.Registry;
using Ledger.Tests.Support;

namespace Ledger.Tests.Hosting;

/// <summary>
/// Issue 14: a server whose PostgreSQL is stopped or hung answers 503 problems within its own
/// deadlines, never 500 and never after Npgsql's defaults, and tells clients nothing of the
/// database's address, port or SQLSTATE. Each test runs a throwaway cluster of its own, since
/// it stops or freezes it. No timing is measured: each deadline is configured small and the
/// HTTP client gives up just above it, so a late answer fails the test as a timeout.
/// </summary>
[UnsupportedOSPlatform("windows")]
[Collection(nameof(Server.ServerProcessCollection))]
public sealed partial class DatabaseOutageTests
{
    const int HealthTimeoutMilliseconds = 300;
    const int CommandTimeoutSeconds = 1;

    [Fact]
    public async Task WithPostgresStoppedHealthAndReadsAnswer503ProblemsThatNameNoAddress()
    {
        await using var ledger = await OwnClusterServer.StartAsync();
        using (var warmUp = ledger.Client(Timeout.InfiniteTimeSpan))
        {
            Assert.Equal(HttpStatusCode.OK, (await warmUp.GetAsync("/health")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await warmUp.GetAsync("/v1/projects")).StatusCode);
        }
        // The health checks' timeout, plus a second for everything around them on a busy machine.
        using var http = ledger.Client(TimeSpan.FromMilliseconds(HealthTimeoutMilliseconds + 1000));

        await ledger.Cluster.StopImmediatelyAsync();

        using var health = await http.GetAsync("/health");
        var problem = await ErrorProblemTests.AssertProblemAsync(health, HttpStatusCode.ServiceUnavailable, "Unhealthy");
        Assert.Contains("database", problem.GetProperty("failing").EnumerateArray().Select(check => check.GetString()));
        Assert.Equal("Unhealthy", problem.GetProperty("checks").GetProperty("database").GetString());
        Assert.Contains("database", problem.GetProperty("detail").GetString());
        ledger.AssertNamesNothingInternal(await health.Content.ReadAsStringAsync());

        using var read = await http.GetAsync("/v1/projects");
        await ErrorProblemTests.AssertProblemAsync(read, HttpStatusCode.ServiceUnavailable, "StorageUnavailable");
        ledger.AssertNamesNothingInternal(await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithPostgresHungACommandAndHealthAnswer503WithinTheServersDeadline()
    {
        await using var ledger = await OwnClusterServer.StartAsync();
        var registrar = PersonKey.Load(Path.Combine(ledger.DataFolder, "keys", "registrar.json"));
        using (var warmUp = ledger.Client(Timeout.InfiniteTimeSpan))
        {
            Assert.True((await new LedgerClient(warmUp, TimeProvider.System)
                .SendAsync(registrar, RegistryCommandTypes.RegisterPerson, Person("before-the-hang"))).IsSuccess);
        }
        // The command's deadline, plus a second for everything around it on a busy machine.
        using var http = ledger.Client(TimeSpan.FromSeconds(CommandTimeoutSeconds + 1));
        var client = new LedgerClient(http, TimeProvider.System);

        var frozen = ledger.FreezePostgres();
        try
        {
            var command = await client.SendAsync(registrar, RegistryCommandTypes.RegisterPerson, Person("during-the-hang"));
            Assert.True(command.Status == HttpStatusCode.ServiceUnavailable, command.Body.ToString());
            Assert.Equal("StorageUnavailable", command.Body.GetProperty("code").GetString());
            ledger.AssertNamesNothingInternal(command.Body.ToString());

            using var health = await http.GetAsync("/health");
            var problem = await ErrorProblemTests.AssertProblemAsync(health, HttpStatusCode.ServiceUnavailable, "Unhealthy");
            Assert.Contains("database", problem.GetProperty("failing").EnumerateArray().Select(check => check.GetString()));
        }
        finally
        {
            frozen.Thaw();
        }

        // Thawed, the same command goes through: nothing was written during the hang.
        var after = await client.SendAsync(registrar, RegistryCommandTypes.RegisterPerson, Person("during-the-hang"));
        Assert.True(after.IsSuccess, after.Body.ToString());
    }

    static JsonObject Person(string personId) => new()
    {
        ["displayName"] = personId,
        ["personId"] = personId,
        // A key of full order, as the registry requires (PublicKeyNotFullOrder): one derived from the id.
        ["publicKey"] = Convert.ToHexStringLower(Ledger.Signing.SigningKey.FromSeed(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(personId))).PublicKey.Bytes),
        ["roles"] = new JsonArray("Auditor"),
    };

    /// <summary>A server over a PostgreSQL cluster of its own, with small deadlines.</summary>
    sealed class OwnClusterServer : IAsyncDisposable
    {
        readonly TestFolder folder;

        OwnClusterServer(TestFolder folder, LocalCluster cluster, LedgerServer server)
        {
            this.folder = folder;
            Cluster = cluster;
            Server = server;
        }

        public LocalCluster Cluster { get; }

        public LedgerServer Server { get; }

        public string DataFolder => Path.Combine(folder.Path, "data");

        public static async Task<OwnClusterServer> StartAsync()
        {
            var folder = TestFolder.Create();
            var cluster = await LocalCluster.StartAsync(Path.Combine(folder.Path, "postgres"), CancellationToken.None);
            var server = await LedgerServer.StartAsync(
                new ServerOptions(Path.Combine(folder.Path, "data"), cluster.ConnectionString, "http://127.0.0.1:0"),
                [$"--Health:TimeoutMilliseconds={HealthTimeoutMilliseconds}", $"--Database:CommandTimeoutSeconds={CommandTimeoutSeconds}",
                    "--Logging:LogLevel:Default=Critical"]);
            return new OwnClusterServer(folder, cluster, server);
        }

        public HttpClient Client(TimeSpan timeout) => new() { BaseAddress = Server.Address, Timeout = timeout };

        /// <summary>SIGSTOP to the postmaster and every process it started: the server hangs, connections stay open.</summary>
        public Frozen FreezePostgres()
        {
            var postmaster = Cluster.ServerProcessId;
            var processes = ChildrenOf(postmaster).Prepend(postmaster).ToList();
            Signal("STOP", processes);
            return new Frozen(processes);
        }

        public void AssertNamesNothingInternal(string body)
        {
            Assert.DoesNotContain("127.0.0.1", body);
            Assert.DoesNotContain(Cluster.Port.ToString(CultureInfo.InvariantCulture), body);
            Assert.DoesNotContain("localhost", body);
            Assert.DoesNotMatch(SqlState(), body);
            Assert.DoesNotContain("constraint", body, StringComparison.OrdinalIgnoreCase);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Cluster.DisposeAsync();
            folder.Dispose();
        }

        static IEnumerable<int> ChildrenOf(int parent) =>
            Directory.EnumerateDirectories("/proc")
                .Select(Path.GetFileName)
                .Where(name => name!.All(char.IsAsciiDigit))
                .Select(name => (Pid: int.Parse(name!, CultureInfo.InvariantCulture), Parent: ParentOf(name!)))
                .Where(process => process.Parent == parent)
                .Select(process => process.Pid)
                .ToList();

        static int? ParentOf(string pid)
        {
            try
            {
                // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after its ')'.
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <summary>Frozen processes, thawed (SIGCONT) by the test's finally whatever happened.</summary>
    sealed class Frozen(IReadOnlyList<int> processes)
    {
        public void Thaw() => Signal("CONT", processes);
    }

    static void Signal(string signal, IEnumerable<int> processes)
    {
        using var kill = Process.Start("kill", [$"-{signal}", .. processes.Select(pid => pid.ToString(CultureInfo.InvariantCulture))]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    // A PostgreSQL error code as Npgsql prints it: "57P01: terminating connection …".
    [GeneratedRegex(@"\b[0-9A-Z]{5}: ")]
    private static partial Regex SqlState();
}
