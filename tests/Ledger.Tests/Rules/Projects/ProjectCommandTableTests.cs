// The project rows of the command table (src/Ledger/Rules/CommandRule.cs, Commands.All): who
// may give each project command (the role × command matrix of DOMAIN.md "Who uses the
// ledger") and which streams it writes; and the project result codes (ResultCode.cs), whose
// numbers are stable because clients and the API's problem table depend on them.
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class ProjectCommandTableTests
{
    public static TheoryData<string, Role[]> RolesByCommand() => new()
    {
        { ProjectCommandTypes.OpenProject, [Role.FinanceOfficer] },
        { ProjectCommandTypes.RecordReceipt, [Role.FinanceOfficer] },
        { ProjectCommandTypes.StartCampaign, [Role.FinanceOfficer] },
        { ProjectCommandTypes.PayShare, [Role.Resident] },
        { ProjectCommandTypes.AttestMilestone, [Role.ProjectManager, Role.ConstructionSupervisor] },
        { ProjectCommandTypes.RequestDisbursement, [Role.FinanceOfficer] },
        { ProjectCommandTypes.ApproveDisbursement, [Role.ProjectManager, Role.ConstructionSupervisor, Role.OwnerRepresentative] },
        { ProjectCommandTypes.RejectDisbursement, [Role.ProjectManager, Role.ConstructionSupervisor, Role.OwnerRepresentative] },
        { ProjectCommandTypes.PayDisbursement, [Role.FinanceOfficer] },
        { ProjectCommandTypes.ProposeReversal, [Role.FinanceOfficer] },
        { ProjectCommandTypes.ApproveReversal, [Role.ResidentSupervisor] },
        { ProjectCommandTypes.CancelProject, [Role.FinanceOfficer] },
        { ProjectCommandTypes.CloseProject, [Role.FinanceOfficer] },
        { ProjectCommandTypes.SignReconciliation, [Role.FinanceOfficer] },
        { ProjectCommandTypes.CountersignReconciliation, [Role.ResidentSupervisor] },
        { ProjectCommandTypes.OpenVote, [Role.OwnerRepresentative] },
        { ProjectCommandTypes.CloseVote, [Role.OwnerRepresentative] },
    };

    [Theory]
    [MemberData(nameof(RolesByCommand))]
    public void ProjectCommandIsGivenOnlyByItsRoles(string type, Role[] roles)
    {
        var rule = Commands.Find(type);

        Assert.NotNull(rule);
        Assert.Equal(type, rule.Type);
        Assert.Equal(roles.Order(), rule.Roles.Order());
    }

    [Fact]
    public void EveryProjectCommandIsInTheTableOnce()
    {
        var projectTypes = typeof(ProjectCommandTypes).GetFields().Select(f => (string)f.GetValue(null)!).ToList();

        Assert.Equal(17, projectTypes.Count);
        Assert.All(projectTypes, type => Assert.Single(Commands.All, rule => rule.Type == type));
    }

    static IReadOnlyList<string> StreamsOf(string type, JsonObject body) =>
        Commands.StreamsOf(Commands.Find(type)!, new RegistryScenario().NewCommand("fin", "key", type, body));

    [Theory]
    [InlineData(ProjectCommandTypes.OpenProject)]
    [InlineData(ProjectCommandTypes.RecordReceipt)]
    [InlineData(ProjectCommandTypes.StartCampaign)]
    [InlineData(ProjectCommandTypes.AttestMilestone)]
    [InlineData(ProjectCommandTypes.RequestDisbursement)]
    [InlineData(ProjectCommandTypes.ApproveDisbursement)]
    [InlineData(ProjectCommandTypes.RejectDisbursement)]
    [InlineData(ProjectCommandTypes.PayDisbursement)]
    [InlineData(ProjectCommandTypes.ProposeReversal)]
    [InlineData(ProjectCommandTypes.ApproveReversal)]
    [InlineData(ProjectCommandTypes.CloseProject)]
    [InlineData(ProjectCommandTypes.SignReconciliation)]
    [InlineData(ProjectCommandTypes.CountersignReconciliation)]
    public void ProjectCommandWritesOnlyItsProjectStream(string type)
    {
        Assert.Equal(["project/elevator-b2"], StreamsOf(type, new JsonObject { ["projectId"] = ProjectId }));
    }

    [Fact]
    public void PayShareWritesTheHouseholdAndTheProjectInStreamOrder()
    {
        Assert.Equal(["household/b2-0601", "project/elevator-b2"], StreamsOf(ProjectCommandTypes.PayShare, PayShareBody("b2-0601", 1)));
    }

    [Fact]
    public void CancelWritesTheProjectAndEveryRefundedHousehold()
    {
        Assert.Equal(["household/b2-0101", "household/b2-0602", "project/elevator-b2"],
            StreamsOf(ProjectCommandTypes.CancelProject, CancelBody(["b2-0602", "b2-0101", "b2-0602"])));
        Assert.Equal(["project/elevator-b2"], StreamsOf(ProjectCommandTypes.CancelProject, CancelBody([])));
    }

    [Theory]
    [InlineData(ProjectCommandTypes.OpenVote)]
    [InlineData(ProjectCommandTypes.CloseVote)]
    public void VoteCommandWritesTheProjectAndEveryHouseholdOfItsScope(string type)
    {
        var body = new JsonObject { ["households"] = new JsonArray("b2-0602", "b2-0101"), ["projectId"] = ProjectId };

        Assert.Equal(["household/b2-0101", "household/b2-0602", "project/elevator-b2"], StreamsOf(type, body));
        Assert.Throws<FormatException>(() => StreamsOf(type, new JsonObject { ["projectId"] = ProjectId }));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"projectId":"project/x"}""")]
    [InlineData("""{"projectId":7}""")]
    public void CommandWithoutAProjectIdCannotBeRouted(string body)
    {
        Assert.Throws<FormatException>(() => StreamsOf(ProjectCommandTypes.RecordReceipt, JsonNode.Parse(body)!.AsObject()));
    }

    [Theory]
    [InlineData("""{"projectId":"elevator-b2","reason":"r"}""")]
    [InlineData("""{"projectId":"elevator-b2","reason":"r","refunds":"b2-0101"}""")]
    [InlineData("""{"projectId":"elevator-b2","reason":"r","refunds":["b2 0101"]}""")]
    [InlineData("""{"projectId":"elevator-b2","reason":"r","refunds":[1]}""")]
    public void CancelWithoutAListOfHouseholdIdsCannotBeRouted(string body)
    {
        Assert.Throws<FormatException>(() => StreamsOf(ProjectCommandTypes.CancelProject, JsonNode.Parse(body)!.AsObject()));
    }

    [Fact]
    public void PayShareWithoutAHouseholdIdCannotBeRouted()
    {
        Assert.Throws<FormatException>(() => StreamsOf(ProjectCommandTypes.PayShare, new JsonObject { ["projectId"] = ProjectId }));
    }

    [Fact]
    public void ProjectResultCodesKeepTheirNumbers()
    {
        (ResultCode Code, int Number)[] pinned =
        [
            (ResultCode.ProjectNotOpen, 300), (ResultCode.ProjectAlreadyOpen, 301), (ResultCode.ProjectEnded, 302),
            (ResultCode.AmountOutOfRange, 303), (ResultCode.UnknownFundingSource, 304), (ResultCode.InvalidFundingPlan, 305),
            (ResultCode.ResidentShareAboveCap, 306), (ResultCode.InvalidTranches, 307), (ResultCode.CrowdfundingIsPaidByHouseholds, 308),
            (ResultCode.ReceiptBeyondPlan, 309), (ResultCode.CampaignAlreadyStarted, 310), (ResultCode.CampaignTargetBeyondPlan, 311),
            (ResultCode.InvalidShareRule, 312), (ResultCode.NoCampaign, 313), (ResultCode.NotResidentOfHousehold, 314),
            (ResultCode.HouseholdNotInCampaign, 315), (ResultCode.PaymentBeyondShare, 316), (ResultCode.UnknownMilestone, 317),
            (ResultCode.MilestoneOutOfOrder, 318), (ResultCode.MilestoneAlreadyAttested, 319), (ResultCode.AttesterAlreadySigned, 320),
            (ResultCode.WarrantyNotExpired, 321), (ResultCode.UnknownTranche, 322), (ResultCode.TrancheLocked, 323),
            (ResultCode.BeyondTrancheCap, 324), (ResultCode.InsufficientFunds, 325), (ResultCode.UnknownDisbursement, 326),
            (ResultCode.DisbursementAlreadyPaid, 327), (ResultCode.DisbursementNotPending, 328), (ResultCode.RequesterCannotApprove, 329),
            (ResultCode.ApproverAlreadySigned, 330), (ResultCode.RoleAlreadyApproved, 331), (ResultCode.ApprovalsMissing, 332),
            (ResultCode.PayerNotDistinct, 333), (ResultCode.NotReversible, 334), (ResultCode.AlreadyReversed, 335),
            (ResultCode.UnknownReversal, 336), (ResultCode.ReversalNotPending, 337), (ResultCode.ProposerCannotApprove, 338),
            (ResultCode.ReversalWouldOverdraw, 339), (ResultCode.DisbursementsOutstanding, 340), (ResultCode.RefundListMismatch, 341),
            (ResultCode.ContractNotFullyPaid, 342), (ResultCode.InvalidFundPolicy, 343), (ResultCode.UnknownExpenseCategory, 344),
            (ResultCode.RestrictedFundsInsufficient, 345),
            (ResultCode.InvalidVotePolicy, 350), (ResultCode.VoteAlreadyOpened, 351), (ResultCode.InvalidVote, 352),
            (ResultCode.InvalidVoteScope, 353), (ResultCode.FloorAreaNotRecorded, 354), (ResultCode.UnknownVote, 355),
            (ResultCode.OutsideVotingPeriod, 356), (ResultCode.BallotAlreadyCast, 357), (ResultCode.VoteAlreadyClosed, 358),
            (ResultCode.CampaignNeedsPassedVote, 359),
            (ResultCode.ReconciliationPeriodInvalid, 360), (ResultCode.ReconciliationPeriodOverlaps, 361),
            (ResultCode.ReconciliationPeriodNotEnded, 362), (ResultCode.ReconciliationBalanceMismatch, 363),
            (ResultCode.UnknownReconciliation, 364), (ResultCode.ReconciliationAlreadyCountersigned, 365),
            (ResultCode.SignerCannotCountersign, 366),
        ];

        Assert.All(pinned, p => Assert.Equal(p.Number, (int)p.Code));
        Assert.Equal([.. Enumerable.Range(300, 46), .. Enumerable.Range(350, 17)], Enum.GetValues<ResultCode>().Select(c => (int)c).Where(n => n is >= 300 and < 400));
    }
}
