// RequestDisbursement, ApproveDisbursement, RejectDisbursement and PayDisbursement: payment
// tied to progress (seed 001 §9.2) — a tranche opens with its milestone, and what is paid or
// pending never exceeds the tranche's cumulative cap nor what was received; every payment is
// signed by three distinct people 三方签字 (owner representative, construction supervisor,
// project manager) and paid by a finance officer who neither requested nor approved it.
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class DisbursementTests
{
    // Funded() has received 24,000,000 + 18,000,000 + 6,000,000 = 48,000,000 fen.
    const long FundedFen = 48_000_000;

    // Requests.

    [Fact]
    public void RequestIsPendingAndCommitsItsAmount()
    {
        var scenario = AtProgress();

        var id = scenario.RequestId(Tranche.Progress, 10_000_000);

        var disbursement = scenario.Project.Disbursements[id];
        Assert.Equal(id, disbursement.Id);
        Assert.Equal(Tranche.Progress, disbursement.Tranche);
        Assert.Equal(10_000_000, disbursement.AmountFen);
        Assert.Equal("Hehua Elevator Installation Co.", disbursement.Payee);
        Assert.Equal(Hash.Parse(DocumentHash("invoice for 10000000 fen")), disbursement.InvoiceHash);
        Assert.Equal("fin", disbursement.RequestedBy);
        Assert.Empty(disbursement.Approvals);
        Assert.Equal(DisbursementStatus.Pending, disbursement.Status);
        Assert.Null(disbursement.PaidBy);
        Assert.Null(disbursement.BankReference);
        Assert.Null(disbursement.PaidSequence);
        Assert.Equal(10_000_000, scenario.Project.TotalPendingFen);
        Assert.Equal(0, scenario.Project.TotalPaidFen);
        Assert.Equal(0, scenario.Project.PaidFen(Tranche.Progress));
        Assert.Equal(38_000_000, scenario.Project.AvailableFen); // 48,000,000 − 10,000,000
    }

    [Fact]
    public void RequestUpToExactlyTheProgressCapIsAcceptedAndOneFenMoreRefused()
    {
        var scenario = AtProgress();
        scenario.RequestId(Tranche.Progress, 20_000_000);
        scenario.RequestId(Tranche.Progress, 16_000_000); // 20,000,000 + 16,000,000 = 36,000,000 = 60% × 60,000,000

        scenario.AssertRefusedAndUnchanged(ResultCode.BeyondTrancheCap, () => scenario.Request(Tranche.Progress, 1));
        Assert.Equal(ProgressCapFen, scenario.Project.TotalPendingFen);
    }

    [Fact]
    public void SingleRequestBeyondTheProgressCapIsRefused()
    {
        var scenario = AtProgress();

        scenario.AssertRefusedAndUnchanged(ResultCode.BeyondTrancheCap, () => scenario.Request(Tranche.Progress, ProgressCapFen + 1));
    }

    [Fact]
    public void AcceptanceTrancheCapIsCumulativeWithWhatProgressPaid()
    {
        var scenario = AtProgress();
        scenario.RequestApprovedAndPaid(Tranche.Progress, ProgressCapFen);
        scenario.Reach(Milestone.AcceptancePassed);

        scenario.AssertRefusedAndUnchanged(ResultCode.BeyondTrancheCap, () => scenario.Request(Tranche.Acceptance, 18_000_001)); // 36,000,000 + 18,000,001 > 54,000,000
        scenario.AssertRefusedAndUnchanged(ResultCode.BeyondTrancheCap, () => scenario.Request(Tranche.Progress, 1)); // already at 36,000,000
        var id = scenario.RequestId(Tranche.Acceptance, 12_000_000); // all that is left of 48,000,000 received
        Assert.Equal(Tranche.Acceptance, scenario.Project.Disbursements[id].Tranche);
    }

    [Fact]
    public void AcceptanceTrancheMayTakeWhatTheProgressTrancheLeftUnused()
    {
        // The caps are cumulative: with nothing paid from Progress, Acceptance may commit up to 90%.
        var scenario = AtProgress();
        scenario.Reach(Milestone.AcceptancePassed);

        var id = scenario.RequestId(Tranche.Acceptance, 40_000_000);

        Assert.Equal(40_000_000, scenario.Project.Disbursements[id].AmountFen);
    }

    [Fact]
    public void RequestBeyondWhatWasReceivedLessPaidAndPendingIsRefusedAsInsufficientFunds()
    {
        var scenario = Opened();
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, GovernmentPlanFen));
        scenario.Reach(Milestone.ProgressVerified);
        scenario.RequestApprovedAndPaid(Tranche.Progress, 10_000_000);
        scenario.RequestId(Tranche.Progress, 4_000_000);
        Assert.Equal(10_000_000, scenario.Project.AvailableFen); // 24,000,000 − 10,000,000 paid − 4,000,000 pending

        scenario.AssertRefusedAndUnchanged(ResultCode.InsufficientFunds, () => scenario.Request(Tranche.Progress, 10_000_001));
        scenario.RequestId(Tranche.Progress, 10_000_000);
        Assert.Equal(0, scenario.Project.AvailableFen);
    }

    [Fact]
    public void RequestBeforeAnyMilestoneIsRefusedAsTrancheLocked()
    {
        var scenario = Funded();

        scenario.AssertRefusedAndUnchanged(ResultCode.TrancheLocked, () => scenario.Request(Tranche.Progress, 1));
    }

    [Fact]
    public void RequestWhileProgressHasOneAttestationIsRefusedAsTrancheLocked()
    {
        var scenario = Funded();
        AssertAccepted(scenario.Attest(Milestone.ProgressVerified, Pm, Role.ProjectManager));

        scenario.AssertRefusedAndUnchanged(ResultCode.TrancheLocked, () => scenario.Request(Tranche.Progress, 1));
    }

    [Fact]
    public void LaterTranchesStayLockedUntilTheirMilestones()
    {
        var scenario = AtProgress();
        scenario.AssertRefusedAndUnchanged(ResultCode.TrancheLocked, () => scenario.Request(Tranche.Acceptance, 1));
        scenario.AssertRefusedAndUnchanged(ResultCode.TrancheLocked, () => scenario.Request(Tranche.Warranty, 1));

        scenario.Reach(Milestone.AcceptancePassed);
        scenario.AssertRefusedAndUnchanged(ResultCode.TrancheLocked, () => scenario.Request(Tranche.Warranty, 1));
        scenario.RequestId(Tranche.Acceptance, 1);
    }

    [Fact]
    public void RequestBeforeTheProjectIsOpenedIsRefused()
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.Request(Tranche.Progress, 1));
    }

    [Fact]
    public void RequestAfterCancellationIsRefusedAsEnded()
    {
        var scenario = AtProgress();
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.Request(Tranche.Progress, 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_000_000_000_001)] // 10^12 + 1
    public void RequestAmountOutOfRangeIsRefused(long amountFen)
    {
        var scenario = AtProgress();

        scenario.AssertRefusedAndUnchanged(ResultCode.AmountOutOfRange, () => scenario.Request(Tranche.Progress, amountFen));
    }

    [Theory]
    [InlineData("Final")]
    [InlineData("progress")]
    [InlineData("0")]
    public void RequestFromAnUnknownTrancheIsRefused(string tranche)
    {
        var scenario = AtProgress();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownTranche,
            () => scenario.Submit(Fin, ProjectCommandTypes.RequestDisbursement, RequestBody(tranche, 1)));
    }

    [Fact]
    public void RequestWithAnEmptyPayeeIsRefusedAsMalformed()
    {
        var scenario = AtProgress();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand,
            () => scenario.Submit(Fin, ProjectCommandTypes.RequestDisbursement, RequestBody("Progress", 1, payee: "")));
    }

    [Fact]
    public void RequestByAnyoneButAFinanceOfficerIsRefusedAsRoleMissing()
    {
        var scenario = AtProgress();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Request(Tranche.Progress, 1, by: Pm));
    }

    // Approvals.

    [Fact]
    public void ThreeDistinctApprovalsAreRecordedByRole()
    {
        var (scenario, id) = WithRequest();

        scenario.ApproveByAllThree(id);

        var disbursement = scenario.Project.Disbursements[id];
        Assert.Equal(new Dictionary<Role, string>
        {
            [Role.OwnerRepresentative] = "owner",
            [Role.ConstructionSupervisor] = "cs",
            [Role.ProjectManager] = "pm",
        }, disbursement.Approvals);
        Assert.Equal(DisbursementStatus.Pending, disbursement.Status);
        Assert.Equal(10_000_000, scenario.Project.TotalPendingFen);
    }

    [Fact]
    public void ApprovalOfAnUnknownDisbursementIsRefused()
    {
        var (scenario, id) = WithRequest();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownDisbursement, () => scenario.Approve(id + 1, Owner, Role.OwnerRepresentative));
        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownDisbursement, () => scenario.Approve(1, Owner, Role.OwnerRepresentative)); // #1 is a receipt
    }

    [Fact]
    public void ApprovalOfAPaidDisbursementIsRefused()
    {
        var scenario = AtProgress();
        var (id, _) = scenario.RequestApprovedAndPaid(Tranche.Progress, 1_000);

        scenario.AssertRefusedAndUnchanged(ResultCode.DisbursementAlreadyPaid, () => scenario.Approve(id, PmCs, Role.ProjectManager));
    }

    [Fact]
    public void ApprovalOfARejectedDisbursementIsRefused()
    {
        var (scenario, id) = WithRequest();
        AssertAccepted(scenario.Reject(id, Owner, Role.OwnerRepresentative));

        scenario.AssertRefusedAndUnchanged(ResultCode.DisbursementNotPending, () => scenario.Approve(id, Pm, Role.ProjectManager));
    }

    [Theory]
    [InlineData("OwnerRepresentative")] // an approving role the signer does not hold
    [InlineData("FinanceOfficer")] // not an approving role
    [InlineData("Mayor")] // not a role
    public void ApprovalInARoleTheSignerDoesNotHoldOrThatDoesNotApproveIsRefusedAsRoleMissing(string role)
    {
        var (scenario, id) = WithRequest();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Submit(Pm, ProjectCommandTypes.ApproveDisbursement, ApproveBody(id, role)));
    }

    [Fact]
    public void ApprovalByAResidentIsRefusedAsRoleMissingBeforeTheRule()
    {
        var (scenario, id) = WithRequest();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Approve(id, ResidentOf("b2-0101"), Role.OwnerRepresentative));
    }

    [Fact]
    public void RequesterApprovingTheirOwnRequestIsRefused()
    {
        var (scenario, id) = WithRequest(by: FinPm);

        scenario.AssertRefusedAndUnchanged(ResultCode.RequesterCannotApprove, () => scenario.Approve(id, FinPm, Role.ProjectManager));
    }

    [Fact]
    public void OnePersonApprovingTwiceInOneRoleIsRefused()
    {
        var (scenario, id) = WithRequest();
        AssertAccepted(scenario.Approve(id, Pm, Role.ProjectManager));

        scenario.AssertRefusedAndUnchanged(ResultCode.ApproverAlreadySigned, () => scenario.Approve(id, Pm, Role.ProjectManager));
    }

    [Fact]
    public void OnePersonApprovingInTwoRolesIsRefused()
    {
        var (scenario, id) = WithRequest();
        AssertAccepted(scenario.Approve(id, PmCs, Role.ProjectManager));

        scenario.AssertRefusedAndUnchanged(ResultCode.ApproverAlreadySigned, () => scenario.Approve(id, PmCs, Role.ConstructionSupervisor));
        Assert.Equal(new Dictionary<Role, string> { [Role.ProjectManager] = "pm-cs" }, scenario.Project.Disbursements[id].Approvals);
    }

    [Fact]
    public void SecondApprovalInARoleAlreadyApprovedIsRefused()
    {
        var (scenario, id) = WithRequest();
        AssertAccepted(scenario.Approve(id, Pm, Role.ProjectManager));

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleAlreadyApproved, () => scenario.Approve(id, PmCs, Role.ProjectManager));
    }

    [Fact]
    public void ApprovalAfterCancellationIsRefusedAsEnded()
    {
        var (scenario, id) = WithRequest();
        AssertAccepted(scenario.Reject(id, Cs, Role.ConstructionSupervisor));
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.Approve(id, Pm, Role.ProjectManager));
    }

    [Fact]
    public void ApprovalBeforeTheProjectIsOpenedIsRefused()
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.Approve(1, Pm, Role.ProjectManager));
    }

    // Rejections.

    [Fact]
    public void RejectedRequestFreesItsAmount()
    {
        var scenario = Opened();
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, GovernmentPlanFen));
        scenario.Reach(Milestone.ProgressVerified);
        var id = scenario.RequestId(Tranche.Progress, GovernmentPlanFen);
        AssertAccepted(scenario.Approve(id, Pm, Role.ProjectManager));
        scenario.AssertRefusedAndUnchanged(ResultCode.InsufficientFunds, () => scenario.Request(Tranche.Progress, 1));

        var accepted = AssertAccepted(scenario.Reject(id, Owner, Role.OwnerRepresentative));

        Assert.Equal(ProjectEntryTypes.DisbursementRejected, accepted.Entries.Single().Type);
        Assert.Equal(DisbursementStatus.Rejected, scenario.Project.Disbursements[id].Status);
        Assert.Equal(0, scenario.Project.TotalPendingFen);
        Assert.Equal(GovernmentPlanFen, scenario.Project.AvailableFen);
        scenario.RequestId(Tranche.Progress, GovernmentPlanFen);
    }

    [Fact]
    public void RejectionByTheRequesterInAnApprovingRoleIsAccepted()
    {
        var (scenario, id) = WithRequest(by: FinPm);

        AssertAccepted(scenario.Reject(id, FinPm, Role.ProjectManager));

        Assert.Equal(DisbursementStatus.Rejected, scenario.Project.Disbursements[id].Status);
    }

    [Fact]
    public void RejectingTwiceIsRefused()
    {
        var (scenario, id) = WithRequest();
        AssertAccepted(scenario.Reject(id, Owner, Role.OwnerRepresentative));

        scenario.AssertRefusedAndUnchanged(ResultCode.DisbursementNotPending, () => scenario.Reject(id, Cs, Role.ConstructionSupervisor));
    }

    [Fact]
    public void RejectingAPaidDisbursementIsRefused()
    {
        var scenario = AtProgress();
        var (id, _) = scenario.RequestApprovedAndPaid(Tranche.Progress, 1_000);

        scenario.AssertRefusedAndUnchanged(ResultCode.DisbursementAlreadyPaid, () => scenario.Reject(id, Owner, Role.OwnerRepresentative));
    }

    [Fact]
    public void RejectingAnUnknownDisbursementIsRefused()
    {
        var (scenario, id) = WithRequest();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownDisbursement, () => scenario.Reject(id + 100, Owner, Role.OwnerRepresentative));
    }

    [Fact]
    public void RejectingInARoleNotHeldIsRefusedAsRoleMissing()
    {
        var (scenario, id) = WithRequest();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Reject(id, Owner, Role.ConstructionSupervisor));
    }

    // Payments.

    [Fact]
    public void PaymentByASecondFinanceOfficerAfterThreeApprovalsIsRecorded()
    {
        var (scenario, id) = WithRequest();
        scenario.ApproveByAllThree(id);

        var accepted = AssertAccepted(scenario.Pay(id, Fin2, "ICBC-2026-0042"));

        Assert.Equal(ProjectEntryTypes.DisbursementPaid, accepted.Entries.Single().Type);
        Assert.Equal(10_000_000, accepted.Entries.Single().Body["amountFen"]!.GetValue<long>());
        var project = scenario.Project;
        var disbursement = project.Disbursements[id];
        Assert.Equal(DisbursementStatus.Paid, disbursement.Status);
        Assert.Equal("fin2", disbursement.PaidBy);
        Assert.Equal("ICBC-2026-0042", disbursement.BankReference);
        Assert.Equal(project.Sequence, disbursement.PaidSequence);
        Assert.Equal(10_000_000, project.PaidFen(Tranche.Progress));
        Assert.Equal(0, project.PaidFen(Tranche.Acceptance));
        Assert.Equal(10_000_000, project.TotalPaidFen);
        Assert.Equal(0, project.TotalPendingFen);
        Assert.Equal(FundedFen - 10_000_000, project.AvailableFen);
        Assert.Same(disbursement, project.PaymentOf(disbursement.PaidSequence!.Value));
    }

    [Fact]
    public void PayingTwiceIsRefused()
    {
        var scenario = AtProgress();
        var (id, _) = scenario.RequestApprovedAndPaid(Tranche.Progress, 1_000);

        scenario.AssertRefusedAndUnchanged(ResultCode.DisbursementAlreadyPaid, () => scenario.Pay(id));
        Assert.Equal(1_000, scenario.Project.TotalPaidFen);
    }

    [Fact]
    public void PayingARejectedRequestIsRefused()
    {
        var (scenario, id) = WithRequest();
        scenario.ApproveByAllThree(id);
        AssertAccepted(scenario.Reject(id, Owner, Role.OwnerRepresentative));

        scenario.AssertRefusedAndUnchanged(ResultCode.DisbursementNotPending, () => scenario.Pay(id));
    }

    [Fact]
    public void PayingAnUnknownDisbursementIsRefused()
    {
        var (scenario, id) = WithRequest();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownDisbursement, () => scenario.Pay(id + 1));
    }

    [Fact]
    public void PayingWithoutApprovalsIsRefused()
    {
        var (scenario, id) = WithRequest();

        scenario.AssertRefusedAndUnchanged(ResultCode.ApprovalsMissing, () => scenario.Pay(id));
    }

    [Fact]
    public void PayingWithTwoOfThreeApprovalsIsRefused()
    {
        var (scenario, id) = WithRequest();
        AssertAccepted(scenario.Approve(id, Owner, Role.OwnerRepresentative));
        AssertAccepted(scenario.Approve(id, Pm, Role.ProjectManager));

        var refusal = scenario.AssertRefusedAndUnchanged(ResultCode.ApprovalsMissing, () => scenario.Pay(id));
        Assert.Contains("ConstructionSupervisor", refusal.Message);
    }

    [Fact]
    public void PayingByTheRequesterIsRefused()
    {
        var (scenario, id) = WithRequest();
        scenario.ApproveByAllThree(id);

        scenario.AssertRefusedAndUnchanged(ResultCode.PayerNotDistinct, () => scenario.Pay(id, Fin));
    }

    [Fact]
    public void PayingByAnApproverIsRefused()
    {
        var (scenario, id) = WithRequest();
        AssertAccepted(scenario.Approve(id, Owner, Role.OwnerRepresentative));
        AssertAccepted(scenario.Approve(id, Cs, Role.ConstructionSupervisor));
        AssertAccepted(scenario.Approve(id, FinPm, Role.ProjectManager));

        scenario.AssertRefusedAndUnchanged(ResultCode.PayerNotDistinct, () => scenario.Pay(id, FinPm));
    }

    [Fact]
    public void PayingWithAnEmptyBankReferenceIsRefusedAsMalformed()
    {
        var (scenario, id) = WithRequest();
        scenario.ApproveByAllThree(id);

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.Pay(id, bankReference: ""));
    }

    [Fact]
    public void PayingByAnyoneButAFinanceOfficerIsRefusedAsRoleMissing()
    {
        var (scenario, id) = WithRequest();
        scenario.ApproveByAllThree(id);

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Pay(id, Supervisor));
    }

    [Fact]
    public void PayingAfterCancellationIsRefusedAsEnded()
    {
        var (scenario, id) = WithRequest();
        AssertAccepted(scenario.Reject(id, Owner, Role.OwnerRepresentative));
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.Pay(id));
    }
}
