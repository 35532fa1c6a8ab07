// Which refusal a project command hears when it breaks two or more rules at once. ResultCode.cs
// says the project codes are numbered in the order the rules check them; this table pins the
// order the decide functions of ProjectRules.cs actually check in, through the whole pipeline
// (table, authentication, authorization, rule). Where the order departs from the numbers the
// row says so: RoleMissing (107) and MalformedCommand (100) are envelope codes that project
// rules also return, at the point where they read the role or the body member concerned.
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class RefusalPrecedence
{
    /// <summary>One row: the code reported, the ledger it runs on, and the command that breaks several rules.</summary>
    sealed record Case(ResultCode Expected, Func<ProjectScenario> Given, Func<ProjectScenario, (Signer By, string Type, JsonObject Body)> Command);

    static readonly string TooLong = new('x', ProjectRules.MaxTextLength + 1);
    const long BeyondMax = Money.MaxAmountFen + 1;

    static JsonObject With(JsonObject body, string member, JsonNode? value)
    {
        body[member] = value;
        return body;
    }

    static ProjectScenario Cancelled()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Cancel([]));
        return scenario;
    }

    static ProjectScenario WithCampaign()
    {
        var scenario = Opened();
        AssertAccepted(scenario.StartCampaign());
        return scenario;
    }

    /// <summary>Opened with only the subsidy received (24,000,000 fen) and progress verified: the cap (36,000,000) is above the funds.</summary>
    static ProjectScenario AtProgressWithTheSubsidyOnly()
    {
        var scenario = Opened();
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, GovernmentPlanFen));
        scenario.Reach(Milestone.ProgressVerified);
        return scenario;
    }

    static ProjectScenario Requested(Signer? by = null) => WithRequest(by: by).Scenario;

    static ProjectScenario Paid()
    {
        var scenario = AtProgress();
        scenario.RequestApprovedAndPaid(Tranche.Progress, 1_000);
        return scenario;
    }

    static ProjectScenario RequestedByFinPmAndRejected()
    {
        var (scenario, id) = WithRequest(by: FinPm);
        AssertAccepted(scenario.Reject(id, Owner, Role.OwnerRepresentative));
        return scenario;
    }

    static ProjectScenario ReceiptReversalProposedByFinSupervisor()
    {
        var scenario = Funded();
        scenario.ProposeReversalId(1, FinSupervisor); // #1: the subsidy
        return scenario;
    }

    static long LastDisbursement(ProjectScenario s) => s.Project.Disbursements.Keys.Max();

    static long LastReversal(ProjectScenario s) => s.Project.Reversals.Keys.Max();

    static readonly Dictionary<string, Case> Cases = new()
    {
        // Authorization, before any rule.
        ["a resident recording a receipt of 0 fen for a project not yet opened"] = new(ResultCode.RoleMissing, BeforeOpening,
            s => (ResidentOf("b2-0101"), ProjectCommandTypes.RecordReceipt, ReceiptBody("GovernmentSubsidy", 0))),
        ["a finance officer paying 0 fen of a household's share before any campaign"] = new(ResultCode.RoleMissing, Opened,
            s => (Fin, ProjectCommandTypes.PayShare, PayShareBody("b2-0101", 0))),

        // OpenProject.
        ["a second opening with an unknown body member (the members are read before the project)"] = new(ResultCode.MalformedCommand, Opened,
            s => (Fin, ProjectCommandTypes.OpenProject, With(OpenBody(), "sponsor", "Hehua Bank"))),
        ["a second opening with a contract price of 0"] = new(ResultCode.ProjectAlreadyOpen, Opened,
            s => (Fin, ProjectCommandTypes.OpenProject, OpenBody(0))),
        ["an opening of a cancelled project with an invalid plan"] = new(ResultCode.ProjectAlreadyOpen, Cancelled,
            s => (Fin, ProjectCommandTypes.OpenProject, OpenBody(plan: Plan(selfRaised: 1)))),
        ["an empty name and a contract price of 0"] = new(ResultCode.MalformedCommand, BeforeOpening,
            s => (Fin, ProjectCommandTypes.OpenProject, With(OpenBody(0), "name", ""))),
        ["a contract price of 0 and an unknown source"] = new(ResultCode.AmountOutOfRange, BeforeOpening,
            s => (Fin, ProjectCommandTypes.OpenProject, OpenBody(0, With(Plan(), "Lottery", 1)))),
        ["a contract price of 10^12 + 1 and a plan not adding up"] = new(ResultCode.AmountOutOfRange, BeforeOpening,
            s => (Fin, ProjectCommandTypes.OpenProject, OpenBody(BeyondMax))),
        ["an unknown source and amounts not adding up"] = new(ResultCode.UnknownFundingSource, BeforeOpening,
            s => (Fin, ProjectCommandTypes.OpenProject, OpenBody(plan: With(Plan(selfRaised: 1), "Lottery", 1)))),
        ["a source left out and the residents above the cap"] = new(ResultCode.InvalidFundingPlan, BeforeOpening,
            s => (Fin, ProjectCommandTypes.OpenProject, OpenBody(plan: new JsonObject
            {
                ["GovernmentSubsidy"] = 12_000_000, ["ResidentCrowdfunding"] = 30_000_000, ["SocialCapital"] = 18_000_000,
            }))),
        ["the residents above the cap and tranches not adding up to 100"] = new(ResultCode.ResidentShareAboveCap, BeforeOpening,
            s => (Fin, ProjectCommandTypes.OpenProject, With(OpenBody(plan: Plan(government: 12_000_000, crowdfunding: 24_000_000)), "tranches", TranchesOf(60, 30, 9)))),
        ["a cap above 100 and tranches out of order"] = new(ResultCode.ResidentShareAboveCap, BeforeOpening,
            s => (Fin, ProjectCommandTypes.OpenProject, With(With(OpenBody(), "residentShareCapPercent", 101), "tranches", new JsonArray(
                new JsonObject { ["percent"] = 30, ["tranche"] = "Acceptance" },
                new JsonObject { ["percent"] = 70, ["tranche"] = "Progress" })))),
        ["tranches not adding up to 100 and a warranty of 121 months (MalformedCommand, though numbered lower, comes later)"] = new(ResultCode.InvalidTranches, BeforeOpening,
            s => (Fin, ProjectCommandTypes.OpenProject, With(OpenBody(warrantyMonths: 121), "tranches", TranchesOf(60, 30, 9)))),

        // RecordReceipt.
        ["a receipt of 0 fen for a project not yet opened"] = new(ResultCode.ProjectNotOpen, BeforeOpening,
            s => (Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("GovernmentSubsidy", 0))),
        ["a receipt of 0 fen for a cancelled project"] = new(ResultCode.ProjectEnded, Cancelled,
            s => (Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("GovernmentSubsidy", 0))),
        ["a receipt of 0 fen from an unknown source"] = new(ResultCode.AmountOutOfRange, Opened,
            s => (Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("Lottery", 0))),
        ["a receipt of 10^12 + 1 fen as crowdfunding"] = new(ResultCode.AmountOutOfRange, Opened,
            s => (Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("ResidentCrowdfunding", BeyondMax))),
        ["a receipt from an unknown source with a malformed document hash"] = new(ResultCode.UnknownFundingSource, Opened,
            s => (Fin, ProjectCommandTypes.RecordReceipt, With(ReceiptBody("Lottery", 1), "documentHash", "letter"))),
        ["crowdfunding recorded as a receipt beyond its plan"] = new(ResultCode.CrowdfundingIsPaidByHouseholds, Opened,
            s => (Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("ResidentCrowdfunding", CrowdfundingPlanFen + 1))),
        ["a malformed document hash beyond the plan"] = new(ResultCode.MalformedCommand, Opened,
            s => (Fin, ProjectCommandTypes.RecordReceipt, With(ReceiptBody("GovernmentSubsidy", GovernmentPlanFen + 1), "documentHash", "letter"))),
        ["a reference of 201 characters beyond the plan (the reference's length is checked last)"] = new(ResultCode.ReceiptBeyondPlan, Opened,
            s => (Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("GovernmentSubsidy", GovernmentPlanFen + 1, TooLong))),

        // StartCampaign.
        ["a campaign of 0 fen for a project not yet opened"] = new(ResultCode.ProjectNotOpen, BeforeOpening,
            s => (Fin, ProjectCommandTypes.StartCampaign, CampaignBody(0))),
        ["a second campaign of 0 fen"] = new(ResultCode.AmountOutOfRange, WithCampaign,
            s => (Fin, ProjectCommandTypes.StartCampaign, CampaignBody(0))),
        ["a second campaign beyond the plan"] = new(ResultCode.CampaignAlreadyStarted, WithCampaign,
            s => (Fin, ProjectCommandTypes.StartCampaign, CampaignBody(CrowdfundingPlanFen + 1))),
        ["a campaign beyond the plan by an unknown rule"] = new(ResultCode.CampaignTargetBeyondPlan, Opened,
            s => (Fin, ProjectCommandTypes.StartCampaign, CampaignBody(CrowdfundingPlanFen + 1, "ByArea"))),
        ["an unknown rule with a household carrying an unknown member"] = new(ResultCode.MalformedCommand, Opened,
            s => (Fin, ProjectCommandTypes.StartCampaign, With(CampaignBody(rule: "ByArea"), "households",
                new JsonArray(new JsonObject { ["areaM2"] = 90, ["householdId"] = "b2-0101" })))),
        ["a household id that is not an identifier with a malformed floor weight (the weights are read after the households)"] = new(ResultCode.InvalidShareRule, Opened,
            s => (Fin, ProjectCommandTypes.StartCampaign, CampaignBody(households: [("b2 0101", 1)],
                floorWeights: [new JsonObject { ["colour"] = "red", ["floor"] = 1, ["weight"] = 1 }]))),

        // PayShare.
        ["a payment of 0 fen for a project not yet opened"] = new(ResultCode.ProjectNotOpen, BeforeOpening,
            s => (ResidentOf("b2-0101"), ProjectCommandTypes.PayShare, PayShareBody("b2-0101", 0))),
        ["a payment of 0 fen to a cancelled project"] = new(ResultCode.ProjectEnded, Cancelled,
            s => (ResidentOf("b2-0101"), ProjectCommandTypes.PayShare, PayShareBody("b2-0101", 0))),
        ["a payment of 0 fen before any campaign"] = new(ResultCode.AmountOutOfRange, Opened,
            s => (ResidentOf("b2-0101"), ProjectCommandTypes.PayShare, PayShareBody("b2-0101", 0))),
        ["a payment of 10^12 + 1 fen for another household"] = new(ResultCode.AmountOutOfRange, WithCampaign,
            s => (ResidentOf("b2-0101"), ProjectCommandTypes.PayShare, PayShareBody("b2-0102", BeyondMax))),
        ["a payment before any campaign for another household"] = new(ResultCode.NoCampaign, Opened,
            s => (ResidentOf("b2-0101"), ProjectCommandTypes.PayShare, PayShareBody("b2-0102", 1))),
        ["a payment for another household that is outside the campaign"] = new(ResultCode.NotResidentOfHousehold, () =>
        {
            var scenario = Opened();
            AssertAccepted(scenario.StartCampaign(CampaignBody(households: [("b2-0601", 6), ("b2-0602", 6)])));
            return scenario;
        }, s => (ResidentOf("b2-0101"), ProjectCommandTypes.PayShare, PayShareBody("b2-0102", 1))),
        ["a payment for another household beyond its share"] = new(ResultCode.NotResidentOfHousehold, WithCampaign,
            s => (ResidentOf("b2-0101"), ProjectCommandTypes.PayShare, PayShareBody("b2-0102", CrowdfundingPlanFen))),
        ["a payment beyond the share with a reference of 201 characters"] = new(ResultCode.PaymentBeyondShare, WithCampaign,
            s => (ResidentOf("b2-0101"), ProjectCommandTypes.PayShare, PayShareBody("b2-0101", 285_715, TooLong))),

        // AttestMilestone.
        ["an unknown milestone of a project not yet opened"] = new(ResultCode.ProjectNotOpen, BeforeOpening,
            s => (Pm, ProjectCommandTypes.AttestMilestone, AttestBody("Completed", "ProjectManager"))),
        ["an unknown milestone of a cancelled project"] = new(ResultCode.ProjectEnded, Cancelled,
            s => (Pm, ProjectCommandTypes.AttestMilestone, AttestBody("Completed", "ProjectManager"))),
        ["an unknown milestone attested in a role not held"] = new(ResultCode.UnknownMilestone, Opened,
            s => (Pm, ProjectCommandTypes.AttestMilestone, AttestBody("Completed", "ConstructionSupervisor"))),
        ["a role not held, out of order (RoleMissing, though numbered lower, comes after UnknownMilestone)"] = new(ResultCode.RoleMissing, Opened,
            s => (Pm, ProjectCommandTypes.AttestMilestone, AttestBody("AcceptancePassed", "ConstructionSupervisor"))),
        ["out of order with a malformed evidence hash"] = new(ResultCode.MalformedCommand, Opened,
            s => (Pm, ProjectCommandTypes.AttestMilestone, AttestBody("AcceptancePassed", "ProjectManager", "report"))),
        ["the same person attesting in the same role twice"] = new(ResultCode.MilestoneAlreadyAttested, () =>
        {
            var scenario = Opened();
            AssertAccepted(scenario.Attest(Milestone.ProgressVerified, PmCs, Role.ProjectManager));
            return scenario;
        }, s => (PmCs, ProjectCommandTypes.AttestMilestone, AttestBody("ProgressVerified", "ProjectManager"))),

        // RequestDisbursement.
        ["a request of 0 fen for a project not yet opened"] = new(ResultCode.ProjectNotOpen, BeforeOpening,
            s => (Fin, ProjectCommandTypes.RequestDisbursement, RequestBody("Progress", 0))),
        ["a request of 0 fen from an unknown tranche"] = new(ResultCode.AmountOutOfRange, AtProgress,
            s => (Fin, ProjectCommandTypes.RequestDisbursement, RequestBody("Final", 0))),
        ["a request of 10^12 + 1 fen from a locked tranche"] = new(ResultCode.AmountOutOfRange, Funded,
            s => (Fin, ProjectCommandTypes.RequestDisbursement, RequestBody("Progress", BeyondMax))),
        ["an unknown tranche with an empty payee"] = new(ResultCode.UnknownTranche, AtProgress,
            s => (Fin, ProjectCommandTypes.RequestDisbursement, RequestBody("Final", 1, payee: ""))),
        ["an empty payee from a locked tranche"] = new(ResultCode.MalformedCommand, Funded,
            s => (Fin, ProjectCommandTypes.RequestDisbursement, RequestBody("Progress", 1, payee: ""))),
        ["a locked tranche beyond its cap and the funds"] = new(ResultCode.TrancheLocked, AtProgress,
            s => (Fin, ProjectCommandTypes.RequestDisbursement, RequestBody("Acceptance", AcceptanceCapFen + 1))),
        ["a request beyond the cap and the funds"] = new(ResultCode.BeyondTrancheCap, AtProgressWithTheSubsidyOnly,
            s => (Fin, ProjectCommandTypes.RequestDisbursement, RequestBody("Progress", ProgressCapFen + 1))),

        // ApproveDisbursement.
        ["an unknown disbursement of a project not yet opened"] = new(ResultCode.ProjectNotOpen, BeforeOpening,
            s => (Pm, ProjectCommandTypes.ApproveDisbursement, ApproveBody(99, "ProjectManager"))),
        ["an unknown disbursement of a cancelled project"] = new(ResultCode.ProjectEnded, Cancelled,
            s => (Pm, ProjectCommandTypes.ApproveDisbursement, ApproveBody(99, "ProjectManager"))),
        ["an unknown disbursement approved in a role not held"] = new(ResultCode.UnknownDisbursement, () => Requested(),
            s => (Pm, ProjectCommandTypes.ApproveDisbursement, ApproveBody(99, "OwnerRepresentative"))),
        ["a paid disbursement approved in a role not held"] = new(ResultCode.DisbursementAlreadyPaid, Paid,
            s => (Pm, ProjectCommandTypes.ApproveDisbursement, ApproveBody(LastDisbursement(s), "OwnerRepresentative"))),
        ["a rejected disbursement approved by its requester"] = new(ResultCode.DisbursementNotPending, RequestedByFinPmAndRejected,
            s => (FinPm, ProjectCommandTypes.ApproveDisbursement, ApproveBody(LastDisbursement(s), "ProjectManager"))),
        ["the requester approving in a role not held (RoleMissing, though numbered lower, comes after the disbursement's checks)"] = new(ResultCode.RoleMissing, () => Requested(FinPm),
            s => (FinPm, ProjectCommandTypes.ApproveDisbursement, ApproveBody(LastDisbursement(s), "OwnerRepresentative"))),
        ["the requester approving in a role already approved"] = new(ResultCode.RequesterCannotApprove, () =>
        {
            var (scenario, id) = WithRequest(by: FinPm);
            AssertAccepted(scenario.Approve(id, Pm, Role.ProjectManager));
            return scenario;
        }, s => (FinPm, ProjectCommandTypes.ApproveDisbursement, ApproveBody(LastDisbursement(s), "ProjectManager"))),
        ["the same person approving twice in the same role"] = new(ResultCode.ApproverAlreadySigned, () =>
        {
            var (scenario, id) = WithRequest();
            AssertAccepted(scenario.Approve(id, Pm, Role.ProjectManager));
            return scenario;
        }, s => (Pm, ProjectCommandTypes.ApproveDisbursement, ApproveBody(LastDisbursement(s), "ProjectManager"))),

        // RejectDisbursement.
        ["a paid disbursement rejected in a role not held"] = new(ResultCode.DisbursementAlreadyPaid, Paid,
            s => (Pm, ProjectCommandTypes.RejectDisbursement, RejectBody(LastDisbursement(s), "OwnerRepresentative"))),
        ["an unknown disbursement rejected with an empty reason"] = new(ResultCode.UnknownDisbursement, () => Requested(),
            s => (Pm, ProjectCommandTypes.RejectDisbursement, RejectBody(99, "ProjectManager", reason: ""))),
        ["a rejection in a role not held with an empty reason"] = new(ResultCode.RoleMissing, () => Requested(),
            s => (Pm, ProjectCommandTypes.RejectDisbursement, RejectBody(LastDisbursement(s), "OwnerRepresentative", reason: ""))),

        // PayDisbursement.
        ["an unknown disbursement paid with an empty bank reference"] = new(ResultCode.UnknownDisbursement, () => Requested(),
            s => (Fin2, ProjectCommandTypes.PayDisbursement, PayBody(99, ""))),
        ["a paid disbursement paid again by its requester"] = new(ResultCode.DisbursementAlreadyPaid, Paid,
            s => (Fin, ProjectCommandTypes.PayDisbursement, PayBody(LastDisbursement(s)))),
        ["a rejected disbursement paid by its requester"] = new(ResultCode.DisbursementNotPending, RequestedByFinPmAndRejected,
            s => (FinPm, ProjectCommandTypes.PayDisbursement, PayBody(LastDisbursement(s)))),
        ["an empty bank reference with approvals missing"] = new(ResultCode.MalformedCommand, () => Requested(),
            s => (Fin2, ProjectCommandTypes.PayDisbursement, PayBody(LastDisbursement(s), ""))),
        ["approvals missing, paid by the requester"] = new(ResultCode.ApprovalsMissing, () => Requested(),
            s => (Fin, ProjectCommandTypes.PayDisbursement, PayBody(LastDisbursement(s)))),

        // ProposeReversal.
        ["an entry that is not reversible, of a project not yet opened"] = new(ResultCode.ProjectNotOpen, BeforeOpening,
            s => (Fin, ProjectCommandTypes.ProposeReversal, ProposeReversalBody(99))),
        ["an entry that is not reversible, of a cancelled project"] = new(ResultCode.ProjectEnded, Cancelled,
            s => (Fin, ProjectCommandTypes.ProposeReversal, ProposeReversalBody(99))),
        ["an entry that is not reversible, with an empty reason"] = new(ResultCode.MalformedCommand, Funded,
            s => (Fin, ProjectCommandTypes.ProposeReversal, ProposeReversalBody(99, ""))),

        // ApproveReversal.
        ["an unknown reversal of a cancelled project"] = new(ResultCode.ProjectEnded, () =>
        {
            var scenario = ReceiptReversalProposedByFinSupervisor();
            AssertAccepted(scenario.Cancel([]));
            return scenario;
        }, s => (Supervisor, ProjectCommandTypes.ApproveReversal, ApproveReversalBody(99))),
        ["an approved reversal approved again by its proposer"] = new(ResultCode.ReversalNotPending, () =>
        {
            var scenario = ReceiptReversalProposedByFinSupervisor();
            AssertAccepted(scenario.ApproveReversal(LastReversal(scenario), Supervisor));
            return scenario;
        }, s => (FinSupervisor, ProjectCommandTypes.ApproveReversal, ApproveReversalBody(LastReversal(s)))),
        ["the proposer approving a receipt reversal that would overdraw"] = new(ResultCode.ProposerCannotApprove, () =>
        {
            var scenario = ReceiptReversalProposedByFinSupervisor();
            scenario.Reach(Milestone.ProgressVerified);
            scenario.RequestId(Tranche.Progress, ProgressCapFen); // leaves 12,000,000 of 48,000,000: less than the 24,000,000 subsidy
            return scenario;
        }, s => (FinSupervisor, ProjectCommandTypes.ApproveReversal, ApproveReversalBody(LastReversal(s)))),

        // CancelProject.
        ["a cancellation with a pending disbursement and a wrong refund list"] = new(ResultCode.DisbursementsOutstanding, () =>
        {
            var scenario = Requested();
            AssertAccepted(scenario.StartCampaign());
            AssertAccepted(scenario.PayShare("b2-0101", 1));
            return scenario;
        }, s => (Fin, ProjectCommandTypes.CancelProject, CancelBody(["b2-0102"]))),
        ["a cancellation of a cancelled project with a wrong refund list"] = new(ResultCode.ProjectEnded, Cancelled,
            s => (Fin, ProjectCommandTypes.CancelProject, CancelBody(["b2-0102"]))),
        ["a cancellation with an empty reason and a pending disbursement"] = new(ResultCode.MalformedCommand, () => Requested(),
            s => (Fin, ProjectCommandTypes.CancelProject, CancelBody([], reason: ""))),

        // CloseProject.
        ["a closing with a pending disbursement and the contract unpaid"] = new(ResultCode.DisbursementsOutstanding, () => Requested(),
            s => (Fin, ProjectCommandTypes.CloseProject, CloseBody())),
        ["a closing of a cancelled project with the contract unpaid"] = new(ResultCode.ProjectEnded, Cancelled,
            s => (Fin, ProjectCommandTypes.CloseProject, CloseBody())),
    };

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var name in Cases.Keys)
        {
            names.Add(name);
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CommandBreakingSeveralProjectRulesIsRefusedWithTheFirstChecked(string breaks)
    {
        var @case = Cases[breaks];
        var scenario = @case.Given();
        var (by, type, body) = @case.Command(scenario);

        scenario.AssertRefusedAndUnchanged(@case.Expected, () => scenario.Submit(by, type, body));
    }
}
