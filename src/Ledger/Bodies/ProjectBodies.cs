using System.Collections.Immutable;
using System.Text.Json;
using Ledger.Canonical;
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Projects;

namespace Ledger.Bodies;

// The bodies of the project streams' commands (docs/ENTRIES.md §project).

/// <param name="FundingPlan">Fen by source; a plan that cannot be read is refused UnknownFundingSource, with the member's problem.</param>
/// <param name="FundPolicy">Null when the project's funds are not restricted; one that cannot be read is refused InvalidFundPolicy.</param>
/// <param name="Tranches">Null when the command leaves the default; one that cannot be read is refused InvalidTranches.</param>
/// <param name="VotePolicy">Null when the command gives none (no vote needed); one that cannot be read is refused InvalidVotePolicy.</param>
public sealed record OpenProjectBody(
    Member<string> Community, Member<long> ContractPriceFen, Member<ImmutableSortedDictionary<FundingSource, long>> FundingPlan,
    Member<FundPolicy?> FundPolicy, Member<string> Name, Member<string> ProjectId, Member<long?> ResidentShareCapPercent, Member<ImmutableList<TranchePolicy>?> Tranches,
    Member<VotePolicyTerms?> VotePolicy, Member<long> WarrantyMonths)
    : ICommandBody<OpenProjectBody>
{
    public static IReadOnlyList<string> Members { get; } =
        ["community", "contractPriceFen", "fundPolicy", "fundingPlan", "name", "projectId", "residentShareCapPercent", "tranches", "votePolicy", "warrantyMonths"];

    public static OpenProjectBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("community"), fields.Integer("contractPriceFen"),
            fields.Read("fundingPlan", static (f, n) => ProjectPolicy.ReadPlan(f.Object(n))),
            fields.Read("fundPolicy", static (f, n) => f.Has(n) ? Rules.Projects.FundPolicy.Read(f.Object(n)) : null),
            fields.String("name"), fields.String("projectId"), fields.OptionalInteger("residentShareCapPercent"),
            fields.Read("tranches", static (f, n) => f.Has(n) ? ProjectPolicy.ReadTranches(f.Array(n)) : null),
            fields.Read("votePolicy", static (f, n) => f.Has(n) ? VotePolicyTerms.Read(f.Object(n)) : null),
            fields.Integer("warrantyMonths"));
    }
}

public sealed record RecordReceiptBody(
    Member<long> AmountFen, Member<Hash> DocumentHash, Member<string> ProjectId, Member<string?> Reference, Member<string> Source)
    : ICommandBody<RecordReceiptBody>
{
    public static IReadOnlyList<string> Members { get; } = ["amountFen", "documentHash", "projectId", "reference", "source"];

    public static RecordReceiptBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Integer("amountFen"), fields.Hash("documentHash"), fields.String("projectId"), fields.OptionalString("reference"),
            fields.String("source"));
    }
}

/// <param name="FloorWeights">The weight of each floor (ByFloor only); absent, a floor weighs its number.</param>
/// <param name="Households">The households that share the target, each with its floor.</param>
public sealed record StartCampaignBody(
    Member<IReadOnlyList<FloorWeight>?> FloorWeights, Member<IReadOnlyList<CampaignHousehold>> Households, Member<string> ProjectId,
    Member<string> Rule, Member<long> TargetFen)
    : ICommandBody<StartCampaignBody>
{
    public static IReadOnlyList<string> Members { get; } = ["floorWeights", "households", "projectId", "rule", "targetFen"];

    public static StartCampaignBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(
            fields.Read<IReadOnlyList<FloorWeight>?>("floorWeights", static (f, n) => f.Has(n)
                ? f.Array(n).Select(w => JsonFields.Of(w, "floor weight", FloorWeight.Members))
                    .Select(w => new FloorWeight(w.Integer("floor"), w.Integer("weight"))).ToList()
                : null),
            fields.Read<IReadOnlyList<CampaignHousehold>>("households", static (f, n) => f.Array(n).Select(CampaignHousehold.Read).ToList()),
            fields.String("projectId"), fields.String("rule"), fields.Integer("targetFen"));
    }
}

/// <summary>One floor's weight in a ByFloor campaign.</summary>
public sealed record FloorWeight(long Floor, long Weight)
{
    public static IReadOnlyList<string> Members { get; } = ["floor", "weight"];
}

/// <summary>A household of a campaign: its members are read when the rule reaches them, the floor only for ByFloor.</summary>
public sealed record CampaignHousehold(Member<long?> Floor, Member<string> HouseholdId)
{
    public static IReadOnlyList<string> Members { get; } = ["floor", "householdId"];

    internal static CampaignHousehold Read(JsonElement household)
    {
        var fields = BodyFields.Of(household, "household", Members);
        return new(fields.OptionalInteger("floor"), fields.String("householdId"));
    }
}

public sealed record PayShareBody(Member<long> AmountFen, Member<string> HouseholdId, Member<string> ProjectId, Member<string?> Reference)
    : ICommandBody<PayShareBody>
{
    public static IReadOnlyList<string> Members { get; } = ["amountFen", "householdId", "projectId", "reference"];

    public static PayShareBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Integer("amountFen"), fields.String("householdId"), fields.String("projectId"), fields.OptionalString("reference"));
    }
}

public sealed record AttestMilestoneBody(Member<Hash> EvidenceHash, Member<string> Milestone, Member<string> ProjectId, Member<string> Role)
    : ICommandBody<AttestMilestoneBody>
{
    public static IReadOnlyList<string> Members { get; } = ["evidenceHash", "milestone", "projectId", "role"];

    public static AttestMilestoneBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Hash("evidenceHash"), fields.String("milestone"), fields.String("projectId"), fields.String("role"));
    }
}

/// <param name="Category">Required when the project's funds are restricted; absent otherwise it restricts nothing.</param>
public sealed record RequestDisbursementBody(
    Member<long> AmountFen, Member<string?> Category, Member<Hash> InvoiceHash, Member<string> Payee, Member<string> ProjectId, Member<string> Tranche)
    : ICommandBody<RequestDisbursementBody>
{
    public static IReadOnlyList<string> Members { get; } = ["amountFen", "category", "invoiceHash", "payee", "projectId", "tranche"];

    public static RequestDisbursementBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Integer("amountFen"), fields.OptionalString("category"), fields.Hash("invoiceHash"), fields.String("payee"), fields.String("projectId"), fields.String("tranche"));
    }
}

public sealed record ApproveDisbursementBody(Member<long> DisbursementId, Member<string> ProjectId, Member<string> Role)
    : ICommandBody<ApproveDisbursementBody>
{
    public static IReadOnlyList<string> Members { get; } = ["disbursementId", "projectId", "role"];

    public static ApproveDisbursementBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Integer("disbursementId"), fields.String("projectId"), fields.String("role"));
    }
}

public sealed record RejectDisbursementBody(Member<long> DisbursementId, Member<string> ProjectId, Member<string> Reason, Member<string> Role)
    : ICommandBody<RejectDisbursementBody>
{
    public static IReadOnlyList<string> Members { get; } = ["disbursementId", "projectId", "reason", "role"];

    public static RejectDisbursementBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Integer("disbursementId"), fields.String("projectId"), fields.String("reason"), fields.String("role"));
    }
}

public sealed record PayDisbursementBody(Member<string> BankReference, Member<long> DisbursementId, Member<string> ProjectId)
    : ICommandBody<PayDisbursementBody>
{
    public static IReadOnlyList<string> Members { get; } = ["bankReference", "disbursementId", "projectId"];

    public static PayDisbursementBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("bankReference"), fields.Integer("disbursementId"), fields.String("projectId"));
    }
}

public sealed record ProposeReversalBody(Member<long> EntrySequence, Member<string> ProjectId, Member<string> Reason)
    : ICommandBody<ProposeReversalBody>
{
    public static IReadOnlyList<string> Members { get; } = ["entrySequence", "projectId", "reason"];

    public static ProposeReversalBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Integer("entrySequence"), fields.String("projectId"), fields.String("reason"));
    }
}

public sealed record ApproveReversalBody(Member<string> ProjectId, Member<long> ReversalId) : ICommandBody<ApproveReversalBody>
{
    public static IReadOnlyList<string> Members { get; } = ["projectId", "reversalId"];

    public static ApproveReversalBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("projectId"), fields.Integer("reversalId"));
    }
}

/// <param name="Refunds">Every household that paid, sorted: the streams the command writes, so read for routing too.</param>
public sealed record CancelProjectBody(Member<string> ProjectId, Member<string> Reason, Member<IReadOnlyList<string>> Refunds)
    : ICommandBody<CancelProjectBody>
{
    public static IReadOnlyList<string> Members { get; } = ["projectId", "reason", "refunds"];

    public static CancelProjectBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("projectId"), fields.String("reason"),
            fields.Read("refunds", static (f, n) => Routing.Refunds(f.Has(n) ? f.Element(n) : default)));
    }
}

public sealed record CloseProjectBody(Member<string> ProjectId) : ICommandBody<CloseProjectBody>
{
    public static IReadOnlyList<string> Members { get; } = ["projectId"];

    public static CloseProjectBody Read(JsonElement body) => new(BodyFields.Of(body, "body", Members).String("projectId"));
}

/// <param name="StatementHash">SHA-256 of the statement file's bytes, as imported (docs/BANK.md).</param>
/// <param name="FromDate">The period's first day, China Standard Time, "2026-07-01".</param>
/// <param name="ToDate">The period's last day, included.</param>
public sealed record SignReconciliationBody(
    Member<long> ClosingBalanceFen, Member<string> FromDate, Member<long> MatchedCount, Member<string> ProjectId, Member<Hash> StatementHash,
    Member<string> ToDate, Member<long> UnmatchedLedgerCount, Member<long> UnmatchedStatementCount)
    : ICommandBody<SignReconciliationBody>
{
    public static IReadOnlyList<string> Members { get; } =
        ["closingBalanceFen", "fromDate", "matchedCount", "projectId", "statementHash", "toDate", "unmatchedLedgerCount", "unmatchedStatementCount"];

    public static SignReconciliationBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Integer("closingBalanceFen"), fields.String("fromDate"), fields.Integer("matchedCount"), fields.String("projectId"),
            fields.Hash("statementHash"), fields.String("toDate"), fields.Integer("unmatchedLedgerCount"), fields.Integer("unmatchedStatementCount"));
    }
}

public sealed record CountersignReconciliationBody(Member<string> ProjectId, Member<long> ReconciliationId)
    : ICommandBody<CountersignReconciliationBody>
{
    public static IReadOnlyList<string> Members { get; } = ["projectId", "reconciliationId"];

    public static CountersignReconciliationBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("projectId"), fields.Integer("reconciliationId"));
    }
}
