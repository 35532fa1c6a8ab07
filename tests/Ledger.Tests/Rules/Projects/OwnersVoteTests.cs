// The owners' vote (业主表决, VoteRules and VotePolicy): the double majority of art. 278 at its
// exact boundaries, by area (hundredths of a square metre) and by head; one ballot per household
// within the period; the tally on the project and the choices only on the households' streams;
// and a campaign refused until a vote the project's policy asks for has passed.
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class OwnersVoteTests
{
    const string VoteId = "lift-b2";

    /// <summary>100.00 m² each: the twelve households hold 1,200.00 m², 120,000 hundredths.</summary>
    const long AreaEach = 10_000;

    static readonly VoteWeight TwelveHouseholds = new(12, 12 * AreaEach);

    // matter, agree (households, area), against, abstain, passes. Scope: 12 households, 120,000 hundredths.
    public static TheoryData<VoteMatter, long, long, long, long, long, long, bool> Boundaries => new()
    {
        // Participation: at least 2/3 of the area (80,000) and of the households (8).
        { VoteMatter.RaiseFunds, 8, 80_000, 0, 0, 0, 0, true },
        { VoteMatter.RaiseFunds, 8, 79_999, 0, 0, 0, 0, false },
        { VoteMatter.RaiseFunds, 7, 80_000, 0, 0, 0, 0, false },
        // Agreement for raising money and rebuilding: at least 3/4 of the participating area and households.
        { VoteMatter.RaiseFunds, 6, 60_000, 2, 20_000, 0, 0, true },
        { VoteMatter.RaiseFunds, 6, 59_999, 2, 20_001, 0, 0, false },
        { VoteMatter.Rebuild, 5, 60_000, 3, 20_000, 0, 0, false },
        { VoteMatter.Rebuild, 6, 60_000, 2, 20_000, 0, 0, true },
        // Abstentions take part and do not agree.
        { VoteMatter.RaiseFunds, 9, 90_000, 0, 0, 3, 30_000, true },
        { VoteMatter.RaiseFunds, 9, 89_999, 0, 0, 3, 30_001, false },
        { VoteMatter.RaiseFunds, 6, 60_000, 0, 0, 3, 30_000, false },
        // Other matters: more than half, by area and by head; exactly half fails.
        { VoteMatter.Other, 4, 40_000, 4, 40_000, 0, 0, false },
        { VoteMatter.Other, 5, 40_000, 3, 40_000, 0, 0, false },
        { VoteMatter.Other, 4, 40_001, 4, 39_999, 0, 0, false },
        { VoteMatter.Other, 5, 40_001, 3, 39_999, 0, 0, true },
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void DoubleMajorityOfArticle278IsExactAtItsBoundaries(VoteMatter matter, long agree, long agreeArea, long against, long againstArea,
        long abstain, long abstainArea, bool passes)
    {
        var tally = new VoteTally(new(agree, agreeArea), new(against, againstArea), new(abstain, abstainArea));

        Assert.Equal(passes, VotePolicy.Default.Passes(matter, TwelveHouseholds, tally));
    }

    [Fact]
    public void ProjectPolicyThresholdsReplaceTheDefaults()
    {
        var unanimous = VotePolicy.Default with { SpecialMajority = new Fraction(1, 1) };
        var tally = new VoteTally(new(11, 110_000), new(1, 10_000), VoteWeight.None);

        Assert.True(VotePolicy.Default.Passes(VoteMatter.RaiseFunds, TwelveHouseholds, tally));
        Assert.False(unanimous.Passes(VoteMatter.RaiseFunds, TwelveHouseholds, tally));
    }

    [Fact]
    public void CampaignIsRefusedUntilTheVoteThePolicyAsksForHasPassed()
    {
        var scenario = WithVote();
        scenario.AssertRefusedAndUnchanged(ResultCode.CampaignNeedsPassedVote, () => scenario.StartCampaign());

        // Exactly 2/3 take part (8 of 12, 80,000 of 120,000), exactly 3/4 of them agree (6 of 8, 60,000 of 80,000).
        CastBallots(scenario, agree: 6, against: 2, abstain: 0);
        scenario.AssertRefusedAndUnchanged(ResultCode.CampaignNeedsPassedVote, () => scenario.StartCampaign());
        scenario.Now = ClosesAt(scenario);
        var closed = AssertAccepted(Close(scenario));

        var tally = closed.Entries[0];
        Assert.Equal((ProjectRules.StreamOf(ProjectId), ProjectEntryTypes.VoteClosed), (tally.Stream, tally.Type));
        Assert.Equal(6, tally.Body["agreeHouseholds"]!.GetValue<long>());
        Assert.Equal(60_000, tally.Body["agreeAreaHundredths"]!.GetValue<long>());
        Assert.Equal(2, tally.Body["againstHouseholds"]!.GetValue<long>());
        Assert.True(tally.Body["passed"]!.GetValue<bool>());
        Assert.Equal(TwelveHouseholds.Households, closed.Entries.Count(e => e.Type == HouseholdEntryTypes.BallotCounted));
        Assert.True(scenario.Project.Votes[VoteId].Passed);
        AssertAccepted(scenario.StartCampaign());
    }

    [Fact]
    public void VoteThatFailsLeavesTheCampaignRefused()
    {
        var scenario = WithVote();
        CastBallots(scenario, agree: 5, against: 3, abstain: 0);
        scenario.Now = ClosesAt(scenario);

        var closed = AssertAccepted(Close(scenario));

        Assert.False(closed.Entries[0].Body["passed"]!.GetValue<bool>());
        scenario.AssertRefusedAndUnchanged(ResultCode.CampaignNeedsPassedVote, () => scenario.StartCampaign());
    }

    [Fact]
    public void ProjectWithoutPolicyStartsItsCampaignWithoutAVote()
    {
        var scenario = Opened();

        AssertAccepted(scenario.StartCampaign());
        Assert.Null(scenario.Project.VotePolicy);
    }

    [Fact]
    public void HouseholdVotesOnce()
    {
        var scenario = WithVote();
        AssertAccepted(Ballot(scenario, "b2-0101", "Agree"));

        scenario.AssertRefusedAndUnchanged(ResultCode.BallotAlreadyCast, () => Ballot(scenario, "b2-0101", "Against"));
    }

    [Fact]
    public void BallotOutsideThePeriodIsRefused()
    {
        var scenario = WithVote(opensIn: TimeSpan.FromHours(1));
        scenario.AssertRefusedAndUnchanged(ResultCode.OutsideVotingPeriod, () => Ballot(scenario, "b2-0101", "Agree"));

        scenario.Now = ClosesAt(scenario).AddMilliseconds(-1);
        AssertAccepted(Ballot(scenario, "b2-0101", "Agree"));
        scenario.Now = ClosesAt(scenario);
        scenario.AssertRefusedAndUnchanged(ResultCode.OutsideVotingPeriod, () => Ballot(scenario, "b2-0102", "Agree"));
    }

    [Fact]
    public void VoteClosesOnceAfterItsClosingTime()
    {
        var scenario = WithVote();
        scenario.Now = ClosesAt(scenario).AddMilliseconds(-1);
        scenario.AssertRefusedAndUnchanged(ResultCode.OutsideVotingPeriod, () => Close(scenario));

        scenario.Now = ClosesAt(scenario);
        AssertAccepted(Close(scenario));
        scenario.AssertRefusedAndUnchanged(ResultCode.VoteAlreadyClosed, () => Close(scenario));
        scenario.AssertRefusedAndUnchanged(ResultCode.OutsideVotingPeriod, () => Ballot(scenario, "b2-0101", "Agree"));
    }

    [Fact]
    public void HowAHouseholdVotedIsOnlyOnItsOwnStream()
    {
        var scenario = WithVote();
        CastBallots(scenario, agree: 6, against: 2, abstain: 1);
        scenario.Now = ClosesAt(scenario);
        AssertAccepted(Close(scenario));

        var project = ProjectRules.StreamOf(ProjectId);
        Assert.DoesNotContain(scenario.Ledger.Entries, e => e.Stream == project && e.SignedCommand.Command.Type == HouseholdCommandTypes.CastBallot);
        Assert.All(scenario.Ledger.Entries.Where(e => e.SignedCommand.Command.Type == HouseholdCommandTypes.CastBallot),
            e => Assert.Equal(HouseholdRules.StreamOf(e.SignedCommand.Command.Body.GetProperty("householdId").GetString()!), e.Stream));
        Assert.Equal(BallotChoice.Abstain, scenario.Household(TwelveHouseholds_[8]).BallotOf(ProjectId, VoteId)!.Choice);
    }

    [Fact]
    public void EveryCommandOfAVoteIsDecidedAgainTheSameWayAsTheVerifierReplaysIt()
    {
        var scenario = WithVote();
        CastBallots(scenario, agree: 7, against: 1, abstain: 1);
        scenario.Now = ClosesAt(scenario);
        AssertAccepted(Close(scenario));
        AssertAccepted(scenario.StartCampaign());

        // FORMAT.md §7 step 4: each command's entries, decided again at their recorded time on the streams as they stood, are the same bytes.
        var states = new Dictionary<string, StreamState>(StringComparer.Ordinal);
        StreamState StateOf(string stream) => states.GetValueOrDefault(stream) ?? StreamState.Initial(stream);
        foreach (var group in Groups(scenario.Ledger.Entries))
        {
            var first = group[0];
            var rule = Commands.Find(first.SignedCommand.Command.Type)!;
            var streams = Commands.StreamsOf(rule, first.SignedCommand.Command);
            var context = new DecisionContext((RegistryState)StateOf(RegistryRules.Stream),
                streams.ToDictionary(s => s, StateOf, StringComparer.Ordinal), first.SignedCommand.Command, first.RecordedAt);

            var decided = AssertAccepted(Commands.Decide(rule, context)).Entries;

            Assert.Equal(group.Select(e => (e.Stream, e.Type, CanonicalJson.Encode(e.Body))), decided.Select(d => (d.Stream, d.Type, CanonicalJson.Encode(d.Body))));
            foreach (var entry in group)
            {
                states[entry.Stream] = StateOf(entry.Stream).Apply(entry);
            }
        }
    }

    /// <summary>The entries of one command follow one another and share its signer and idempotency key.</summary>
    static List<List<Entry>> Groups(IEnumerable<Entry> entries)
    {
        var groups = new List<List<Entry>>();
        foreach (var entry in entries)
        {
            if (groups.Count > 0 && groups[^1][0].SignedCommand.Command is var command && command.PersonId == entry.SignedCommand.Command.PersonId
                && command.IdempotencyKey == entry.SignedCommand.Command.IdempotencyKey)
            {
                groups[^1].Add(entry);
            }
            else
            {
                groups.Add([entry]);
            }
        }
        return groups;
    }

    public static TheoryData<string, ResultCode> BallotRefusals => new()
    {
        { "Maybe", ResultCode.InvalidVote },
        { "Agree", ResultCode.UnknownVote },
    };

    [Theory]
    [MemberData(nameof(BallotRefusals))]
    public void BallotIsRefused(string choice, ResultCode expected)
    {
        var scenario = WithVote();
        var body = BallotBody("b2-0101", choice);
        if (expected == ResultCode.UnknownVote)
        {
            body["voteId"] = "no-such-vote";
        }

        scenario.AssertRefusedAndUnchanged(expected, () => scenario.Submit(ResidentOf("b2-0101"), HouseholdCommandTypes.CastBallot, body));
    }

    [Fact]
    public void BallotIsSignedByAResidentOfTheHousehold()
    {
        var scenario = WithVote();

        scenario.AssertRefusedAndUnchanged(ResultCode.NotResidentOfHousehold,
            () => scenario.Submit(ResidentOf("b2-0102"), HouseholdCommandTypes.CastBallot, BallotBody("b2-0101", "Agree")));
    }

    [Fact]
    public void OpeningIsRefusedWhenItsScopeOrPeriodIsWrong()
    {
        var scenario = WithPolicy();
        var all = TwelveHouseholds_;
        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Submit(Fin, ProjectCommandTypes.OpenVote, OpenBody(scenario, all)));
        scenario.AssertRefusedAndUnchanged(ResultCode.InvalidVoteScope, () => Open(scenario, [.. all.Reverse()]));
        scenario.AssertRefusedAndUnchanged(ResultCode.InvalidVoteScope, () => Open(scenario, [all[0], all[0]]));
        scenario.AssertRefusedAndUnchanged(ResultCode.FloorAreaNotRecorded, () => Open(scenario, [.. all, "b2-0701"]));
        var backwards = OpenBody(scenario, all);
        backwards["closesAt"] = Format(scenario.Now);
        scenario.AssertRefusedAndUnchanged(ResultCode.InvalidVote, () => scenario.Submit(Owner, ProjectCommandTypes.OpenVote, backwards));
        AssertAccepted(Open(scenario, all));
        scenario.AssertRefusedAndUnchanged(ResultCode.VoteAlreadyOpened, () => Open(scenario, all));
    }

    [Fact]
    public void ClosingNamesTheVotesScope()
    {
        var scenario = WithVote();
        scenario.Now = ClosesAt(scenario);

        scenario.AssertRefusedAndUnchanged(ResultCode.InvalidVoteScope,
            () => scenario.Submit(Owner, ProjectCommandTypes.CloseVote, CloseBody(TwelveHouseholds_.Skip(1))));
    }

    [Fact]
    public void FloorAreaIsRecordedInHundredthsWithinItsRange()
    {
        var scenario = BeforeOpening();
        scenario.AssertRefusedAndUnchanged(ResultCode.FloorAreaOutOfRange, () => RecordArea(scenario, "b2-0101", 0));
        scenario.AssertRefusedAndUnchanged(ResultCode.FloorAreaOutOfRange, () => RecordArea(scenario, "b2-0101", RegistryRules.MaxFloorAreaHundredths + 1));
        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing,
            () => scenario.Submit(Owner, RegistryCommandTypes.RecordFloorArea, AreaBody("b2-0101", AreaEach)));

        AssertAccepted(RecordArea(scenario, "b2-0101", 9_876));
        AssertAccepted(RecordArea(scenario, "b2-0101", AreaEach));

        Assert.Equal(AreaEach, scenario.Ledger.Registry.FloorAreas["b2-0101"]);
    }

    [Fact]
    public void PolicyWithAThresholdAboveOneIsRefused()
    {
        var scenario = BeforeOpening();
        var body = ProjectScenario.OpenBody();
        body["votePolicy"] = new JsonObject { ["campaignRequiresVote"] = true, ["participation"] = new JsonObject { ["denominator"] = 3, ["numerator"] = 4 } };

        scenario.AssertRefusedAndUnchanged(ResultCode.InvalidVotePolicy, () => scenario.Open(body));
    }

    [Fact]
    public void PolicyIsWrittenWithItsDefaultsFilledIn()
    {
        var scenario = WithPolicy();

        Assert.Equal(VotePolicy.Default with { CampaignRequiresVote = true }, scenario.Project.VotePolicy);
    }

    // The scenario: the twelve households of ProjectScenario, 100.00 m² each, a project whose policy asks for a vote.

    static readonly IReadOnlyList<string> TwelveHouseholds_ = [.. ProjectScenario.TwelveHouseholds.Select(h => h.HouseholdId)];

    static ProjectScenario WithPolicy()
    {
        var scenario = BeforeOpening();
        foreach (var householdId in TwelveHouseholds_)
        {
            AssertAccepted(RecordArea(scenario, householdId, AreaEach));
        }
        var body = ProjectScenario.OpenBody();
        body["votePolicy"] = new JsonObject { ["campaignRequiresVote"] = true };
        AssertAccepted(scenario.Open(body));
        return scenario;
    }

    static ProjectScenario WithVote(TimeSpan opensIn = default)
    {
        var scenario = WithPolicy();
        AssertAccepted(scenario.Submit(Owner, ProjectCommandTypes.OpenVote, OpenBody(scenario, TwelveHouseholds_, opensIn)));
        return scenario;
    }

    static DateTimeOffset ClosesAt(ProjectScenario scenario) => scenario.Project.Votes[VoteId].ClosesAt;

    /// <summary>The first households agree, the next are against, the next abstain; the rest do not vote.</summary>
    static void CastBallots(ProjectScenario scenario, int agree, int against, int abstain)
    {
        var choices = Enumerable.Repeat("Agree", agree).Concat(Enumerable.Repeat("Against", against)).Concat(Enumerable.Repeat("Abstain", abstain));
        foreach (var (householdId, choice) in TwelveHouseholds_.Zip(choices))
        {
            AssertAccepted(Ballot(scenario, householdId, choice));
        }
    }

    static Decision Open(ProjectScenario scenario, IEnumerable<string> households) =>
        scenario.Submit(Owner, ProjectCommandTypes.OpenVote, OpenBody(scenario, households));

    static Decision Ballot(ProjectScenario scenario, string householdId, string choice) =>
        scenario.Submit(ResidentOf(householdId), HouseholdCommandTypes.CastBallot, BallotBody(householdId, choice));

    static Decision Close(ProjectScenario scenario) => scenario.Submit(Owner, ProjectCommandTypes.CloseVote, CloseBody(TwelveHouseholds_));

    static Decision RecordArea(ProjectScenario scenario, string householdId, long area) =>
        scenario.Submit(TheRegistrar, RegistryCommandTypes.RecordFloorArea, AreaBody(householdId, area));

    static JsonObject AreaBody(string householdId, long area) => new() { ["floorAreaHundredths"] = area, ["householdId"] = householdId };

    static JsonObject OpenBody(ProjectScenario scenario, IEnumerable<string> households, TimeSpan opensIn = default) => new()
    {
        ["closesAt"] = Format(scenario.Now + opensIn + TimeSpan.FromDays(14)),
        ["households"] = new JsonArray([.. households.Select(h => (JsonNode)h)]),
        ["matter"] = "RaiseFunds",
        ["opensAt"] = Format(scenario.Now + opensIn),
        ["projectId"] = ProjectId,
        ["question"] = "Retrofit a lift in building 2, residents raising 20% of its price by floor",
        ["voteId"] = VoteId,
    };

    static JsonObject BallotBody(string householdId, string choice) => new()
    {
        ["choice"] = choice,
        ["householdId"] = householdId,
        ["projectId"] = ProjectId,
        ["voteId"] = VoteId,
    };

    static JsonObject CloseBody(IEnumerable<string> households) => new()
    {
        ["households"] = new JsonArray([.. households.Select(h => (JsonNode)h)]),
        ["projectId"] = ProjectId,
        ["voteId"] = VoteId,
    };

    static string Format(DateTimeOffset time) => LedgerTime.Format(time);
}
