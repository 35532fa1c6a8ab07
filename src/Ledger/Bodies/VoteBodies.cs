using System.Text.Json;
using Ledger.Canonical;

namespace Ledger.Bodies;

// The bodies of the owners' vote's commands (docs/ENTRIES.md "The owners' vote").

/// <param name="Households">The vote's scope, sorted by id: the households it writes a ballot paper to.</param>
public sealed record OpenVoteBody(
    Member<DateTimeOffset> ClosesAt, Member<IReadOnlyList<string>> Households, Member<string> Matter, Member<DateTimeOffset> OpensAt,
    Member<string> ProjectId, Member<string> Question, Member<string> VoteId)
    : ICommandBody<OpenVoteBody>
{
    public static IReadOnlyList<string> Members { get; } = ["closesAt", "households", "matter", "opensAt", "projectId", "question", "voteId"];

    public static OpenVoteBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Read("closesAt", static (f, n) => f.Time(n)), fields.Read("households", static (f, n) => Routing.HouseholdsOf(f.Has(n) ? f.Element(n) : default)),
            fields.String("matter"), fields.Read("opensAt", static (f, n) => f.Time(n)), fields.String("projectId"), fields.String("question"),
            fields.String("voteId"));
    }
}

public sealed record CastBallotBody(Member<string> Choice, Member<string> HouseholdId, Member<string> ProjectId, Member<string> VoteId)
    : ICommandBody<CastBallotBody>
{
    public static IReadOnlyList<string> Members { get; } = ["choice", "householdId", "projectId", "voteId"];

    public static CastBallotBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("choice"), fields.String("householdId"), fields.String("projectId"), fields.String("voteId"));
    }
}

/// <param name="Households">The vote's scope again, so that the streams whose ballots it counts are known before it is decided.</param>
public sealed record CloseVoteBody(Member<IReadOnlyList<string>> Households, Member<string> ProjectId, Member<string> VoteId)
    : ICommandBody<CloseVoteBody>
{
    public static IReadOnlyList<string> Members { get; } = ["households", "projectId", "voteId"];

    public static CloseVoteBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Read("households", static (f, n) => Routing.HouseholdsOf(f.Has(n) ? f.Element(n) : default)), fields.String("projectId"), fields.String("voteId"));
    }
}

/// <param name="FloorAreaHundredths">专有部分面积 in hundredths of a square metre.</param>
public sealed record RecordFloorAreaBody(Member<long> FloorAreaHundredths, Member<string> HouseholdId) : ICommandBody<RecordFloorAreaBody>
{
    public static IReadOnlyList<string> Members { get; } = ["floorAreaHundredths", "householdId"];

    public static RecordFloorAreaBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.Integer("floorAreaHundredths"), fields.String("householdId"));
    }
}
