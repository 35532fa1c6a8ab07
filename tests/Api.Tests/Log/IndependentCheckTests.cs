using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Checkpoints;
using Ledger.Client;
using Ledger.Grains.Log;
using Ledger.Rules.Households;
using Ledger.Signing;
using Ledger.Tests.Demo;
using Ledger.Tests.Support;
using Xunit.Abstractions;

namespace Ledger.Tests.Log;

/// <summary>
/// Issue 7 item 6: the checkpoints and proofs the running server produces are verified by an
/// implementation nobody here wrote — golang.org/x/mod's sumdb/note (signed notes) and
/// sumdb/tlog (RFC 6962 proofs), installed from Debian's packages, driven by tools/tlogcheck.
/// </summary>
public sealed class IndependentCheckTests(DemoLedger demo, ITestOutputHelper output) : IClassFixture<DemoLedger>
{
    [Fact]
    public async Task GoXModVerifiesEveryCheckpointEveryEntrysInclusionAndConsistencyBetweenEveryPair()
    {
        var check = await CollectAsync();

        var (exitCode, text) = await TlogCheckAsync(check);

        output.WriteLine(text);
        Assert.True(exitCode == 0, text);
        Assert.StartsWith("tlogcheck: ok:", text);
    }

    [Fact]
    public async Task GoXModRejectsAFlippedBitInAProofOrACheckpoint()
    {
        var check = await CollectAsync();
        var badProof = check.DeepClone().AsObject();
        var element = badProof["inclusion"]![5]!["proof"]![0]!;
        badProof["inclusion"]![5]!["proof"]![0] = Flip(element.GetValue<string>());
        var badCheckpoint = check.DeepClone().AsObject();
        var note = badCheckpoint["checkpoints"]![0]!.GetValue<string>();
        // A digit put before the tree size: the note text is no longer what was signed.
        badCheckpoint["checkpoints"]![0] = note.Insert(note.IndexOf('\n') + 1, "1");

        Assert.Equal(1, (await TlogCheckAsync(badProof)).ExitCode);
        Assert.Equal(1, (await TlogCheckAsync(badCheckpoint)).ExitCode);
    }

    /// <summary>
    /// Issue 15's acceptance: a checkpoint carrying a witness's cosignature/v1 line still verifies
    /// under the log key in x/mod's note, which ignores the line as an unknown key's, and the
    /// cosignature itself verifies with Go's crypto/ed25519 (tlogcheck's "witnesses").
    /// </summary>
    [Fact]
    public async Task GoXModStillVerifiesTheLogsSignatureOnCosignedCheckpointsAndGoTheCosignatures()
    {
        var check = await CollectAsync();
        using var witnessKey = SigningKey.FromSeed(SHA256.HashData("IndependentCheckTests witness"u8));
        var witness = new CosignatureSigner("witness.example/independent-check", witnessKey);
        using var otherKey = SigningKey.FromSeed(SHA256.HashData("IndependentCheckTests other witness"u8));
        var cosigned = check.DeepClone().AsObject();
        cosigned["checkpoints"] = new JsonArray(check["checkpoints"]!.AsArray().Select(node =>
        {
            var note = Encoding.UTF8.GetBytes(node!.GetValue<string>());
            var line = witness.SignatureLine(SignedNote.Parse(note).Note!.Text, 1_780_000_000);
            return (JsonNode)Encoding.UTF8.GetString(SignedNote.AddSignatureLines(note, Encoding.UTF8.GetBytes(line)).Note!);
        }).ToArray());
        var unwitnessed = cosigned.DeepClone().AsObject();
        cosigned["witnesses"] = new JsonArray(witness.VerifierKey.Format());
        unwitnessed["witnesses"] = new JsonArray(new CosignatureSigner("witness.example/other", otherKey).VerifierKey.Format());

        var (exitCode, text) = await TlogCheckAsync(cosigned);

        output.WriteLine(text);
        Assert.True(exitCode == 0, text);
        Assert.Contains("1 witnesses' cosignatures", text);
        Assert.Equal(1, (await TlogCheckAsync(unwitnessed)).ExitCode);
    }

    /// <summary>Grows the demo's log over several checkpoints, then gathers from the API what a third party would fetch.</summary>
    async Task<JsonObject> CollectAsync()
    {
        await using var server = await LedgerServer.StartAsync(demo.Options);
        using var http = new HttpClient { BaseAddress = server.Address };
        var client = new LedgerClient(http, TimeProvider.System);
        var coordinator = PersonKey.Load(DemoCommunity.KeyFile(Path.Combine(demo.DataFolder, DemoCommand.KeysFolderName), DemoPeople.Coordinator.PersonId));
        for (var round = 0; round < 3; round++)
        {
            var awarded = await client.SendAsync(coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
            {
                ["householdId"] = "b1-0101",
                ["activity"] = "CouncilParticipation",
                ["quantity"] = 1,
                ["points"] = 15, // a meeting, as the demo's points policy prices it
                ["reference"] = $"independent-check-{Guid.NewGuid():N}",
            });
            Assert.True(awarded.IsSuccess, awarded.Body.ToString());
            // The server's own log loop may have signed this size first: either way a checkpoint covers it.
            Assert.Contains((await server.Log.IntegrateAndSignNowAsync(default)).Decision, new[] { CheckpointDecision.Signed, CheckpointDecision.NotGrown });
            Assert.Equal(await server.Database.Entries.LogSizeAsync(default), (await server.MerkleLog.LatestCheckpointAsync(default))!.TreeSize);
        }
        var checkpoints = new List<StoredCheckpoint>();
        await foreach (var checkpoint in server.MerkleLog.ReadCheckpointsAsync(long.MaxValue, default))
        {
            checkpoints.Add(checkpoint);
        }
        var latest = checkpoints[^1];
        var inclusion = new JsonArray();
        await foreach (var stored in server.Database.Entries.ReadAllAsync(0, default))
        {
            if (stored.LogPosition >= latest.TreeSize)
            {
                break;
            }
            var proof = await http.GetFromJsonAsync<JsonObject>($"/v1/log/inclusion?hash={stored.Entry.Hash}&treeSize={latest.TreeSize}");
            inclusion.Add(new JsonObject
            {
                ["entryHash"] = stored.Entry.Hash.ToString(),
                ["leafIndex"] = proof!["leafIndex"]!.GetValue<long>(),
                ["treeSize"] = latest.TreeSize,
                ["proof"] = proof["proof"]!.DeepClone(),
            });
        }
        var consistency = new JsonArray();
        foreach (var older in checkpoints)
        {
            foreach (var newer in checkpoints.Where(c => c.TreeSize > older.TreeSize))
            {
                var proof = await http.GetFromJsonAsync<JsonObject>($"/v1/log/consistency?from={older.TreeSize}&to={newer.TreeSize}");
                consistency.Add(new JsonObject { ["from"] = older.TreeSize, ["to"] = newer.TreeSize, ["proof"] = proof!["proof"]!.DeepClone() });
            }
        }
        Assert.True(checkpoints.Count >= 3 && inclusion.Count == latest.TreeSize);
        return new JsonObject
        {
            ["vkey"] = await http.GetStringAsync("/v1/log/vkey"),
            ["checkpoints"] = new JsonArray(checkpoints.Select(c => (JsonNode)c.Note).ToArray()),
            ["inclusion"] = inclusion,
            ["consistency"] = consistency,
        };
    }

    /// <summary>Runs tools/tlogcheck with Debian's Go and x/mod, offline (GOPATH mode, no module proxy).</summary>
    static async Task<(int ExitCode, string Output)> TlogCheckAsync(JsonObject check)
    {
        var start = new ProcessStartInfo("go")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryFolder.Root,
        };
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("tools/tlogcheck/main.go");
        start.Environment["GO111MODULE"] = "off";
        start.Environment["GOPATH"] = "/usr/share/gocode";
        start.Environment["GOFLAGS"] = "";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Go is not installed: `apt-get install golang-go golang-golang-x-mod-dev` (.ci/run does)", e);
        }
        using (process)
        {
            await process.StandardInput.WriteAsync(check.ToJsonString());
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            return (process.ExitCode, (await stdout) + (await stderr));
        }
    }

    static string Flip(string hex) => (hex[0] == '0' ? '1' : '0') + hex[1..];
}
