// CancelProject and CloseProject: a project that has paid nothing may be cancelled, refunding
// every household's crowdfunding on both streams in one write (the command lists the
// households, so the streams it writes are known before it is decided); a project closes
// when the contract is paid in full and nothing is pending. After either, it takes nothing.
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class CancelAndCloseTests
{
    /// <summary>Opened, with the campaign started and three households paid in part: b2-0101, b2-0302, b2-0602.</summary>
    static ProjectScenario WithContributions()
    {
        var scenario = Opened();
        AssertAccepted(scenario.StartCampaign());
        AssertAccepted(scenario.PayShare("b2-0602", 1_000_000));
        AssertAccepted(scenario.PayShare("b2-0101", 100_000));
        AssertAccepted(scenario.PayShare("b2-0302", 500_000));
        AssertAccepted(scenario.PayShare("b2-0602", 200_000));
        return scenario;
    }

    /// <summary>
    /// A project with no crowdfunding (plan 24,000,000 / 18,000,000 / 0 / 18,000,000), received in
    /// full and paid 60/30/10 after each milestone, the warranty expired: ready to close.
    /// </summary>
    static ProjectScenario PaidInFull()
    {
        var scenario = BeforeOpening();
        AssertAccepted(scenario.Open(OpenBody(plan: Plan(crowdfunding: 0, selfRaised: 18_000_000))));
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, GovernmentPlanFen));
        AssertAccepted(scenario.RecordReceipt(FundingSource.SocialCapital, SocialCapitalPlanFen));
        AssertAccepted(scenario.RecordReceipt(FundingSource.SelfRaised, 18_000_000));
        scenario.Reach(Milestone.ProgressVerified);
        scenario.RequestApprovedAndPaid(Tranche.Progress, ProgressCapFen);
        scenario.Reach(Milestone.AcceptancePassed);
        scenario.RequestApprovedAndPaid(Tranche.Acceptance, 18_000_000); // 30% × 60,000,000
        scenario.Now = Start.AddMonths(WarrantyMonths);
        scenario.Reach(Milestone.WarrantyExpired);
        scenario.RequestApprovedAndPaid(Tranche.Warranty, 6_000_000); // 10% × 60,000,000
        return scenario;
    }

    // Cancel.

    [Fact]
    public void CancellingRefundsEveryHouseholdOnBothStreams()
    {
        var scenario = WithContributions();
        Assert.Equal(1_800_000, scenario.Project.ReceivedFen(FundingSource.ResidentCrowdfunding)); // 1,000,000 + 100,000 + 500,000 + 200,000

        var accepted = AssertAccepted(scenario.Cancel(["b2-0101", "b2-0302", "b2-0602"]));

        var project = ProjectRules.StreamOf(ProjectId);
        Assert.Equal(
        [
            (project, ProjectEntryTypes.ProjectCancelled, 0L),
            (HouseholdRules.StreamOf("b2-0101"), HouseholdEntryTypes.CrowdfundingRefunded, 100_000L),
            (project, ProjectEntryTypes.ContributionRefunded, 100_000L),
            (HouseholdRules.StreamOf("b2-0302"), HouseholdEntryTypes.CrowdfundingRefunded, 500_000L),
            (project, ProjectEntryTypes.ContributionRefunded, 500_000L),
            (HouseholdRules.StreamOf("b2-0602"), HouseholdEntryTypes.CrowdfundingRefunded, 1_200_000L),
            (project, ProjectEntryTypes.ContributionRefunded, 1_200_000L),
        ], accepted.Entries.Select(e => (e.Stream, e.Type, e.Body["amountFen"]?.GetValue<long>() ?? 0L)));
        Assert.Equal(ProjectStatus.Cancelled, scenario.Project.Status);
        Assert.False(scenario.Project.IsOpen);
        Assert.All(scenario.Project.ContributionsFen.Values, paid => Assert.Equal(0, paid));
        Assert.Equal(0, scenario.Project.ReceivedFen(FundingSource.ResidentCrowdfunding));
        Assert.Equal(0, scenario.Household("b2-0101").ContributionsFen[ProjectId]);
        Assert.Equal(0, scenario.Household("b2-0602").ContributionsFen[ProjectId]);
    }

    [Fact]
    public void CancellingKeepsReceiptsOnRecord()
    {
        var scenario = Funded();

        AssertAccepted(scenario.Cancel([]));

        Assert.Equal(48_000_000, scenario.Project.TotalReceivedFen);
        Assert.Equal(ProjectStatus.Cancelled, scenario.Project.Status);
    }

    [Fact]
    public void CancellingAfterARejectedRequestAndAReversedPaymentIsAccepted()
    {
        var scenario = AtProgress();
        var rejected = scenario.RequestId(Tranche.Progress, 1_000);
        AssertAccepted(scenario.Reject(rejected, Owner, Role.OwnerRepresentative));
        var (_, payment) = scenario.RequestApprovedAndPaid(Tranche.Progress, 2_000);
        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(payment)));

        AssertAccepted(scenario.Cancel([]));

        Assert.Equal(ProjectStatus.Cancelled, scenario.Project.Status);
    }

    [Fact]
    public void CancellingWithAPendingRequestIsRefused()
    {
        var (scenario, _) = WithRequest();

        scenario.AssertRefusedAndUnchanged(ResultCode.DisbursementsOutstanding, () => scenario.Cancel([]));
    }

    [Fact]
    public void CancellingAfterAPaymentIsRefused()
    {
        var scenario = AtProgress();
        scenario.RequestApprovedAndPaid(Tranche.Progress, 1_000);

        scenario.AssertRefusedAndUnchanged(ResultCode.DisbursementsOutstanding, () => scenario.Cancel([]));
    }

    public static TheoryData<string, string[]> MismatchedRefunds() => new()
    {
        { "a household left out", ["b2-0101", "b2-0602"] },
        { "a household that paid nothing added", ["b2-0101", "b2-0201", "b2-0302", "b2-0602"] },
        { "the households out of order", ["b2-0602", "b2-0302", "b2-0101"] },
        { "a household named twice", ["b2-0101", "b2-0302", "b2-0302", "b2-0602"] },
        { "no households", [] },
    };

    [Theory]
    [MemberData(nameof(MismatchedRefunds))]
    public void CancellingWithARefundListThatIsNotExactlyThePayersInOrderIsRefused(string what, string[] refunds)
    {
        Assert.NotEmpty(what);
        var scenario = WithContributions();

        scenario.AssertRefusedAndUnchanged(ResultCode.RefundListMismatch, () => scenario.Cancel(refunds));
        Assert.Equal(ProjectStatus.Open, scenario.Project.Status);
    }

    [Fact]
    public void CancellingBeforeOpeningIsRefused()
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.Cancel([]));
    }

    [Fact]
    public void CancellingTwiceIsRefusedAsEnded()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.Cancel([]));
    }

    [Fact]
    public void CancellingWithAnEmptyReasonIsRefusedAsMalformed()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand,
            () => scenario.Submit(Fin, ProjectCommandTypes.CancelProject, CancelBody([], reason: "")));
    }

    [Fact]
    public void CancellingByAnyoneButAFinanceOfficerIsRefusedAsRoleMissing()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Cancel([], Supervisor));
    }

    // Close.

    [Fact]
    public void ClosingAProjectPaidInFullIsAccepted()
    {
        var scenario = PaidInFull();

        var accepted = AssertAccepted(scenario.Close());

        var body = accepted.Entries.Single().Body;
        Assert.Equal(ProjectEntryTypes.ProjectClosed, accepted.Entries.Single().Type);
        Assert.Equal(ContractPriceFen, body["paidFen"]!.GetValue<long>());
        Assert.Equal(ContractPriceFen, body["receivedFen"]!.GetValue<long>());
        Assert.Equal(ProjectStatus.Closed, scenario.Project.Status);
        Assert.Equal(0, scenario.Project.AvailableFen);
    }

    [Fact]
    public void ClosingWithPartOfTheContractUnpaidIsRefused()
    {
        var scenario = PaidInFull();
        var lastPayment = scenario.Project.Sequence;
        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(lastPayment)));

        var refusal = scenario.AssertRefusedAndUnchanged(ResultCode.ContractNotFullyPaid, () => scenario.Close());
        Assert.Contains("6000000 fen", refusal.Message);
    }

    [Fact]
    public void ClosingWithARequestPendingIsRefused()
    {
        var scenario = PaidInFull();
        var lastPayment = scenario.Project.Sequence;
        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(lastPayment)));
        scenario.RequestId(Tranche.Warranty, 6_000_000);

        scenario.AssertRefusedAndUnchanged(ResultCode.DisbursementsOutstanding, () => scenario.Close());
    }

    [Fact]
    public void ClosingAnOpenedProjectWithNothingPaidIsRefused()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.ContractNotFullyPaid, () => scenario.Close());
    }

    [Fact]
    public void ClosingBeforeOpeningIsRefused()
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.Close());
    }

    [Fact]
    public void ClosingTwiceIsRefusedAsEnded()
    {
        var scenario = PaidInFull();
        AssertAccepted(scenario.Close());

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.Close());
        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.Cancel([]));
    }

    [Fact]
    public void ClosingACancelledProjectIsRefusedAsEnded()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.Close());
    }

    [Fact]
    public void ClosingByAnyoneButAFinanceOfficerIsRefusedAsRoleMissing()
    {
        var scenario = PaidInFull();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Close(Pm));
    }

    // Every command of an ended or unopened project.

    /// <summary>Each project command with a body that would otherwise be accepted, or at least read, on <see cref="PaidInFull"/>.</summary>
    public static TheoryData<string> EveryProjectCommandButOpen() => new()
    {
        ProjectCommandTypes.RecordReceipt,
        ProjectCommandTypes.StartCampaign,
        ProjectCommandTypes.PayShare,
        ProjectCommandTypes.AttestMilestone,
        ProjectCommandTypes.RequestDisbursement,
        ProjectCommandTypes.ApproveDisbursement,
        ProjectCommandTypes.RejectDisbursement,
        ProjectCommandTypes.PayDisbursement,
        ProjectCommandTypes.ProposeReversal,
        ProjectCommandTypes.ApproveReversal,
        ProjectCommandTypes.CancelProject,
        ProjectCommandTypes.CloseProject,
    };

    static (Signer By, JsonObject Body) CommandOf(string type) => type switch
    {
        ProjectCommandTypes.RecordReceipt => (Fin, ReceiptBody("GovernmentSubsidy", 1)),
        ProjectCommandTypes.StartCampaign => (Fin, CampaignBody(1_000)),
        ProjectCommandTypes.PayShare => (ResidentOf("b2-0101"), PayShareBody("b2-0101", 1)),
        ProjectCommandTypes.AttestMilestone => (Pm, AttestBody("ProgressVerified", "ProjectManager")),
        ProjectCommandTypes.RequestDisbursement => (Fin, RequestBody("Warranty", 1)),
        ProjectCommandTypes.ApproveDisbursement => (Pm, ApproveBody(1, "ProjectManager")),
        ProjectCommandTypes.RejectDisbursement => (Pm, RejectBody(1, "ProjectManager")),
        ProjectCommandTypes.PayDisbursement => (Fin2, PayBody(1)),
        ProjectCommandTypes.ProposeReversal => (Fin, ProposeReversalBody(1)),
        ProjectCommandTypes.ApproveReversal => (Supervisor, ApproveReversalBody(1)),
        ProjectCommandTypes.CancelProject => (Fin, CancelBody([])),
        ProjectCommandTypes.CloseProject => (Fin, CloseBody()),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a project command"),
    };

    [Theory]
    [MemberData(nameof(EveryProjectCommandButOpen))]
    public void EveryCommandOfAProjectNotYetOpenedIsRefusedAsNotOpen(string type)
    {
        var scenario = BeforeOpening();
        var (by, body) = CommandOf(type);

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.Submit(by, type, body));
    }

    [Theory]
    [MemberData(nameof(EveryProjectCommandButOpen))]
    public void EveryCommandOfAClosedProjectIsRefusedAsEnded(string type)
    {
        var scenario = PaidInFull();
        AssertAccepted(scenario.Close());
        var (by, body) = CommandOf(type);

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.Submit(by, type, body));
    }

    [Theory]
    [MemberData(nameof(EveryProjectCommandButOpen))]
    public void EveryCommandOfACancelledProjectIsRefusedAsEnded(string type)
    {
        var scenario = Opened();
        AssertAccepted(scenario.Cancel([]));
        var (by, body) = CommandOf(type);

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.Submit(by, type, body));
    }
}
