using Ledger.Api.Export;
using Ledger.Tests.Cli;
using Ledger.Verifier.Verification;
using Xunit.Abstractions;

namespace Ledger.Tests.Tampering;

/// <summary>
/// Issue 15, "time travel", as the insider who holds every key the server keeps: two warranty
/// attestations dated years ahead, then the warranty tranche requested, approved and paid today,
/// each command signed by its real signer's key, the streams chained, the manifest rebuilt and a
/// new checkpoint signed with the log's own key over it all. The rules hold as the entries are
/// dated; only the time going back along the log (FORMAT.md §4.5) gives it away.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class TimeTravelTests(DemoExport demo, ITestOutputHelper log)
{
    [Fact]
    public async Task TheWarrantyPaidYearsEarlyWithEveryKeyOfTheServerIsAFindingAndExitsWithOne()
    {
        var folder = TamperSuiteTests.All.Single(t => t.Name == TamperSuiteTests.TimeTravel).Apply(demo).KeepCheckpoints().WriteTo("time-travel-re-signed");
        // The exported checkpoints still hold for the untouched prefix; the insider adds one over the whole log.
        File.AppendAllText(Path.Combine(folder, LedgerExport.CheckpointsFileName), DemoExport.CheckpointLineOver(folder, demo.LogSigner));

        var (exitCode, output, error) = await VerifierProcess.RunAsync(folder, "--root-key", demo.RootKeyId, "--log-key", demo.LogKey);

        log.WriteLine(output);
        Assert.True(exitCode == Audit.FindingsExitCode, error);
        Assert.Contains(nameof(FindingKind.RecordedTimeWentBack), output);
        var report = Audit.Run(new ExportSource(folder), demo.RootKeyId, pinnedLogKey: demo.LogKey);
        Assert.NotEmpty(report.Findings);
        Assert.All(report.Findings, f => Assert.Equal(FindingKind.RecordedTimeWentBack, f.Kind));
        Assert.Equal(DemoExport.ElevatorStream, report.Findings[0].Stream);
    }
}
