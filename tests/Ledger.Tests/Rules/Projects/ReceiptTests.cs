// RecordReceipt (ProjectRules.RecordReceipt): money in from the government, social capital and
// self-raised income, each with the hash of its document, never beyond what the plan says
// for that source. Crowdfunding is not a receipt: households pay it with PayShare.
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class ReceiptTests
{
    [Fact]
    public void ReceiptIsCountedForItsSourceAndBecomesAvailable()
    {
        var scenario = Opened();

        var accepted = AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 10_000_000));

        Assert.Equal(ProjectEntryTypes.ReceiptRecorded, accepted.Entries.Single().Type);
        var project = scenario.Project;
        var receipt = project.Receipts[1];
        Assert.Equal(new Receipt(1, FundingSource.GovernmentSubsidy, 10_000_000,
            Hash.Parse(DocumentHash("GovernmentSubsidy receipt of 10000000 fen")), Reversed: false), receipt);
        Assert.Equal(10_000_000, project.ReceivedFen(FundingSource.GovernmentSubsidy));
        Assert.Equal(0, project.ReceivedFen(FundingSource.SocialCapital));
        Assert.Equal(0, project.ReceivedFen(FundingSource.ResidentCrowdfunding));
        Assert.Equal(0, project.ReceivedFen(FundingSource.SelfRaised));
        Assert.Equal(10_000_000, project.TotalReceivedFen);
        Assert.Equal(10_000_000, project.AvailableFen);
    }

    [Fact]
    public void ReceiptsOfEverySourceAddUpSeparately()
    {
        var scenario = Opened();
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 14_000_000));
        AssertAccepted(scenario.RecordReceipt(FundingSource.SocialCapital, 18_000_000));
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 10_000_000));
        AssertAccepted(scenario.RecordReceipt(FundingSource.SelfRaised, 1));

        var project = scenario.Project;
        Assert.Equal(24_000_000, project.ReceivedFen(FundingSource.GovernmentSubsidy)); // 14,000,000 + 10,000,000
        Assert.Equal(18_000_000, project.ReceivedFen(FundingSource.SocialCapital));
        Assert.Equal(1, project.ReceivedFen(FundingSource.SelfRaised));
        Assert.Equal(42_000_001, project.TotalReceivedFen); // 24,000,000 + 18,000,000 + 1
        Assert.Equal(42_000_001, project.AvailableFen);
        Assert.Equal([1L, 2, 3, 4], project.Receipts.Keys);
    }

    [Fact]
    public void ReceiptKeepsItsReferenceOutOfTheStateButInTheEntry()
    {
        var scenario = Opened();

        var accepted = AssertAccepted(scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt,
            ReceiptBody("SocialCapital", 1_000, reference: "Contract 2026-017")));

        Assert.Equal("Contract 2026-017", accepted.Entries.Single().Body["reference"]!.GetValue<string>());
    }

    [Fact]
    public void ReceiptUpToExactlyThePlanIsAcceptedAndOneFenMoreRefused()
    {
        var scenario = Opened();
        AssertAccepted(scenario.RecordReceipt(FundingSource.SelfRaised, SelfRaisedPlanFen - 1));
        AssertAccepted(scenario.RecordReceipt(FundingSource.SelfRaised, 1));

        scenario.AssertRefusedAndUnchanged(ResultCode.ReceiptBeyondPlan, () => scenario.RecordReceipt(FundingSource.SelfRaised, 1));
        Assert.Equal(SelfRaisedPlanFen, scenario.Project.ReceivedFen(FundingSource.SelfRaised));
    }

    [Fact]
    public void SingleReceiptBeyondThePlanIsRefused()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.ReceiptBeyondPlan,
            () => scenario.RecordReceipt(FundingSource.GovernmentSubsidy, GovernmentPlanFen + 1));
    }

    [Fact]
    public void ReceiptForASourceWithNothingPlannedIsRefused()
    {
        var scenario = BeforeOpening();
        AssertAccepted(scenario.Open(OpenBody(plan: Plan(government: 30_000_000, selfRaised: 0))));

        scenario.AssertRefusedAndUnchanged(ResultCode.ReceiptBeyondPlan, () => scenario.RecordReceipt(FundingSource.SelfRaised, 1));
    }

    [Fact]
    public void ReceiptBeforeTheProjectIsOpenedIsRefused()
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 1));
    }

    [Fact]
    public void ReceiptAfterCancellationIsRefusedAsEnded()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_000_000_000_001)] // 10^12 + 1
    public void ReceiptAmountOutOfRangeIsRefused(long amountFen)
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.AmountOutOfRange, () => scenario.RecordReceipt(FundingSource.GovernmentSubsidy, amountFen));
    }

    [Theory]
    [InlineData("Lottery")]
    [InlineData("governmentSubsidy")]
    [InlineData("0")]
    [InlineData("GovernmentSubsidy ")]
    public void ReceiptFromAnUnknownSourceIsRefused(string source)
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownFundingSource,
            () => scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody(source, 1_000)));
    }

    [Fact]
    public void CrowdfundingRecordedAsAReceiptIsRefused()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.CrowdfundingIsPaidByHouseholds,
            () => scenario.RecordReceipt(FundingSource.ResidentCrowdfunding, 1_000));
    }

    [Fact]
    public void ReceiptWithADocumentHashThatIsNotLowercaseHexIsRefusedAsMalformed()
    {
        var scenario = Opened();
        var body = ReceiptBody("GovernmentSubsidy", 1_000);
        body["documentHash"] = DocumentHash("letter").ToUpperInvariant();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt, body));
    }

    [Fact]
    public void ReceiptWithAReferenceLongerThanTwoHundredCharactersIsRefusedAsMalformed()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand,
            () => scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("GovernmentSubsidy", 1_000, new string('x', 201))));
    }

    [Fact]
    public void ReceiptRecordedByAnyoneButAFinanceOfficerIsRefusedAsRoleMissing()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 1, by: Supervisor));
    }
}
