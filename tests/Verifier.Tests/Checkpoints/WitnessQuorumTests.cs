using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Demo;
using Ledger.Api.Export;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Signing;
using Ledger.Tests.Cli;
using Ledger.Tests.Tampering;
using Ledger.Verifier.Verification;

namespace Ledger.Tests.Checkpoints;

/// <summary>
/// Issue 15 item 1, the verifier's side: with --witness (and --quorum) a checkpoint counts, to pin
/// history and to cover entries, only with valid cosignatures by the quorum of distinct witnesses
/// given (FORMAT.md §10.7). So the insider who holds the log key and rewrites history can re-sign
/// its checkpoints but not gather the witnesses' cosignatures for them: a finding without any pin.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class WitnessQuorumTests(DemoExport demo) : IDisposable
{
    readonly SigningKey residentsKey = SigningKey.FromSeed(SHA256.HashData("WitnessQuorumTests residents' committee"u8));
    readonly SigningKey auditorKey = SigningKey.FromSeed(SHA256.HashData("WitnessQuorumTests auditor"u8));

    public void Dispose()
    {
        residentsKey.Dispose();
        auditorKey.Dispose();
    }

    CosignatureSigner Residents => new("witness.example/residents-committee", residentsKey);

    CosignatureSigner Auditor => new("witness.example/auditor", auditorKey);

    WitnessQuorum Both(int? quorum = null) => WitnessQuorum.Parse([Residents.VerifierKey.Format(), Auditor.VerifierKey.Format()], quorum)!;

    [Fact]
    public void TheHonestExportCosignedByBothWitnessesIsValidWhenBothAreRequired()
    {
        var folder = Cosigned("cosigned-by-both", [Residents, Auditor]);

        var report = Audit(folder, Both());

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.Equal(2, report.WitnessQuorum);
        Assert.Equal(0, report.EntriesBeyondCheckpoint);
        Assert.Contains("cosignatures by 2 of the 2 witness(es)", report.ToText(ReportLanguage.English));
    }

    [Fact]
    public void CheckpointsCosignedByOneOfTwoWitnessesAreShortOfTheQuorumAndCoverNothing()
    {
        var folder = Cosigned("cosigned-by-one", [Residents]);

        var bothRequired = Audit(folder, Both());
        var oneRequired = Audit(folder, Both(quorum: 1));

        Assert.Equal([FindingKind.CheckpointShortOfQuorum, FindingKind.EntriesBeyondCheckpoint], bothRequired.Findings.Select(f => f.Kind));
        var shortfall = bothRequired.Findings[0];
        Assert.Equal("2 valid cosignatures", shortfall.Expected);
        Assert.Equal($"1 of 2: {Residents.VerifierKey.Name} Valid, {Auditor.VerifierKey.Name} NoCosignature", shortfall.Found);
        Assert.Equal(demo.Lines.Count, bothRequired.EntriesBeyondCheckpoint);
        Assert.True(oneRequired.Valid, string.Join("\n", oneRequired.Findings));
    }

    [Fact]
    public void EntriesAfterTheNewestCosignedCheckpointAreBeyondItEvenUnderANewerOneTheLogAloneSigned()
    {
        var folder = Cosigned("newest-not-cosigned", [Residents, Auditor], cosignNewest: false);
        var checkpoints = CheckpointLines(folder);
        var covered = checkpoints[^2].TreeSize;

        var report = Audit(folder, Both());

        Assert.Equal([FindingKind.CheckpointShortOfQuorum, FindingKind.EntriesBeyondCheckpoint], report.Findings.Select(f => f.Kind));
        Assert.Contains($"of {checkpoints[^1].TreeSize},", report.Findings[0].Check, StringComparison.Ordinal);
        Assert.Equal(demo.Lines.Count - covered, report.EntriesBeyondCheckpoint);
        // Without witnesses the log's signature alone covers them.
        Assert.True(Audit(folder, null).Valid);
    }

    [Fact]
    public void ACosignatureNoWitnessMadeIsAFinding()
    {
        var folder = Cosigned("forged-cosignature", [Residents, Auditor]);
        var checkpoints = CheckpointLines(folder);
        var forged = checkpoints[^1].Note.Replace(Line(Auditor, checkpoints[^1].Note)[..^1], Flip(Line(Auditor, checkpoints[^1].Note)[..^1]), StringComparison.Ordinal);
        WriteCheckpoints(folder, [.. checkpoints.SkipLast(1).Select(c => c.Note), forged]);

        var report = Audit(folder, Both());

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.CheckpointInvalid
            && f.Check.Contains(Auditor.VerifierKey.Format(), StringComparison.Ordinal) && f.Found == nameof(CosignatureResult.SignatureInvalid));
        Assert.Contains(report.Findings, f => f.Kind == FindingKind.CheckpointShortOfQuorum);
    }

    [Fact]
    public void AProjectTakenOutAndTheCheckpointsReSignedIsAFindingUnderWitnessesWithoutAnyPin()
    {
        var honest = Cosigned("hidden-project-honest", [Residents, Auditor]);
        var tampering = demo.Tamper();
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
        var folder = tampering.WriteTo("hidden-project-witnessed");
        // The insider keeps the cosigned checkpoints from before the project and signs one more
        // over what is left with the log key; no witness cosigns it, as none would.
        var kept = CheckpointLines(honest).Where(c => c.TreeSize <= firstRemoved).Select(c => c.Line + "\n");
        File.WriteAllText(Path.Combine(folder, LedgerExport.CheckpointsFileName), string.Concat(kept) + DemoExport.CheckpointLineOver(folder, demo.LogSigner));

        var alone = Audit(folder, null);
        var witnessed = Audit(folder, Both());

        Assert.True(alone.Valid, string.Join("\n", alone.Findings));
        Assert.Equal([FindingKind.CheckpointShortOfQuorum, FindingKind.EntriesBeyondCheckpoint], witnessed.Findings.Select(f => f.Kind));
    }

    [Fact]
    public void APinnedCheckpointShortOfTheQuorumPinsNothingAndSaysSo()
    {
        var folder = Cosigned("pinned-not-cosigned", [Residents, Auditor]);
        var unsigned = CheckpointLines(demo.Folder)[^1].Note;

        var report = Ledger.Verifier.Verification.Audit.Run(new ExportSource(folder), demo.RootKeyId, pinnedLogKey: demo.LogKey,
            pinnedCheckpoints: [PinnedCheckpoint.Parse("seen.note", Encoding.UTF8.GetBytes(unsigned))], witnesses: Both());

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingKind.CheckpointShortOfQuorum, finding.Kind);
        Assert.Contains("--checkpoint seen.note", finding.Check, StringComparison.Ordinal);
    }

    [Fact]
    public void OneKeyGivenUnderTwoNamesIsOneWitness()
    {
        var renamed = new CosignatureSigner("witness.example/residents-again", residentsKey).VerifierKey.Format();

        var quorum = WitnessQuorum.Parse([Residents.VerifierKey.Format(), renamed], null)!;

        Assert.Equal(1, quorum.Quorum);
        Assert.Throws<UnreadableInputException>(() => WitnessQuorum.Parse([Residents.VerifierKey.Format(), renamed], 2));
    }

    [Fact]
    public async Task TheCommandLineTakesWitnessesAndAQuorum()
    {
        var folder = Cosigned("cosigned-command-line", [Residents, Auditor]);
        string[] witnesses = ["--witness", Residents.VerifierKey.Format(), "--witness", Auditor.VerifierKey.Format()];

        var valid = await VerifierProcess.RunAsync([folder, "--root-key", demo.RootKeyId, "--log-key", demo.LogKey, .. witnesses, "--quorum", "2", "--lang", "en"]);
        var tooMany = await VerifierProcess.RunAsync([folder, .. witnesses, "--quorum", "3"]);
        var none = await VerifierProcess.RunAsync([folder, "--quorum", "1"]);
        var notAWitness = await VerifierProcess.RunAsync([folder, "--witness", demo.LogKey]);

        Assert.True(valid.ExitCode == Ledger.Verifier.Verification.Audit.ValidExitCode, valid.Output + valid.Error);
        Assert.Contains("cosignatures by 2 of the 2 witness(es)", valid.Output);
        foreach (var (exitCode, output, error) in new[] { tooMany, none, notAWitness })
        {
            Assert.Equal(Ledger.Verifier.Verification.Audit.UnusableExitCode, exitCode);
            Assert.Equal("", output);
            Assert.StartsWith("verifier: --", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        }
    }

    AuditReport Audit(string folder, WitnessQuorum? witnesses) =>
        Ledger.Verifier.Verification.Audit.Run(new ExportSource(folder), demo.RootKeyId, pinnedLogKey: demo.LogKey, witnesses: witnesses);

    /// <summary>A copy of the honest export whose checkpoints carry the witnesses' cosignatures, as a server that submits them keeps them.</summary>
    string Cosigned(string name, CosignatureSigner[] witnesses, bool cosignNewest = true)
    {
        var folder = demo.Tamper().KeepCheckpoints().WriteTo(name);
        var checkpoints = CheckpointLines(folder);
        WriteCheckpoints(folder, checkpoints.Select((c, i) => cosignNewest || i < checkpoints.Count - 1 ? Cosign(c.Note, witnesses) : c.Note));
        return folder;
    }

    static string Cosign(string note, CosignatureSigner[] witnesses)
    {
        var bytes = Encoding.UTF8.GetBytes(note);
        var text = SignedNote.Parse(bytes).Note!.Text;
        var lines = string.Concat(witnesses.Select(w => w.SignatureLine(text, 1_780_000_000)));
        return Encoding.UTF8.GetString(SignedNote.AddSignatureLines(bytes, Encoding.UTF8.GetBytes(lines)).Note!);
    }

    static string Line(CosignatureSigner witness, string note) =>
        note.Split('\n').Single(l => l.StartsWith($"\u2014 {witness.VerifierKey.Name} ", StringComparison.Ordinal)) + "\n";

    // A character of the signature changed, the base64 still canonical: the last before the padding.
    // One base64 digit of the signature changed, in its last full group (a cosignature's 76 bytes
    // end "xy=="): still canonical base64, so the note parses and only the signature fails. A digit
    // of the padded last group may carry bits that must be zero, and whether it did hung on the
    // signature, so on the time of the cosignature.
    static string Flip(string line) => line[..^6] + (line[^6] == 'A' ? 'B' : 'A') + line[^5..];

    static List<(long TreeSize, string Note, string Line)> CheckpointLines(string folder) =>
        File.ReadAllText(Path.Combine(folder, LedgerExport.CheckpointsFileName)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line =>
            {
                var json = JsonNode.Parse(line)!;
                return (json["treeSize"]!.GetValue<long>(), json["note"]!.GetValue<string>(), line);
            })
            .ToList();

    static void WriteCheckpoints(string folder, IEnumerable<string> notes) =>
        File.WriteAllText(Path.Combine(folder, LedgerExport.CheckpointsFileName), string.Concat(notes.Select(note =>
        {
            var size = Checkpoint.Parse(SignedNote.Parse(Encoding.UTF8.GetBytes(note)).Note!.Text).Checkpoint!.TreeSize;
            return Encoding.UTF8.GetString(CanonicalJson.Encode(new JsonObject { ["note"] = note, ["treeSize"] = size })) + "\n";
        })));

    static bool IsAbout(Command command, string projectId) =>
        command.Body.ValueKind == JsonValueKind.Object && command.Body.TryGetProperty("projectId", out var id)
        && id.ValueKind == JsonValueKind.String && id.GetString() == projectId;
}
