using Ledger.Checkpoints;
using Ledger.Rules.Projects;
using Ledger.Signing;
using Ledger.Tests.Tampering;
using Ledger.Verifier.Verification;
using Xunit.Abstractions;

namespace Ledger.Tests.Reports;

/// <summary>
/// Issue 15 item 8: a report a resident supervisor can read — the verdict first, in Chinese by
/// default and in English on request, each finding in plain words with its technical line
/// beside it, a wrong key said at the top, and a printable HTML page of the same.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class ReadableReportTests(DemoExport demo, ITestOutputHelper log)
{
    const string Hostile = "</td><script>alert('付款')</script><img src=x onerror=alert(1)>";

    [Theory]
    [InlineData(0, "¥0.00")]
    [InlineData(5, "¥0.05")]
    [InlineData(123_456_789, "¥1,234,567.89")]
    [InlineData(-50, "-¥0.50")]
    [InlineData(-600_000, "-¥6,000.00")]
    [InlineData(long.MinValue, "-¥92,233,720,368,547,758.08")]
    public void AmountsAreWrittenExactlyWithTheSignBeforeTheCurrency(long fen, string written) =>
        Assert.Equal(written, AuditReport.Yuan(fen));

    [Fact]
    public void EveryFindingKindHasAPlainSentenceInChineseAndInEnglish()
    {
        foreach (var kind in Enum.GetValues<FindingKind>())
        {
            Assert.True(ReportTexts.FindingMeanings.TryGetValue(kind, out var meaning),
                $"FindingKind.{kind} has no plain words: add its Chinese and English sentence to ReportTexts.FindingMeanings (src/Verifier/Verification/ReportTexts.cs)");
            Assert.True(meaning.Chinese.Any(c => c is >= '\u4e00' and <= '\u9fff'), $"FindingKind.{kind}'s Chinese sentence is not Chinese: {meaning.Chinese}");
            Assert.True(meaning.English.Length > 0 && meaning.English.All(c => c < '\u0250'), $"FindingKind.{kind}'s English sentence is not English: {meaning.English}");
        }
    }

    [Fact]
    public void AKindWithoutASentenceStillReadsAndNamesItself()
    {
        var unknown = (FindingKind)999;

        Assert.Contains("999", ReportTexts.For(ReportLanguage.Chinese).Meaning(unknown));
        Assert.Contains("999", ReportTexts.For(ReportLanguage.English).Meaning(unknown));
    }

    [Fact]
    public void AValidReportSaysTheAccountsAgreeFirstAndEndsWithTheMachineReadableLine()
    {
        var report = Ledger.Verifier.Verification.Audit.Run(new ExportSource(demo.Folder), demo.RootKeyId, pinnedLogKey: demo.LogKey);

        var chinese = Lines(report.ToText());
        var english = Lines(report.ToText(ReportLanguage.English));
        log.WriteLine(string.Join("\n", chinese));

        Assert.StartsWith($"账目一致：核对了 {demo.Lines.Count} 条记录、{report.StreamCount} 个账本、{report.CheckpointCount} 个检查点", chinese[0]);
        Assert.StartsWith($"The accounts agree: {demo.Lines.Count} entries in {report.StreamCount} streams and {report.CheckpointCount} checkpoint(s) checked", english[0]);
        Assert.Equal("VALID: every hash, chain, signature and rule checks out.", chinese[^1]);
        Assert.Equal(chinese[^1], english[^1]);
        Assert.Contains($"根密钥 {demo.RootKeyId}：与指定的密钥一致。", chinese);
        Assert.Contains($"Root key {demo.RootKeyId}: matches the pinned key.", english);
        Assert.Contains(chinese, l => l.StartsWith("核对时间 ", StringComparison.Ordinal) && l.Contains(report.VerifierVersion, StringComparison.Ordinal));
        Assert.Contains("进度款", report.ToText());
    }

    [Fact]
    public void EachFindingIsInPlainWordsWithItsTechnicalLineBesideIt()
    {
        var report = demo.Tamper()
            .Edit(DemoExport.FacadeStream, ProjectEntryTypes.ReceiptRecorded, e =>
            {
                e["body"]!["amountFen"] = 25_000_000;
                e["signedCommand"]!["command"]!["body"]!["amountFen"] = 25_000_000;
            })
            .Audit("report plain words");
        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingKind.SignatureInvalid, finding.Kind);

        var chinese = Lines(report.ToText());
        var english = Lines(report.ToText(ReportLanguage.English));
        log.WriteLine(string.Join("\n", chinese));

        Assert.StartsWith("发现 1 处不一致：", chinese[0]);
        Assert.StartsWith("1 inconsistency found: ", english[0]);
        var place = $"项目 {DemoExport.FacadeStream["project/".Length..]} 的账本第 {finding.Sequence} 号记录：";
        var plain = Array.FindIndex(chinese, l => l.Contains(place + "这条记录的签名不是登记的密钥所签", StringComparison.Ordinal));
        Assert.True(plain > 0, "no plain sentence naming the place of the finding");
        Assert.Equal(finding.ToString(), chinese[plain + 1].Trim());
        Assert.StartsWith($"SignatureInvalid at {DemoExport.FacadeStream}#{finding.Sequence} (log {finding.LogPosition}): ", finding.ToString());
        var englishPlain = Array.FindIndex(english, l => l.Contains($"In project {DemoExport.FacadeStream["project/".Length..]}, entry {finding.Sequence}: This entry's signature", StringComparison.Ordinal));
        Assert.Equal(finding.ToString(), english[englishPlain + 1].Trim());
        Assert.Equal("INVALID: 1 finding(s).", chinese[^1]);
        Assert.Equal(chinese[^1], english[^1]);
    }

    [Fact]
    public void AWrongRootKeyIsSaidAtTheTopAndNoLineClaimsItMatches()
    {
        var wrong = DemoExport.UnregisteredKey("someone").KeyId;

        var report = demo.AuditPristine(wrong);

        var chinese = Lines(report.ToText());
        var english = Lines(report.ToText(ReportLanguage.English));
        log.WriteLine(string.Join("\n", english));
        Assert.True(report.RootKeyMismatch);
        Assert.StartsWith("发现 ", chinese[0]);
        Assert.StartsWith($"根密钥不符：您用 --root-key 指定的是 {wrong}，这份账目的登记簿却以 {demo.RootKeyId} 开启。", chinese[1]);
        Assert.StartsWith($"Wrong root key: you pinned {wrong} with --root-key, but this ledger's registry was opened with {demo.RootKeyId}.", english[1]);
        Assert.DoesNotContain(chinese, l => l.Contains("与指定的密钥一致", StringComparison.Ordinal));
        Assert.DoesNotContain(english, l => l.Contains("matches the pinned key", StringComparison.Ordinal));
        Assert.Contains($"Root key {demo.RootKeyId}: does NOT match the pinned key {wrong}.", english);
        Assert.Contains(report.Findings, f => f.Kind == FindingKind.RootKeyMismatch);
    }

    [Fact]
    public void AWrongLogKeyIsSaidAtTheTop()
    {
        var other = NoteVerifierKey.FromPublicKey("community-ledger/other", SigningKey.FromSeed(new byte[32]).PublicKey).Format();

        var report = demo.AuditPristine(demo.RootKeyId, pinnedLogKey: other);

        var english = Lines(report.ToText(ReportLanguage.English));
        log.WriteLine(string.Join("\n", english));
        Assert.True(report.LogKeyMismatch);
        Assert.StartsWith($"Wrong log key: you pinned {other} with --log-key, but this ledger names {demo.LogKey};", english[1]);
        Assert.StartsWith("日志密钥不符：", Lines(report.ToText())[1]);
        Assert.Contains(english, l => l.Contains($"checked against log key {other} (pinned; this ledger names another: {demo.LogKey}).", StringComparison.Ordinal));
        Assert.DoesNotContain(english, l => l.EndsWith(" (pinned).", StringComparison.Ordinal));
    }

    [Fact]
    public void TheHtmlReportIsSelfContainedPrintableAndSaysWhatTheTextSays()
    {
        var report = demo.AuditPristine(demo.RootKeyId, pinnedLogKey: demo.LogKey);

        var chinese = report.ToHtml();
        var english = report.ToHtml(ReportLanguage.English);

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"zh-CN\">", chinese);
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", english);
        foreach (var html in new[] { chinese, english })
        {
            foreach (var outside in new[] { "<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "http:", "https:" })
            {
                Assert.DoesNotContain(outside, html, StringComparison.OrdinalIgnoreCase);
            }
            Assert.Contains("@page { size: A4;", html);
            Assert.Contains("@media print", html);
            Assert.Contains(report.VerifierVersion, html);
            Assert.Contains("VALID: every hash, chain, signature and rule checks out.", html);
        }
        Assert.Contains($"<h1 class=\"agree\">{Lines(report.ToText())[0]}</h1>", chinese);
        Assert.Contains($"<h1 class=\"agree\">{Lines(report.ToText(ReportLanguage.English))[0]}</h1>", english);
        Assert.Contains("<li>" + System.Net.WebUtility.HtmlEncode(Lines(report.ToText()).Single(l => l.StartsWith("签名检查点", StringComparison.Ordinal))) + "</li>", chinese);
    }

    [Fact]
    public void AHostilePayeeInAnExportIsEscapedInTheHtmlReport()
    {
        // The officer re-signs a request whose payee is markup; the entry keeps the old payee,
        // so the finding's expected body carries the hostile one into the report.
        var tampering = demo.Tamper();
        var request = tampering.IndexOf(DemoExport.FacadeStream, ProjectEntryTypes.DisbursementRequested);
        tampering.ReSign(request, demo.KeyOf(tampering.EntryAt(request).SignedCommand.Command.PersonId), command => command["body"]!["payee"] = Hostile);

        var report = tampering.Audit("report hostile payee");

        Assert.Contains(report.Findings, f => f.ToString().Contains(Hostile, StringComparison.Ordinal));
        foreach (var html in new[] { report.ToHtml(), report.ToHtml(ReportLanguage.English) })
        {
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("</td><script", html, StringComparison.Ordinal);
            Assert.Contains("&lt;/td&gt;&lt;script&gt;alert(&#39;付款&#39;)&lt;/script&gt;", html);
        }
    }

    [Fact]
    public void EveryTextFromTheLedgerIsEscapedInTheHtmlReport()
    {
        var report = new AuditReport(Hostile, false, 1, 1, Hostile, null,
            [new ProjectFigures(Hostile, Hostile, Hostile, 1, [new SourceFigures(Hostile, 1, 1, new Dictionary<string, long> { [Hostile] = 1 })],
                [new TrancheFigures(Hostile, 1, false, 1)], 1, 1, 0, 0, Hostile, [new PaymentFigures(1, Hostile, 1, new Dictionary<string, long> { [Hostile] = 1 })])],
            [new HouseholdFigures(Hostile, [new ShareFigures(Hostile, 1, 1, 0)], 1, 0, 0, 1)],
            [new Finding(FindingKind.RuleViolation, "project/" + Hostile, 1, 1, Hostile, Hostile, Hostile)])
        {
            LogVerifierKey = Hostile,
        };

        var html = report.ToHtml();

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html);
    }

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
