using System.Text;
using System.Text.Json;
using Ledger.Api.Export;
using Ledger.Verifier.Verification;

namespace Ledger.Tests.Tampering;

/// <summary>
/// Issue 15: the manifest and the checkpoints are read as exactly as the entries are. A
/// manifest pretty-printed or with a byte-order mark, a byte-order mark or CRLF in
/// checkpoints.jsonl or entries.jsonl, is a finding — never accepted, never a reason to stop.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class StrictReadingTests(DemoExport demo)
{
    static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    [Fact]
    public void APrettyPrintedManifestIsAFinding()
    {
        var report = AuditWith("pretty-manifest", LedgerExport.ManifestFileName, manifest =>
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(JsonDocument.Parse(manifest).RootElement, new JsonSerializerOptions { WriteIndented = true }) + "\n"));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingKind.ManifestMalformed, finding.Kind);
        Assert.Contains("canonical", finding.Found);
    }

    [Fact]
    public void AByteOrderMarkBeforeTheManifestIsAFinding()
    {
        var report = AuditWith("manifest-bom", LedgerExport.ManifestFileName, manifest => [.. ByteOrderMark, .. manifest]);

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.ManifestMalformed);
        Assert.False(report.Valid);
    }

    [Fact]
    public void AManifestThatIsNotJsonIsAFindingAndTheEntriesAreStillAudited()
    {
        var report = AuditWith("manifest-not-json", LedgerExport.ManifestFileName, _ => "not a manifest\n"u8.ToArray());

        Assert.Equal(FindingKind.ManifestMalformed, Assert.Single(report.Findings).Kind);
        Assert.Equal(demo.Lines.Count, report.EntryCount);
        Assert.Equal(Audit.FindingsExitCode, Audit.ExitCodeOf(report));
    }

    [Fact]
    public void CarriageReturnsInCheckpointsJsonlAreFindings()
    {
        var report = AuditWith("checkpoints-crlf", LedgerExport.CheckpointsFileName, CarriageReturnsBeforeLineFeeds);

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.CheckpointInvalid && f.Found.Contains("line 1", StringComparison.Ordinal));
        Assert.All(report.Findings, f => Assert.Equal(FindingKind.CheckpointInvalid, f.Kind));
    }

    [Fact]
    public void AByteOrderMarkInCheckpointsJsonlIsAFinding()
    {
        var report = AuditWith("checkpoints-bom", LedgerExport.CheckpointsFileName, checkpoints => [.. ByteOrderMark, .. checkpoints]);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingKind.CheckpointInvalid, finding.Kind);
        Assert.Contains("line 1", finding.Found);
    }

    [Fact]
    public void AByteOrderMarkInEntriesJsonlIsAFinding()
    {
        var report = AuditWith("entries-bom", LedgerExport.EntriesFileName, entries => [.. ByteOrderMark, .. entries], rewriteManifest: true);

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.EntryMalformed && f.LogPosition == 0);
        Assert.False(report.Valid);
    }

    [Fact]
    public void CarriageReturnsInEntriesJsonlAreFindings()
    {
        var report = AuditWith("entries-crlf", LedgerExport.EntriesFileName, CarriageReturnsBeforeLineFeeds, rewriteManifest: true);

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.EntryMalformed && f.LogPosition == 0);
        // Every line: those listed, and those counted beyond the cap.
        Assert.Equal(demo.Lines.Count, report.Findings.Count(f => f.Kind == FindingKind.EntryMalformed)
            + report.FindingsNotListed.GetValueOrDefault(FindingKind.EntryMalformed));
    }

    static byte[] CarriageReturnsBeforeLineFeeds(byte[] file) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(file).Replace("\n", "\r\n", StringComparison.Ordinal));

    /// <summary>
    /// Audits a copy of the export, checkpoints kept, with one file's bytes changed; with
    /// <paramref name="rewriteManifest"/> the manifest's checksum is made to match the changed entries.
    /// </summary>
    AuditReport AuditWith(string name, string fileName, Func<byte[], byte[]> change, bool rewriteManifest = false)
    {
        var folder = demo.Tamper().KeepCheckpoints().WriteTo(name);
        var path = Path.Combine(folder, fileName);
        var changed = change(File.ReadAllBytes(path));
        File.WriteAllBytes(path, changed);
        if (rewriteManifest)
        {
            var manifestPath = Path.Combine(folder, LedgerExport.ManifestFileName);
            var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllBytes(manifestPath))!.AsObject();
            manifest["entriesSha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(changed));
            File.WriteAllBytes(manifestPath, [.. Ledger.Canonical.CanonicalJson.Encode(manifest), (byte)'\n']);
        }
        return Audit.Run(new ExportSource(folder), demo.RootKeyId, pinnedLogKey: demo.LogKey);
    }
}
