// C2SP tlog-witness "add-checkpoint" against the real witness process (docs/WITNESS.md): what it
// cosigns, what it refuses with which status, and that it never cosigns two inconsistent
// checkpoints of a log, across a kill and a restart too (issue 15 item 1).
using System.Net;
using System.Text;
using Ledger.Checkpoints;

namespace Ledger.Witness.Tests;

public sealed class WitnessProtocolTests : IDisposable
{
    const string WitnessName = "witness.example/residents-committee";

    readonly string stateFolder = Path.Combine(Path.GetTempPath(), $"witness-tests-{Guid.NewGuid():N}");
    readonly TestLog log = new();

    public void Dispose()
    {
        log.Dispose();
        Directory.Delete(stateFolder, recursive: true);
    }

    async Task<CosignatureVerifierKey> InitAsync()
    {
        var (exitCode, output, error) = await WitnessProcess.InitAsync(stateFolder, WitnessName);
        Assert.True(exitCode == 0, error);
        var key = CosignatureVerifierKey.Parse(output.TrimEnd('\n'));
        Assert.True(key.IsValid, output);
        return key.Key!;
    }

    Task<WitnessProcess> ServeAsync() => WitnessProcess.ServeAsync(stateFolder, log.Origin, log.VerifierKey);

    static void AssertCosigned((HttpStatusCode Status, string? ContentType, string Body) answer, string checkpoint, CosignatureVerifierKey witness)
    {
        Assert.True(answer.Status == HttpStatusCode.OK, $"{answer.Status}: {answer.Body}");
        var cosigned = SignedNote.AddSignatureLines(Encoding.UTF8.GetBytes(checkpoint), Encoding.UTF8.GetBytes(answer.Body));
        Assert.True(cosigned.IsValid, cosigned.Result.ToString());
        var cosignature = Cosignature.Verify(SignedNote.Parse(cosigned.Note).Note!, witness);
        Assert.Equal(CosignatureResult.Valid, cosignature.Result);
    }

    static void AssertRefused(HttpStatusCode expected, (HttpStatusCode Status, string? ContentType, string Body) answer)
    {
        Assert.True(answer.Status == expected, $"expected {expected}, got {answer.Status}: {answer.Body}");
        Assert.DoesNotContain("\u2014", answer.Body);
    }

    [Fact]
    public async Task AConsistentSequenceOfCheckpointsIsCosignedAndTheNewestServedToMonitors()
    {
        var witness = await InitAsync();
        await using var process = await ServeAsync();

        log.GrowTo(3);
        AssertCosigned(await process.AddCheckpointAsync(log.Request(0, 3)), log.Checkpoint(3), witness);
        log.GrowTo(7);
        AssertCosigned(await process.AddCheckpointAsync(log.Request(3, 7)), log.Checkpoint(7), witness);
        // The same checkpoint again: consistent with itself, cosigned again.
        AssertCosigned(await process.AddCheckpointAsync(log.Request(7, 7)), log.Checkpoint(7), witness);
        log.GrowTo(8);
        AssertCosigned(await process.AddCheckpointAsync(log.Request(7, 8)), log.Checkpoint(8), witness);

        var served = await process.Http.GetStringAsync($"/{WitnessState.OriginHash(log.Origin)}/checkpoint");
        var note = SignedNote.Parse(Encoding.UTF8.GetBytes(served)).Note!;
        Assert.Equal(8, Checkpoint.Parse(note.Text).Checkpoint!.TreeSize);
        Assert.True(note.Verify([NoteVerifierKey.Parse(log.VerifierKey).Key!]).IsValid);
        Assert.Equal(CosignatureResult.Valid, Cosignature.Verify(note, witness).Result);
        Assert.Equal(HttpStatusCode.NotFound, (await process.Http.GetAsync($"/{WitnessState.OriginHash("another/log")}/checkpoint")).StatusCode);
    }

    [Fact]
    public async Task AForkOfTheSameSizeOrBeyondIsRefused()
    {
        await InitAsync();
        await using var process = await ServeAsync();
        using var fork = new TestLog(leafLabel: "fork");
        log.GrowTo(5);
        fork.GrowTo(9);
        Assert.Equal(HttpStatusCode.OK, (await process.AddCheckpointAsync(log.Request(0, 5))).Status);

        // Another history under the same log key: same size, another root.
        AssertRefused(HttpStatusCode.UnprocessableEntity, await process.AddCheckpointAsync(fork.Request(5, 5)));
        // Grown from its own size 5, which is not the 5 the witness cosigned.
        AssertRefused(HttpStatusCode.UnprocessableEntity, await process.AddCheckpointAsync(fork.Request(5, 9)));
        // Nor can the fork start over from the empty tree.
        AssertRefused(HttpStatusCode.Conflict, await process.AddCheckpointAsync(fork.Request(0, 9)));
    }

    [Fact]
    public async Task ARollbackToASmallerTreeIsRefused()
    {
        await InitAsync();
        await using var process = await ServeAsync();
        log.GrowTo(8);
        Assert.Equal(HttpStatusCode.OK, (await process.AddCheckpointAsync(log.Request(0, 8))).Status);

        // Claiming the witness's own size for a smaller checkpoint: the old size is above it.
        AssertRefused(HttpStatusCode.BadRequest, await process.AddCheckpointAsync(TestLog.Body(8, [], log.Checkpoint(5))));
        // Claiming the smaller size: not what the witness cosigned last.
        var rollback = await process.AddCheckpointAsync(log.Request(3, 5));
        AssertRefused(HttpStatusCode.Conflict, rollback);
        Assert.Equal("8\n", rollback.Body);
    }

    [Fact]
    public async Task AWrongOldSizeIsAConflictThatGivesTheSizeCosigned()
    {
        await InitAsync();
        await using var process = await ServeAsync();
        log.GrowTo(6);
        Assert.Equal(HttpStatusCode.OK, (await process.AddCheckpointAsync(log.Request(0, 4))).Status);

        var answer = await process.AddCheckpointAsync(log.Request(3, 6));

        AssertRefused(HttpStatusCode.Conflict, answer);
        Assert.Equal("text/x.tlog.size", answer.ContentType);
        Assert.Equal("4\n", answer.Body);
        // A log that lost track starts from 0 and learns the size the same way.
        Assert.Equal("4\n", (await process.AddCheckpointAsync(log.Request(0, 6))).Body);
    }

    [Fact]
    public async Task ABadProofIsUnprocessable()
    {
        await InitAsync();
        await using var process = await ServeAsync();
        log.GrowTo(9);
        Assert.Equal(HttpStatusCode.OK, (await process.AddCheckpointAsync(log.Request(0, 3))).Status);
        var good = log.Request(3, 9);
        var lines = good.Split('\n');
        var flipped = Convert.FromBase64String(lines[1]);
        flipped[0] ^= 1;
        lines[1] = Convert.ToBase64String(flipped);

        AssertRefused(HttpStatusCode.UnprocessableEntity, await process.AddCheckpointAsync(string.Join('\n', lines)));
        // One element short.
        AssertRefused(HttpStatusCode.UnprocessableEntity, await process.AddCheckpointAsync(string.Join('\n', lines.Where((_, i) => i != 1))));
        Assert.Equal(HttpStatusCode.OK, (await process.AddCheckpointAsync(good)).Status);
    }

    [Fact]
    public async Task AnUnknownLogIsNotFoundAndACheckpointNotSignedByTheLogsKeyIsForbidden()
    {
        await InitAsync();
        await using var process = await ServeAsync();
        using var otherLog = new TestLog(origin: "community-ledger/another-street");
        using var otherKey = new TestLog(keySeed: "not the log's key");
        otherLog.GrowTo(2);
        otherKey.GrowTo(2);

        AssertRefused(HttpStatusCode.NotFound, await process.AddCheckpointAsync(otherLog.Request(0, 2)));
        AssertRefused(HttpStatusCode.Forbidden, await process.AddCheckpointAsync(otherKey.Request(0, 2)));
        // The log's note with its signature line altered: a signature by the log's key that fails.
        var checkpoint = log.GrowTo(2).Checkpoint(2);
        var altered = checkpoint[..^6] + (checkpoint[^6] == 'A' ? 'B' : 'A') + checkpoint[^5..];
        AssertRefused(HttpStatusCode.Forbidden, await process.AddCheckpointAsync(TestLog.Body(0, [], altered)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("old 0\n")]
    [InlineData("old 00\n\ncommunity-ledger/witness-tests\n1\n")]
    [InlineData("new 0\n\n")]
    [InlineData("old 0\nnot base64\n\n")]
    public async Task AMalformedRequestIsABadRequestAndChangesNothing(string body)
    {
        await InitAsync();
        await using var process = await ServeAsync();
        log.GrowTo(2);

        AssertRefused(HttpStatusCode.BadRequest, await process.AddCheckpointAsync(body + (body.Length > 0 ? log.Checkpoint(2) : "")));

        Assert.Equal(HttpStatusCode.OK, (await process.AddCheckpointAsync(log.Request(0, 2))).Status);
    }

    [Fact]
    public async Task AWitnessKilledAndRestartedFromItsFolderRefusesACheckpointInconsistentWithTheOneItCosigned()
    {
        var witness = await InitAsync();
        using var fork = new TestLog(leafLabel: "fork");
        log.GrowTo(10);
        fork.GrowTo(10);
        var first = await ServeAsync();
        Assert.Equal(HttpStatusCode.OK, (await first.AddCheckpointAsync(log.Request(0, 6))).Status);
        await first.KillAsync();
        await first.DisposeAsync();

        await using var restarted = await ServeAsync();

        AssertRefused(HttpStatusCode.UnprocessableEntity, await restarted.AddCheckpointAsync(fork.Request(6, 6)));
        AssertRefused(HttpStatusCode.UnprocessableEntity, await restarted.AddCheckpointAsync(fork.Request(6, 10)));
        var startOver = await restarted.AddCheckpointAsync(fork.Request(0, 10));
        AssertRefused(HttpStatusCode.Conflict, startOver);
        Assert.Equal("6\n", startOver.Body);
        AssertCosigned(await restarted.AddCheckpointAsync(log.Request(6, 10)), log.Checkpoint(10), witness);
    }

    [Fact]
    public async Task ASecondWitnessProcessOnTheSameFolderIsRefused()
    {
        await InitAsync();
        await using var process = await ServeAsync();

        var (exitCode, _, error) = await WitnessProcess.RunToExitAsync(
            "serve", "--state", stateFolder, "--log", $"{log.Origin}={log.VerifierKey}", "--listen", "http://127.0.0.1:0");

        Assert.Equal(1, exitCode);
        Assert.Contains("in use by another witness process", error);
    }
}
