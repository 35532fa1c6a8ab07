// The points policy (src/Ledger/Rules/Households/PointsPolicyRules.cs; docs/ENTRIES.md
// "Points policy"): versions proposed by the volunteer coordinator and approved by a resident
// supervisor, kept in the registry; awards priced by the version in force at their recorded
// time, capped per household and calendar period in China Standard Time. Each table row is
// one boundary: the instant a version takes effect, the cap reached exactly and one point
// beyond, the last millisecond of a Beijing month.
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Registry;

using static Ledger.Tests.Rules.Households.PointsScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Households;

public sealed class PointsPolicyTests
{
    /// <summary>A resident supervisor, who approves versions.</summary>
    static readonly Signer Sue = new("sue", "sue");

    /// <summary>One person holding both roles: may propose and may approve, never their own version.</summary>
    static readonly Signer Dual = new("dual", "dual");

    /// <summary>Version 1 takes effect here: 2026-03-10 00:00 in Beijing.</summary>
    static readonly DateTimeOffset V1From = Time("2026-03-09T16:00:00.000Z");

    /// <summary>Version 2 takes effect here: 2026-05-01 00:00 in Beijing.</summary>
    static readonly DateTimeOffset V2From = Time("2026-04-30T16:00:00.000Z");

    static DateTimeOffset Time(string text) => LedgerTime.TryParse(text, out var time) ? time : throw new FormatException(text);

    static JsonObject Rate(string activity, long pointsPerUnit, string unit, long? capPoints = null, string? capPeriod = null)
    {
        var rate = new JsonObject { ["activity"] = activity, ["pointsPerUnit"] = pointsPerUnit, ["unit"] = unit };
        if (capPoints is not null)
        {
            rate["capPoints"] = capPoints;
        }
        if (capPeriod is not null)
        {
            rate["capPeriod"] = capPeriod;
        }
        return rate;
    }

    static JsonObject ProposeBody(DateTimeOffset effectiveFrom, params JsonObject[] rates) =>
        new() { ["effectiveFrom"] = LedgerTime.Format(effectiveFrom), ["rates"] = new JsonArray([.. rates]) };

    /// <summary>Version 1: 10 points an hour of service, at most 50 a month; 1 point a day of sorting, at most 30 a month; councils 20 a meeting, no cap.</summary>
    static JsonObject Version1() => ProposeBody(V1From,
        Rate("VolunteerService", 10, "Hour", 50, "Month"), Rate("WasteSorting", 1, "Day", 30, "Month"), Rate("CouncilParticipation", 20, "Meeting"));

    /// <summary>Version 2: 12 points an hour of service, at most 100 a quarter; nothing else.</summary>
    static JsonObject Version2() => ProposeBody(V2From, Rate("VolunteerService", 12, "Hour", 100, "Quarter"));

    static Decision Propose(RegistryScenario scenario, JsonObject body, Signer? by = null) =>
        scenario.Submit(by ?? Coordinator, RegistryCommandTypes.ProposePointsPolicy, body);

    static Decision Approve(RegistryScenario scenario, long version, Signer? by = null) =>
        scenario.Submit(by ?? Sue, RegistryCommandTypes.ApprovePointsPolicy, new JsonObject { ["version"] = version });

    /// <summary>The points bank, with a resident supervisor and a person holding both policy roles; no policy yet.</summary>
    static RegistryScenario Bank()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Register(Sue.PersonId, [Role.ResidentSupervisor]));
        AssertAccepted(scenario.Register(Dual.PersonId, [Role.VolunteerCoordinator, Role.ResidentSupervisor]));
        return scenario;
    }

    /// <summary>The bank with version 1 approved (on Start, 2026-03-01) and, when asked, version 2.</summary>
    static RegistryScenario WithPolicy(bool version2 = false)
    {
        var scenario = Bank();
        AssertAccepted(Propose(scenario, Version1()));
        AssertAccepted(Approve(scenario, 1));
        if (version2)
        {
            AssertAccepted(Propose(scenario, Version2()));
            AssertAccepted(Approve(scenario, 2));
        }
        return scenario;
    }

    // The entries.

    [Fact]
    public void ProposalAndApprovalWriteTheVersionWithItsRatesSortedByActivity()
    {
        var scenario = Bank();

        var proposed = AssertAccepted(Propose(scenario, Version1())).Entries.Single();
        var approved = AssertAccepted(Approve(scenario, 1)).Entries.Single();

        Assert.Equal((RegistryRules.Stream, RegistryEntryTypes.PointsPolicyProposed), (proposed.Stream, proposed.Type));
        Assert.Equal(
            """{"effectiveFrom":"2026-03-09T16:00:00.000Z","rates":[{"activity":"CouncilParticipation","pointsPerUnit":20,"unit":"Meeting"},{"activity":"VolunteerService","capPeriod":"Month","capPoints":50,"pointsPerUnit":10,"unit":"Hour"},{"activity":"WasteSorting","capPeriod":"Month","capPoints":30,"pointsPerUnit":1,"unit":"Day"}],"version":1}""",
            System.Text.Encoding.UTF8.GetString(CanonicalJson.Encode(proposed.Body)));
        Assert.Equal(RegistryEntryTypes.PointsPolicyApproved, approved.Type);
        Assert.Equal("""{"effectiveFrom":"2026-03-09T16:00:00.000Z","version":1}""", System.Text.Encoding.UTF8.GetString(CanonicalJson.Encode(approved.Body)));
        var version = Assert.Single(scenario.Registry.PointsPolicy);
        Assert.Equal((1L, V1From, Coordinator.PersonId, true), (version.Version, version.EffectiveFrom, version.ProposedBy, version.Approved));
    }

    [Fact]
    public void PolicyCommandsAreGivenOnlyByTheirRolesAndWriteTheRegistry()
    {
        var propose = Commands.Find(RegistryCommandTypes.ProposePointsPolicy)!;
        var approve = Commands.Find(RegistryCommandTypes.ApprovePointsPolicy)!;
        var command = new RegistryScenario().NewCommand("vera", KeyId("vera"), propose.Type, new JsonObject());

        Assert.Equal([Role.VolunteerCoordinator], propose.Roles);
        Assert.Equal([Role.ResidentSupervisor], approve.Roles);
        Assert.Equal([RegistryRules.Stream], Commands.StreamsOf(propose, command));
        Assert.Equal([RegistryRules.Stream], Commands.StreamsOf(approve, command));
    }

    // Pricing an award: (when, activity, quantity, points, earlier awards this period) → result and version.

    public static TheoryData<string, string, string, long, long, long, ResultCode, long?> Awards => new()
    {
        // No version in force: today's behaviour, any points.
        { "a millisecond before version 1 takes effect", "2026-03-09T15:59:59.999Z", "VolunteerService", 1, 7, 0, ResultCode.Accepted, null },
        { "at the exact instant version 1 takes effect", "2026-03-09T16:00:00.000Z", "VolunteerService", 2, 20, 0, ResultCode.Accepted, 1 },
        { "points other than quantity × points per unit", "2026-03-09T16:00:00.000Z", "VolunteerService", 2, 21, 0, ResultCode.PointsNotAsPolicy, null },
        { "an activity the version does not price", "2026-03-12T02:00:00.000Z", "ResourceDonation", 1, 5, 0, ResultCode.ActivityNotInPolicy, null },
        { "an activity without a cap", "2026-03-12T02:00:00.000Z", "CouncilParticipation", 100, 2000, 0, ResultCode.Accepted, 1 },
        { "the cap reached exactly", "2026-03-12T02:00:00.000Z", "WasteSorting", 10, 10, 20, ResultCode.Accepted, 1 },
        { "one point beyond the cap", "2026-03-12T02:00:00.000Z", "WasteSorting", 11, 11, 20, ResultCode.AwardBeyondCap, null },
        { "the last millisecond of March in Beijing still counts March's points", "2026-03-31T15:59:59.999Z", "WasteSorting", 11, 11, 20, ResultCode.AwardBeyondCap, null },
        { "the first millisecond of April in Beijing starts a new month", "2026-03-31T16:00:00.000Z", "WasteSorting", 30, 30, 20, ResultCode.Accepted, 1 },
        { "a millisecond before version 2, priced by version 1", "2026-04-30T15:59:59.999Z", "VolunteerService", 1, 10, 0, ResultCode.Accepted, 1 },
        { "at the exact instant version 2 takes effect, priced by version 2", "2026-04-30T16:00:00.000Z", "VolunteerService", 1, 12, 0, ResultCode.Accepted, 2 },
        { "version 1's price once version 2 is in force", "2026-04-30T16:00:00.000Z", "VolunteerService", 1, 10, 0, ResultCode.PointsNotAsPolicy, null },
        { "an activity version 2 no longer prices", "2026-05-02T02:00:00.000Z", "WasteSorting", 1, 1, 0, ResultCode.ActivityNotInPolicy, null },
    };

    [Theory]
    [MemberData(nameof(Awards))]
    public void AwardIsPricedByTheVersionInForceAtItsTime(string why, string at, string activity, long quantity, long points, long earlierPoints,
        ResultCode expected, long? version)
    {
        var scenario = WithPolicy(version2: true);
        var time = Time(at);
        if (earlierPoints > 0)
        {
            // Earlier in the same Beijing month, at a rate of 1 point a day.
            scenario.Now = time.AddDays(-1) < V1From ? V1From : time.AddDays(-1);
            AssertAccepted(scenario.Award(North, earlierPoints, "earlier", activity, earlierPoints));
        }
        scenario.Now = time;

        var decision = scenario.Award(North, points, "this-one", activity, quantity);

        if (expected == ResultCode.Accepted)
        {
            var body = AssertAccepted(decision).Entries.Single().Body;
            Assert.Equal(version, body["policyVersion"]?.GetValue<long>());
            var award = scenario.HouseholdOf(North).Awards[^1];
            Assert.Equal((Enum.Parse<Activity>(activity), quantity, points, version), (award.Activity, award.Quantity, award.Points, award.PolicyVersion));
        }
        else
        {
            Assert.True(AssertRefused(expected, decision) is not null, why);
        }
    }

    [Fact]
    public void CapCountsAwardsOfTheActivityInTheQuarterWhateverVersionPricedThem()
    {
        var scenario = WithPolicy(version2: true);
        // April's award, priced by version 1, counts towards version 2's quarterly cap (April–June).
        scenario.Now = Time("2026-04-02T02:00:00.000Z");
        AssertAccepted(scenario.Award(North, 50, "april", "VolunteerService", 5));
        scenario.Now = Time("2026-06-30T15:59:59.999Z");
        AssertAccepted(scenario.Award(North, 48, "june", "VolunteerService", 4));

        scenario.AssertRefusedAndUnchanged(ResultCode.AwardBeyondCap, () => scenario.Award(North, 12, "june-2", "VolunteerService", 1));
        // Another household's awards never count.
        AssertAccepted(scenario.Award(South, 96, "south", "VolunteerService", 8));
        scenario.Now = Time("2026-06-30T16:00:00.000Z");
        AssertAccepted(scenario.Award(North, 12, "july", "VolunteerService", 1));
    }

    [Fact]
    public void WithoutAnApprovedVersionAnAwardIsTakenAsBefore()
    {
        var scenario = Bank();
        AssertAccepted(Propose(scenario, Version1()));
        scenario.Now = V1From.AddDays(1);

        var body = AssertAccepted(scenario.Award(North, 7, "before-approval", "VolunteerService", 3)).Entries.Single().Body;

        Assert.False(body.ContainsKey("policyVersion"));
    }

    // Proposing and approving: what each refuses.

    public static TheoryData<string, JsonObject, ResultCode> Proposals => new()
    {
        { "an unknown activity", ProposeBody(V1From, Rate("Gardening", 1, "Hour")), ResultCode.InvalidPointsPolicy },
        { "an activity priced twice", ProposeBody(V1From, Rate("WasteSorting", 1, "Day"), Rate("WasteSorting", 2, "Day")), ResultCode.InvalidPointsPolicy },
        { "no rate", ProposeBody(V1From), ResultCode.InvalidPointsPolicy },
        { "zero points per unit", ProposeBody(V1From, Rate("WasteSorting", 0, "Day")), ResultCode.InvalidPointsPolicy },
        { "points per unit above the largest award", ProposeBody(V1From, Rate("WasteSorting", 100_001, "Day")), ResultCode.InvalidPointsPolicy },
        { "the largest award per unit", ProposeBody(V1From, Rate("WasteSorting", 100_000, "Day")), ResultCode.Accepted },
        { "an unknown unit", ProposeBody(V1From, Rate("WasteSorting", 1, "Week")), ResultCode.InvalidPointsPolicy },
        { "a cap without a period", ProposeBody(V1From, Rate("WasteSorting", 1, "Day", capPoints: 30)), ResultCode.InvalidPointsPolicy },
        { "a period without a cap", ProposeBody(V1From, Rate("WasteSorting", 1, "Day", capPeriod: "Month")), ResultCode.InvalidPointsPolicy },
        { "a cap of zero", ProposeBody(V1From, Rate("WasteSorting", 1, "Day", 0, "Month")), ResultCode.InvalidPointsPolicy },
        { "an unknown period", ProposeBody(V1From, Rate("WasteSorting", 1, "Day", 30, "Week")), ResultCode.InvalidPointsPolicy },
        { "a rate with an unknown member", ProposeBody(V1From, Rate("WasteSorting", 1, "Day").With("bonus", 1)), ResultCode.MalformedCommand },
        { "an effective time that is not a ledger time", new JsonObject { ["effectiveFrom"] = "2026-03-10", ["rates"] = new JsonArray(Rate("WasteSorting", 1, "Day")) }, ResultCode.MalformedCommand },
        { "exactly 2 seconds after now", ProposeBody(Start.AddSeconds(2), Rate("WasteSorting", 1, "Day")), ResultCode.PolicyTakesEffectTooEarly },
        { "2 seconds and a millisecond after now", ProposeBody(Start.AddSeconds(2).AddMilliseconds(1), Rate("WasteSorting", 1, "Day")), ResultCode.Accepted },
        { "in the past", ProposeBody(Start.AddDays(-1), Rate("WasteSorting", 1, "Day")), ResultCode.PolicyTakesEffectTooEarly },
    };

    [Theory]
    [MemberData(nameof(Proposals))]
    public void ProposalIsRefusedUnlessItsRatesAndTimeAreValid(string why, JsonObject body, ResultCode expected)
    {
        var scenario = Bank();
        var before = scenario.Entries.Count;

        var decision = Propose(scenario, body);

        if (expected == ResultCode.Accepted)
        {
            AssertAccepted(decision);
        }
        else
        {
            Assert.True(AssertRefused(expected, decision) is not null, why);
            Assert.Equal(before, scenario.Entries.Count);
        }
    }

    [Fact]
    public void ApprovalIsRefusedForAnUnknownOrApprovedVersionOrByItsProposer()
    {
        var scenario = Bank();
        AssertAccepted(Propose(scenario, Version1(), by: Dual));

        AssertRefused(ResultCode.UnknownPolicyVersion, Approve(scenario, 0));
        AssertRefused(ResultCode.UnknownPolicyVersion, Approve(scenario, 2));
        AssertRefused(ResultCode.ProposerCannotApprovePolicy, Approve(scenario, 1, by: Dual));
        AssertRefused(ResultCode.RoleMissing, Approve(scenario, 1, by: Coordinator));
        AssertRefused(ResultCode.RoleMissing, Propose(scenario, Version2(), by: Sue));
        AssertAccepted(Approve(scenario, 1));
        AssertRefused(ResultCode.PolicyVersionAlreadyApproved, Approve(scenario, 1));
    }

    public static TheoryData<string, string, ResultCode> ApprovalTimes => new()
    {
        { "2 seconds and a millisecond before it takes effect", "2026-03-09T15:59:57.999Z", ResultCode.Accepted },
        { "exactly 2 seconds before it takes effect", "2026-03-09T15:59:58.000Z", ResultCode.PolicyTakesEffectTooEarly },
        { "after it would have taken effect", "2026-03-09T16:00:00.001Z", ResultCode.PolicyTakesEffectTooEarly },
    };

    [Theory]
    [MemberData(nameof(ApprovalTimes))]
    public void VersionIsApprovedOnlyMoreThanTwoSecondsBeforeItTakesEffect(string why, string at, ResultCode expected)
    {
        var scenario = Bank();
        AssertAccepted(Propose(scenario, Version1()));
        scenario.Now = Time(at);

        var decision = Approve(scenario, 1);

        Assert.Equal(expected, decision is Decision.Refuse refused ? refused.Code : ResultCode.Accepted);
        Assert.NotNull(why);
    }

    [Fact]
    public void VersionTakesEffectOnlyAfterEveryApprovedVersion()
    {
        var scenario = WithPolicy();
        AssertRefused(ResultCode.PolicyTakesEffectTooEarly, Propose(scenario, ProposeBody(V1From, Rate("WasteSorting", 2, "Day"))));
        AssertAccepted(Propose(scenario, ProposeBody(V2From, Rate("WasteSorting", 2, "Day"))));
        AssertAccepted(Propose(scenario, ProposeBody(V2From.AddMilliseconds(-1), Rate("WasteSorting", 3, "Day"))));
        AssertAccepted(Propose(scenario, ProposeBody(V2From.AddMilliseconds(1), Rate("WasteSorting", 4, "Day"))));
        AssertAccepted(Approve(scenario, 2));

        AssertRefused(ResultCode.PolicyTakesEffectTooEarly, Approve(scenario, 3));
        AssertAccepted(Approve(scenario, 4));
    }

    [Theory]
    [InlineData("2026-03-31T15:59:59.999Z", CapPeriod.Month, 2026, 3)]
    [InlineData("2026-03-31T16:00:00.000Z", CapPeriod.Month, 2026, 4)]
    [InlineData("2026-03-31T16:00:00.000Z", CapPeriod.Quarter, 2026, 2)]
    [InlineData("2026-03-31T15:59:59.999Z", CapPeriod.Quarter, 2026, 1)]
    [InlineData("2026-12-31T15:59:59.999Z", CapPeriod.Year, 2026, 0)]
    [InlineData("2026-12-31T16:00:00.000Z", CapPeriod.Year, 2027, 0)]
    [InlineData("2026-12-31T16:00:00.000Z", CapPeriod.Quarter, 2027, 1)]
    public void PeriodsAreCalendarPeriodsInBeijing(string at, CapPeriod period, int year, int index) =>
        Assert.Equal((year, index), PointsPolicy.PeriodOf(Time(at), period));
}
