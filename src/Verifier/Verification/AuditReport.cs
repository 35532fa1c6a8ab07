using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

namespace Ledger.Verifier.Verification;

public sealed record SourceFigures(string Source, long PlannedFen, long ReceivedFen);

public sealed record TrancheFigures(string Tranche, long CumulativeCapFen, bool Unlocked, long PaidFen);

public sealed record ProjectFigures(string ProjectId, string Name, string Status, long ContractPriceFen,
    IReadOnlyList<SourceFigures> Sources, IReadOnlyList<TrancheFigures> Tranches, long ReceivedFen, long PaidFen, long PendingFen, long AvailableFen);

public sealed record ShareFigures(string ProjectId, long ShareFen, long PaidFen, long DueFen);

public sealed record HouseholdFigures(string HouseholdId, IReadOnlyList<ShareFigures> Shares, long PointsAwarded, long PointsSpent, long PointsReserved, long PointsBalance);

/// <summary>
/// What a resident supervisor reads after an audit: the figures replayed from the ledger —
/// per project plan against money received, paid by tranche, available; per household paid
/// against due, and points — then every finding.
/// </summary>
public sealed record AuditReport(
    string Source,
    bool Valid,
    long EntryCount,
    int StreamCount,
    string? RootKeyId,
    bool RootKeyPinned,
    IReadOnlyList<ProjectFigures> Projects,
    IReadOnlyList<HouseholdFigures> Households,
    IReadOnlyList<Finding> Findings)
{
    /// <summary>Every finding, listed or not (<see cref="LedgerAudit.MaxFindingsPerKind"/> of a kind are listed).</summary>
    public long FindingCount { get; init; } = Findings.Count;

    /// <summary>Per kind, how many findings are not listed.</summary>
    public IReadOnlyDictionary<FindingKind, long> FindingsNotListed { get; init; } = new Dictionary<FindingKind, long>();

    /// <summary>Whether signatures and rules were checked, or only hashes (--hash-only), in which case there are no figures: nothing was replayed.</summary>
    public AuditDepth Depth { get; init; } = AuditDepth.Full;

    /// <summary>The log key the checkpoints were checked with (FORMAT.md §10.3).</summary>
    public string? LogVerifierKey { get; init; }

    public bool LogKeyPinned { get; init; }

    public int CheckpointCount { get; init; }

    public long? LatestCheckpointSize { get; init; }

    /// <summary>How many checkpoints were pinned with --checkpoint; each one the source does not hold is a finding.</summary>
    public int PinnedCheckpointCount { get; init; }

    /// <summary>How many entries follow the newest checkpoint the log key signed: a finding in an export, a figure for a live database.</summary>
    public long EntriesBeyondCheckpoint { get; init; }

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
            audit.Registry.RootKeyId, pinnedRootKeyId is not null, projects, households, audit.Findings)
        {
            FindingCount = audit.FindingCount,
            FindingsNotListed = audit.FindingsNotListed,
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The plain-language report (amounts in yuan with two decimals, as a notice board shows them).</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Audit of {Source}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{EntryCount} entries in {StreamCount} streams.");
        text.AppendLine(RootKeyId is null
            ? "No registry: there is no root key to trust."
            : RootKeyPinned
                ? $"Root key {RootKeyId}: matches the pinned key."
                : $"Root key {RootKeyId}: NOT pinned — compare this fingerprint with the one the street office publishes, then run again with --root-key {RootKeyId}.");
        text.AppendLine(LogVerifierKey is null
            ? "No log key and no signed checkpoints: nothing shows that this history is the one the log signed."
            : $"{CheckpointCount} signed checkpoint(s), the latest at {LatestCheckpointSize?.ToString(CultureInfo.InvariantCulture) ?? "-"} entries, by log key {LogVerifierKey}"
                + (LogKeyPinned ? " (pinned)." : " — NOT pinned: compare it with the one the street office publishes, then run again with --log-key."));
        if (PinnedCheckpointCount > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{PinnedCheckpointCount} checkpoint(s) pinned with --checkpoint: the entries must hold the tree each one signs.");
        }
        if (EntriesBeyondCheckpoint > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{EntriesBeyondCheckpoint} entries after the latest checkpoint, under no signature yet.");
        }
        if (Depth == AuditDepth.HashOnly)
        {
            text.AppendLine("Hash-only (--hash-only): no signature, key, role, idempotency key or rule was checked, and no figures are shown, since no command was replayed.");
        }
        foreach (var project in Projects)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Project {project.ProjectId} — {project.Name} ({project.Status}), contract {Yuan(project.ContractPriceFen)}");
            foreach (var source in project.Sources)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {source.Source,-22} planned {Yuan(source.PlannedFen),16}   received {Yuan(source.ReceivedFen),16}");
            }
            foreach (var tranche in project.Tranches)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {tranche.Tranche + " tranche",-22} cap     {Yuan(tranche.CumulativeCapFen),16}   paid     {Yuan(tranche.PaidFen),16}{(tranche.Unlocked ? "" : "   (locked)")}");
            }
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  received {Yuan(project.ReceivedFen)}, paid {Yuan(project.PaidFen)}, pending {Yuan(project.PendingFen)}, available {Yuan(project.AvailableFen)}");
        }
        if (Households.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Households: share paid / due, points balance");
            foreach (var household in Households)
            {
                var shares = string.Join("; ", household.Shares.Select(s => $"{s.ProjectId} paid {Yuan(s.PaidFen)} of {Yuan(s.ShareFen)}, due {Yuan(s.DueFen)}"));
                text.AppendLine(CultureInfo.InvariantCulture, $"  {household.HouseholdId,-14} {(shares.Length == 0 ? "no shares" : shares)}; points {household.PointsBalance}");
            }
        }
        text.AppendLine();
        if (FindingCount == 0)
        {
            text.AppendLine(Depth == AuditDepth.HashOnly
                ? "VALID: every hash, chain and checkpoint checks out; signatures and rules were not checked (--hash-only)."
                : "VALID: every hash, chain, signature and rule checks out.");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"INVALID: {FindingCount} finding(s).");
            foreach (var finding in Findings)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {finding}");
            }
            foreach (var (kind, count) in FindingsNotListed.OrderBy(k => k.Key))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  … and {count} more {kind} finding(s), not listed: the first {LedgerAudit.MaxFindingsPerKind} of a kind are.");
            }
        }
        return text.ToString();
    }

    static ProjectFigures Figures(ProjectState project) => new(
        project.ProjectId, project.Name, project.Status.ToString(), project.ContractPriceFen,
        Enum.GetValues<FundingSource>().Select(s => new SourceFigures(s.ToString(), project.PlannedFen.GetValueOrDefault(s), project.ReceivedFen(s))).ToList(),
        project.Tranches.Select(t => new TrancheFigures(t.Tranche.ToString(), project.CumulativeCapFen(t.Tranche),
            project.Reached(ProjectState.MilestoneOf(t.Tranche)), project.PaidFen(t.Tranche))).ToList(),
        project.TotalReceivedFen, project.TotalPaidFen, project.TotalPendingFen, project.AvailableFen);

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

    static string Yuan(long fen) => string.Create(CultureInfo.InvariantCulture, $"¥{fen / 100:N0}.{Math.Abs(fen % 100):D2}");
}
