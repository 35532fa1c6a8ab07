using System.Text.Json;

namespace Ledger.Bodies;

// The bodies of the household streams' commands (docs/ENTRIES.md §household).

public sealed record AwardPointsBody(
    Member<string> Activity, Member<string> HouseholdId, Member<long> Points, Member<long> Quantity, Member<string> Reference)
    : ICommandBody<AwardPointsBody>
{
    public static IReadOnlyList<string> Members { get; } = ["activity", "householdId", "points", "quantity", "reference"];

    public static AwardPointsBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("activity"), fields.String("householdId"), fields.Integer("points"), fields.Integer("quantity"),
            fields.String("reference"));
    }
}

public sealed record ReserveRedemptionBody(Member<string> HouseholdId, Member<string> ItemId, Member<long> Quantity)
    : ICommandBody<ReserveRedemptionBody>
{
    public static IReadOnlyList<string> Members { get; } = ["householdId", "itemId", "quantity"];

    public static ReserveRedemptionBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("householdId"), fields.String("itemId"), fields.Integer("quantity"));
    }
}

public sealed record FulfilRedemptionBody(Member<string> HouseholdId, Member<long> RedemptionId) : ICommandBody<FulfilRedemptionBody>
{
    public static IReadOnlyList<string> Members { get; } = ["householdId", "redemptionId"];

    public static FulfilRedemptionBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("householdId"), fields.Integer("redemptionId"));
    }
}

public sealed record CancelRedemptionBody(Member<string> HouseholdId, Member<string> Reason, Member<long> RedemptionId)
    : ICommandBody<CancelRedemptionBody>
{
    public static IReadOnlyList<string> Members { get; } = ["householdId", "reason", "redemptionId"];

    public static CancelRedemptionBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("householdId"), fields.String("reason"), fields.Integer("redemptionId"));
    }
}
