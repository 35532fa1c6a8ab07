using System.Text;
using System.Text.Json.Nodes;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Api.Export;
using Ledger.Checkpoints;
using Ledger.Client;
using Ledger.Grains.Log;
using Ledger.Rules.Households;
using Ledger.Tests.Cli;
using Ledger.Tests.Demo;
using Ledger.Tests.Support;

namespace Ledger.Tests.Checkpoints;

/// <summary>
/// Issue 15's acceptance for witnesses, end to end: the server with two witness processes
/// (src/Witness) gathers both cosignatures of its newest checkpoint, serves the cosigned note,
/// the export carries it, and `verifier --witness A --witness B --quorum 2` says VALID.
/// </summary>
public sealed class WitnessedServerTests(DemoLedger demo) : IClassFixture<DemoLedger>, IDisposable
{
    readonly string witnessFolder = Path.Combine(Path.GetTempPath(), $"witnessed-server-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(witnessFolder, recursive: true);

    [Fact]
    public async Task TheServerWithTwoWitnessesServesAndExportsCheckpointsBothCosignedAndTheVerifierCountsBoth()
    {
        // The log's key, as a witness's operator reads it from the server (GET /v1/log/vkey).
        string logKey;
        await using (var server = await LedgerServer.StartAsync(demo.Options))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            logKey = await http.GetStringAsync("/v1/log/vkey");
        }
        var origin = NoteVerifierKey.Parse(logKey).Key!.Name;
        var residents = await InitAsync("witness.example/residents-committee", "residents");
        var auditor = await InitAsync("witness.example/auditor", "auditor");
        await using var residentsWitness = await WitnessProcess.ServeAsync(Path.Combine(witnessFolder, "residents"), origin, logKey);
        await using var auditorWitness = await WitnessProcess.ServeAsync(Path.Combine(witnessFolder, "auditor"), origin, logKey);
        var settings = new Dictionary<string, string?>(demo.Options.AsSettings())
        {
            ["Witness:Witnesses:0:VerifierKey"] = residents.Format(),
            ["Witness:Witnesses:0:Url"] = residentsWitness.Address.ToString(),
            ["Witness:Witnesses:1:VerifierKey"] = auditor.Format(),
            ["Witness:Witnesses:1:Url"] = auditorWitness.Address.ToString(),
        };

        string served;
        await using (var server = await LedgerServer.StartAsync([], settings))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            var coordinator = PersonKey.Load(DemoCommunity.KeyFile(Path.Combine(demo.DataFolder, DemoCommand.KeysFolderName), DemoPeople.Coordinator.PersonId));
            var awarded = await new LedgerClient(http, TimeProvider.System).SendAsync(coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
            {
                ["householdId"] = "b1-0101",
                ["activity"] = "CouncilParticipation",
                ["quantity"] = 1,
                ["points"] = 5,
                ["reference"] = $"witnessed-{Guid.NewGuid():N}",
            });
            Assert.True(awarded.IsSuccess, awarded.Body.ToString());
            Assert.Contains((await server.Log.IntegrateAndSignNowAsync(default)).Decision, new[] { CheckpointDecision.Signed, CheckpointDecision.NotGrown });
            await server.Witnesses.SubmitLatestAsync(default);
            served = await http.GetStringAsync("/v1/log/checkpoint");
        }

        var note = SignedNote.Parse(Encoding.UTF8.GetBytes(served)).Note!;
        Assert.True(note.Verify([NoteVerifierKey.Parse(logKey).Key!]).IsValid);
        Assert.All(Cosignature.Verify(note, [residents, auditor]), c => Assert.Equal(CosignatureResult.Valid, c.Result));
        var export = demo.NewFolderPath($"witnessed-export-{Guid.NewGuid():N}");
        Assert.Equal(0, await ExportCommand.RunAsync(export, demo.DataFolder, demo.Database.ConnectionString, TextWriter.Null, TextWriter.Null, default));
        var lastLine = File.ReadAllText(Path.Combine(export, LedgerExport.CheckpointsFileName)).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal(served, JsonNode.Parse(lastLine)!["note"]!.GetValue<string>());
        var (exitCode, output, error) = await VerifierProcess.RunAsync(export, "--log-key", logKey,
            "--witness", residents.Format(), "--witness", auditor.Format(), "--quorum", "2", "--lang", "en");
        Assert.True(exitCode == Ledger.Verifier.Verification.Audit.ValidExitCode, output + error);
        Assert.Contains("cosignatures by 2 of the 2 witness(es)", output);
    }

    async Task<CosignatureVerifierKey> InitAsync(string name, string folder)
    {
        var (exitCode, output, error) = await WitnessProcess.InitAsync(Path.Combine(witnessFolder, folder), name);
        Assert.True(exitCode == 0, error);
        return CosignatureVerifierKey.Parse(output.TrimEnd('\n')).Key!;
    }
}
