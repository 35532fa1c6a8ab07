using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api;
using Ledger.Checkpoints;
using Ledger.Client;
using Ledger.Grains.Log;
using Ledger.Rules.Registry;
using Ledger.Signing;
using Ledger.Tests.Support;

namespace Ledger.Tests.Server;

/// <summary>
/// Issue 15 item 2: keys apart. A production server (Registry:RootFingerprint) makes no
/// registrar key and waits for the registrar to open the registry with the root key it was
/// given, not as a trial; it signs checkpoints only once the registrar names its log key. A
/// trial start says it is one.
/// </summary>
public sealed class KeysApartTests : IAsyncLifetime
{
    // xunit makes an instance per test: each test has a database of its own.
    readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    static readonly PersonKey Registrar = new(RegistryGenesis.RegistrarId,
        SigningKey.FromSeed(System.Security.Cryptography.SHA256.HashData("keys apart registrar"u8)));

    static JsonObject Opening(PersonKey root, bool? trial = null)
    {
        var body = new JsonObject
        {
            ["displayName"] = "街道管理员",
            ["publicKey"] = Convert.ToHexStringLower(root.Key.PublicKey.Bytes),
            ["registrarId"] = root.PersonId,
        };
        if (trial is { } value)
        {
            body["trial"] = value;
        }
        return body;
    }

    /// <summary>Every key file under the data folder: each file that reads as one (docs/FORMAT.md §11.1).</summary>
    static List<(string Path, PersonKey Key)> KeyFilesUnder(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(path =>
            {
                try
                {
                    return (path, PersonKey.Load(path));
                }
                catch (Exception e) when (e is FormatException or JsonException or IOException or UnauthorizedAccessException or ArgumentException)
                {
                    return (path, (PersonKey?)null);
                }
            })
            .Where(file => file.Item2 is not null)
            .Select(file => (file.path, file.Item2!))];

    static void AssertOnlyTheLogKeyIsKept(string data, LedgerServer server)
    {
        var keys = KeyFilesUnder(data);
        var logKey = Assert.Single(keys);
        Assert.Equal(server.Log.VerifierKey!.PublicKey, logKey.Key.Key.PublicKey);
        Assert.Equal(Path.Combine(data, "keys", LedgerServer.LogKeyFileName), logKey.Path);
    }

    [Fact]
    public async Task AProductionServerKeepsNoRegistrarKeyAndSignsOnlyOnceTheRegistrarOpensAndNamesItsLogKey()
    {
        using var folder = TestFolder.Create();
        var data = Path.Combine(folder.Path, "data");
        await using var server = await LedgerServer.StartAsync(new ServerOptions(data, database.ConnectionString, "http://127.0.0.1:0"),
            [$"--Registry:RootFingerprint={Registrar.KeyId}"]);
        using var http = new HttpClient { BaseAddress = server.Address };
        var client = new LedgerClient(http, TimeProvider.System);

        AssertOnlyTheLogKeyIsKept(data, server);
        var waiting = await http.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("notOpen", waiting.GetProperty("registry").GetString());
        var early = await client.SendAsync(Registrar, RegistryCommandTypes.RegisterPerson, new JsonObject
        {
            ["displayName"] = "x", ["personId"] = "x", ["publicKey"] = Convert.ToHexStringLower(Registrar.Key.PublicKey.Bytes), ["roles"] = new JsonArray("Auditor"),
        });
        Assert.Equal("RegistryNotOpen", early.Code);

        var intruder = new PersonKey(RegistryGenesis.RegistrarId, SigningKey.FromSeed(new byte[32]));
        Assert.Equal("RootKeyMismatch", (await client.SendAsync(intruder, RegistryCommandTypes.OpenRegistry, Opening(intruder))).Code);
        Assert.Equal("RootKeyMismatch", (await client.SendAsync(Registrar, RegistryCommandTypes.OpenRegistry, Opening(Registrar, trial: true))).Code);
        Assert.Equal(0, await server.Database.Entries.LogSizeAsync(default));

        var opened = await client.SendAsync(Registrar, RegistryCommandTypes.OpenRegistry, Opening(Registrar));
        Assert.True(opened.IsSuccess, opened.Body.ToString());
        Assert.Equal(CheckpointDecision.NotNamed, (await server.Log.IntegrateAndSignNowAsync(default)).Decision);
        var vkey = await http.GetStringAsync("/v1/log/vkey");
        Assert.Equal(server.Log.VerifierKey!.Format(), vkey.Trim());
        var named = await client.SendAsync(Registrar, RegistryCommandTypes.NameLogKey, new JsonObject { ["verifierKey"] = vkey.Trim() });
        Assert.True(named.IsSuccess, named.Body.ToString());

        // Signed now, or by the server's own loop a moment before: either way over both entries,
        // under the key just named.
        var signed = await server.Log.IntegrateAndSignNowAsync(default);
        Assert.Contains(signed.Decision, new[] { CheckpointDecision.Signed, CheckpointDecision.NotGrown });
        Assert.Equal(2, signed.Latest!.TreeSize);
        Assert.True(SignedNote.Parse(Encoding.UTF8.GetBytes(signed.Latest.Note)).Note!.Verify([server.Log.VerifierKey!]).IsValid);
        var health = await http.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("production", health.GetProperty("registry").GetString());
        Assert.False((await http.GetFromJsonAsync<JsonElement>("/v1/keys")).GetProperty("trial").GetBoolean());
        AssertOnlyTheLogKeyIsKept(data, server);
    }

    [Fact]
    public async Task AProductionServerDoesNotStartOnARegistryOpenedByAnotherRootKey()
    {
        using var folder = TestFolder.Create();
        await (await LedgerServer.StartAsync(new ServerOptions(Path.Combine(folder.Path, "trial"), database.ConnectionString, "http://127.0.0.1:0"))).DisposeAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => LedgerServer.StartAsync(
            new ServerOptions(Path.Combine(folder.Path, "production"), database.ConnectionString, "http://127.0.0.1:0"),
            [$"--Registry:RootFingerprint={Registrar.KeyId}"]));
        Assert.Contains("trial", refused.Message);
    }

    [Theory]
    [InlineData("ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abc")]
    [InlineData("0123456789abcdef0123456789abcdefff")]
    public async Task ARootFingerprintThatIsNotOneStopsTheStart(string fingerprint)
    {
        using var folder = TestFolder.Create();
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => LedgerServer.StartAsync(
            new ServerOptions(Path.Combine(folder.Path, "data"), null, "http://127.0.0.1:0"), [$"--Registry:RootFingerprint={fingerprint}"]));
        Assert.Contains("Registry:RootFingerprint", refused.Message);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "data")));
    }

    [Fact]
    public async Task ATrialSaysSoInHealthAndItsOpeningAndNamesItsOwnLogKey()
    {
        using var folder = TestFolder.Create();
        await using var server = await LedgerServer.StartAsync(new ServerOptions(Path.Combine(folder.Path, "data"), database.ConnectionString, "http://127.0.0.1:0"));
        using var http = new HttpClient { BaseAddress = server.Address };

        var health = await http.GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal("trial", health.GetProperty("registry").GetString());
        Assert.True((await http.GetFromJsonAsync<JsonElement>("/v1/keys")).GetProperty("trial").GetBoolean());
        var registry = (RegistryState)await server.Grains.ReadStateAsync(RegistryRules.Stream, default);
        Assert.True(registry.IsTrial);
        Assert.Equal([server.Log.VerifierKey!], registry.LogKeys);
        // Signed by the background loop or now, whichever came first: the trial's key is named.
        Assert.Equal(2, (await server.Log.IntegrateAndSignNowAsync(default)).Latest?.TreeSize);
    }
}
