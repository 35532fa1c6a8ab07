// ProposeReversal and ApproveReversal: "mistakes are never edited or deleted: they are
// reversed by a new, signed entry that references the original and states the reason"
// (DOMAIN.md). A finance officer proposes; a resident supervisor who did not propose it
// approves; from then on the receipt or payment no longer counts.
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class ReversalTests
{
    /// <summary>Opened, with one government receipt of 24,000,000 fen; returns its entry sequence.</summary>
    static (ProjectScenario Scenario, long ReceiptSequence) WithGovernmentReceipt()
    {
        var scenario = Opened();
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, GovernmentPlanFen));
        return (scenario, scenario.Project.Sequence);
    }

    [Fact]
    public void ProposedReceiptReversalWaitsForApprovalAndTheReceiptStillCounts()
    {
        var (scenario, receipt) = WithGovernmentReceipt();

        var id = scenario.ProposeReversalId(receipt);

        var accepted = scenario.Ledger.Entries[^1];
        Assert.Equal(ProjectEntryTypes.ReversalProposed, accepted.Type);
        Assert.Equal("recorded in error", accepted.Body.GetProperty("reason").GetString());
        Assert.Equal(new Reversal(id, receipt, ProjectRules.ReceiptKind, GovernmentPlanFen, "fin", Approved: false), scenario.Project.Reversals[id]);
        Assert.False(scenario.Project.Receipts[receipt].Reversed);
        Assert.Equal(GovernmentPlanFen, scenario.Project.ReceivedFen(FundingSource.GovernmentSubsidy));
    }

    [Fact]
    public void ReversedReceiptReducesWhatWasReceived()
    {
        var (scenario, receipt) = WithGovernmentReceipt();
        AssertAccepted(scenario.RecordReceipt(FundingSource.SocialCapital, 1_000));
        var id = scenario.ProposeReversalId(receipt);

        var accepted = AssertAccepted(scenario.ApproveReversal(id));

        Assert.Equal(ProjectEntryTypes.ReversalApproved, accepted.Entries.Single().Type);
        var project = scenario.Project;
        Assert.True(project.Reversals[id].Approved);
        Assert.True(project.Receipts[receipt].Reversed);
        Assert.Equal(0, project.ReceivedFen(FundingSource.GovernmentSubsidy));
        Assert.Equal(1_000, project.TotalReceivedFen);
        Assert.Equal(1_000, project.AvailableFen);
    }

    [Fact]
    public void ReversedReceiptMakesRoomInThePlanForTheCorrectOne()
    {
        var scenario = Opened();
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 2_400_000)); // a digit short
        var wrong = scenario.Project.Sequence;
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, GovernmentPlanFen - 2_400_000));
        scenario.AssertRefusedAndUnchanged(ResultCode.ReceiptBeyondPlan, () => scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 2_400_000));

        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(wrong)));
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 2_400_000));

        Assert.Equal(GovernmentPlanFen, scenario.Project.ReceivedFen(FundingSource.GovernmentSubsidy));
    }

    [Fact]
    public void ReversedPaymentFreesItsTrancheCapacity()
    {
        var scenario = AtProgress();
        var (disbursement, payment) = scenario.RequestApprovedAndPaid(Tranche.Progress, ProgressCapFen);
        scenario.AssertRefusedAndUnchanged(ResultCode.BeyondTrancheCap, () => scenario.Request(Tranche.Progress, 1));
        var id = scenario.ProposeReversalId(payment);
        Assert.Equal(new Reversal(id, payment, ProjectRules.PaymentKind, ProgressCapFen, "fin", Approved: false), scenario.Project.Reversals[id]);

        AssertAccepted(scenario.ApproveReversal(id));

        var project = scenario.Project;
        Assert.Equal(DisbursementStatus.PaymentReversed, project.Disbursements[disbursement].Status);
        Assert.Equal(0, project.PaidFen(Tranche.Progress));
        Assert.Equal(0, project.TotalPaidFen);
        Assert.Equal(48_000_000, project.AvailableFen); // everything received is available again
        var again = scenario.RequestId(Tranche.Progress, ProgressCapFen);
        Assert.Equal(ProgressCapFen, scenario.Project.Disbursements[again].AmountFen);
    }

    [Fact]
    public void ReversedPaymentIsNotPaidAgain()
    {
        var scenario = AtProgress();
        var (disbursement, payment) = scenario.RequestApprovedAndPaid(Tranche.Progress, 1_000);
        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(payment)));

        scenario.AssertRefusedAndUnchanged(ResultCode.DisbursementAlreadyPaid, () => scenario.Pay(disbursement));
    }

    [Fact]
    public void ReversalOfAnEntryThatIsNeitherAReceiptNorAPaymentIsRefused()
    {
        var (scenario, id) = WithRequest();
        AssertAccepted(scenario.StartCampaign());
        AssertAccepted(scenario.PayShare("b2-0101", 1_000));
        var contribution = scenario.Project.Sequence;

        scenario.AssertRefusedAndUnchanged(ResultCode.NotReversible, () => scenario.ProposeReversal(0)); // ProjectOpened
        scenario.AssertRefusedAndUnchanged(ResultCode.NotReversible, () => scenario.ProposeReversal(id)); // a request, not a payment
        scenario.AssertRefusedAndUnchanged(ResultCode.NotReversible, () => scenario.ProposeReversal(contribution)); // a household's payment
        scenario.AssertRefusedAndUnchanged(ResultCode.NotReversible, () => scenario.ProposeReversal(999));
        scenario.AssertRefusedAndUnchanged(ResultCode.NotReversible, () => scenario.ProposeReversal(-1));
    }

    [Fact]
    public void ReversalOfAReversedReceiptIsRefused()
    {
        var (scenario, receipt) = WithGovernmentReceipt();
        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(receipt)));

        scenario.AssertRefusedAndUnchanged(ResultCode.AlreadyReversed, () => scenario.ProposeReversal(receipt));
    }

    [Fact]
    public void SecondProposalWhileOneAwaitsApprovalIsRefused()
    {
        var (scenario, receipt) = WithGovernmentReceipt();
        scenario.ProposeReversalId(receipt);

        scenario.AssertRefusedAndUnchanged(ResultCode.AlreadyReversed, () => scenario.ProposeReversal(receipt, Fin2));
    }

    [Fact]
    public void ReversalOfAReversedPaymentIsRefused()
    {
        var scenario = AtProgress();
        var (_, payment) = scenario.RequestApprovedAndPaid(Tranche.Progress, 1_000);
        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(payment)));

        scenario.AssertRefusedAndUnchanged(ResultCode.AlreadyReversed, () => scenario.ProposeReversal(payment));
    }

    [Fact]
    public void ApprovingAnUnknownReversalIsRefused()
    {
        var (scenario, receipt) = WithGovernmentReceipt();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownReversal, () => scenario.ApproveReversal(receipt)); // a receipt, not a reversal
        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownReversal, () => scenario.ApproveReversal(42));
    }

    [Fact]
    public void ApprovingAReversalTwiceIsRefused()
    {
        var (scenario, receipt) = WithGovernmentReceipt();
        var id = scenario.ProposeReversalId(receipt);
        AssertAccepted(scenario.ApproveReversal(id));

        scenario.AssertRefusedAndUnchanged(ResultCode.ReversalNotPending, () => scenario.ApproveReversal(id, FinSupervisor));
    }

    [Fact]
    public void ProposerApprovingTheirOwnReversalIsRefused()
    {
        var (scenario, receipt) = WithGovernmentReceipt();
        var id = scenario.ProposeReversalId(receipt, FinSupervisor);

        scenario.AssertRefusedAndUnchanged(ResultCode.ProposerCannotApprove, () => scenario.ApproveReversal(id, FinSupervisor));
        AssertAccepted(scenario.ApproveReversal(id, Supervisor));
    }

    [Fact]
    public void ReceiptReversalThatWouldLeaveLessThanIsPendingIsRefused()
    {
        var (scenario, receipt) = WithGovernmentReceipt();
        AssertAccepted(scenario.RecordReceipt(FundingSource.SocialCapital, 1_000_000));
        scenario.Reach(Milestone.ProgressVerified);
        var request = scenario.RequestId(Tranche.Progress, 1_000_001); // 1 fen more than would be left without the receipt
        var id = scenario.ProposeReversalId(receipt);

        scenario.AssertRefusedAndUnchanged(ResultCode.ReversalWouldOverdraw, () => scenario.ApproveReversal(id));

        AssertAccepted(scenario.Reject(request, Owner, Role.OwnerRepresentative));
        AssertAccepted(scenario.ApproveReversal(id));
        Assert.Equal(1_000_000, scenario.Project.AvailableFen);
    }

    [Fact]
    public void ReceiptReversalThatWouldLeaveLessThanWasPaidIsRefused()
    {
        var (scenario, receipt) = WithGovernmentReceipt();
        scenario.Reach(Milestone.ProgressVerified);
        scenario.RequestApprovedAndPaid(Tranche.Progress, 1);
        var id = scenario.ProposeReversalId(receipt);

        scenario.AssertRefusedAndUnchanged(ResultCode.ReversalWouldOverdraw, () => scenario.ApproveReversal(id));
        Assert.False(scenario.Project.Receipts[receipt].Reversed);
    }

    [Fact]
    public void ReceiptReversalLeavingExactlyNothingAvailableIsAccepted()
    {
        var (scenario, receipt) = WithGovernmentReceipt();
        AssertAccepted(scenario.RecordReceipt(FundingSource.SocialCapital, 1_000_000));
        scenario.Reach(Milestone.ProgressVerified);
        scenario.RequestId(Tranche.Progress, 1_000_000);

        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(receipt)));

        Assert.Equal(0, scenario.Project.AvailableFen);
    }

    [Fact]
    public void ProposalWithAnEmptyReasonIsRefusedAsMalformed()
    {
        var (scenario, receipt) = WithGovernmentReceipt();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand,
            () => scenario.Submit(Fin, ProjectCommandTypes.ProposeReversal, ProposeReversalBody(receipt, "")));
    }

    [Fact]
    public void ProposalByAnyoneButAFinanceOfficerIsRefusedAsRoleMissing()
    {
        var (scenario, receipt) = WithGovernmentReceipt();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.ProposeReversal(receipt, Supervisor));
    }

    [Fact]
    public void ApprovalByAnyoneButAResidentSupervisorIsRefusedAsRoleMissing()
    {
        var (scenario, receipt) = WithGovernmentReceipt();
        var id = scenario.ProposeReversalId(receipt);

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.ApproveReversal(id, Fin2));
    }

    [Fact]
    public void ReversalsBeforeTheProjectIsOpenedAreRefused()
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.ProposeReversal(0));
        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.ApproveReversal(0));
    }

    [Fact]
    public void ReversalsAfterCancellationAreRefusedAsEnded()
    {
        var (scenario, receipt) = WithGovernmentReceipt();
        var id = scenario.ProposeReversalId(receipt);
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.ProposeReversal(receipt));
        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.ApproveReversal(id));
    }
}
