// StartCampaign (ProjectRules.StartCampaign): the crowdfunding target, at most the planned
// crowdfunding, split between households "by floor" 按楼层分摊 (seed 001 §4.3: weights are the
// floor numbers unless floorWeights says otherwise) or flat, exactly to the fen by ShareSplit.
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class CampaignTests
{
    /// <summary>
    /// 12,000,000 fen by floor number over two households a floor: Σweights = 2 × (1+…+6) = 42;
    /// floor k gets ⌊12,000,000 k ÷ 42⌋ with remainder 12,000,000 k mod 42:
    /// k=1: 285,714 r 12; k=2: 571,428 r 24; k=3: 857,142 r 36; k=4: 1,142,857 r 6;
    /// k=5: 1,428,571 r 18; k=6: 1,714,285 r 30. The bases sum to 2 × 5,999,997 = 11,999,994,
    /// so 6 fen are left: one each to the six largest remainders, floors 3 (36), 6 (30), 2 (24).
    /// </summary>
    public static readonly IReadOnlyDictionary<int, long> ByFloorShareFen = new Dictionary<int, long>
    {
        [1] = 285_714,
        [2] = 571_429,
        [3] = 857_143,
        [4] = 1_142_857,
        [5] = 1_428_571,
        [6] = 1_714_286,
    };

    [Fact]
    public void CampaignByFloorSplitsTheTargetByFloorNumberExactlyToTheFen()
    {
        var scenario = Opened();

        var accepted = AssertAccepted(scenario.StartCampaign());

        Assert.Equal(ProjectEntryTypes.CampaignStarted, accepted.Entries.Single().Type);
        var campaign = scenario.Project.Campaign!;
        Assert.Equal(CrowdfundingPlanFen, campaign.TargetFen);
        Assert.Equal("ByFloor", campaign.Rule);
        Assert.Equal(TwelveHouseholds.Select(h => h.HouseholdId).Order(StringComparer.Ordinal), campaign.SharesFen.Keys);
        foreach (var (householdId, floor) in TwelveHouseholds)
        {
            Assert.Equal(ByFloorShareFen[floor], campaign.SharesFen[householdId]);
        }
        Assert.Equal(CrowdfundingPlanFen, campaign.SharesFen.Values.Sum());
        Assert.Empty(scenario.Project.ContributionsFen);
        Assert.Equal(0, scenario.Project.ReceivedFen(FundingSource.ResidentCrowdfunding));
    }

    [Fact]
    public void CampaignRecordsEachHouseholdsFloorInTheEntry()
    {
        var scenario = Opened();

        var entry = AssertAccepted(scenario.StartCampaign()).Entries.Single();

        var shares = entry.Body["shares"]!.AsArray();
        Assert.Equal(12, shares.Count);
        Assert.Equal(6, shares.Single(s => s!["householdId"]!.GetValue<string>() == "b2-0602")!["floor"]!.GetValue<long>());
        Assert.Equal(1_714_286, shares.Single(s => s!["householdId"]!.GetValue<string>() == "b2-0602")!["shareFen"]!.GetValue<long>());
    }

    [Fact]
    public void CampaignByFloorWithFloorWeightsUsesThem()
    {
        // Ground-floor households gain nothing from an elevator: weights 0,1,2,3,4,5 for floors 1..6.
        // Σweights = 2 × 15 = 30; 12,000,000 ÷ 30 = 400,000 fen a unit of weight, with no remainder.
        var scenario = Opened();
        var weights = new JsonArray(Enumerable.Range(1, 6)
            .Select(floor => (JsonNode)new JsonObject { ["floor"] = floor, ["weight"] = floor - 1 }).ToArray());

        AssertAccepted(scenario.StartCampaign(CampaignBody(floorWeights: weights)));

        var shares = scenario.Project.Campaign!.SharesFen;
        Assert.Equal(0, shares["b2-0101"]);
        Assert.Equal(0, shares["b2-0102"]);
        Assert.Equal(400_000, shares["b2-0201"]);
        Assert.Equal(800_000, shares["b2-0302"]);
        Assert.Equal(1_200_000, shares["b2-0401"]);
        Assert.Equal(1_600_000, shares["b2-0502"]);
        Assert.Equal(2_000_000, shares["b2-0601"]);
        Assert.Equal(CrowdfundingPlanFen, shares.Values.Sum());
    }

    [Fact]
    public void FlatCampaignGivesEveryHouseholdAnEqualShare()
    {
        var scenario = Opened();

        AssertAccepted(scenario.StartCampaign(CampaignBody(rule: "Flat")));

        var campaign = scenario.Project.Campaign!;
        Assert.Equal("Flat", campaign.Rule);
        Assert.All(campaign.SharesFen.Values, share => Assert.Equal(1_000_000, share)); // 12,000,000 ÷ 12
    }

    [Fact]
    public void FlatCampaignGivesTheLeftoverFenToTheSmallestHouseholdIds()
    {
        // 100 fen over 3 households: 33 each, remainder 1 for every one; the 1 fen left goes to the smallest id.
        var scenario = Opened();

        AssertAccepted(scenario.StartCampaign(CampaignBody(100, "Flat", [("b2-0302", 3), ("b2-0101", 1), ("b2-0201", 2)])));

        var shares = scenario.Project.Campaign!.SharesFen;
        Assert.Equal(34, shares["b2-0101"]);
        Assert.Equal(33, shares["b2-0201"]);
        Assert.Equal(33, shares["b2-0302"]);
    }

    [Fact]
    public void FlatCampaignNeedsNoFloors()
    {
        var scenario = Opened();
        var body = CampaignBody(900, "Flat");
        body["households"] = new JsonArray(new JsonObject { ["householdId"] = "b2-0101" }, new JsonObject { ["householdId"] = "b2-0102" });

        var entry = AssertAccepted(scenario.StartCampaign(body)).Entries.Single();

        Assert.Equal(450, scenario.ShareOf("b2-0101")); // 900 ÷ 2
        Assert.All(entry.Body["shares"]!.AsArray(), s => Assert.False(s!.AsObject().ContainsKey("floor")));
    }

    [Fact]
    public void CampaignBelowThePlannedCrowdfundingIsAccepted()
    {
        var scenario = Opened();

        AssertAccepted(scenario.StartCampaign(CampaignBody(CrowdfundingPlanFen - 1)));

        Assert.Equal(CrowdfundingPlanFen - 1, scenario.Project.Campaign!.SharesFen.Values.Sum());
    }

    [Fact]
    public void CampaignOnTheHighestFloorIsAccepted()
    {
        var scenario = Opened();

        AssertAccepted(scenario.StartCampaign(CampaignBody(1_000, households: [("b2-20001", 200)])));

        Assert.Equal(1_000, scenario.ShareOf("b2-20001"));
    }

    [Fact]
    public void CampaignBeforeTheProjectIsOpenedIsRefused()
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.StartCampaign());
    }

    [Fact]
    public void CampaignAfterCancellationIsRefusedAsEnded()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.StartCampaign());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_000_000_000_001)] // 10^12 + 1
    public void CampaignTargetOutOfRangeIsRefused(long targetFen)
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.AmountOutOfRange, () => scenario.StartCampaign(CampaignBody(targetFen)));
    }

    [Fact]
    public void SecondCampaignIsRefused()
    {
        var scenario = Opened();
        AssertAccepted(scenario.StartCampaign(CampaignBody(6_000_000)));

        scenario.AssertRefusedAndUnchanged(ResultCode.CampaignAlreadyStarted, () => scenario.StartCampaign(CampaignBody(6_000_000)));
        Assert.Equal(6_000_000, scenario.Project.Campaign!.TargetFen);
    }

    [Fact]
    public void CampaignTargetBeyondThePlannedCrowdfundingIsRefused()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.CampaignTargetBeyondPlan, () => scenario.StartCampaign(CampaignBody(CrowdfundingPlanFen + 1)));
    }

    static JsonArray Weights(params (long Floor, long Weight)[] weights) =>
        new(weights.Select(w => (JsonNode)new JsonObject { ["floor"] = w.Floor, ["weight"] = w.Weight }).ToArray());

    static JsonObject With(JsonObject body, string member, JsonNode? value)
    {
        body[member] = value;
        return body;
    }

    public static TheoryData<string, JsonObject> InvalidShareRules() => new()
    {
        { "an unknown rule", CampaignBody(rule: "ByArea") },
        { "no households", CampaignBody(households: []) },
        { "a household listed twice", CampaignBody(households: [("b2-0101", 1), ("b2-0101", 1)]) },
        { "a household id that is not an identifier", CampaignBody(households: [("b2 0101", 1)]) },
        { "a floor of 0", CampaignBody(households: [("b2-0101", 0)]) },
        { "a floor of 201", CampaignBody(households: [("b2-0101", 201)]) },
        { "a household without a floor by floor", With(CampaignBody(), "households", new JsonArray(new JsonObject { ["householdId"] = "b2-0101" })) },
        { "a floor missing from floorWeights", CampaignBody(households: [("b2-0101", 1), ("b2-0201", 2)], floorWeights: Weights((1, 1))) },
        { "a negative floor weight", CampaignBody(households: [("b2-0101", 1), ("b2-0201", 2)], floorWeights: Weights((1, 1), (2, -1))) },
        { "a floor weight above 1,000,000", CampaignBody(households: [("b2-0101", 1)], floorWeights: Weights((1, ProjectRules.MaxWeight + 1))) },
        { "every weight zero", CampaignBody(households: [("b2-0101", 1), ("b2-0201", 2)], floorWeights: Weights((1, 0), (2, 0))) },
        { "a floor weighed twice", CampaignBody(households: [("b2-0101", 1)], floorWeights: Weights((1, 1), (1, 2))) },
        { "floorWeights with the flat rule", CampaignBody(rule: "Flat", floorWeights: Weights((1, 1))) },
        {
            "more than 10,000 households",
            CampaignBody(households: Enumerable.Range(1, ProjectRules.MaxCampaignHouseholds + 1).Select(i => ($"h-{i}", 1)))
        },
    };

    [Theory]
    [MemberData(nameof(InvalidShareRules))]
    public void CampaignWithAnInvalidShareRuleIsRefused(string what, JsonObject body)
    {
        Assert.NotEmpty(what);
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.InvalidShareRule, () => scenario.StartCampaign(body));
    }

    [Fact]
    public void CampaignWithExactlyTenThousandHouseholdsIsAccepted()
    {
        var scenario = Opened();

        AssertAccepted(scenario.StartCampaign(CampaignBody(rule: "Flat",
            households: Enumerable.Range(1, ProjectRules.MaxCampaignHouseholds).Select(i => ($"h-{i}", 1)))));

        Assert.Equal(1_200, scenario.ShareOf("h-1")); // 12,000,000 ÷ 10,000
    }

    [Fact]
    public void CampaignStartedByAnyoneButAFinanceOfficerIsRefusedAsRoleMissing()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.StartCampaign(by: Owner));
    }
}
