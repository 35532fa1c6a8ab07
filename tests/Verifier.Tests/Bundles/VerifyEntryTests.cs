using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Checkpoints;
using Ledger.Tests.Cli;
using Ledger.Tests.Tampering;

namespace Ledger.Tests.Bundles;

/// <summary>
/// Issue 7 item 5: `verifier verify-entry BUNDLE` — the small offline bundle a resident is
/// handed (one entry, its inclusion proof, a checkpoint, the log key) — answers valid or not,
/// with the reason, without any server.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class VerifyEntryTests(DemoExport demo) : IAsyncLifetime
{
    byte[] bundle = [];
    string logKey = "";

    public async Task InitializeAsync()
    {
        // The demo's server signed a checkpoint covering every entry when it stopped; a server
        // on the same data hands out a bundle for any of them.
        await using var server = await LedgerServer.StartAsync(demo.Demo.Options);
        using var http = new HttpClient { BaseAddress = server.Address };
        bundle = await http.GetByteArrayAsync($"/v1/log/bundle?stream={DemoExport.ElevatorStream}&sequence=2");
        logKey = await http.GetStringAsync("/v1/log/vkey");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ABundleFromTheServerIsValidUnderThePinnedLogKey()
    {
        var (exitCode, output, _) = await VerifierProcess.RunAsync("verify-entry", Write("valid", bundle), "--log-key", logKey);

        Assert.Equal(0, exitCode);
        Assert.StartsWith($"VALID: {DemoExport.ElevatorStream}#2", output);
    }

    [Fact]
    public async Task WithoutAPinnedKeyTheBundleIsCheckedUnderItsOwnAndSaysSo()
    {
        var (exitCode, output, _) = await VerifierProcess.RunAsync("verify-entry", Write("unpinned", bundle));

        Assert.Equal(0, exitCode);
        Assert.Contains("NOT pinned", output);
    }

    [Theory]
    [InlineData("entry", BundleResult.ProofInvalid)]
    [InlineData("proof", BundleResult.ProofInvalid)]
    [InlineData("leafIndex", BundleResult.ProofInvalid)]
    [InlineData("checkpoint", BundleResult.CheckpointSignatureInvalid)]
    [InlineData("logVerifierKey", BundleResult.LogKeyMismatch)]
    public async Task AChangedMemberMakesTheBundleInvalidWithTheReason(string member, BundleResult expected)
    {
        var json = JsonNode.Parse(bundle)!.AsObject();
        switch (member)
        {
            case "entry": json["entry"] = json["entry"]!.GetValue<string>().Replace("\"sequence\":2", "\"sequence\":3"); break;
            case "proof": json["proof"]![0] = Flip(json["proof"]![0]!.GetValue<string>()); break;
            case "leafIndex": json["leafIndex"] = json["leafIndex"]!.GetValue<long>() + 1; break;
            case "checkpoint": json["checkpoint"] = FlipRootLine(json["checkpoint"]!.GetValue<string>()); break;
            case "logVerifierKey": json["logVerifierKey"] = NoteVerifierKey.FromPublicKey(NoteVerifierKey.Parse(logKey).Key!.Name,
                Ledger.Signing.SigningKey.FromSeed(new byte[32]).PublicKey).Format(); break;
        }
        var tampered = Encoding.UTF8.GetBytes(json.ToJsonString());

        Assert.Equal(expected, OfflineBundle.Parse(tampered).Verify(logKey).Result);
        var (exitCode, output, _) = await VerifierProcess.RunAsync("verify-entry", Write($"tampered-{member}", tampered), "--log-key", logKey);
        Assert.Equal(1, exitCode);
        Assert.StartsWith("INVALID: ", output);
    }

    [Fact]
    public async Task ABundleUnderAnotherPinnedKeyIsInvalid()
    {
        var otherKey = NoteVerifierKey.FromPublicKey("community-ledger/other", Ledger.Signing.SigningKey.FromSeed(new byte[32]).PublicKey).Format();

        var (exitCode, output, _) = await VerifierProcess.RunAsync("verify-entry", Write("other-key", bundle), "--log-key", otherKey);

        Assert.Equal(1, exitCode);
        Assert.Contains("is not the pinned", output);
    }

    [Fact]
    public async Task AFileThatIsNotABundleIsExitCodeTwoAndOneLine()
    {
        var (exitCode, _, error) = await VerifierProcess.RunAsync("verify-entry", Write("not-a-bundle", "{\"hello\":1}"u8.ToArray()));

        Assert.Equal(2, exitCode);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    string Write(string name, byte[] bytes)
    {
        var path = demo.NewFolder($"bundle-{name}") + ".json";
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static string Flip(string hex) => (hex[0] == '0' ? '1' : '0') + hex[1..];

    /// <summary>Changes the checkpoint's root line: the signature no longer covers the text.</summary>
    static string FlipRootLine(string note)
    {
        var lines = note.Split('\n');
        var root = Convert.FromBase64String(lines[2]);
        root[0] ^= 1;
        lines[2] = Convert.ToBase64String(root);
        return string.Join('\n', lines);
    }
}
