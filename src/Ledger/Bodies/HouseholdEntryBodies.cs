using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Rules.Households;

namespace Ledger.Bodies;

// The bodies of the household streams' entries (docs/ENTRIES.md "Entry bodies"): each read by
// its record and written by its record's Write, the one place its members are named.

/// <summary>An entry that moves a household's crowdfunding contribution to a project.</summary>
public interface IContribution
{
    Member<long> AmountFen { get; }

    Member<string> ProjectId { get; }
}

/// <summary>An entry that settles a reserved redemption.</summary>
public interface IRedemptionSettlement
{
    Member<long> RedemptionId { get; }
}

/// <param name="Reference">Present when the command has one.</param>
public sealed record CrowdfundingPaidBody(Member<long> AmountFen, Member<string> ProjectId, Member<string?> Reference)
    : IEntryBody<CrowdfundingPaidBody>, IContribution
{
    public static IReadOnlyList<string> Types { get; } = [HouseholdEntryTypes.CrowdfundingPaid];

    public static IReadOnlyList<string> Members { get; } = ["amountFen", "projectId", "reference"];

    public static CrowdfundingPaidBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("amountFen"), fields.String("projectId"), fields.OptionalString("reference"));
    }

    public static JsonObject Write(long amountFen, string projectId, string? reference)
    {
        var body = new JsonObject { ["amountFen"] = amountFen, ["projectId"] = projectId };
        if (reference is not null)
        {
            body["reference"] = reference;
        }
        return body;
    }
}

public sealed record CrowdfundingRefundedBody(Member<long> AmountFen, Member<string> ProjectId)
    : IEntryBody<CrowdfundingRefundedBody>, IContribution
{
    public static IReadOnlyList<string> Types { get; } = [HouseholdEntryTypes.CrowdfundingRefunded];

    public static IReadOnlyList<string> Members { get; } = ["amountFen", "projectId"];

    public static CrowdfundingRefundedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("amountFen"), fields.String("projectId"));
    }

    public static JsonObject Write(long amountFen, string projectId) => new() { ["amountFen"] = amountFen, ["projectId"] = projectId };
}

/// <param name="PolicyVersion">The points policy version that priced the award; absent when none was in force (docs/ENTRIES.md "Points policy").</param>
public sealed record PointsAwardedBody(Member<Activity> Activity, Member<long> Points, Member<long?> PolicyVersion, Member<long> Quantity, Member<string> Reference)
    : IEntryBody<PointsAwardedBody>
{
    public static IReadOnlyList<string> Types { get; } = [HouseholdEntryTypes.PointsAwarded];

    public static IReadOnlyList<string> Members { get; } = ["activity", "points", "policyVersion", "quantity", "reference"];

    public static PointsAwardedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Enum<Activity>("activity"), fields.Integer("points"), fields.OptionalInteger("policyVersion"), fields.Integer("quantity"),
            fields.String("reference"));
    }

    /// <param name="policyVersion">Written only when a version priced the award: an award without a policy keeps today's bytes.</param>
    public static JsonObject Write(Activity activity, long points, long? policyVersion, long quantity, string reference)
    {
        var awarded = new JsonObject { ["activity"] = activity.ToString(), ["points"] = points, ["quantity"] = quantity, ["reference"] = reference };
        if (policyVersion is not null)
        {
            awarded["policyVersion"] = policyVersion;
        }
        return awarded;
    }
}

/// <param name="Points">The item's price × the quantity.</param>
/// <param name="RedemptionId">This entry's sequence.</param>
public sealed record RedemptionReservedBody(Member<string> ItemId, Member<long> Points, Member<long> Quantity, Member<long> RedemptionId)
    : IEntryBody<RedemptionReservedBody>
{
    public static IReadOnlyList<string> Types { get; } = [HouseholdEntryTypes.RedemptionReserved];

    public static IReadOnlyList<string> Members { get; } = ["itemId", "points", "quantity", "redemptionId"];

    public static RedemptionReservedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("itemId"), fields.Integer("points"), fields.Integer("quantity"), fields.Integer("redemptionId"));
    }

    public static JsonObject Write(string itemId, long points, long quantity, long redemptionId) =>
        new() { ["itemId"] = itemId, ["points"] = points, ["quantity"] = quantity, ["redemptionId"] = redemptionId };
}

public sealed record RedemptionFulfilledBody(Member<long> Points, Member<long> RedemptionId)
    : IEntryBody<RedemptionFulfilledBody>, IRedemptionSettlement
{
    public static IReadOnlyList<string> Types { get; } = [HouseholdEntryTypes.RedemptionFulfilled];

    public static IReadOnlyList<string> Members { get; } = ["points", "redemptionId"];

    public static RedemptionFulfilledBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("points"), fields.Integer("redemptionId"));
    }

    public static JsonObject Write(long points, long redemptionId) => new() { ["points"] = points, ["redemptionId"] = redemptionId };
}

public sealed record RedemptionCancelledBody(Member<long> Points, Member<string> Reason, Member<long> RedemptionId)
    : IEntryBody<RedemptionCancelledBody>, IRedemptionSettlement
{
    public static IReadOnlyList<string> Types { get; } = [HouseholdEntryTypes.RedemptionCancelled];

    public static IReadOnlyList<string> Members { get; } = ["points", "reason", "redemptionId"];

    public static RedemptionCancelledBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("points"), fields.String("reason"), fields.Integer("redemptionId"));
    }

    public static JsonObject Write(long points, string reason, long redemptionId) =>
        new() { ["points"] = points, ["reason"] = reason, ["redemptionId"] = redemptionId };
}
