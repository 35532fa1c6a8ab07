using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

namespace Ledger.Bodies;

// The bodies of the owners' vote's entries (docs/ENTRIES.md "The owners' vote"): on the project,
// the vote and its tally, which everyone reads; on each household, its ballot paper, how it voted
// and that it was counted, which only the household, the resident supervisors and the auditor read.

/// <param name="Households">The scope: each household's floor area as the registry had it when the vote opened, by household id.</param>
public sealed record VoteOpenedBody(
    Member<DateTimeOffset> ClosesAt, Member<IReadOnlyList<VoteScopeHousehold>> Households, Member<VoteMatter> Matter,
    Member<DateTimeOffset> OpensAt, Member<string> Question, Member<string> VoteId)
    : IEntryBody<VoteOpenedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.VoteOpened];

    public static IReadOnlyList<string> Members { get; } = ["closesAt", "households", "matter", "opensAt", "question", "voteId"];

    public static VoteOpenedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Read("closesAt", static (f, n) => f.Time(n)),
            fields.Read<IReadOnlyList<VoteScopeHousehold>>("households", static (f, n) => f.Array(n).Select(VoteScopeHousehold.Read).ToList()),
            fields.Enum<VoteMatter>("matter"), fields.Read("opensAt", static (f, n) => f.Time(n)), fields.String("question"), fields.String("voteId"));
    }

    public static JsonObject Write(
        DateTimeOffset closesAt, IEnumerable<KeyValuePair<string, long>> households, VoteMatter matter, DateTimeOffset opensAt, string question,
        string voteId) => new()
    {
        ["closesAt"] = LedgerTime.Format(closesAt),
        ["households"] = new JsonArray([.. households.Select(h => (JsonNode)VoteScopeHousehold.Write(h.Value, h.Key))]),
        ["matter"] = matter.ToString(),
        ["opensAt"] = LedgerTime.Format(opensAt),
        ["question"] = question,
        ["voteId"] = voteId,
    };

    /// <summary>The scope by household id, each with its floor area.</summary>
    public ImmutableSortedDictionary<string, long> ScopeAreas() =>
        Households.Value.ToImmutableSortedDictionary(h => h.HouseholdId, h => h.FloorAreaHundredths, StringComparer.Ordinal);
}

/// <summary>A household of a vote's scope, with the floor area it votes with.</summary>
public sealed record VoteScopeHousehold(long FloorAreaHundredths, string HouseholdId)
{
    public static IReadOnlyList<string> Members { get; } = ["floorAreaHundredths", "householdId"];

    internal static VoteScopeHousehold Read(JsonElement household)
    {
        var fields = JsonFields.Of(household, "a household in scope", Members);
        return new(fields.Integer("floorAreaHundredths"), fields.String("householdId"));
    }

    internal static JsonObject Write(long floorAreaHundredths, string householdId) =>
        new() { ["floorAreaHundredths"] = floorAreaHundredths, ["householdId"] = householdId };
}

/// <summary>The tally by choice, in households and in area, and the result by the project's policy.</summary>
public sealed record VoteClosedBody(
    Member<long> AbstainAreaHundredths, Member<long> AbstainHouseholds, Member<long> AgainstAreaHundredths, Member<long> AgainstHouseholds,
    Member<long> AgreeAreaHundredths, Member<long> AgreeHouseholds, Member<bool> Passed, Member<string> VoteId)
    : IEntryBody<VoteClosedBody>
{
    public static IReadOnlyList<string> Types { get; } = [ProjectEntryTypes.VoteClosed];

    public static IReadOnlyList<string> Members { get; } =
        ["abstainAreaHundredths", "abstainHouseholds", "againstAreaHundredths", "againstHouseholds", "agreeAreaHundredths", "agreeHouseholds", "passed", "voteId"];

    public static VoteClosedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("abstainAreaHundredths"), fields.Integer("abstainHouseholds"), fields.Integer("againstAreaHundredths"),
            fields.Integer("againstHouseholds"), fields.Integer("agreeAreaHundredths"), fields.Integer("agreeHouseholds"),
            fields.Read("passed", static (f, n) => f.Boolean(n)), fields.String("voteId"));
    }

    public VoteTally Tally() => new(new(AgreeHouseholds.Value, AgreeAreaHundredths.Value), new(AgainstHouseholds.Value, AgainstAreaHundredths.Value),
        new(AbstainHouseholds.Value, AbstainAreaHundredths.Value));

    public static JsonObject Write(VoteTally tally, bool passed, string voteId) => new()
    {
        ["abstainAreaHundredths"] = tally.Abstain.AreaHundredths,
        ["abstainHouseholds"] = tally.Abstain.Households,
        ["againstAreaHundredths"] = tally.Against.AreaHundredths,
        ["againstHouseholds"] = tally.Against.Households,
        ["agreeAreaHundredths"] = tally.Agree.AreaHundredths,
        ["agreeHouseholds"] = tally.Agree.Households,
        ["passed"] = passed,
        ["voteId"] = voteId,
    };
}

/// <summary>A household's ballot paper: the vote it may take part in, and when.</summary>
public sealed record BallotIssuedBody(Member<DateTimeOffset> ClosesAt, Member<DateTimeOffset> OpensAt, Member<string> ProjectId, Member<string> VoteId)
    : IEntryBody<BallotIssuedBody>
{
    public static IReadOnlyList<string> Types { get; } = [HouseholdEntryTypes.BallotIssued];

    public static IReadOnlyList<string> Members { get; } = ["closesAt", "opensAt", "projectId", "voteId"];

    public static BallotIssuedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Read("closesAt", static (f, n) => f.Time(n)), fields.Read("opensAt", static (f, n) => f.Time(n)),
            fields.String("projectId"), fields.String("voteId"));
    }

    public static JsonObject Write(DateTimeOffset closesAt, DateTimeOffset opensAt, string projectId, string voteId) => new()
    {
        ["closesAt"] = LedgerTime.Format(closesAt),
        ["opensAt"] = LedgerTime.Format(opensAt),
        ["projectId"] = projectId,
        ["voteId"] = voteId,
    };
}

public sealed record BallotCastBody(Member<BallotChoice> Choice, Member<string> ProjectId, Member<string> VoteId) : IEntryBody<BallotCastBody>
{
    public static IReadOnlyList<string> Types { get; } = [HouseholdEntryTypes.BallotCast];

    public static IReadOnlyList<string> Members { get; } = ["choice", "projectId", "voteId"];

    public static BallotCastBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Enum<BallotChoice>("choice"), fields.String("projectId"), fields.String("voteId"));
    }

    public static JsonObject Write(BallotChoice choice, string projectId, string voteId) =>
        new() { ["choice"] = choice.ToString(), ["projectId"] = projectId, ["voteId"] = voteId };
}

public sealed record BallotCountedBody(Member<string> ProjectId, Member<string> VoteId) : IEntryBody<BallotCountedBody>
{
    public static IReadOnlyList<string> Types { get; } = [HouseholdEntryTypes.BallotCounted];

    public static IReadOnlyList<string> Members { get; } = ["projectId", "voteId"];

    public static BallotCountedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("projectId"), fields.String("voteId"));
    }

    public static JsonObject Write(string projectId, string voteId) => new() { ["projectId"] = projectId, ["voteId"] = voteId };
}
