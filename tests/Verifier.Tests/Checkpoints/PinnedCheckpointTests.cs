using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Api.Export;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Merkle;
using Ledger.Signing;
using Ledger.Tests.Cli;
using Ledger.Tests.Tampering;
using Ledger.Verifier.Verification;
using Xunit.Abstractions;

namespace Ledger.Tests.Checkpoints;

/// <summary>
/// Issue 15 item 3: the verifier pins what people saw. An insider holding the data folder's
/// keys cuts the export back to an earlier checkpoint, or takes a whole project out of it and
/// re-signs the checkpoints with the log key: consistent in itself, valid with the root and
/// log keys pinned — and a finding once the verifier is given a later checkpoint people saw
/// (--checkpoint). Entries after the newest signed checkpoint are a finding of their own.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class PinnedCheckpointTests(DemoExport demo, ITestOutputHelper log)
{
    [Fact]
    public void TheHonestExportWithItsOwnNewestCheckpointPinnedIsValid()
    {
        var report = Audit(demo.Folder, Pin(Checkpoints(demo.Folder)[^1].Note));

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.Equal(1, report.PinnedCheckpointCount);
        Assert.Equal(0, report.EntriesBeyondCheckpoint);
    }

    [Fact]
    public void AnExportCutBackToAnEarlierCheckpointIsValidAloneAndAFindingAgainstTheNewestPeopleSaw()
    {
        var checkpoints = Checkpoints(demo.Folder);
        var newest = checkpoints[^1];
        var cut = checkpoints[^2].TreeSize;
        var folder = demo.Tamper().KeepCheckpoints().KeepFirst((int)cut).WriteTo("rollback");
        WriteCheckpoints(folder, checkpoints.Where(c => c.TreeSize <= cut));

        var alone = Audit(folder);
        var pinned = Audit(folder, Pin(newest.Note));

        Assert.True(alone.Valid, string.Join("\n", alone.Findings));
        var finding = Assert.Single(pinned.Findings);
        Assert.Equal(FindingKind.PinnedCheckpointNotContained, finding.Kind);
        Assert.Equal($"at least {newest.TreeSize} entries", finding.Expected);
        Assert.Equal($"{cut}", finding.Found);
    }

    [Fact]
    public void AProjectTakenOutWithTheCheckpointsReSignedIsValidAloneAndAFindingAgainstALaterCheckpoint()
    {
        var checkpoints = Checkpoints(demo.Folder);
        var tampering = demo.Tamper().KeepCheckpoints();
        var streams = new HashSet<string>(StringComparer.Ordinal);
        var firstRemoved = -1;
        for (var i = tampering.Count - 1; i >= 0; i--)
        {
            var entry = tampering.EntryAt(i);
            if (entry.Stream == DemoExport.ElevatorStream || IsAbout(entry.SignedCommand.Command, DemoCommunity.ElevatorProjectId))
            {
                streams.Add(entry.Stream);
                tampering.RemoveAt(i);
                firstRemoved = i;
            }
        }
        foreach (var stream in streams)
        {
            tampering.Rechain(stream);
        }
        var folder = tampering.WriteTo("hidden-project");
        var size = ReSignCheckpoints(folder, checkpoints.Where(c => c.TreeSize <= firstRemoved));
        log.WriteLine($"{demo.Lines.Count - size} entries of {streams.Count} streams taken out from log position {firstRemoved}; {size} left");
        // A checkpoint people saw after the project's first entry, within what is left: same size,
        // another history. Signed here over the honest log, as the server signs one whenever the
        // log grows: which sizes the demo's own checkpoints fall on depends on its timing.
        var within = SignedAt(TreeOf(demo.Folder), size);

        var alone = Audit(folder);
        var againstNewest = Audit(folder, Pin(checkpoints[^1].Note));
        var againstWithin = Audit(folder, Pin(within.Note));

        Assert.True(alone.Valid, string.Join("\n", alone.Findings));
        var beyond = Assert.Single(againstNewest.Findings);
        Assert.Equal(FindingKind.PinnedCheckpointNotContained, beyond.Kind);
        var forked = Assert.Single(againstWithin.Findings);
        Assert.Equal(FindingKind.PinnedCheckpointNotContained, forked.Kind);
        Assert.Contains("root", forked.Check, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(CheckpointOf(within.Note).RootHash), forked.Expected);
    }

    [Fact]
    public void ACheckpointOfAnotherLogKeyIsRefusedWithAFindingThatNamesItsSigner()
    {
        using var otherKey = SigningKey.FromSeed(SHA256.HashData("another log's key"u8));
        var other = new NoteSigner(LogKey.Name, otherKey);
        var text = SignedNote.Parse(Encoding.UTF8.GetBytes(Checkpoints(demo.Folder)[^1].Note)).Note!.Text;
        var note = Encoding.UTF8.GetString(SignedNote.Sign(text, other));

        var report = Audit(demo.Folder, Pin(note));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingKind.CheckpointInvalid, finding.Kind);
        Assert.Contains("--checkpoint", finding.Check, StringComparison.Ordinal);
        Assert.Contains(nameof(NoteResult.NoSignatureByKnownKey), finding.Found, StringComparison.Ordinal);
        Assert.Contains($"{other.VerifierKey.KeyId:x8}", finding.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void EntriesAfterTheNewestCheckpointAreOneFindingWithTheirCountAndPositions()
    {
        var checkpoints = Checkpoints(demo.Folder);
        var covered = checkpoints[^2].TreeSize;
        var folder = demo.Tamper().KeepCheckpoints().WriteTo("newest-checkpoint-dropped");
        WriteCheckpoints(folder, checkpoints.SkipLast(1));

        var report = Audit(folder);
        var withTheNewestPinned = Audit(folder, Pin(checkpoints[^1].Note));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingKind.EntriesBeyondCheckpoint, finding.Kind);
        Assert.Equal(covered, finding.LogPosition);
        Assert.Equal($"{demo.Lines.Count - covered} entries after the checkpoint of {covered}, at log positions {covered} … {demo.Lines.Count - 1}", finding.Found);
        Assert.Equal(demo.Lines.Count - covered, report.EntriesBeyondCheckpoint);
        // The checkpoint people saw is signed by the log key too: it covers them.
        Assert.True(withTheNewestPinned.Valid, string.Join("\n", withTheNewestPinned.Findings));
    }

    [Fact]
    public async Task TheCommandLineTakesABareNoteAndABundleAndPinsBoth()
    {
        var newest = Checkpoints(demo.Folder)[^1];
        var noteFile = demo.NewFolder("pinned-note");
        await File.WriteAllTextAsync(noteFile, newest.Note);
        var bundleFile = demo.NewFolder("pinned-bundle");
        await File.WriteAllTextAsync(bundleFile, BundleOfTheFirstEntry(newest).ToJson().ToJsonString());

        var (exitCode, output, error) = await VerifierProcess.RunAsync("--checkpoint", noteFile, demo.Folder, "--root-key", demo.RootKeyId,
            "--log-key", demo.LogKey, "--checkpoint", bundleFile, "--lang", "en");

        Assert.True(exitCode == Ledger.Verifier.Verification.Audit.ValidExitCode, output + error);
        Assert.Contains("2 checkpoint(s) pinned with --checkpoint", output);
    }

    [Fact]
    public async Task TheCommandLineRefusesARolledBackExportWithTheNewestCheckpointPinned()
    {
        var checkpoints = Checkpoints(demo.Folder);
        var cut = checkpoints[^2].TreeSize;
        var folder = demo.Tamper().KeepCheckpoints().KeepFirst((int)cut).WriteTo("rollback-command-line");
        WriteCheckpoints(folder, checkpoints.Where(c => c.TreeSize <= cut));
        var noteFile = demo.NewFolder("rollback-pinned-note");
        await File.WriteAllTextAsync(noteFile, checkpoints[^1].Note);

        var (exitCode, output, _) = await VerifierProcess.RunAsync(folder, "--root-key", demo.RootKeyId, "--log-key", demo.LogKey, "--checkpoint", noteFile);

        Assert.Equal(Ledger.Verifier.Verification.Audit.FindingsExitCode, exitCode);
        Assert.Contains(nameof(FindingKind.PinnedCheckpointNotContained), output);
    }

    [Theory]
    [InlineData("not a checkpoint")]
    [InlineData("a checkpoint without its signature")]
    [InlineData("a note with a byte-order mark")]
    [InlineData("a bundle without its checkpoint")]
    [InlineData("no such file")]
    public async Task ACheckpointFileThatIsNotOneExitsWithTwoAndOneLine(string what)
    {
        var note = Checkpoints(demo.Folder)[^1].Note;
        var file = demo.NewFolder($"bad-checkpoint-{what}");
        byte[]? bytes = what switch
        {
            "not a checkpoint" => "not a checkpoint\n"u8.ToArray(),
            "a checkpoint without its signature" => Encoding.UTF8.GetBytes(SignedNote.Parse(Encoding.UTF8.GetBytes(note)).Note!.Text),
            "a note with a byte-order mark" => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(note)],
            "a bundle without its checkpoint" => Encoding.UTF8.GetBytes("{\"format\":1,\"entry\":\"x\"}"),
            _ => null,
        };
        if (bytes is not null)
        {
            await File.WriteAllBytesAsync(file, bytes);
        }

        var (exitCode, output, error) = await VerifierProcess.RunAsync(demo.Folder, "--checkpoint", file);

        Assert.Equal(Ledger.Verifier.Verification.Audit.UnusableExitCode, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"verifier: --checkpoint {file}", line, StringComparison.Ordinal);
    }

    NoteVerifierKey LogKey => NoteVerifierKey.Parse(demo.LogKey).Key!;

    AuditReport Audit(string folder, params PinnedCheckpoint[] pinned) =>
        Ledger.Verifier.Verification.Audit.Run(new ExportSource(folder), demo.RootKeyId, pinnedLogKey: demo.LogKey, pinnedCheckpoints: pinned);

    static PinnedCheckpoint Pin(string note) => PinnedCheckpoint.Parse("seen.note", Encoding.UTF8.GetBytes(note));

    static Checkpoint CheckpointOf(string note) => Checkpoint.Parse(SignedNote.Parse(Encoding.UTF8.GetBytes(note)).Note!.Text).Checkpoint!;

    static bool IsAbout(Command command, string projectId) =>
        command.Body.ValueKind == JsonValueKind.Object && command.Body.TryGetProperty("projectId", out var id)
        && id.ValueKind == JsonValueKind.String && id.GetString() == projectId;

    /// <summary>The lines of an export's checkpoints.jsonl: each checkpoint's tree size, note, and the line itself.</summary>
    static List<(long TreeSize, string Note, string Line)> Checkpoints(string folder) =>
        File.ReadAllText(Path.Combine(folder, LedgerExport.CheckpointsFileName)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line =>
            {
                var json = JsonNode.Parse(line)!;
                return (json["treeSize"]!.GetValue<long>(), json["note"]!.GetValue<string>(), line);
            })
            .ToList();

    static void WriteCheckpoints(string folder, IEnumerable<(long TreeSize, string Note, string Line)> checkpoints) =>
        File.WriteAllText(Path.Combine(folder, LedgerExport.CheckpointsFileName), string.Concat(checkpoints.Select(c => c.Line + "\n")));

    /// <summary>
    /// What the insider does with the log key from the data folder: keeps the checkpoints given
    /// and signs one more over the whole tampered log. Returns the log's size.
    /// </summary>
    long ReSignCheckpoints(string folder, IEnumerable<(long TreeSize, string Note, string Line)> kept)
    {
        var tree = TreeOf(folder);
        WriteCheckpoints(folder, [.. kept, SignedAt(tree, tree.Size)]);
        return tree.Size;
    }

    /// <summary>A checkpoint of <paramref name="tree"/> at <paramref name="size"/>, signed with the log key from the data folder.</summary>
    (long TreeSize, string Note, string Line) SignedAt(MerkleTree tree, long size)
    {
        var keyFile = Path.Combine(demo.Demo.DataFolder, "keys", LedgerServer.LogKeyFileName);
        using var logKey = KeyFile.Decode(File.ReadAllBytes(keyFile), keyFile).Key;
        var signer = new NoteSigner(LogKey.Name, logKey);
        Assert.Equal(demo.LogKey, signer.VerifierKey.Format());
        var note = Encoding.UTF8.GetString(SignedNote.Sign(Checkpoint.Create(signer.Name, size, tree.Root(size)).Format(), signer));
        var line = Encoding.UTF8.GetString(CanonicalJson.Encode(new JsonObject { ["note"] = note, ["treeSize"] = size }));
        return (size, note, line);
    }

    static MerkleTree TreeOf(string folder)
    {
        var tree = new MerkleTree();
        foreach (var line in File.ReadAllText(Path.Combine(folder, LedgerExport.EntriesFileName)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            tree.Append(LogLeaf.Of(Entry.Parse(Encoding.UTF8.GetBytes(line)).Hash));
        }
        return tree;
    }

    /// <summary>An offline bundle (FORMAT.md §10.5) of the log's first entry under the given checkpoint, as a resident keeps one.</summary>
    OfflineBundle BundleOfTheFirstEntry((long TreeSize, string Note, string Line) checkpoint)
    {
        var tree = TreeOf(demo.Folder);
        return new OfflineBundle(Encoding.UTF8.GetString(demo.Lines[0]), 0, checkpoint.Note, tree.InclusionProof(0, checkpoint.TreeSize), demo.LogKey);
    }
}
