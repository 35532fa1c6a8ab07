using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ledger.Api.Export;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Rules.Households;
using Ledger.Signing;
using Ledger.Tests.Hosting;
using Ledger.Tests.Support;
using Ledger.Tests.Tampering;
using Ledger.Verifier.Verification;

namespace Ledger.Tests.Checkpoints;

/// <summary>
/// Issue 15 item 2: the log key is the one the registrar names (LogKeyNamed, FORMAT.md §10.3).
/// A verifier holding only the root fingerprint learns it from the registry: a rotated key
/// signs the checkpoints after its naming and the old key those before, and a checkpoint under
/// a key nobody named is a finding. A trial ledger's report says so at its top.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class NamedLogKeyTests(DemoExport demo)
{
    [Fact]
    public async Task ALogKeyRotatedByTheRegistrarSignsTheCheckpointsAfterItsNamingAndTheExportIsValidWithTheRootKeyAlone()
    {
        await using var domain = await SampleLedger.BuildAsync();
        using var firstKey = SigningKey.FromSeed(SHA256.HashData("first log key"u8));
        using var nextKey = SigningKey.FromSeed(SHA256.HashData("next log key"u8));
        var first = new LogIntegrator(domain.Admin, new NoteSigner("rotated-log", firstKey), TimeProvider.System);
        var next = new LogIntegrator(domain.Admin, new NoteSigner("rotated-log", nextKey), TimeProvider.System);
        await RegistryOnHost.NameLogKeyAsync(domain.Host, first.VerifierKey!, domain.Clock.GetUtcNow());
        var before = (await first.IntegrateAndSignNowAsync(default)).Latest!.TreeSize;
        await RegistryOnHost.NameLogKeyAsync(domain.Host, next.VerifierKey!, domain.Clock.GetUtcNow());
        await domain.Community.AcceptAsync(domain.Host, domain.Community.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = SampleLedger.Households[0],
            ["activity"] = "VolunteerService",
            ["quantity"] = 1,
            ["points"] = 100,
            ["reference"] = "after-the-rotation",
        });

        Assert.Equal(CheckpointDecision.NotNamed, (await first.IntegrateAndSignNowAsync(default)).Decision);
        var after = (await next.IntegrateAndSignNowAsync(default)).Latest!.TreeSize;
        await using var database = await LedgerDatabase.OpenAsync(domain.ConnectionString, "unused", default);
        using var folder = TestFolder.Create();
        await LedgerExport.WriteDirectoryAsync(database, next, null, folder.Path, default);

        var report = Audit.Run(new ExportSource(folder.Path), RegistryOnHost.Registrar.KeyId);

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.Equal(2, report.CheckpointCount);
        Assert.Equal(after, report.LatestCheckpointSize);
        Assert.True(before < after);
        Assert.False(report.Trial);
    }

    [Fact]
    public void CheckpointsReSignedByAKeyNobodyNamedAreFindingsWithTheRootKeyAlone()
    {
        // The operator rewrites history and signs fresh checkpoints with a key of their own, and
        // names it in the manifest: the registry, which only the registrar signs, names another.
        using var operatorKey = SigningKey.FromSeed(SHA256.HashData("operator's own log key"u8));
        var signer = new NoteSigner(NoteVerifierKey.Parse(demo.LogKey).Key!.Name, operatorKey);
        var folder = demo.Tamper()
            .EditManifest(manifest => manifest["logVerifierKey"] = signer.VerifierKey.Format())
            .WriteTo("checkpoint-by-an-unnamed-key");
        File.WriteAllText(Path.Combine(folder, LedgerExport.CheckpointsFileName), DemoExport.CheckpointLineOver(folder, signer));

        var report = Audit.Run(new ExportSource(folder), demo.RootKeyId);

        Assert.False(report.Valid);
        Assert.Contains(report.Findings, f => f.Kind == FindingKind.CheckpointNotUnderNamedKey);
        Assert.Contains(report.Findings, f => f.Kind == FindingKind.LogKeyNotNamed && f.Found == signer.VerifierKey.Format());
        Assert.DoesNotContain(report.Findings, f => f.Kind is FindingKind.CheckpointMismatch);
    }

    [Fact]
    public void ALogKeyPinnedThatTheRegistryDoesNotNameIsAFinding()
    {
        var other = NoteVerifierKey.FromPublicKey(NoteVerifierKey.Parse(demo.LogKey).Key!.Name,
            SigningKey.FromSeed(SHA256.HashData("a key nobody named"u8)).PublicKey).Format();

        var report = demo.AuditPristine(demo.RootKeyId, pinnedLogKey: other);

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.LogKeyNotNamed && f.Found == other);
    }

    [Fact]
    public void ATrialLedgerIsValidAndItsReportSaysTrialAtTheTopInBothLanguages()
    {
        var report = demo.AuditPristine(demo.RootKeyId);

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.True(report.Trial);
        // In the verdict block, before the blank line that ends it.
        Assert.Contains(report.ToText(ReportLanguage.Chinese).Split("\n\n")[0].Split('\n'), line => line.StartsWith("试运行", StringComparison.Ordinal));
        Assert.Contains(report.ToText(ReportLanguage.English).Split("\n\n")[0].Split('\n'), line => line.StartsWith("TRIAL", StringComparison.Ordinal));
        Assert.Contains("\"trial\": true", report.ToJson());
    }
}
