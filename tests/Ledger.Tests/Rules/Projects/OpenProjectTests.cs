// OpenProject (ProjectRules.Open): a project opens once, with a funding plan that names every
// source and adds up to the contract price, the residents' share within its cap (seed 000
// §7.2, "not more than 30%" by default), tranches Progress/Acceptance/Warranty adding up to
// 100 (seed 001 §9.2, 60/30/10 by default) and a warranty period.
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class OpenProjectTests
{
    [Fact]
    public void OpeningRecordsThePlanAndPolicyWithTheDefaultCapAndTranches()
    {
        var scenario = BeforeOpening();

        var accepted = AssertAccepted(scenario.Open());

        Assert.Equal([ProjectRules.StreamOf(ProjectId)], accepted.Entries.Select(e => e.Stream));
        Assert.Equal(ProjectEntryTypes.ProjectOpened, accepted.Entries.Single().Type);
        var project = scenario.Project;
        Assert.Equal(ProjectStatus.Open, project.Status);
        Assert.True(project.IsOpen);
        Assert.Equal(0, project.Sequence);
        Assert.Equal("Elevator retrofit, building 2", project.Name);
        Assert.Equal("Building 2, Hehua community", project.Community);
        Assert.Equal(ContractPriceFen, project.ContractPriceFen);
        Assert.Equal(GovernmentPlanFen, project.PlannedFen[FundingSource.GovernmentSubsidy]);
        Assert.Equal(SocialCapitalPlanFen, project.PlannedFen[FundingSource.SocialCapital]);
        Assert.Equal(CrowdfundingPlanFen, project.PlannedFen[FundingSource.ResidentCrowdfunding]);
        Assert.Equal(SelfRaisedPlanFen, project.PlannedFen[FundingSource.SelfRaised]);
        Assert.Equal(ProjectRules.DefaultResidentShareCapPercent, project.ResidentShareCapPercent);
        Assert.Equal([new TranchePolicy(Tranche.Progress, 60), new TranchePolicy(Tranche.Acceptance, 30), new TranchePolicy(Tranche.Warranty, 10)], project.Tranches);
        Assert.Equal(WarrantyMonths, project.WarrantyMonths);
        Assert.Equal(ProgressCapFen, project.CumulativeCapFen(Tranche.Progress));
        Assert.Equal(AcceptanceCapFen, project.CumulativeCapFen(Tranche.Acceptance));
        Assert.Equal(ContractPriceFen, project.CumulativeCapFen(Tranche.Warranty));
        Assert.Equal(0, project.TotalReceivedFen);
        Assert.Equal(0, project.TotalPaidFen);
        Assert.Equal(0, project.TotalPendingFen);
        Assert.Equal(0, project.AvailableFen);
        Assert.Null(project.Campaign);
        Assert.Null(project.UnlockedTranche);
        Assert.Empty(project.Receipts);
        Assert.Empty(project.Disbursements);
    }

    [Fact]
    public void OpeningTakesAnExplicitCapAndTranches()
    {
        var scenario = BeforeOpening();
        var body = OpenBody(plan: Plan(crowdfunding: 6_000_000, selfRaised: 12_000_000));
        body["residentShareCapPercent"] = 10; // 10% × 60,000,000 = 6,000,000: the crowdfunding exactly at its cap
        body["tranches"] = TranchesOf(50, 40, 10);

        AssertAccepted(scenario.Open(body));

        var project = scenario.Project;
        Assert.Equal(10, project.ResidentShareCapPercent);
        Assert.Equal([new TranchePolicy(Tranche.Progress, 50), new TranchePolicy(Tranche.Acceptance, 40), new TranchePolicy(Tranche.Warranty, 10)], project.Tranches);
        Assert.Equal(30_000_000, project.CumulativeCapFen(Tranche.Progress)); // 50% × 60,000,000
        Assert.Equal(54_000_000, project.CumulativeCapFen(Tranche.Acceptance)); // 90% × 60,000,000
    }

    [Fact]
    public void ContractPriceOfExactlyTheLargestAmountIsAccepted()
    {
        var scenario = BeforeOpening();
        // 10^12 fen split 40/30/20/10.
        var plan = Plan(government: 400_000_000_000, socialCapital: 300_000_000_000, crowdfunding: 200_000_000_000, selfRaised: 100_000_000_000);

        AssertAccepted(scenario.Open(OpenBody(Money.MaxAmountFen, plan)));

        Assert.Equal(Money.MaxAmountFen, scenario.Project.ContractPriceFen);
    }

    [Fact]
    public void WarrantyOfZeroAndOfTheLongestPeriodIsAccepted()
    {
        var zero = BeforeOpening();
        AssertAccepted(zero.Open(OpenBody(warrantyMonths: 0)));
        Assert.Equal(0, zero.Project.WarrantyMonths);

        var longest = BeforeOpening();
        AssertAccepted(longest.Open(OpenBody(warrantyMonths: ProjectRules.MaxWarrantyMonths)));
        Assert.Equal(120, longest.Project.WarrantyMonths);
    }

    [Fact]
    public void OpeningTwiceIsRefusedAsAlreadyOpen()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectAlreadyOpen, () => scenario.Open());
    }

    [Fact]
    public void ReopeningACancelledProjectIsRefusedAsAlreadyOpen()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectAlreadyOpen, () => scenario.Open());
        Assert.Equal(ProjectStatus.Cancelled, scenario.Project.Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_000_000_000_001)] // 10^12 + 1
    public void ContractPriceOutOfRangeIsRefused(long contractPriceFen)
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.AmountOutOfRange, () => scenario.Open(OpenBody(contractPriceFen)));
    }

    [Fact]
    public void PlanNamingAnUnknownSourceIsRefused()
    {
        var scenario = BeforeOpening();
        var plan = Plan(selfRaised: 0);
        plan["Lottery"] = SelfRaisedPlanFen;

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownFundingSource, () => scenario.Open(OpenBody(plan: plan)));
    }

    [Fact]
    public void PlanWithAnAmountThatIsNotAnIntegerIsRefusedAsAnUnknownSource()
    {
        // The plan reader's FormatException is reported as UnknownFundingSource, whatever it was about.
        var scenario = BeforeOpening();
        var plan = Plan();
        plan["SelfRaised"] = "6000000";

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownFundingSource, () => scenario.Open(OpenBody(plan: plan)));
    }

    public static TheoryData<string, JsonObject> InvalidPlans() => new()
    {
        { "a source left out", new JsonObject { ["GovernmentSubsidy"] = 30_000_000, ["ResidentCrowdfunding"] = 12_000_000, ["SocialCapital"] = 18_000_000 } },
        { "amounts adding up to 1 fen less", Plan(selfRaised: SelfRaisedPlanFen - 1) },
        { "amounts adding up to 1 fen more", Plan(selfRaised: SelfRaisedPlanFen + 1) },
        { "a negative amount", Plan(government: 30_000_000 + 1, selfRaised: -1) },
        { "an amount beyond the largest", Plan(government: Money.MaxAmountFen + 1) },
    };

    [Theory]
    [MemberData(nameof(InvalidPlans))]
    public void PlanThatDoesNotNameEverySourceOnceAddingUpToThePriceIsRefused(string what, JsonObject plan)
    {
        Assert.NotEmpty(what);
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.InvalidFundingPlan, () => scenario.Open(OpenBody(plan: plan)));
    }

    [Fact]
    public void ResidentsShareUpToTheDefaultThirtyPercentIsAcceptedAndOneFenMoreRefused()
    {
        // 30% × 60,000,000 = 18,000,000 fen.
        var atCap = BeforeOpening();
        AssertAccepted(atCap.Open(OpenBody(plan: Plan(crowdfunding: 18_000_000, selfRaised: 0))));

        var beyond = BeforeOpening();
        beyond.AssertRefusedAndUnchanged(ResultCode.ResidentShareAboveCap,
            () => beyond.Open(OpenBody(plan: Plan(government: GovernmentPlanFen - 1, crowdfunding: 18_000_001, selfRaised: 0))));
    }

    [Fact]
    public void ResidentsCapRoundsDownToTheFen()
    {
        // 30% × 10,000,001 = 3,000,000.3 fen, so the cap is 3,000,000 fen and 3,000,001 is refused.
        var scenario = BeforeOpening();
        var plan = Plan(government: 4_000_000, socialCapital: 3_000_000, crowdfunding: 3_000_001, selfRaised: 0);

        scenario.AssertRefusedAndUnchanged(ResultCode.ResidentShareAboveCap, () => scenario.Open(OpenBody(10_000_001, plan)));

        AssertAccepted(scenario.Open(OpenBody(10_000_001, Plan(government: 4_000_001, socialCapital: 3_000_000, crowdfunding: 3_000_000, selfRaised: 0))));
    }

    [Fact]
    public void ResidentsShareAboveAnExplicitCapIsRefused()
    {
        var scenario = BeforeOpening();
        var body = OpenBody();
        body["residentShareCapPercent"] = 19; // 19% × 60,000,000 = 11,400,000 < 12,000,000 planned

        scenario.AssertRefusedAndUnchanged(ResultCode.ResidentShareAboveCap, () => scenario.Open(body));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void CapThatIsNotAPercentageIsRefused(int capPercent)
    {
        var scenario = BeforeOpening();
        var body = OpenBody();
        body["residentShareCapPercent"] = capPercent;

        scenario.AssertRefusedAndUnchanged(ResultCode.ResidentShareAboveCap, () => scenario.Open(body));
    }

    public static TheoryData<string, JsonArray> InvalidTranches() => new()
    {
        { "percentages adding up to 99", TranchesOf(60, 30, 9) },
        { "percentages adding up to 101", TranchesOf(60, 30, 11) },
        { "a percentage above 100", TranchesOf(101, -1, 0) },
        {
            "tranches out of order",
            [
                new JsonObject { ["percent"] = 30, ["tranche"] = "Acceptance" },
                new JsonObject { ["percent"] = 60, ["tranche"] = "Progress" },
                new JsonObject { ["percent"] = 10, ["tranche"] = "Warranty" },
            ]
        },
        {
            "a tranche left out",
            [
                new JsonObject { ["percent"] = 90, ["tranche"] = "Progress" },
                new JsonObject { ["percent"] = 10, ["tranche"] = "Warranty" },
            ]
        },
        {
            "a tranche named twice",
            [
                new JsonObject { ["percent"] = 30, ["tranche"] = "Progress" },
                new JsonObject { ["percent"] = 30, ["tranche"] = "Progress" },
                new JsonObject { ["percent"] = 30, ["tranche"] = "Acceptance" },
                new JsonObject { ["percent"] = 10, ["tranche"] = "Warranty" },
            ]
        },
        {
            "an unknown tranche",
            [
                new JsonObject { ["percent"] = 60, ["tranche"] = "Progress" },
                new JsonObject { ["percent"] = 30, ["tranche"] = "Acceptance" },
                new JsonObject { ["percent"] = 10, ["tranche"] = "Retention" },
            ]
        },
    };

    [Theory]
    [MemberData(nameof(InvalidTranches))]
    public void TranchesThatAreNotProgressAcceptanceWarrantyAddingUpToAHundredAreRefused(string what, JsonArray tranches)
    {
        Assert.NotEmpty(what);
        var scenario = BeforeOpening();
        var body = OpenBody();
        body["tranches"] = tranches;

        scenario.AssertRefusedAndUnchanged(ResultCode.InvalidTranches, () => scenario.Open(body));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(121)]
    public void WarrantyOutsideZeroToTenYearsIsRefusedAsMalformed(int warrantyMonths)
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.Open(OpenBody(warrantyMonths: warrantyMonths)));
    }

    [Fact]
    public void OpeningWithAnEmptyNameIsRefusedAsMalformed()
    {
        var scenario = BeforeOpening();
        var body = OpenBody();
        body["name"] = "";

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.Open(body));
    }

    [Fact]
    public void OpeningByAnyoneButAFinanceOfficerIsRefusedAsRoleMissing()
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Open(by: Pm));
        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Open(by: ResidentOf("b2-0101")));
    }
}
