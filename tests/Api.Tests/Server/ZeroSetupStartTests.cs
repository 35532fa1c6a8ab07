using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;

namespace Ledger.Tests.Server;

/// <summary>
/// Issue 2's zero-setup start, as a person does it: no server running, nothing configured,
/// a data folder of its own. The server creates its cluster, opens the registry and answers
/// /health; stopped and started again on the same folder, it still has its entries.
/// </summary>
[Collection(nameof(ServerProcessCollection))]
public sealed class ZeroSetupStartTests
{
    static readonly Dictionary<string, string?> NoConfiguration = [];

    [Fact]
    public async Task AServerStartedOnAnEmptyDataFolderAnswersHealthAndKeepsItsEntriesAcrossARestart()
    {
        using var folder = TestFolder.Create();
        var data = Path.Combine(folder.Path, "data");
        using var http = new HttpClient();

        string genesisHash;
        await using (var server = await ServerProcess.StartAsync(NoConfiguration, "--data", data))
        {
            var health = await http.GetFromJsonAsync<JsonElement>(new Uri(server.Address, "/health"));
            Assert.Equal("ok", health.GetProperty("status").GetString());
            Assert.Equal("trial", health.GetProperty("registry").GetString());
            Assert.StartsWith("15.", health.GetProperty("postgresVersion").GetString());
            Assert.True(health.GetProperty("schemaVersion").GetInt32() >= 1);
            Assert.Equal(2, health.GetProperty("logSize").GetInt64());
            genesisHash = await RegistryHeadAsync(server, data);
        }

        await using (var server = await ServerProcess.StartAsync(NoConfiguration, "--data", data))
        {
            Assert.Equal(genesisHash, await RegistryHeadAsync(server, data));
            var health = await http.GetFromJsonAsync<JsonElement>(new Uri(server.Address, "/health"));
            Assert.Equal(2, health.GetProperty("logSize").GetInt64());
        }
        Assert.True(File.Exists(Path.Combine(data, "keys", "registrar.json")));
    }

    [Fact]
    public async Task AServerWithAConnectionStringUsesThatServer()
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        try
        {
            using var folder = TestFolder.Create();
            var environment = new Dictionary<string, string?> { ["ConnectionStrings__Ledger"] = database.ConnectionString };
            await using var server = await ServerProcess.StartAsync(environment, "--data", Path.Combine(folder.Path, "data"));
            using var http = new HttpClient();

            var response = await http.GetAsync(new Uri(server.Address, "/health"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(Directory.Exists(Path.Combine(folder.Path, "data", "postgres")));
            await using var count = database.DataSource.CreateCommand("SELECT count(*) FROM entry WHERE stream_id = 'registry'");
            // The trial's opening and its naming of the log key.
            Assert.Equal(2L, (long)(await count.ExecuteScalarAsync())!);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task MissingPostgresBinariesGiveOneClearLineAndAFailingExitCode()
    {
        using var folder = TestFolder.Create();
        var empty = Directory.CreateDirectory(Path.Combine(folder.Path, "no-binaries")).FullName;
        var environment = new Dictionary<string, string?> { ["LEDGER_PG_BIN"] = empty };

        var (exitCode, output) = await ServerProcess.RunToExitAsync(environment, "--data", Path.Combine(folder.Path, "data"));

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ledger: PostgreSQL server binaries not found", line);
        Assert.DoesNotContain("   at ", output);
    }

    /// <summary>The registry is private: the registrar reads it with a signed read, using the key the server made.</summary>
    static async Task<string> RegistryHeadAsync(ServerProcess server, string data)
    {
        using var http = new HttpClient { BaseAddress = server.Address };
        var registrar = Ledger.Client.PersonKey.Load(Path.Combine(data, "keys", "registrar.json"));
        var response = await new Ledger.Client.LedgerClient(http, TimeProvider.System).GetAsync("/v1/entries?stream=registry", registrar);
        Assert.True(response.IsSuccess, response.Body.ToString());
        var entries = response.Body.GetProperty("entries");
        // The trial's opening, then its naming of the log key.
        Assert.Equal(2, entries.GetArrayLength());
        return entries[1].GetProperty("hash").GetString()!;
    }
}

/// <summary>Server processes start one at a time: each creates and starts a PostgreSQL cluster.</summary>
[CollectionDefinition(nameof(ServerProcessCollection), DisableParallelization = true)]
public sealed class ServerProcessCollection;
