using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Api.Export;
using Ledger.Api.Hosting;
using Ledger.Checkpoints;
using Ledger.Client;
using Ledger.Grains.Log;
using Ledger.Rules.Households;
using Ledger.Tests.Cli;
using Ledger.Tests.Demo;
using Ledger.Tests.Support;
using Ledger.Verifier.Verification;

namespace Ledger.Tests.Checkpoints;

/// <summary>
/// Issue 15's acceptance for witnesses, end to end: the server with two witness processes
/// (src/Witness) gathers both cosignatures of its newest checkpoint, serves the cosigned note,
/// the export carries it, and `verifier --witness A --witness B --quorum 2` says VALID.
/// </summary>
public sealed class WitnessedServerTests(DemoLedger demo) : IClassFixture<DemoLedger>, IAsyncLifetime
{
    readonly string witnessFolder = Path.Combine(Path.GetTempPath(), $"witnessed-server-{Guid.NewGuid():N}");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }
        Directory.Delete(witnessFolder, recursive: true);
    }

    [Fact]
    public async Task TheServerWithTwoWitnessesServesAndExportsCheckpointsBothCosignedAndTheVerifierCountsBoth()
    {
        var witnesses = await StartWitnessesAsync();
        string served;
        await using (var server = await LedgerServer.StartAsync([], witnesses.Settings))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            await AwardPointsAsync(http);
            Assert.Contains((await server.Log.IntegrateAndSignNowAsync(default)).Decision, new[] { CheckpointDecision.Signed, CheckpointDecision.NotGrown });
            await server.Witnesses.SubmitLatestAsync(default);
            served = await http.GetStringAsync("/v1/log/checkpoint");
        }

        var note = SignedNote.Parse(Encoding.UTF8.GetBytes(served)).Note!;
        Assert.True(note.Verify([NoteVerifierKey.Parse(witnesses.LogKey).Key!]).IsValid);
        Assert.All(Cosignature.Verify(note, witnesses.Keys), c => Assert.Equal(CosignatureResult.Valid, c.Result));
        var export = demo.NewFolderPath($"witnessed-export-{Guid.NewGuid():N}");
        Assert.Equal(0, await ExportCommand.RunAsync(export, demo.DataFolder, demo.Database.ConnectionString, TextWriter.Null, TextWriter.Null, default));
        Assert.Equal(served, NewestExportedNote(export));
        await AssertQuorumOfBothAsync(witnesses, export);
        // The verifier reads the cosignatures from the database itself too (--database).
        var fromTheDatabase = Audit.Run(new DatabaseSource(demo.Database.ConnectionString), null, pinnedLogKey: witnesses.LogKey,
            witnesses: WitnessQuorum.Parse([.. witnesses.Keys.Select(k => k.Format())], 2));
        Assert.True(fromTheDatabase.Valid, string.Join("\n", fromTheDatabase.Findings));
        Assert.Equal(2, fromTheDatabase.WitnessQuorum);
        Assert.Equal(0, fromTheDatabase.EntriesBeyondCheckpoint);
    }

    [Fact]
    public async Task AnExportTakenRightAfterACommandAndTheCheckpointSignedAtStopCarryBothCosignatures()
    {
        var witnesses = await StartWitnessesAsync();
        var fromTheApi = demo.NewFolderPath($"witnessed-api-export-{Guid.NewGuid():N}");
        await using (var server = await LedgerServer.StartAsync([], witnesses.Settings))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            await AwardPointsAsync(http);
            // No checkpoint signed, no witness asked by the test: GET /v1/export does both.
            var auditor = PersonKey.Load(DemoCommunity.KeyFile(Path.Combine(demo.DataFolder, DemoCommand.KeysFolderName), DemoPeople.Auditor.PersonId));
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/export");
            request.Headers.Authorization = new AuthenticationHeaderValue(LedgerClient.AuthorizationScheme,
                new LedgerClient(http, TimeProvider.System).ReadAuthorization(auditor, "GET", "/v1/export"));
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
            zip.ExtractToDirectory(fromTheApi);
            await AssertQuorumOfBothAsync(witnesses, fromTheApi);

            // Then one more command, and the server stops: the checkpoint it signs on the way out is cosigned too.
            await AwardPointsAsync(http);
        }

        var afterStop = demo.NewFolderPath($"witnessed-after-stop-{Guid.NewGuid():N}");
        Assert.Equal(0, await ExportCommand.RunAsync(afterStop, demo.DataFolder, demo.Database.ConnectionString, TextWriter.Null, TextWriter.Null, default));
        Assert.NotEqual(NewestExportedNote(fromTheApi), NewestExportedNote(afterStop));
        await AssertQuorumOfBothAsync(witnesses, afterStop);
    }

    [Fact]
    public async Task TheExportCommandHasTheCheckpointCosignedByTheWitnessesItIsGiven()
    {
        // A server without witnesses signs a checkpoint over a new command when it stops, cosigned by nobody.
        await using (var server = await LedgerServer.StartAsync(demo.Options))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            await AwardPointsAsync(http);
        }
        var witnesses = await StartWitnessesAsync();
        var settings = new WitnessSettings
        {
            Witnesses = [.. witnesses.Keys.Zip(witnesses.Addresses, (key, address) => new WitnessEndpoint { VerifierKey = key.Format(), Url = address.ToString() })],
        };
        var export = demo.NewFolderPath($"witnessed-cli-export-{Guid.NewGuid():N}");
        using var error = new StringWriter();

        Assert.Equal(ExportCommand.Written, await ExportCommand.RunAsync(export, demo.DataFolder, demo.Database.ConnectionString, TextWriter.Null, error, default, settings));

        await AssertQuorumOfBothAsync(witnesses, export);
    }

    sealed record Witnesses(string LogKey, CosignatureVerifierKey[] Keys, Uri[] Addresses, Dictionary<string, string?> Settings);

    readonly List<WitnessProcess> processes = [];

    /// <summary>Two witness processes of the demo's log, and the server's settings naming them.</summary>
    async Task<Witnesses> StartWitnessesAsync()
    {
        // The log's key, as a witness's operator reads it from the server (GET /v1/log/vkey).
        string logKey;
        await using (var server = await LedgerServer.StartAsync(demo.Options))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            logKey = await http.GetStringAsync("/v1/log/vkey");
        }
        var origin = NoteVerifierKey.Parse(logKey).Key!.Name;
        var run = Guid.NewGuid().ToString("N");
        var residents = await InitAsync("witness.example/residents-committee", $"residents-{run}");
        var auditor = await InitAsync("witness.example/auditor", $"auditor-{run}");
        var residentsWitness = await WitnessProcess.ServeAsync(Path.Combine(witnessFolder, $"residents-{run}"), origin, logKey);
        processes.Add(residentsWitness);
        var auditorWitness = await WitnessProcess.ServeAsync(Path.Combine(witnessFolder, $"auditor-{run}"), origin, logKey);
        processes.Add(auditorWitness);
        var settings = new Dictionary<string, string?>(demo.Options.AsSettings())
        {
            ["Witness:Witnesses:0:VerifierKey"] = residents.Format(),
            ["Witness:Witnesses:0:Url"] = residentsWitness.Address.ToString(),
            ["Witness:Witnesses:1:VerifierKey"] = auditor.Format(),
            ["Witness:Witnesses:1:Url"] = auditorWitness.Address.ToString(),
        };
        return new Witnesses(logKey, [residents, auditor], [residentsWitness.Address, auditorWitness.Address], settings);
    }

    async Task AwardPointsAsync(HttpClient http)
    {
        var coordinator = PersonKey.Load(DemoCommunity.KeyFile(Path.Combine(demo.DataFolder, DemoCommand.KeysFolderName), DemoPeople.Coordinator.PersonId));
        var awarded = await new LedgerClient(http, TimeProvider.System).SendAsync(coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = "b1-0101",
            ["activity"] = "CouncilParticipation",
            ["quantity"] = 1,
            ["points"] = 15, // a meeting, as the demo's points policy prices it
            ["reference"] = $"witnessed-{Guid.NewGuid():N}",
        });
        Assert.True(awarded.IsSuccess, awarded.Body.ToString());
    }

    static string NewestExportedNote(string export)
    {
        var lastLine = File.ReadAllText(Path.Combine(export, LedgerExport.CheckpointsFileName)).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonNode.Parse(lastLine)!["note"]!.GetValue<string>();
    }

    /// <summary>
    /// The export's newest checkpoint covers every entry and carries both cosignatures: VALID with
    /// a quorum of 2, nothing beyond the checkpoint.
    /// </summary>
    static async Task AssertQuorumOfBothAsync(Witnesses witnesses, string export)
    {
        var (exitCode, output, error) = await VerifierProcess.RunAsync(export, "--log-key", witnesses.LogKey,
            "--witness", witnesses.Keys[0].Format(), "--witness", witnesses.Keys[1].Format(), "--quorum", "2", "--lang", "en");
        Assert.True(exitCode == Audit.ValidExitCode, output + error);
        Assert.Contains("cosignatures by 2 of the 2 witness(es)", output);
        Assert.DoesNotContain("after the latest checkpoint", output);
    }

    async Task<CosignatureVerifierKey> InitAsync(string name, string folder)
    {
        var (exitCode, output, error) = await WitnessProcess.InitAsync(Path.Combine(witnessFolder, folder), name);
        Assert.True(exitCode == 0, error);
        return CosignatureVerifierKey.Parse(output.TrimEnd('\n')).Key!;
    }
}
