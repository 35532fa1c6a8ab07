using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Projects;

namespace Ledger.Bodies;

// The bodies of the project streams' entries (docs/ENTRIES.md "Entry bodies"): each read by its
// record and written by its record's Write, the one place its members are named.

/// <param name="FundingPlan">Fen by source, every source once.</param>
/// <param name="Tranches">Every tranche with its percent, defaults filled in.</param>
public sealed record ProjectOpenedBody(
    Member<string> Community, Member<long> ContractPriceFen, Member<ImmutableSortedDictionary<FundingSource, long>> FundingPlan,
    Member<FundPolicy?> FundPolicy, Member<string> Name, Member<string> ProjectId, Member<long> ResidentShareCapPercent,
    Member<ImmutableList<TranchePolicy>> Tranches, Member<VotePolicy?> VotePolicy, Member<long> WarrantyMonths)
    : IEntryBody<ProjectOpenedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.ProjectOpened];

    public static IReadOnlyList<string> Members { get; } =
        ["community", "contractPriceFen", "fundPolicy", "fundingPlan", "name", "projectId", "residentShareCapPercent", "tranches", "votePolicy", "warrantyMonths"];

    public static ProjectOpenedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("community"), fields.Integer("contractPriceFen"),
            fields.Read("fundingPlan", static (f, n) => ProjectPolicy.ReadPlan(f.Object(n))),
            fields.Read("fundPolicy", static (f, n) => f.Has(n) ? Rules.Projects.FundPolicy.Read(f.Object(n)) : null),
            fields.String("name"), fields.String("projectId"), fields.Integer("residentShareCapPercent"),
            fields.Read("tranches", static (f, n) => ProjectPolicy.ReadTranches(f.Array(n))),
            fields.Read("votePolicy", static (f, n) => f.Has(n) ? Rules.Projects.VotePolicy.Read(f.Object(n)) : null),
            fields.Integer("warrantyMonths"));
    }

    /// <param name="fundPolicy">Written only when the project restricts its funds, so that an unrestricted project's entry keeps today's bytes.</param>
    /// <param name="votePolicy">Likewise written only when the project has one, with its defaults filled in.</param>
    public static JsonObject Write(
        string community, long contractPriceFen, IReadOnlyDictionary<FundingSource, long> fundingPlan, FundPolicy? fundPolicy, string name,
        string projectId, long residentShareCapPercent, IEnumerable<TranchePolicy> tranches, VotePolicy? votePolicy, long warrantyMonths)
    {
        var opened = new JsonObject
        {
            ["community"] = community,
            ["contractPriceFen"] = contractPriceFen,
            ["fundingPlan"] = ProjectPolicy.WriteFenBySource(fundingPlan),
            ["name"] = name,
            ["projectId"] = projectId,
            ["residentShareCapPercent"] = residentShareCapPercent,
            ["tranches"] = new JsonArray(tranches.Select(t => (JsonNode)new JsonObject { ["percent"] = t.Percent, ["tranche"] = t.Tranche.ToString() }).ToArray()),
            ["warrantyMonths"] = warrantyMonths,
        };
        if (fundPolicy is not null)
        {
            opened["fundPolicy"] = fundPolicy.ToJson();
        }
        if (votePolicy is not null)
        {
            opened["votePolicy"] = votePolicy.ToJson();
        }
        return opened;
    }
}

/// <param name="Reference">Present when the command has one.</param>
public sealed record ReceiptRecordedBody(Member<long> AmountFen, Member<Hash> DocumentHash, Member<string?> Reference, Member<FundingSource> Source)
    : IEntryBody<ReceiptRecordedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.ReceiptRecorded];

    public static IReadOnlyList<string> Members { get; } = ["amountFen", "documentHash", "reference", "source"];

    public static ReceiptRecordedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("amountFen"), fields.Hash("documentHash"), fields.OptionalString("reference"), fields.Enum<FundingSource>("source"));
    }

    public static JsonObject Write(long amountFen, Hash documentHash, string? reference, FundingSource source)
    {
        var body = new JsonObject { ["amountFen"] = amountFen, ["documentHash"] = documentHash.ToString(), ["source"] = source.ToString() };
        if (reference is not null)
        {
            body["reference"] = reference;
        }
        return body;
    }
}

/// <param name="Shares">Each household's share, by household id.</param>
public sealed record CampaignStartedBody(Member<string> Rule, Member<IReadOnlyList<CampaignShare>> Shares, Member<long> TargetFen)
    : IEntryBody<CampaignStartedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.CampaignStarted];

    public static IReadOnlyList<string> Members { get; } = ["rule", "shares", "targetFen"];

    public static CampaignStartedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("rule"), fields.Read<IReadOnlyList<CampaignShare>>("shares", static (f, n) => f.Array(n).Select(CampaignShare.Read).ToList()),
            fields.Integer("targetFen"));
    }

    public static JsonObject Write(string rule, IEnumerable<(string HouseholdId, long? Floor, long ShareFen)> shares, long targetFen) => new()
    {
        ["rule"] = rule,
        ["shares"] = new JsonArray(shares.Select(s => (JsonNode)CampaignShare.Write(s.HouseholdId, s.Floor, s.ShareFen)).ToArray()),
        ["targetFen"] = targetFen,
    };
}

/// <summary>A household's share of a campaign.</summary>
/// <param name="Floor">Present when the command gave one.</param>
public sealed record CampaignShare(Member<long?> Floor, string HouseholdId, long ShareFen)
{
    public static IReadOnlyList<string> Members { get; } = ["floor", "householdId", "shareFen"];

    internal static CampaignShare Read(JsonElement share)
    {
        var fields = BodyFields.Of(share, "share", Members);
        return new(fields.OptionalInteger("floor"), fields.String("householdId").Value, fields.Integer("shareFen").Value);
    }

    internal static JsonObject Write(string householdId, long? floor, long shareFen)
    {
        var share = new JsonObject { ["householdId"] = householdId, ["shareFen"] = shareFen };
        if (floor is not null)
        {
            share["floor"] = floor;
        }
        return share;
    }
}

/// <summary>A household's crowdfunding payment received by the project, or refunded when it is cancelled.</summary>
public sealed record ContributionBody(Member<long> AmountFen, Member<string> HouseholdId) : IEntryBody<ContributionBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.ContributionReceived, ProjectEntryTypes.ContributionRefunded];

    public static IReadOnlyList<string> Members { get; } = ["amountFen", "householdId"];

    public static ContributionBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("amountFen"), fields.String("householdId"));
    }

    public static JsonObject Write(long amountFen, string householdId) => new() { ["amountFen"] = amountFen, ["householdId"] = householdId };
}

public sealed record MilestoneAttestedBody(Member<Hash> EvidenceHash, Member<Milestone> Milestone, Member<Role> Role) : IEntryBody<MilestoneAttestedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.MilestoneAttested];

    public static IReadOnlyList<string> Members { get; } = ["evidenceHash", "milestone", "role"];

    public static MilestoneAttestedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Hash("evidenceHash"), fields.Enum<Milestone>("milestone"), fields.Enum<Role>("role"));
    }

    public static JsonObject Write(Hash evidenceHash, Milestone milestone, Role role) =>
        new() { ["evidenceHash"] = evidenceHash.ToString(), ["milestone"] = milestone.ToString(), ["role"] = role.ToString() };
}

/// <param name="DisbursementId">This entry's sequence.</param>
/// <param name="Category">Present when the project restricts its funds (docs/ENTRIES.md "Restricted funds"), as is <paramref name="Allocation"/>.</param>
/// <param name="Allocation">Fen by the source it draws on; absent, the request draws on no source in particular.</param>
public sealed record DisbursementRequestedBody(
    Member<ImmutableSortedDictionary<FundingSource, long>?> Allocation, Member<long> AmountFen, Member<ExpenseCategory?> Category,
    Member<long> DisbursementId, Member<Hash> InvoiceHash, Member<string> Payee, Member<Tranche> Tranche)
    : IEntryBody<DisbursementRequestedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.DisbursementRequested];

    public static IReadOnlyList<string> Members { get; } = ["allocation", "amountFen", "category", "disbursementId", "invoiceHash", "payee", "tranche"];

    public static DisbursementRequestedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Read("allocation", static (f, n) => f.Has(n) ? ProjectPolicy.ReadFenBySource(f.Object(n), n) : null),
            fields.Integer("amountFen"),
            fields.Read("category", static (f, n) => f.Has(n) ? BodyFields.EnumOf<ExpenseCategory>(f, n) : (ExpenseCategory?)null),
            fields.Integer("disbursementId"), fields.Hash("invoiceHash"), fields.String("payee"), fields.Enum<Tranche>("tranche"));
    }

    /// <param name="category">Written when present, as is <paramref name="allocation"/>: an unrestricted project's request keeps today's bytes.</param>
    public static JsonObject Write(long amountFen, ExpenseCategory? category, IReadOnlyDictionary<FundingSource, long>? allocation,
        long disbursementId, Hash invoiceHash, string payee, Tranche tranche)
    {
        var requested = new JsonObject
        {
            ["amountFen"] = amountFen,
            ["disbursementId"] = disbursementId,
            ["invoiceHash"] = invoiceHash.ToString(),
            ["payee"] = payee,
            ["tranche"] = tranche.ToString(),
        };
        if (category is not null)
        {
            requested["category"] = category.ToString();
        }
        if (allocation is not null)
        {
            requested["allocation"] = ProjectPolicy.WriteFenBySource(allocation);
        }
        return requested;
    }
}

public sealed record DisbursementApprovedBody(Member<long> DisbursementId, Member<Role> Role) : IEntryBody<DisbursementApprovedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.DisbursementApproved];

    public static IReadOnlyList<string> Members { get; } = ["disbursementId", "role"];

    public static DisbursementApprovedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("disbursementId"), fields.Enum<Role>("role"));
    }

    public static JsonObject Write(long disbursementId, Role role) => new() { ["disbursementId"] = disbursementId, ["role"] = role.ToString() };
}

public sealed record DisbursementRejectedBody(Member<long> DisbursementId, Member<string> Reason, Member<Role> Role) : IEntryBody<DisbursementRejectedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.DisbursementRejected];

    public static IReadOnlyList<string> Members { get; } = ["disbursementId", "reason", "role"];

    public static DisbursementRejectedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("disbursementId"), fields.String("reason"), fields.Enum<Role>("role"));
    }

    public static JsonObject Write(long disbursementId, string reason, Role role) =>
        new() { ["disbursementId"] = disbursementId, ["reason"] = reason, ["role"] = role.ToString() };
}

/// <param name="AmountFen">The requested amount.</param>
public sealed record DisbursementPaidBody(Member<long> AmountFen, Member<string> BankReference, Member<long> DisbursementId)
    : IEntryBody<DisbursementPaidBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.DisbursementPaid];

    public static IReadOnlyList<string> Members { get; } = ["amountFen", "bankReference", "disbursementId"];

    public static DisbursementPaidBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("amountFen"), fields.String("bankReference"), fields.Integer("disbursementId"));
    }

    public static JsonObject Write(long amountFen, string bankReference, long disbursementId) =>
        new() { ["amountFen"] = amountFen, ["bankReference"] = bankReference, ["disbursementId"] = disbursementId };
}

/// <param name="AmountFen">Of the entry reversed.</param>
/// <param name="Kind">Receipt or Payment.</param>
/// <param name="ReversalId">This entry's sequence.</param>
public sealed record ReversalProposedBody(
    Member<long> AmountFen, Member<long> EntrySequence, Member<string> Kind, Member<string> Reason, Member<long> ReversalId)
    : IEntryBody<ReversalProposedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.ReversalProposed];

    public static IReadOnlyList<string> Members { get; } = ["amountFen", "entrySequence", "kind", "reason", "reversalId"];

    public static ReversalProposedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("amountFen"), fields.Integer("entrySequence"), fields.String("kind"), fields.String("reason"),
            fields.Integer("reversalId"));
    }

    public static JsonObject Write(long amountFen, long entrySequence, string kind, string reason, long reversalId) => new()
    {
        ["amountFen"] = amountFen,
        ["entrySequence"] = entrySequence,
        ["kind"] = kind,
        ["reason"] = reason,
        ["reversalId"] = reversalId,
    };
}

public sealed record ReversalApprovedBody(Member<long> AmountFen, Member<long> EntrySequence, Member<long> ReversalId) : IEntryBody<ReversalApprovedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.ReversalApproved];

    public static IReadOnlyList<string> Members { get; } = ["amountFen", "entrySequence", "reversalId"];

    public static ReversalApprovedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("amountFen"), fields.Integer("entrySequence"), fields.Integer("reversalId"));
    }

    public static JsonObject Write(long amountFen, long entrySequence, long reversalId) =>
        new() { ["amountFen"] = amountFen, ["entrySequence"] = entrySequence, ["reversalId"] = reversalId };
}

public sealed record ProjectCancelledBody(Member<string> Reason) : IEntryBody<ProjectCancelledBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.ProjectCancelled];

    public static IReadOnlyList<string> Members { get; } = ["reason"];

    public static ProjectCancelledBody Read(JsonElement body, string type) => new(BodyFields.Of(body, type, Members).String("reason"));

    public static JsonObject Write(string reason) => new() { ["reason"] = reason };
}

/// <summary>The project's totals when it closed.</summary>
public sealed record ProjectClosedBody(Member<long> PaidFen, Member<long> ReceivedFen) : IEntryBody<ProjectClosedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.ProjectClosed];

    public static IReadOnlyList<string> Members { get; } = ["paidFen", "receivedFen"];

    public static ProjectClosedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("paidFen"), fields.Integer("receivedFen"));
    }

    public static JsonObject Write(long paidFen, long receivedFen) => new() { ["paidFen"] = paidFen, ["receivedFen"] = receivedFen };
}

/// <param name="ReconciliationId">This entry's sequence.</param>
/// <param name="FromDate">The period's first day, China Standard Time (docs/BANK.md); <paramref name="ToDate"/> its last.</param>
public sealed record ReconciliationSignedBody(
    Member<long> ClosingBalanceFen, Member<DateOnly> FromDate, Member<long> MatchedCount, Member<long> ReconciliationId, Member<Hash> StatementHash,
    Member<DateOnly> ToDate, Member<long> UnmatchedLedgerCount, Member<long> UnmatchedStatementCount)
    : IEntryBody<ReconciliationSignedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.ReconciliationSigned];

    public static IReadOnlyList<string> Members { get; } =
        ["closingBalanceFen", "fromDate", "matchedCount", "reconciliationId", "statementHash", "toDate", "unmatchedLedgerCount", "unmatchedStatementCount"];

    public static ReconciliationSignedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("closingBalanceFen"), fields.Date("fromDate"), fields.Integer("matchedCount"), fields.Integer("reconciliationId"),
            fields.Hash("statementHash"), fields.Date("toDate"), fields.Integer("unmatchedLedgerCount"), fields.Integer("unmatchedStatementCount"));
    }

    public static JsonObject Write(long closingBalanceFen, ReconciliationPeriod period, long matchedCount, long reconciliationId, Hash statementHash,
        long unmatchedLedgerCount, long unmatchedStatementCount) => new()
        {
            ["closingBalanceFen"] = closingBalanceFen,
            ["fromDate"] = ReconciliationPeriod.Format(period.From),
            ["matchedCount"] = matchedCount,
            ["reconciliationId"] = reconciliationId,
            ["statementHash"] = statementHash.ToString(),
            ["toDate"] = ReconciliationPeriod.Format(period.To),
            ["unmatchedLedgerCount"] = unmatchedLedgerCount,
            ["unmatchedStatementCount"] = unmatchedStatementCount,
        };
}

/// <param name="ClosingBalanceFen">The countersigned reconciliation's, repeated with its last day so that the entry says what was agreed.</param>
public sealed record ReconciliationCountersignedBody(Member<long> ClosingBalanceFen, Member<long> ReconciliationId, Member<DateOnly> ToDate)
    : IEntryBody<ReconciliationCountersignedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.ReconciliationCountersigned];

    public static IReadOnlyList<string> Members { get; } = ["closingBalanceFen", "reconciliationId", "toDate"];

    public static ReconciliationCountersignedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("closingBalanceFen"), fields.Integer("reconciliationId"), fields.Date("toDate"));
    }

    public static JsonObject Write(long closingBalanceFen, long reconciliationId, DateOnly toDate) => new()
    {
        ["closingBalanceFen"] = closingBalanceFen,
        ["reconciliationId"] = reconciliationId,
        ["toDate"] = ReconciliationPeriod.Format(toDate),
    };
}

/// <summary>A project's funding plan and tranches, as OpenProject and ProjectOpened both spell them.</summary>
static class ProjectPolicy
{
    public static ImmutableSortedDictionary<FundingSource, long> ReadPlan(JsonElement plan) => ReadFenBySource(plan, "fundingPlan");

    /// <summary>{source: fen}, as a funding plan and a request's allocation are written: the sources named, each once.</summary>
    public static ImmutableSortedDictionary<FundingSource, long> ReadFenBySource(JsonElement value, string what)
    {
        var fields = JsonFields.Of(value, what, Enum.GetNames<FundingSource>());
        return Enum.GetValues<FundingSource>().Where(s => fields.Has(s.ToString()))
            .ToImmutableSortedDictionary(s => s, s => fields.Integer(s.ToString()));
    }

    public static JsonObject WriteFenBySource(IEnumerable<KeyValuePair<FundingSource, long>> fen) =>
        new(fen.Select(f => KeyValuePair.Create(f.Key.ToString(), (JsonNode?)f.Value)));

    public static ImmutableList<TranchePolicy> ReadTranches(IReadOnlyList<JsonElement> tranches) =>
        tranches.Select(t => JsonFields.Of(t, "tranche", "percent", "tranche"))
            .Select(t => new TranchePolicy(BodyFields.EnumOf<Tranche>(t, "tranche"),
                t.Integer("percent") is >= 0 and <= 100 and var percent ? (int)percent : throw new FormatException("a tranche's percent is from 0 to 100")))
            .ToImmutableList();
}
