using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

namespace Ledger.Verifier.Verification;

/// <param name="SpentFen">Restricted funds: what the source paid for, by expense category (payments not reversed); empty otherwise.</param>
public sealed record SourceFigures(string Source, long PlannedFen, long ReceivedFen, IReadOnlyDictionary<string, long> SpentFen);

/// <summary>A payment of a project with restricted funds: its category and how much each source paid.</summary>
public sealed record PaymentFigures(long DisbursementId, string Category, long AmountFen, IReadOnlyDictionary<string, long> AllocationFen);

public sealed record TrancheFigures(string Tranche, long CumulativeCapFen, bool Unlocked, long PaidFen);

/// <param name="FundDrawing">Restricted funds (docs/ENTRIES.md §"Restricted funds"): InOrder or ProRata; null when the funds are not restricted.</param>
/// <param name="Payments">Restricted funds: every payment not reversed, with where its money came from; empty otherwise.</param>
public sealed record ProjectFigures(string ProjectId, string Name, string Status, long ContractPriceFen,
    IReadOnlyList<SourceFigures> Sources, IReadOnlyList<TrancheFigures> Tranches, long ReceivedFen, long PaidFen, long PendingFen, long AvailableFen,
    string? FundDrawing, IReadOnlyList<PaymentFigures> Payments);

public sealed record ShareFigures(string ProjectId, long ShareFen, long PaidFen, long DueFen);

public sealed record HouseholdFigures(string HouseholdId, IReadOnlyList<ShareFigures> Shares, long PointsAwarded, long PointsSpent, long PointsReserved, long PointsBalance);

/// <summary>
/// What a resident supervisor reads after an audit: the verdict first, in plain words, with
/// anything that makes it untrustworthy (a root or log key that is not the one pinned); then
/// what was checked; the figures replayed from the ledger — per project plan against money
/// received, paid by tranche, available; per household paid against due, and points — then
/// every finding in plain words with its technical line; last, the machine-readable verdict.
/// Chinese by default, English on request (<see cref="ReportLanguage"/>); as text, HTML or JSON.
/// </summary>
public sealed record AuditReport(
    string Source,
    bool Valid,
    long EntryCount,
    int StreamCount,
    string? RootKeyId,
    string? PinnedRootKeyId,
    IReadOnlyList<ProjectFigures> Projects,
    IReadOnlyList<HouseholdFigures> Households,
    IReadOnlyList<Finding> Findings)
{
    static readonly string Version = typeof(AuditReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Every finding, listed or not (<see cref="LedgerAudit.MaxFindingsPerKind"/> of a kind are listed).</summary>
    public long FindingCount { get; init; } = Findings.Count;

    /// <summary>Per kind, how many findings are not listed.</summary>
    public IReadOnlyDictionary<FindingKind, long> FindingsNotListed { get; init; } = new Dictionary<FindingKind, long>();

    /// <summary>Whether signatures and rules were checked, or only hashes (--hash-only), in which case there are no figures: nothing was replayed.</summary>
    public AuditDepth Depth { get; init; } = AuditDepth.Full;

    public bool RootKeyPinned => PinnedRootKeyId is not null;

    /// <summary>The registry was opened as a trial (RegistryOpened says <c>"trial": true</c>): its root key was made on the server (FORMAT.md §12).</summary>
    public bool Trial { get; init; }

    /// <summary>A root key was pinned and the registry was not opened with it (or there is no registry): nothing in the report can be trusted.</summary>
    public bool RootKeyMismatch => PinnedRootKeyId is not null && PinnedRootKeyId != RootKeyId;

    /// <summary>The log key the checkpoints were checked with (FORMAT.md §10.3): the pinned one, else the one the source names.</summary>
    public string? LogVerifierKey { get; init; }

    /// <summary>The log key the source names, pinned or not.</summary>
    public string? SourceLogVerifierKey { get; init; }

    public bool LogKeyPinned { get; init; }

    /// <summary>A log key was pinned and the source names another.</summary>
    public bool LogKeyMismatch => LogKeyPinned && SourceLogVerifierKey is not null && SourceLogVerifierKey != LogVerifierKey;

    public int CheckpointCount { get; init; }

    public long? LatestCheckpointSize { get; init; }

    /// <summary>How many checkpoints were pinned with --checkpoint; each one the source does not hold is a finding.</summary>
    public int PinnedCheckpointCount { get; init; }

    /// <summary>How many entries follow the newest checkpoint the log key signed (and, with witnesses, the quorum cosigned): a finding in an export, a figure for a live database.</summary>
    public long EntriesBeyondCheckpoint { get; init; }

    /// <summary>The witnesses given with --witness whose cosignatures a checkpoint needed (vkeys); empty if none.</summary>
    public IReadOnlyList<string> Witnesses { get; init; } = [];

    /// <summary>How many distinct witnesses had to cosign a checkpoint for it to count; 0 without witnesses.</summary>
    public int WitnessQuorum { get; init; }

    /// <summary>When the audit ended.</summary>
    public DateTimeOffset AuditedAt { get; init; }

    /// <summary>The verifier's version (and commit) that made the report, so that a printed report says which program vouched for it.</summary>
    public string VerifierVersion { get; init; } = Version;

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static AuditReport From(ILedgerSource source, LedgerAudit audit, string? pinnedRootKeyId)
    {
        var projects = audit.States.Values.OfType<ProjectState>().Where(p => p.Status != ProjectStatus.NotOpened)
            .OrderBy(p => p.ProjectId, StringComparer.Ordinal).Select(Figures).ToList();
        var households = audit.States.Values.OfType<HouseholdState>().OrderBy(h => h.HouseholdId, StringComparer.Ordinal)
            .Select(h => Figures(h, audit.States.Values.OfType<ProjectState>())).ToList();
        return new AuditReport(source.Description, audit.FindingCount == 0, audit.EntryCount, audit.StreamCount,
            audit.Registry.RootKeyId, pinnedRootKeyId, projects, households, audit.Findings)
        {
            FindingCount = audit.FindingCount,
            FindingsNotListed = audit.FindingsNotListed,
            Trial = audit.Registry.IsTrial,
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The report as text (amounts in yuan with two decimals, as a notice board shows them); its last line is <see cref="FinalLine"/>.</summary>
    public string ToText(ReportLanguage language = ReportLanguage.Chinese)
    {
        var texts = ReportTexts.For(language);
        var text = new StringBuilder();
        foreach (var line in VerdictBlock(texts))
        {
            text.AppendLine(line);
        }
        text.AppendLine();
        foreach (var line in CheckedBlock(texts))
        {
            text.AppendLine(line);
        }
        // The two columns of amounts, each after one of two labels: planned or cap, received or paid.
        var (first, second) = (Math.Max(Columns(texts.Planned), Columns(texts.Cap)), Math.Max(Columns(texts.Received), Columns(texts.Paid)));
        foreach (var project in Projects)
        {
            text.AppendLine();
            text.AppendLine(texts.Project(project.ProjectId, project.Name, texts.Name(project.Status), Yuan(project.ContractPriceFen)));
            foreach (var source in project.Sources)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {Pad(texts.Name(source.Source), 22)} {Pad(texts.Planned, first)} {Yuan(source.PlannedFen),16}   {Pad(texts.Received, second)} {Yuan(source.ReceivedFen),16}");
            }
            foreach (var tranche in project.Tranches)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {Pad(texts.Tranche(texts.Name(tranche.Tranche)), 22)} {Pad(texts.Cap, first)} {Yuan(tranche.CumulativeCapFen),16}   {Pad(texts.Paid, second)} {Yuan(tranche.PaidFen),16}{(tranche.Unlocked ? "" : "   " + texts.Locked)}");
            }
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {texts.ProjectTotals(Yuan(project.ReceivedFen), Yuan(project.PaidFen), Yuan(project.PendingFen), Yuan(project.AvailableFen))}");
            foreach (var line in RestrictedFundsLines(project, texts))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
            }
        }
        if (Households.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(texts.HouseholdsHeading);
            foreach (var household in Households)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {household.HouseholdId,-14} {SharesOf(household, texts)}; {texts.Points(household.PointsBalance)}");
            }
        }
        if (FindingCount > 0)
        {
            text.AppendLine();
            text.AppendLine(texts.FindingsHeading(FindingCount));
            foreach (var (number, plain, technical) in FindingLines(texts))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{(number is null ? "" : $"{number}."),4} {plain}");
                text.AppendLine(CultureInfo.InvariantCulture, $"     {technical}");
            }
        }
        text.AppendLine();
        text.AppendLine(FinalLine);
        return text.ToString();
    }

    /// <summary>The report as one printable, self-contained HTML page (<see cref="HtmlReport"/>), with the same content as <see cref="ToText"/>.</summary>
    public string ToHtml(ReportLanguage language = ReportLanguage.Chinese) => HtmlReport.Write(this, ReportTexts.For(language));

    /// <summary>
    /// The last line, the same in every language, for scripts: VALID or INVALID and a count.
    /// </summary>
    [JsonIgnore]
    public string FinalLine => FindingCount == 0
        ? Depth == AuditDepth.HashOnly
            ? "VALID: every hash, chain and checkpoint checks out; signatures and rules were not checked (--hash-only)."
            : "VALID: every hash, chain, signature and rule checks out."
        : string.Create(CultureInfo.InvariantCulture, $"INVALID: {FindingCount} finding(s).");

    /// <summary>
    /// The verdict, then what must be read before anything else: a root or log key that is not
    /// the one pinned, no registry at all, or no root key pinned to compare with.
    /// </summary>
    internal IEnumerable<string> VerdictBlock(ReportTexts texts)
    {
        yield return FindingCount > 0 ? texts.Disagree(FindingCount, EntryCount, StreamCount, CheckpointCount)
            : Depth == AuditDepth.HashOnly ? texts.Intact(EntryCount, StreamCount, CheckpointCount)
            : texts.Agree(EntryCount, StreamCount, CheckpointCount);
        if (RootKeyId is null)
        {
            yield return texts.NoRegistry;
        }
        else if (PinnedRootKeyId is null)
        {
            yield return texts.RootKeyNotPinnedWarning(RootKeyId);
        }
        else if (RootKeyMismatch)
        {
            yield return texts.WrongRootKey(PinnedRootKeyId, RootKeyId);
        }
        if (LogKeyMismatch)
        {
            yield return texts.WrongLogKey(LogVerifierKey!, SourceLogVerifierKey!);
        }
        if (Trial)
        {
            yield return texts.Trial;
        }
    }

    /// <summary>What was audited, with which keys, how far, when, and by which verifier.</summary>
    internal IEnumerable<string> CheckedBlock(ReportTexts texts)
    {
        yield return texts.Source(Source);
        yield return texts.Counts(EntryCount, StreamCount);
        if (RootKeyId is not null)
        {
            yield return PinnedRootKeyId is null ? texts.RootKeyNotPinned(RootKeyId)
                : RootKeyMismatch ? texts.RootKeyDiffers(RootKeyId, PinnedRootKeyId)
                : texts.RootKeyMatches(RootKeyId);
        }
        yield return LogVerifierKey is null
            ? texts.NoLogKey
            : texts.Checkpoints(CheckpointCount, LatestCheckpointSize?.ToString(CultureInfo.InvariantCulture) ?? "-", LogVerifierKey)
                + (!LogKeyPinned ? texts.LogKeyNotPinned : LogKeyMismatch ? texts.LogKeyDiffers(SourceLogVerifierKey!) : texts.LogKeyPinned);
        if (WitnessQuorum > 0)
        {
            yield return texts.WitnessQuorum(WitnessQuorum, Witnesses.Count);
        }
        if (PinnedCheckpointCount > 0)
        {
            yield return texts.PinnedCheckpoints(PinnedCheckpointCount);
        }
        if (EntriesBeyondCheckpoint > 0)
        {
            yield return texts.EntriesBeyondCheckpoint(EntriesBeyondCheckpoint);
        }
        if (Depth == AuditDepth.HashOnly)
        {
            yield return texts.HashOnly;
        }
        yield return texts.AuditedAt(AuditedAt, VerifierVersion);
    }

    /// <summary>
    /// Each finding listed, numbered, then each kind's count of those not listed: in plain words,
    /// with the technical line beside it, which is the same in every language.
    /// </summary>
    internal IEnumerable<(int? Number, string Plain, string Technical)> FindingLines(ReportTexts texts) =>
        Findings.Select((f, i) => ((int?)i + 1, texts.Place(f.Stream, f.Sequence, f.LogPosition) + texts.Meaning(f.Kind), f.ToString()))
            .Concat(FindingsNotListed.OrderBy(k => k.Key).Select(k => ((int?)null, texts.NotListed(k.Value, k.Key),
                string.Create(CultureInfo.InvariantCulture, $"… and {k.Value} more {k.Key} finding(s), not listed: the first {LedgerAudit.MaxFindingsPerKind} of a kind are."))));

    /// <summary>Restricted funds: the drawing rule, what each source paid for, and where each payment's money came from; nothing otherwise.</summary>
    internal static IEnumerable<string> RestrictedFundsLines(ProjectFigures project, ReportTexts texts)
    {
        if (project.FundDrawing is not { } drawing)
        {
            yield break;
        }
        yield return texts.RestrictedFunds(texts.Name(drawing));
        foreach (var source in project.Sources.Where(s => s.SpentFen.Count > 0))
        {
            yield return texts.SourceSpent(texts.Name(source.Source), ByName(source.SpentFen, texts));
        }
        foreach (var payment in project.Payments)
        {
            yield return texts.PaymentDrawn(payment.DisbursementId, texts.Name(payment.Category), Yuan(payment.AmountFen), ByName(payment.AllocationFen, texts));
        }
    }

    static string ByName(IReadOnlyDictionary<string, long> fen, ReportTexts texts) =>
        string.Join(texts.ListSeparator, fen.Select(f => $"{texts.Name(f.Key)} {Yuan(f.Value)}"));

    internal static string SharesOf(HouseholdFigures household, ReportTexts texts) => household.Shares.Count == 0
        ? texts.NoShares
        : string.Join("; ", household.Shares.Select(s => texts.Share(s.ProjectId, Yuan(s.PaidFen), Yuan(s.ShareFen), Yuan(s.DueFen))));

    static ProjectFigures Figures(ProjectState project) => new(
        project.ProjectId, project.Name, project.Status.ToString(), project.ContractPriceFen,
        Enum.GetValues<FundingSource>().Select(s => new SourceFigures(s.ToString(), project.PlannedFen.GetValueOrDefault(s), project.ReceivedFen(s),
            ByName(project.SpentFen(s)))).ToList(),
        project.Tranches.Select(t => new TrancheFigures(t.Tranche.ToString(), project.CumulativeCapFen(t.Tranche),
            project.Reached(ProjectState.MilestoneOf(t.Tranche)), project.PaidFen(t.Tranche))).ToList(),
        project.TotalReceivedFen, project.TotalPaidFen, project.TotalPendingFen, project.AvailableFen,
        project.FundPolicy?.Drawing.ToString(),
        project.Disbursements.Values.Where(d => d.Status == DisbursementStatus.Paid && d.AllocationFen.Count > 0)
            .Select(d => new PaymentFigures(d.Id, d.Category!.Value.ToString(), d.AmountFen, ByName(d.AllocationFen))).ToList());

    static SortedDictionary<string, long> ByName<TEnum>(IReadOnlyDictionary<TEnum, long> fen) where TEnum : struct, Enum =>
        new(fen.ToDictionary(f => f.Key.ToString(), f => f.Value), StringComparer.Ordinal);

    static HouseholdFigures Figures(HouseholdState household, IEnumerable<ProjectState> projects) => new(
        household.HouseholdId,
        projects.Where(p => p.Campaign?.SharesFen.ContainsKey(household.HouseholdId) == true)
            .OrderBy(p => p.ProjectId, StringComparer.Ordinal)
            .Select(p =>
            {
                var share = p.Campaign!.SharesFen[household.HouseholdId];
                var paid = household.ContributionsFen.GetValueOrDefault(p.ProjectId);
                return new ShareFigures(p.ProjectId, share, paid, share - paid);
            })
            .ToList(),
        household.AwardedPoints, household.SpentPoints, household.ReservedPoints, household.BalancePoints);

    /// <summary>Pads to a width in terminal columns, where a Chinese character takes two: the figures line up in either language.</summary>
    static string Pad(string text, int columns) => text + new string(' ', Math.Max(0, columns - Columns(text)));

    static int Columns(string text) => text.Sum(c => c is >= '\u1100' and <= '\u115F' or >= '\u2E80' and <= '\uA4CF' or >= '\uAC00' and <= '\uD7A3'
        or >= '\uF900' and <= '\uFAFF' or >= '\uFE30' and <= '\uFE4F' or >= '\uFF00' and <= '\uFF60' or >= '\uFFE0' and <= '\uFFE6' ? 2 : 1);

    /// <summary>Fen as yuan, exactly: "¥1,234.05", and "-¥0.50" below zero (the sign before the currency, and kept for less than a yuan).</summary>
    internal static string Yuan(long fen)
    {
        var magnitude = fen < 0 ? unchecked(0UL - (ulong)fen) : (ulong)fen;
        return string.Create(CultureInfo.InvariantCulture, $"{(fen < 0 ? "-" : "")}¥{magnitude / 100:N0}.{magnitude % 100:D2}");
    }
}
