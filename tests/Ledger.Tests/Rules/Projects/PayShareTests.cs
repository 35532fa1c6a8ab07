// PayShare (ProjectRules.PayShare): a resident pays (part of) their household's share, in one
// write to the household's stream and the project's, so that "a household's share, what it has
// paid, and what is still due must always be known" (DOMAIN.md) on both sides.
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class PayShareTests
{
    const string TopFloor = "b2-0601";
    const long TopFloorShareFen = 1_714_286; // CampaignTests.ByFloorShareFen[6]

    static ProjectScenario WithCampaign()
    {
        var scenario = Opened();
        AssertAccepted(scenario.StartCampaign());
        return scenario;
    }

    [Fact]
    public void PaymentIsWrittenToTheHouseholdAndTheProjectTogether()
    {
        var scenario = WithCampaign();

        var accepted = AssertAccepted(scenario.PayShare(TopFloor, 1_000_000));

        Assert.Equal(
            [(HouseholdRules.StreamOf(TopFloor), HouseholdEntryTypes.CrowdfundingPaid), (ProjectRules.StreamOf(ProjectId), ProjectEntryTypes.ContributionReceived)],
            accepted.Entries.Select(e => (e.Stream, e.Type)));
        Assert.Equal(1_000_000, scenario.Project.ContributionsFen[TopFloor]);
        Assert.Equal(1_000_000, scenario.Household(TopFloor).ContributionsFen[ProjectId]);
        Assert.Equal(1_000_000, scenario.Project.ReceivedFen(FundingSource.ResidentCrowdfunding));
        Assert.Equal(1_000_000, scenario.Project.TotalReceivedFen);
        Assert.Equal(1_000_000, scenario.Project.AvailableFen);
        Assert.Equal(TopFloorShareFen, scenario.ShareOf(TopFloor));
    }

    [Fact]
    public void ShareCanBePaidInSeveralPaymentsUpToExactlyTheShare()
    {
        var scenario = WithCampaign();
        AssertAccepted(scenario.PayShare(TopFloor, 1_000_000));
        AssertAccepted(scenario.PayShare(TopFloor, 714_286)); // 1,714,286 − 1,000,000

        Assert.Equal(TopFloorShareFen, scenario.Project.ContributionsFen[TopFloor]);
        Assert.Equal(TopFloorShareFen, scenario.Household(TopFloor).ContributionsFen[ProjectId]);
        Assert.Equal(TopFloorShareFen, scenario.Project.ReceivedFen(FundingSource.ResidentCrowdfunding));
    }

    [Fact]
    public void PaymentsOfSeveralHouseholdsAddUpAsCrowdfunding()
    {
        var scenario = WithCampaign();
        AssertAccepted(scenario.PayShare("b2-0101", 285_714));
        AssertAccepted(scenario.PayShare("b2-0602", 1_714_286));

        Assert.Equal(2_000_000, scenario.Project.ReceivedFen(FundingSource.ResidentCrowdfunding)); // 285,714 + 1,714,286
        Assert.Equal(285_714, scenario.Household("b2-0101").ContributionsFen[ProjectId]);
        Assert.False(scenario.Household("b2-0102").ContributionsFen.ContainsKey(ProjectId));
    }

    [Fact]
    public void PaymentKeepsItsReferenceInTheHouseholdEntry()
    {
        var scenario = WithCampaign();

        var accepted = AssertAccepted(scenario.Submit(ResidentOf(TopFloor), ProjectCommandTypes.PayShare, PayShareBody(TopFloor, 100, "WeChat Pay 4200001")));

        Assert.Equal("WeChat Pay 4200001", accepted.Entries[0].Body["reference"]!.GetValue<string>());
        Assert.False(accepted.Entries[1].Body.ContainsKey("reference"));
    }

    [Fact]
    public void OverpaymentInOnePaymentIsRefused()
    {
        var scenario = WithCampaign();

        scenario.AssertRefusedAndUnchanged(ResultCode.PaymentBeyondShare, () => scenario.PayShare(TopFloor, TopFloorShareFen + 1));
    }

    [Fact]
    public void OverpaymentAfterAPartPaymentIsRefused()
    {
        var scenario = WithCampaign();
        AssertAccepted(scenario.PayShare(TopFloor, 1_000_000));

        scenario.AssertRefusedAndUnchanged(ResultCode.PaymentBeyondShare, () => scenario.PayShare(TopFloor, 714_287)); // 1 fen beyond the 714,286 still due
        Assert.Equal(1_000_000, scenario.Project.ContributionsFen[TopFloor]);
        Assert.Equal(1_000_000, scenario.Household(TopFloor).ContributionsFen[ProjectId]);
    }

    [Fact]
    public void PaymentOfAHouseholdWithAZeroShareIsRefused()
    {
        var scenario = Opened();
        // Weights 0 and 1: the ground floor owes nothing.
        AssertAccepted(scenario.StartCampaign(CampaignBody(households: [("b2-0101", 1), ("b2-0201", 2)], floorWeights: [
            new JsonObject { ["floor"] = 1, ["weight"] = 0 },
            new JsonObject { ["floor"] = 2, ["weight"] = 1 },
        ])));
        Assert.Equal(0, scenario.ShareOf("b2-0101"));

        scenario.AssertRefusedAndUnchanged(ResultCode.PaymentBeyondShare, () => scenario.PayShare("b2-0101", 1));
    }

    [Fact]
    public void PaymentBeforeTheProjectIsOpenedIsRefused()
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.PayShare(TopFloor, 1));
    }

    [Fact]
    public void PaymentAfterCancellationIsRefusedAsEnded()
    {
        var scenario = WithCampaign();
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.PayShare(TopFloor, 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_000_000_000_001)] // 10^12 + 1
    public void PaymentAmountOutOfRangeIsRefused(long amountFen)
    {
        var scenario = WithCampaign();

        scenario.AssertRefusedAndUnchanged(ResultCode.AmountOutOfRange, () => scenario.PayShare(TopFloor, amountFen));
    }

    [Fact]
    public void PaymentBeforeAnyCampaignIsRefused()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.NoCampaign, () => scenario.PayShare(TopFloor, 1));
    }

    [Fact]
    public void PaymentForAnotherHouseholdIsRefused()
    {
        var scenario = WithCampaign();

        scenario.AssertRefusedAndUnchanged(ResultCode.NotResidentOfHousehold, () => scenario.PayShare(TopFloor, 1, by: ResidentOf("b2-0602")));
    }

    [Fact]
    public void PaymentForAHouseholdOutsideTheCampaignIsRefused()
    {
        var scenario = Opened();
        AssertAccepted(scenario.StartCampaign(CampaignBody(households: [("b2-0601", 6), ("b2-0602", 6)])));

        scenario.AssertRefusedAndUnchanged(ResultCode.HouseholdNotInCampaign, () => scenario.PayShare("b2-0101", 1));
    }

    [Fact]
    public void PaymentByAPersonWhoIsNotAResidentIsRefusedAsRoleMissing()
    {
        var scenario = WithCampaign();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.PayShare(TopFloor, 1, by: Fin));
    }
}
