using System.Text;
using Ledger.Verifier.Verification;
using Xunit.Abstractions;

namespace Ledger.Tests.Tampering;

/// <summary>
/// Issue 15: an audit stays bounded on any input. Junk yields a report whose findings are
/// capped per kind, with a count of the rest; a line longer than an entry may be is a finding,
/// not a line held in memory, and the lines after it are still read in their places.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class BoundedAuditTests(DemoExport demo, ITestOutputHelper log)
{
    [Fact]
    public void FiveMegabytesOfJunkLinesGiveACappedReportWithTheRestCounted()
    {
        var tampering = demo.Tamper();
        var junk = 0;
        for (long bytes = 0; bytes < 5_000_000; junk++)
        {
            var line = Encoding.UTF8.GetBytes($"junk line {junk}: not an entry at all, {{\"just\":\"noise\"}}");
            tampering.AppendLine(line);
            bytes += line.Length + 1;
        }

        var report = tampering.Audit("five-megabytes-of-junk");

        log.WriteLine($"{junk} junk lines: {report.FindingCount} finding(s), {report.Findings.Count} listed");
        Assert.Equal(Audit.FindingsExitCode, Audit.ExitCodeOf(report));
        Assert.Equal(LedgerAudit.MaxFindingsPerKind, report.Findings.Count(f => f.Kind == FindingKind.EntryMalformed));
        Assert.Equal(junk - LedgerAudit.MaxFindingsPerKind, report.FindingsNotListed[FindingKind.EntryMalformed]);
        Assert.Equal(report.FindingCount, report.Findings.Count + report.FindingsNotListed.Values.Sum());
        Assert.Contains($"… and {junk - LedgerAudit.MaxFindingsPerKind} more EntryMalformed finding(s)", report.ToText());
        Assert.True(report.ToText().Length < 200_000, $"{report.ToText().Length} characters of report");
    }

    [Fact]
    public void ALineLongerThanAnEntryMayBeIsAFindingAndTheLinesAfterItKeepTheirPlaces()
    {
        var tampering = demo.Tamper();
        var index = tampering.Count / 2;
        var overlong = Encoding.ASCII.GetBytes(new string('x', SourceLimits.MaxLineBytes + 1));
        tampering.SetLine(index, overlong);

        var report = tampering.Audit("overlong-line");

        var finding = Assert.Single(report.Findings, f => f.Kind == FindingKind.EntryMalformed);
        Assert.Equal(index, finding.LogPosition);
        Assert.Contains($"{SourceLimits.MaxLineBytes + 1} bytes, longer than the {SourceLimits.MaxLineBytes}", finding.Found);
        Assert.Equal(demo.Lines.Count, report.EntryCount);
        // The line was one entry's place: the lines after it keep theirs, so the only other
        // findings are about the entry it replaced, never the log's positions.
        Assert.DoesNotContain(report.Findings, f => f.Kind == FindingKind.LogBroken);
    }
}
