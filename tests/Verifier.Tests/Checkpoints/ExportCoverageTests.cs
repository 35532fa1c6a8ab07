using System.Text.Json.Nodes;
using Ledger.Api.Export;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Rules.Households;
using Ledger.Signing;
using Ledger.Tests.Support;
using Ledger.Verifier.Verification;

namespace Ledger.Tests.Checkpoints;

/// <summary>
/// Issue 15 item 3: "An export whose newest checkpoint does not cover all of it says so" — and
/// an honest export is covered: written by a process holding the log key, it signs a
/// checkpoint over every entry first and ends at it.
/// </summary>
public sealed class ExportCoverageTests
{
    [Fact]
    public async Task AnExportWrittenWithTheLogKeyIsUnderItsNewestCheckpointAndOneWithoutItSaysWhatIsNot()
    {
        await using var domain = await SampleLedger.BuildAsync();
        using var logKey = SigningKey.FromSeed(new byte[32]);
        var log = new LogIntegrator(domain.Admin, new NoteSigner("verifier-test-log", logKey), TimeProvider.System);
        await Ledger.Tests.Hosting.RegistryOnHost.NameLogKeyAsync(domain.Host, log.VerifierKey!, domain.Clock.GetUtcNow());
        var covered = (await log.IntegrateAndSignNowAsync(default)).Latest!.TreeSize;
        // Accepted after the newest checkpoint, which has not been signed again since.
        await domain.Community.AcceptAsync(domain.Host, domain.Community.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = SampleLedger.Households[1],
            ["activity"] = "VolunteerService",
            ["quantity"] = 1,
            ["points"] = 100,
            ["reference"] = "after-the-checkpoint",
        });
        await using var database = await LedgerDatabase.OpenAsync(domain.ConnectionString, "unused", default);
        using var folder = TestFolder.Create();
        var withoutTheKey = Directory.CreateDirectory(Path.Combine(folder.Path, "without-the-key")).FullName;
        var withTheKey = Directory.CreateDirectory(Path.Combine(folder.Path, "with-the-key")).FullName;

        await LedgerExport.WriteDirectoryAsync(database, null, null, withoutTheKey, default);
        await LedgerExport.WriteDirectoryAsync(database, log, null, withTheKey, default);

        var uncovered = Audit.Run(new ExportSource(withoutTheKey), Ledger.Tests.Hosting.RegistryOnHost.Registrar.KeyId, pinnedLogKey: log.VerifierKey!.Format());
        var finding = Assert.Single(uncovered.Findings);
        Assert.Equal(FindingKind.EntriesBeyondCheckpoint, finding.Kind);
        Assert.Equal(covered, finding.LogPosition);
        Assert.Equal(covered + 1, uncovered.EntryCount);
        var signed = Audit.Run(new ExportSource(withTheKey), Ledger.Tests.Hosting.RegistryOnHost.Registrar.KeyId, pinnedLogKey: log.VerifierKey!.Format());
        Assert.True(signed.Valid, string.Join("\n", signed.Findings));
        Assert.Equal(covered + 1, signed.EntryCount);
        Assert.Equal(covered + 1, signed.LatestCheckpointSize);
    }
}
