using System.Net;
using System.Text;

namespace Ledger.Verifier.Verification;

/// <summary>
/// The audit report as one HTML page to print for a residents' meeting: the same content as
/// the text report, laid out in tables. Self-contained — inline CSS, no script, nothing fetched
/// from anywhere — and A4 in print. Every text is escaped: names, ids and a finding's found
/// value come from the export, which whoever made it wrote.
/// </summary>
static class HtmlReport
{
    const string Style = """
        @page { size: A4; margin: 15mm 14mm; }
        body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
               font-size: 11pt; line-height: 1.5; color: #000; background: #fff; max-width: 182mm; margin: 0 auto; padding: 8mm 0; }
        h1 { font-size: 17pt; margin: 0 0 3mm; padding: 3mm 4mm; border: 2pt solid; }
        h1.agree { border-color: #1a7f37; }
        h1.disagree { border-color: #b42318; }
        h2 { font-size: 13pt; border-bottom: 1pt solid #888; margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }
        h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; page-break-after: avoid; }
        .warning { font-weight: bold; border-left: 3pt solid #b42318; padding-left: 3mm; }
        ul { padding-left: 5mm; }
        li, td { overflow-wrap: anywhere; }
        table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        th, td { border: 0.5pt solid #999; padding: 1mm 2mm; text-align: left; vertical-align: top; }
        th::first-letter { text-transform: uppercase; }
        td.amount { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        .technical { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 8.5pt; }
        footer { margin-top: 6mm; border-top: 1pt solid #888; padding-top: 2mm; }
        @media print { body { padding: 0; max-width: none; } }
        """;

    public static string Write(AuditReport report, ReportTexts texts)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(E(texts.HtmlLanguage)).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(texts.Title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n<header>\n");
        var verdict = true;
        foreach (var line in report.VerdictBlock(texts))
        {
            html.Append(verdict ? $"<h1 class=\"{(report.FindingCount == 0 ? "agree" : "disagree")}\">{E(line)}</h1>\n" : $"<p class=\"warning\">{E(line)}</p>\n");
            verdict = false;
        }
        html.Append("</header>\n<section>\n<h2>").Append(E(texts.CheckedHeading)).Append("</h2>\n<ul>\n");
        foreach (var line in report.CheckedBlock(texts))
        {
            html.Append("<li>").Append(E(line)).Append("</li>\n");
        }
        html.Append("</ul>\n</section>\n");
        if (report.Projects.Count > 0)
        {
            html.Append("<section>\n<h2>").Append(E(texts.ProjectsHeading)).Append("</h2>\n");
            foreach (var project in report.Projects)
            {
                html.Append("<h3>").Append(E(texts.Project(project.ProjectId, project.Name, texts.Name(project.Status), AuditReport.Yuan(project.ContractPriceFen))))
                    .Append("</h3>\n<table>\n");
                Row(html, "th", "", texts.Planned, texts.Received);
                foreach (var source in project.Sources)
                {
                    Row(html, "td", texts.Name(source.Source), AuditReport.Yuan(source.PlannedFen), AuditReport.Yuan(source.ReceivedFen));
                }
                Row(html, "th", "", texts.Cap, texts.Paid);
                foreach (var tranche in project.Tranches)
                {
                    Row(html, "td", texts.Tranche(texts.Name(tranche.Tranche)) + (tranche.Unlocked ? "" : " " + texts.Locked),
                        AuditReport.Yuan(tranche.CumulativeCapFen), AuditReport.Yuan(tranche.PaidFen));
                }
                html.Append("</table>\n<p>")
                    .Append(E(texts.ProjectTotals(AuditReport.Yuan(project.ReceivedFen), AuditReport.Yuan(project.PaidFen),
                        AuditReport.Yuan(project.PendingFen), AuditReport.Yuan(project.AvailableFen))))
                    .Append("</p>\n");
                foreach (var line in AuditReport.RestrictedFundsLines(project, texts))
                {
                    html.Append("<p>").Append(E(line)).Append("</p>\n");
                }
            }
            html.Append("</section>\n");
        }
        if (report.Households.Count > 0)
        {
            html.Append("<section>\n<h2>").Append(E(texts.HouseholdsHeading)).Append("</h2>\n<table>\n<thead>\n<tr><th>").Append(E(texts.Household))
                .Append("</th><th>").Append(E(texts.Shares)).Append("</th><th>").Append(E(texts.PointsBalance)).Append("</th></tr>\n</thead>\n<tbody>\n");
            foreach (var household in report.Households)
            {
                html.Append("<tr><td>").Append(E(household.HouseholdId)).Append("</td><td>").Append(E(AuditReport.SharesOf(household, texts)))
                    .Append("</td><td class=\"amount\">").Append(household.PointsBalance).Append("</td></tr>\n");
            }
            html.Append("</tbody>\n</table>\n</section>\n");
        }
        if (report.FindingCount > 0)
        {
            html.Append("<section>\n<h2>").Append(E(texts.FindingsHeading(report.FindingCount))).Append("</h2>\n<table>\n<thead>\n<tr><th>#</th><th>")
                .Append(E(texts.MeaningColumn)).Append("</th><th>").Append(E(texts.TechnicalColumn)).Append("</th></tr>\n</thead>\n<tbody>\n");
            foreach (var (number, plain, technical) in report.FindingLines(texts))
            {
                html.Append("<tr><td>").Append(number).Append("</td><td>").Append(E(plain)).Append("</td><td class=\"technical\">").Append(E(technical))
                    .Append("</td></tr>\n");
            }
            html.Append("</tbody>\n</table>\n</section>\n");
        }
        html.Append("<footer>\n<p class=\"technical\">").Append(E(report.FinalLine)).Append("</p>\n</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>A row of a figures table: a label, then two amounts (or, as a header, their names).</summary>
    static void Row(StringBuilder html, string cell, string label, string first, string second)
    {
        var amount = cell == "td" ? " class=\"amount\"" : "";
        html.Append($"<tr><{cell}>{E(label)}</{cell}><{cell}{amount}>{E(first)}</{cell}><{cell}{amount}>{E(second)}</{cell}></tr>\n");
    }

    static string E(string text) => WebUtility.HtmlEncode(text);
}
