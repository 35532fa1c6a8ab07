using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Api.Export;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Signing;
using Ledger.Tests.Tampering;
using Ledger.Verifier.Verification;

namespace Ledger.Tests.Checkpoints;

/// <summary>
/// Issue 7 item 5: the verifier recomputes the root of every checkpoint in an export from its
/// entries, checks each checkpoint's signature by the log key (pinned, or reported as not
/// pinned), and their consistency — so a history cut, changed or re-signed after a checkpoint
/// was published is caught even when the attacker fixed the chain and the manifest.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class CheckpointAuditTests(DemoExport demo)
{
    [Fact]
    public void TheDemoExportCarriesCheckpointsThatVerifyUnderThePinnedLogKey()
    {
        var report = Ledger.Verifier.Verification.Audit.Run(new ExportSource(demo.Folder), demo.RootKeyId, pinnedLogKey: demo.LogKey);

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.True(report.CheckpointCount >= 1);
        Assert.True(report.LogKeyPinned);
        Assert.Contains(" (pinned).", report.ToText(ReportLanguage.English));
    }

    [Fact]
    public void WithoutAPinnedLogKeyTheKeyIsReportedAsNotPinned()
    {
        var report = Ledger.Verifier.Verification.Audit.Run(new ExportSource(demo.Folder), demo.RootKeyId);

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.Contains("NOT pinned", report.ToText(ReportLanguage.English).Split('\n').Single(l => l.Contains("signed checkpoint(s)")));
    }

    [Fact]
    public void ATailCutWithTheManifestRewrittenIsCaughtByTheCheckpointThatCoveredIt()
    {
        var tampering = demo.Tamper().KeepCheckpoints();
        tampering.RemoveAt(tampering.Count - 1);

        var report = Audit(tampering, "checkpoint-tail-cut");

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingKind.CheckpointMismatch, finding.Kind);
    }

    [Fact]
    public void AnEntryChangedAndReChainedAfterACheckpointChangesTheCheckpointsRoot()
    {
        var tampering = demo.Tamper().KeepCheckpoints()
            .Edit(DemoExport.ElevatorStream, "ReceiptRecorded", entry => entry["body"]!["amountFen"] = 1);

        var report = Audit(tampering, "checkpoint-history-changed");

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.CheckpointMismatch);
    }

    [Fact]
    public void AFlippedBitInACheckpointSignatureIsCaught()
    {
        var report = AuditWithCheckpoints("checkpoint-bit-flipped", lines =>
        {
            var checkpoint = JsonNode.Parse(lines[0])!.AsObject();
            var note = checkpoint["note"]!.GetValue<string>();
            var signature = note[(note.LastIndexOf(' ') + 1)..^1];
            var bytes = Convert.FromBase64String(signature);
            bytes[^1] ^= 0x01;
            checkpoint["note"] = note.Replace(signature, Convert.ToBase64String(bytes));
            lines[0] = Encoding.UTF8.GetString(CanonicalJson.Encode(checkpoint));
        });

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.CheckpointNotUnderNamedKey);
    }

    [Fact]
    public void CheckpointsReSignedByAnotherKeyAreCaughtUnderTheNamedLogKeyPinnedOrNot()
    {
        // The attacker rewrites history and signs fresh checkpoints over it with a key of their own.
        using var attackerKey = SigningKey.FromSeed(SHA256.HashData("attacker's log key"u8));
        var origin = NoteVerifierKey.Parse(demo.LogKey).Key!.Name;
        var signer = new NoteSigner(origin, attackerKey);
        var tampering = demo.Tamper().KeepCheckpoints()
            .Edit(DemoExport.ElevatorStream, "ReceiptRecorded", entry => entry["body"]!["amountFen"] = 1)
            .EditManifest(manifest => manifest["logVerifierKey"] = signer.VerifierKey.Format());
        var folder = tampering.WriteTo("checkpoint-re-signed");
        File.WriteAllText(Path.Combine(folder, LedgerExport.CheckpointsFileName), DemoExport.CheckpointLineOver(folder, signer));

        var unpinned = Ledger.Verifier.Verification.Audit.Run(new ExportSource(folder), demo.RootKeyId);
        var pinned = Ledger.Verifier.Verification.Audit.Run(new ExportSource(folder), demo.RootKeyId, pinnedLogKey: demo.LogKey);

        // The registry names the log key: the manifest's word for another is not taken, pinned or not.
        Assert.Contains(unpinned.Findings, f => f.Kind == FindingKind.CheckpointNotUnderNamedKey);
        Assert.Contains(pinned.Findings, f => f.Kind == FindingKind.CheckpointNotUnderNamedKey);
        Assert.Contains(pinned.Findings, f => f.Kind == FindingKind.LogKeyNotNamed && f.Found == signer.VerifierKey.Format());
    }

    [Fact]
    public void DroppedCheckpointsAreCaughtWhenTheLogKeyIsPinned()
    {
        var folder = demo.Tamper().WriteTo("checkpoints-dropped");

        var report = Ledger.Verifier.Verification.Audit.Run(new ExportSource(folder), demo.RootKeyId, pinnedLogKey: demo.LogKey);

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.CheckpointInvalid && f.Expected == "at least one checkpoint");
    }

    AuditReport Audit(ExportTampering tampering, string name) =>
        Ledger.Verifier.Verification.Audit.Run(new ExportSource(tampering.WriteTo(name)), demo.RootKeyId, pinnedLogKey: demo.LogKey);

    AuditReport AuditWithCheckpoints(string name, Action<List<string>> edit)
    {
        var folder = demo.Tamper().KeepCheckpoints().WriteTo(name);
        var path = Path.Combine(folder, LedgerExport.CheckpointsFileName);
        var lines = File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        edit(lines);
        File.WriteAllText(path, string.Join("", lines.Select(l => l + "\n")));
        return Ledger.Verifier.Verification.Audit.Run(new ExportSource(folder), demo.RootKeyId, pinnedLogKey: demo.LogKey);
    }
}
