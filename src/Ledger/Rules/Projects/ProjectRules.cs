using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Ledger.Bodies;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Rules.Households;

namespace Ledger.Rules.Projects;

/// <summary>
/// The rules of a project stream (docs/DOMAIN.md "Money"): opening with a funding plan and
/// policy, receipts by source, the crowdfunding campaign, milestones, disbursement by
/// tranche with three sign-offs, reversals, cancellation and closing. Pure functions of the
/// project's state, the registry and the command.
/// </summary>
public static class ProjectRules
{
    public const string ReceiptKind = "Receipt";
    public const string PaymentKind = "Payment";
    public const int DefaultResidentShareCapPercent = 30;
    public const int MaxTextLength = 200;
    public const int MaxWarrantyMonths = 120;
    public const int MaxCampaignHouseholds = 10_000;
    public const long MaxWeight = 1_000_000;

    /// <summary>The most lines a statement's counts may name: far beyond a quarter of one project's account.</summary>
    public const long MaxStatementLines = 1_000_000;

    static readonly ImmutableList<TranchePolicy> DefaultTranches =
        [new(Tranche.Progress, 60), new(Tranche.Acceptance, 30), new(Tranche.Warranty, 10)];

    public static string StreamOf(string projectId) => "project/" + projectId;

    public static Decision Open(DecisionContext context, OpenProjectBody body)
    {
        var project = Project(context, body.ProjectId);
        if (project.Status != ProjectStatus.NotOpened)
        {
            return Decision.Refusing(ResultCode.ProjectAlreadyOpen, $"project {project.ProjectId} was opened already");
        }
        var name = Text(body.Name);
        var community = Text(body.Community);
        var contractPrice = body.ContractPriceFen.Value;
        if (!Money.IsValidAmount(contractPrice))
        {
            return AmountOutOfRange(body.ContractPriceFen);
        }
        if (body.FundingPlan.Refusal(ResultCode.UnknownFundingSource, out var plan) is { } unreadablePlan)
        {
            return unreadablePlan;
        }
        if (plan.Count != Enum.GetValues<FundingSource>().Length || plan.Values.Any(fen => fen is < 0 or > Money.MaxAmountFen)
            || plan.Values.Sum() != contractPrice)
        {
            return Decision.Refusing(ResultCode.InvalidFundingPlan,
                "fundingPlan names every source once with an amount ≥ 0, and the amounts add up to contractPriceFen");
        }
        var cap = body.ResidentShareCapPercent.Value ?? DefaultResidentShareCapPercent;
        if (cap is < 0 or > 100)
        {
            return Decision.Refusing(ResultCode.ResidentShareAboveCap, "residentShareCapPercent is a percentage from 0 to 100");
        }
        if (plan[FundingSource.ResidentCrowdfunding] > Money.PercentOf(contractPrice, (int)cap))
        {
            return Decision.Refusing(ResultCode.ResidentShareAboveCap,
                $"the residents' share may be at most {cap}% of the contract price ({Money.PercentOf(contractPrice, (int)cap)} fen)");
        }
        if (body.Tranches.Refusal(ResultCode.InvalidTranches, out var givenTranches) is { } unreadableTranches)
        {
            return unreadableTranches;
        }
        var tranches = givenTranches ?? DefaultTranches;
        if (!tranches.Select(t => t.Tranche).SequenceEqual(Enum.GetValues<Tranche>()) || tranches.Sum(t => t.Percent) != 100)
        {
            return Decision.Refusing(ResultCode.InvalidTranches,
                "tranches are Progress, Acceptance and Warranty in that order, with percentages that add up to 100");
        }
        var warrantyMonths = body.WarrantyMonths.Value;
        if (warrantyMonths is < 0 or > MaxWarrantyMonths)
        {
            return Decision.Refusing(ResultCode.MalformedCommand, $"warrantyMonths is from 0 to {MaxWarrantyMonths}");
        }
        if (body.FundPolicy.Refusal(ResultCode.InvalidFundPolicy, out var fundPolicy) is { } unreadableFundPolicy)
        {
            return unreadableFundPolicy;
        }
        if (fundPolicy is not null && !fundPolicy.IsWellFormed())
        {
            return Decision.Refusing(ResultCode.InvalidFundPolicy, "fundPolicy lists one or more sources, each once, each with one or more distinct categories");
        }
        if (body.VotePolicy.Refusal(ResultCode.InvalidVotePolicy, out var voteTerms) is { } unreadableVotePolicy)
        {
            return unreadableVotePolicy;
        }
        var votePolicy = voteTerms?.WithDefaults();
        if (votePolicy is not null && !votePolicy.IsValid())
        {
            return Decision.Refusing(ResultCode.InvalidVotePolicy,
                $"each threshold is a fraction n/d with 1 ≤ n ≤ d ≤ {Fraction.MaxDenominator}, and the ordinary majority's n < d");
        }
        return Accept(project, ProjectEntryTypes.ProjectOpened,
            ProjectOpenedBody.Write(community, contractPrice, plan, fundPolicy, name, project.ProjectId, cap, tranches, votePolicy, warrantyMonths));
    }

    public static Decision RecordReceipt(DecisionContext context, RecordReceiptBody body)
    {
        var project = Project(context, body.ProjectId);
        if (OpenWithAmount(project, body.AmountFen, out var amount) is { } refusal)
        {
            return refusal;
        }
        if (!EnumNames.TryParse<FundingSource>(body.Source.Value, out var source))
        {
            return Decision.Refusing(ResultCode.UnknownFundingSource, $"source is one of {string.Join(", ", Enum.GetNames<FundingSource>())}");
        }
        if (source == FundingSource.ResidentCrowdfunding)
        {
            return Decision.Refusing(ResultCode.CrowdfundingIsPaidByHouseholds, "crowdfunding comes in as households' PayShare, not as a receipt");
        }
        var documentHash = body.DocumentHash.Value;
        var reference = body.Reference.Value;
        if (checked(project.ReceivedFen(source) + amount) > project.PlannedFen[source])
        {
            return Decision.Refusing(ResultCode.ReceiptBeyondPlan,
                $"{source} would exceed its planned {project.PlannedFen[source]} fen (received {project.ReceivedFen(source)})");
        }
        return Accept(project, ProjectEntryTypes.ReceiptRecorded,
            ReceiptRecordedBody.Write(amount, documentHash, reference is null ? null : ShortText(reference, body.Reference.Name), source));
    }

    /// <summary>
    /// Starts the crowdfunding campaign: each listed household's share is computed by the rule
    /// — "ByFloor" (weights by floor; by default the floor number, so higher floors pay more,
    /// seed 001 §4.3 按楼层分摊) or "Flat" (equal shares) — and split exactly by <see cref="ShareSplit"/>.
    /// </summary>
    public static Decision StartCampaign(DecisionContext context, StartCampaignBody body)
    {
        var project = Project(context, body.ProjectId);
        if (OpenWithAmount(project, body.TargetFen, out var target) is { } refusal)
        {
            return refusal;
        }
        if (project.Campaign is not null)
        {
            return Decision.Refusing(ResultCode.CampaignAlreadyStarted, "the project's campaign has started already");
        }
        if (VoteRules.CampaignRefusal(project) is { } noVote)
        {
            return noVote;
        }
        if (target > project.PlannedFen[FundingSource.ResidentCrowdfunding])
        {
            return Decision.Refusing(ResultCode.CampaignTargetBeyondPlan,
                $"the target may be at most the planned crowdfunding, {project.PlannedFen[FundingSource.ResidentCrowdfunding]} fen");
        }
        var rule = body.Rule.Value;
        var households = body.Households.Value;
        var ids = households.Select(h => h.HouseholdId.Value).ToList();
        if (rule is not ("ByFloor" or "Flat") || households.Count is 0 or > MaxCampaignHouseholds
            || ids.Any(id => !Names.IsIdentifier(id)) || ids.Distinct().Count() != ids.Count)
        {
            return Decision.Refusing(ResultCode.InvalidShareRule,
                $"rule is ByFloor or Flat, over 1 to {MaxCampaignHouseholds} distinct households");
        }
        var weights = new List<(string HouseholdId, long Weight)>();
        if (rule == "ByFloor")
        {
            var listed = body.FloorWeights.Value;
            // A floor weighed twice is a bad rule, not an exception out of ToDictionary.
            if (listed is not null && listed.DistinctBy(w => w.Floor).Count() != listed.Count)
            {
                return Decision.Refusing(ResultCode.InvalidShareRule, "floorWeights name each floor once");
            }
            var floorWeights = listed?.ToDictionary(w => w.Floor, w => w.Weight);
            foreach (var household in households)
            {
                var floor = household.Floor.Value;
                long weight = 0;
                var known = floor is >= 1 and <= 200 && (floorWeights is null ? (weight = floor.Value) >= 0 : floorWeights.TryGetValue(floor.Value, out weight));
                if (!known || weight is < 0 or > MaxWeight)
                {
                    return Decision.Refusing(ResultCode.InvalidShareRule,
                        $"household {household.HouseholdId.Value} needs a floor from 1 to 200 with a weight from 0 to {MaxWeight}");
                }
                weights.Add((household.HouseholdId.Value, weight));
            }
        }
        else
        {
            if (body.FloorWeights.IsPresent)
            {
                return Decision.Refusing(ResultCode.InvalidShareRule, "floorWeights go with the ByFloor rule only");
            }
            weights.AddRange(ids.Select(id => (id, 1L)));
        }
        if (weights.All(w => w.Weight == 0))
        {
            return Decision.Refusing(ResultCode.InvalidShareRule, "at least one household must carry weight");
        }
        var floors = households.ToDictionary(h => h.HouseholdId.Value, h => h.Floor.Value);
        var shares = ShareSplit.Split(target, weights);
        return Accept(project, ProjectEntryTypes.CampaignStarted,
            CampaignStartedBody.Write(rule, shares.Select(s => (s.HouseholdId, floors[s.HouseholdId], s.ShareFen)), target));
    }

    /// <summary>A household's payment of its share: one atomic write to the household and the project stream.</summary>
    public static Decision PayShare(DecisionContext context, PayShareBody body)
    {
        var project = Project(context, body.ProjectId);
        var householdId = body.HouseholdId.Value;
        var household = context.State<HouseholdState>(HouseholdRules.StreamOf(householdId));
        if (OpenWithAmount(project, body.AmountFen, out var amount) is { } refusal)
        {
            return refusal;
        }
        if (project.Campaign is not { } campaign)
        {
            return Decision.Refusing(ResultCode.NoCampaign, "the project has no crowdfunding campaign");
        }
        if (HouseholdRules.ResidentCheck(context, householdId) is { } notResident)
        {
            return notResident;
        }
        if (!campaign.SharesFen.TryGetValue(householdId, out var share))
        {
            return Decision.Refusing(ResultCode.HouseholdNotInCampaign, $"household {householdId} has no share in this campaign");
        }
        var paid = project.ContributionsFen.GetValueOrDefault(householdId);
        if (checked(paid + amount) > share)
        {
            return Decision.Refusing(ResultCode.PaymentBeyondShare, $"household {householdId} owes {share - paid} fen of its {share} fen share");
        }
        Invariant.Holds(household.ContributionsFen.GetValueOrDefault(project.ProjectId) == paid,
            $"household {householdId} and project {project.ProjectId} agree on what was paid");
        var reference = body.Reference.Value;
        return Decision.Accepting(
            new NewEntry(household.Stream, HouseholdEntryTypes.CrowdfundingPaid,
                CrowdfundingPaidBody.Write(amount, project.ProjectId, reference is null ? null : ShortText(reference, body.Reference.Name))),
            new NewEntry(StreamOf(project.ProjectId), ProjectEntryTypes.ContributionReceived, ContributionBody.Write(amount, householdId)));
    }

    public static Decision AttestMilestone(DecisionContext context, AttestMilestoneBody body)
    {
        var project = Project(context, body.ProjectId);
        if (Unopened(project) is { } refusal)
        {
            return refusal;
        }
        if (!EnumNames.TryParse<Milestone>(body.Milestone.Value, out var milestone))
        {
            return Decision.Refusing(ResultCode.UnknownMilestone, $"milestone is one of {string.Join(", ", Enum.GetNames<Milestone>())}");
        }
        if (RoleNamed(context, body.Role, ProjectState.MilestoneAttesters) is not { } role)
        {
            return Decision.Refusing(ResultCode.RoleMissing, "milestones are attested as ProjectManager or ConstructionSupervisor, a role the signer holds");
        }
        var evidence = body.EvidenceHash.Value;
        if (milestone > Milestone.ProgressVerified && !project.Reached(milestone - 1))
        {
            return Decision.Refusing(ResultCode.MilestoneOutOfOrder, $"{milestone} comes after {milestone - 1}, which is not reached");
        }
        var progress = project.Milestones.GetValueOrDefault(milestone);
        if (progress?.AttestedBy.ContainsKey(role) == true)
        {
            return Decision.Refusing(ResultCode.MilestoneAlreadyAttested, $"{milestone} was attested by the {role} already");
        }
        if (progress?.AttestedBy.ContainsValue(context.Command.PersonId) == true)
        {
            return Decision.Refusing(ResultCode.AttesterAlreadySigned, "one person attests a milestone in one role only");
        }
        if (milestone == Milestone.WarrantyExpired)
        {
            var expires = project.Milestones[Milestone.AcceptancePassed].ReachedAt!.Value.AddMonths(project.WarrantyMonths);
            if (context.Now < expires)
            {
                return Decision.Refusing(ResultCode.WarrantyNotExpired, $"the warranty period runs until {LedgerTime.Format(expires)}");
            }
        }
        return Accept(project, ProjectEntryTypes.MilestoneAttested, MilestoneAttestedBody.Write(evidence, milestone, role));
    }

    public static Decision RequestDisbursement(DecisionContext context, RequestDisbursementBody body)
    {
        var project = Project(context, body.ProjectId);
        if (OpenWithAmount(project, body.AmountFen, out var amount) is { } refusal)
        {
            return refusal;
        }
        if (!EnumNames.TryParse<Tranche>(body.Tranche.Value, out var tranche))
        {
            return Decision.Refusing(ResultCode.UnknownTranche, $"tranche is one of {string.Join(", ", Enum.GetNames<Tranche>())}");
        }
        ExpenseCategory? category = null;
        if (body.Category.Value is { } named)
        {
            if (!EnumNames.TryParse<ExpenseCategory>(named, out var parsed))
            {
                return Decision.Refusing(ResultCode.UnknownExpenseCategory, $"category is one of {string.Join(", ", Enum.GetNames<ExpenseCategory>())}");
            }
            category = parsed;
        }
        if (project.FundPolicy is not null && category is null)
        {
            return Decision.Refusing(ResultCode.UnknownExpenseCategory, "the project's funds are restricted: a request names its category");
        }
        var payee = Text(body.Payee);
        var invoice = body.InvoiceHash.Value;
        if (!project.Reached(ProjectState.MilestoneOf(tranche)))
        {
            return Decision.Refusing(ResultCode.TrancheLocked, $"the {tranche} tranche opens when {ProjectState.MilestoneOf(tranche)} is attested");
        }
        var committed = checked(project.TotalPaidFen + project.TotalPendingFen);
        var cap = project.CumulativeCapFen(tranche);
        if (checked(committed + amount) > cap)
        {
            return Decision.Refusing(ResultCode.BeyondTrancheCap,
                $"up to the {tranche} tranche at most {cap} fen may be paid or pending; {committed} fen are");
        }
        if (amount > project.AvailableFen)
        {
            return Decision.Refusing(ResultCode.InsufficientFunds, $"only {project.AvailableFen} fen are available (received − paid − pending)");
        }
        ImmutableSortedDictionary<FundingSource, long>? allocation = null;
        if (project.FundPolicy is { } policy)
        {
            var permitted = policy.PermittedFen(category!.Value, project.UndrawnFen);
            if (amount > permitted)
            {
                return Decision.Refusing(ResultCode.RestrictedFundsInsufficient,
                    $"the sources that may pay for {category} ({string.Join(", ", policy.Permitted(category.Value))}) hold {permitted} fen not yet drawn");
            }
            allocation = policy.Draw(category.Value, amount, project.UndrawnFen);
        }
        return Accept(project, ProjectEntryTypes.DisbursementRequested,
            DisbursementRequestedBody.Write(amount, category, allocation, disbursementId: project.Sequence + 1, invoice, payee, tranche));
    }

    /// <summary>三方签字: the owner representative, the construction supervisor and the project manager, three distinct people.</summary>
    public static Decision ApproveDisbursement(DecisionContext context, ApproveDisbursementBody body)
    {
        var project = Project(context, body.ProjectId);
        if (NotPending(project, body.DisbursementId) is { } refusal)
        {
            return refusal;
        }
        var disbursement = project.Disbursements[body.DisbursementId.Value];
        if (RoleNamed(context, body.Role, ProjectState.DisbursementApprovers) is not { } role)
        {
            return Decision.Refusing(ResultCode.RoleMissing, "disbursements are approved as OwnerRepresentative, ConstructionSupervisor or ProjectManager, a role the signer holds");
        }
        if (disbursement.RequestedBy == context.Command.PersonId)
        {
            return Decision.Refusing(ResultCode.RequesterCannotApprove, "the person who requested a disbursement does not approve it");
        }
        if (disbursement.Approvals.ContainsValue(context.Command.PersonId))
        {
            return Decision.Refusing(ResultCode.ApproverAlreadySigned, "one person approves a disbursement once, in one role");
        }
        if (disbursement.Approvals.ContainsKey(role))
        {
            return Decision.Refusing(ResultCode.RoleAlreadyApproved, $"the {role} has approved this disbursement already");
        }
        return Accept(project, ProjectEntryTypes.DisbursementApproved, DisbursementApprovedBody.Write(disbursement.Id, role));
    }

    /// <summary>Any approver may reject a request, which voids it.</summary>
    public static Decision RejectDisbursement(DecisionContext context, RejectDisbursementBody body)
    {
        var project = Project(context, body.ProjectId);
        if (NotPending(project, body.DisbursementId) is { } refusal)
        {
            return refusal;
        }
        var disbursement = project.Disbursements[body.DisbursementId.Value];
        if (RoleNamed(context, body.Role, ProjectState.DisbursementApprovers) is not { } role)
        {
            return Decision.Refusing(ResultCode.RoleMissing, "disbursements are rejected as OwnerRepresentative, ConstructionSupervisor or ProjectManager, a role the signer holds");
        }
        return Accept(project, ProjectEntryTypes.DisbursementRejected, DisbursementRejectedBody.Write(disbursement.Id, Text(body.Reason), role));
    }

    public static Decision PayDisbursement(DecisionContext context, PayDisbursementBody body)
    {
        var project = Project(context, body.ProjectId);
        if (NotPending(project, body.DisbursementId) is { } refusal)
        {
            return refusal;
        }
        var disbursement = project.Disbursements[body.DisbursementId.Value];
        var reference = Text(body.BankReference);
        if (ProjectState.DisbursementApprovers.Any(r => !disbursement.Approvals.ContainsKey(r)))
        {
            return Decision.Refusing(ResultCode.ApprovalsMissing,
                $"still to approve: {string.Join(", ", ProjectState.DisbursementApprovers.Where(r => !disbursement.Approvals.ContainsKey(r)))}");
        }
        if (disbursement.RequestedBy == context.Command.PersonId || disbursement.Approvals.ContainsValue(context.Command.PersonId))
        {
            return Decision.Refusing(ResultCode.PayerNotDistinct, "the payer is neither the requester nor an approver");
        }
        return Accept(project, ProjectEntryTypes.DisbursementPaid, DisbursementPaidBody.Write(disbursement.AmountFen, reference, disbursement.Id));
    }

    /// <summary>A mistake is never edited: a finance officer proposes its reversal with a reason.</summary>
    public static Decision ProposeReversal(DecisionContext context, ProposeReversalBody body)
    {
        var project = Project(context, body.ProjectId);
        if (Unopened(project) is { } refusal)
        {
            return refusal;
        }
        var target = body.EntrySequence.Value;
        var reason = Text(body.Reason);
        var (kind, amount) = project.Receipts.TryGetValue(target, out var receipt)
            ? (ReceiptKind, receipt.AmountFen)
            : project.Disbursements.Values.FirstOrDefault(d => d.PaidSequence == target) is { } payment
                ? (PaymentKind, payment.AmountFen)
                : (null, 0L);
        if (kind is null)
        {
            return Decision.Refusing(ResultCode.NotReversible, $"entry #{target} is neither a receipt nor a payment of this project");
        }
        var reversedAlready = kind == ReceiptKind ? receipt!.Reversed : project.PaymentOf(target).Status == DisbursementStatus.PaymentReversed;
        if (reversedAlready || project.Reversals.Values.Any(r => r.EntrySequence == target && !r.Approved))
        {
            return Decision.Refusing(ResultCode.AlreadyReversed, $"entry #{target} is reversed, or its reversal is awaiting approval");
        }
        return Accept(project, ProjectEntryTypes.ReversalProposed,
            ReversalProposedBody.Write(amount, target, kind, reason, reversalId: project.Sequence + 1));
    }

    /// <summary>A resident supervisor approves a reversal; from then on the entry no longer counts.</summary>
    public static Decision ApproveReversal(DecisionContext context, ApproveReversalBody body)
    {
        var project = Project(context, body.ProjectId);
        if (Unopened(project) is { } refusal)
        {
            return refusal;
        }
        if (!project.Reversals.TryGetValue(body.ReversalId.Value, out var reversal))
        {
            return Decision.Refusing(ResultCode.UnknownReversal, $"no reversal #{body.ReversalId.Value}");
        }
        if (reversal.Approved)
        {
            return Decision.Refusing(ResultCode.ReversalNotPending, $"reversal #{reversal.Id} is approved already");
        }
        if (reversal.ProposedBy == context.Command.PersonId)
        {
            return Decision.Refusing(ResultCode.ProposerCannotApprove, "the person who proposed a reversal does not approve it");
        }
        if (reversal.Kind == ReceiptKind && reversal.AmountFen > project.AvailableFen)
        {
            return Decision.Refusing(ResultCode.ReversalWouldOverdraw,
                $"reversing it would leave less received than paid and pending ({project.AvailableFen} fen available)");
        }
        // Restricted funds: the receipt's own source must still hold it (without a policy nothing is drawn, so it always does).
        if (reversal.Kind == ReceiptKind && project.Receipts[reversal.EntrySequence].Source is var source && reversal.AmountFen > project.UndrawnFen(source))
        {
            return Decision.Refusing(ResultCode.ReversalWouldOverdraw,
                $"reversing it would leave {source} with less than paid and pending requests drew on it ({project.UndrawnFen(source)} fen undrawn)");
        }
        return Accept(project, ProjectEntryTypes.ReversalApproved, ReversalApprovedBody.Write(reversal.AmountFen, reversal.EntrySequence, reversal.Id));
    }

    /// <summary>
    /// Cancels a project that has paid nothing: every household's crowdfunding payments are
    /// refunded, each on both streams, in the same transaction. The command lists the
    /// households to refund so that the streams it writes are known before it is decided.
    /// </summary>
    public static Decision Cancel(DecisionContext context, CancelProjectBody body)
    {
        var project = Project(context, body.ProjectId);
        if (Unopened(project) is { } refusal)
        {
            return refusal;
        }
        var reason = Text(body.Reason);
        if (project.Disbursements.Values.Any(d => d.Status is DisbursementStatus.Pending or DisbursementStatus.Paid))
        {
            return Decision.Refusing(ResultCode.DisbursementsOutstanding, "a project with pending or paid disbursements is not cancelled");
        }
        var owed = project.ContributionsFen.Where(c => c.Value > 0).Select(c => c.Key).ToList();
        if (!body.Refunds.Value.SequenceEqual(owed))
        {
            return Decision.Refusing(ResultCode.RefundListMismatch, $"refunds must list exactly the households that paid, in order: {string.Join(", ", owed)}");
        }
        var entries = new List<NewEntry> { new(StreamOf(project.ProjectId), ProjectEntryTypes.ProjectCancelled, ProjectCancelledBody.Write(reason)) };
        foreach (var householdId in owed)
        {
            var amount = project.ContributionsFen[householdId];
            entries.Add(new NewEntry(HouseholdRules.StreamOf(householdId), HouseholdEntryTypes.CrowdfundingRefunded,
                CrowdfundingRefundedBody.Write(amount, project.ProjectId)));
            entries.Add(new NewEntry(StreamOf(project.ProjectId), ProjectEntryTypes.ContributionRefunded, ContributionBody.Write(amount, householdId)));
        }
        return new Decision.Accept(entries);
    }

    /// <summary>Closes a project when nothing is left to pay: the contract paid in full, nothing pending.</summary>
    public static Decision Close(DecisionContext context, CloseProjectBody body)
    {
        var project = Project(context, body.ProjectId);
        if (Unopened(project) is { } refusal)
        {
            return refusal;
        }
        if (project.TotalPendingFen > 0)
        {
            return Decision.Refusing(ResultCode.DisbursementsOutstanding, "disbursements are pending");
        }
        if (project.TotalPaidFen < project.ContractPriceFen)
        {
            return Decision.Refusing(ResultCode.ContractNotFullyPaid, $"{project.ContractPriceFen - project.TotalPaidFen} fen of the contract price are unpaid");
        }
        return Accept(project, ProjectEntryTypes.ProjectClosed, ProjectClosedBody.Write(project.TotalPaidFen, project.TotalReceivedFen));
    }

    /// <summary>
    /// 对账: a finance officer signs that the bank's statement of the project's account for a
    /// period ends on the balance the ledger has for it (docs/BANK.md). Periods follow each
    /// other without overlap, and only a period that has ended is reconciled, so the ledger's
    /// balance at its end can no longer change.
    /// </summary>
    public static Decision SignReconciliation(DecisionContext context, SignReconciliationBody body)
    {
        var project = Project(context, body.ProjectId);
        if (Unopened(project) is { } refusal)
        {
            return refusal;
        }
        var period = new ReconciliationPeriod(ReconciliationPeriod.ParseDate(body.FromDate.Value, body.FromDate.Name),
            ReconciliationPeriod.ParseDate(body.ToDate.Value, body.ToDate.Name));
        var closing = body.ClosingBalanceFen.Value;
        if (closing is < 0 or > Money.MaxAmountFen)
        {
            return Decision.Refusing(ResultCode.AmountOutOfRange, $"{body.ClosingBalanceFen.Name} must be from 0 to {Money.MaxAmountFen} fen");
        }
        var statementHash = body.StatementHash.Value;
        var counts = new[] { body.MatchedCount, body.UnmatchedStatementCount, body.UnmatchedLedgerCount };
        if (counts.FirstOrDefault(c => c.Value is < 0 or > MaxStatementLines) is { Name: not null } badCount)
        {
            return Decision.Refusing(ResultCode.MalformedCommand, $"{badCount.Name} must be from 0 to {MaxStatementLines}");
        }
        if (period.From > period.To)
        {
            return Decision.Refusing(ResultCode.ReconciliationPeriodInvalid, $"fromDate {ReconciliationPeriod.Format(period.From)} is after toDate {ReconciliationPeriod.Format(period.To)}");
        }
        if (project.Reconciliations.Values.LastOrDefault() is { } last && period.From <= last.Period.To)
        {
            return Decision.Refusing(ResultCode.ReconciliationPeriodOverlaps,
                $"the period must start after {ReconciliationPeriod.Format(last.Period.To)}, the end of reconciliation #{last.Id}");
        }
        if (context.Now < period.EndsAt)
        {
            return Decision.Refusing(ResultCode.ReconciliationPeriodNotEnded, $"the period ends at {LedgerTime.Format(period.EndsAt)}");
        }
        var ledgerBalance = project.BalanceFenBefore(period.EndsAt);
        if (closing != ledgerBalance)
        {
            return Decision.Refusing(ResultCode.ReconciliationBalanceMismatch,
                $"the statement closes on {closing} fen; the ledger's balance at the end of {period} is {ledgerBalance} fen");
        }
        return Accept(project, ProjectEntryTypes.ReconciliationSigned, ReconciliationSignedBody.Write(closing, period, body.MatchedCount.Value,
            reconciliationId: project.Sequence + 1, statementHash, body.UnmatchedLedgerCount.Value, body.UnmatchedStatementCount.Value));
    }

    /// <summary>A resident supervisor who did not sign it countersigns a reconciliation; only then is the period reconciled.</summary>
    public static Decision CountersignReconciliation(DecisionContext context, CountersignReconciliationBody body)
    {
        var project = Project(context, body.ProjectId);
        if (Unopened(project) is { } refusal)
        {
            return refusal;
        }
        if (!project.Reconciliations.TryGetValue(body.ReconciliationId.Value, out var reconciliation))
        {
            return Decision.Refusing(ResultCode.UnknownReconciliation, $"no reconciliation #{body.ReconciliationId.Value}");
        }
        if (reconciliation.CountersignedBy is not null)
        {
            return Decision.Refusing(ResultCode.ReconciliationAlreadyCountersigned, $"reconciliation #{reconciliation.Id} is countersigned already");
        }
        if (reconciliation.SignedBy == context.Command.PersonId)
        {
            return Decision.Refusing(ResultCode.SignerCannotCountersign, "the person who signed a reconciliation does not countersign it");
        }
        return Accept(project, ProjectEntryTypes.ReconciliationCountersigned,
            ReconciliationCountersignedBody.Write(reconciliation.ClosingBalanceFen, reconciliation.Id, reconciliation.Period.To));
    }

    /// <summary>The project the command was routed to (<see cref="Routing.ProjectIdOf"/> read the same member).</summary>
    internal static ProjectState Project(DecisionContext context, Member<string> projectId) =>
        context.State<ProjectState>(StreamOf(projectId.Value));

    /// <summary>Refuses unless the project is open and the amount is from 1 fen to 10^12 fen.</summary>
    static Decision.Refuse? OpenWithAmount(ProjectState project, Member<long> member, out long amount)
    {
        amount = 0;
        if (Unopened(project) is { } refusal)
        {
            return refusal;
        }
        amount = member.Value;
        return Money.IsValidAmount(amount) ? null : AmountOutOfRange(member);
    }

    internal static Decision.Refuse? Unopened(ProjectState project) => project.Status switch
    {
        ProjectStatus.NotOpened => new Decision.Refuse(ResultCode.ProjectNotOpen, $"project {project.ProjectId} is not open"),
        ProjectStatus.Closed or ProjectStatus.Cancelled => new Decision.Refuse(ResultCode.ProjectEnded, $"project {project.ProjectId} is {project.Status.ToString().ToLowerInvariant()}"),
        _ => null,
    };

    /// <summary>Refuses unless the body names a pending disbursement of an open project.</summary>
    static Decision.Refuse? NotPending(ProjectState project, Member<long> disbursementId)
    {
        if (Unopened(project) is { } refusal)
        {
            return refusal;
        }
        if (!project.Disbursements.TryGetValue(disbursementId.Value, out var disbursement))
        {
            return new Decision.Refuse(ResultCode.UnknownDisbursement, $"no disbursement #{disbursementId.Value}");
        }
        return disbursement.Status switch
        {
            DisbursementStatus.Pending => null,
            DisbursementStatus.Paid or DisbursementStatus.PaymentReversed =>
                new Decision.Refuse(ResultCode.DisbursementAlreadyPaid, $"disbursement #{disbursement.Id} is paid"),
            _ => new Decision.Refuse(ResultCode.DisbursementNotPending, $"disbursement #{disbursement.Id} was rejected"),
        };
    }

    /// <summary>The role named in the body, if it is one of <paramref name="allowed"/> and the signer holds it.</summary>
    static Role? RoleNamed(DecisionContext context, Member<string> named, IReadOnlyList<Role> allowed) =>
        EnumNames.TryParse<Role>(named.Value, out var role) && allowed.Contains(role)
            && context.Registry.People[context.Command.PersonId].Holds(role)
            ? role
            : null;

    static Decision Accept(ProjectState project, string type, JsonObject body) =>
        Decision.Accepting(new NewEntry(StreamOf(project.ProjectId), type, body));

    static Decision.Refuse AmountOutOfRange(Member<long> member) =>
        new(ResultCode.AmountOutOfRange, $"{member.Name} must be from 1 to {Money.MaxAmountFen} fen");

    internal static string Text(Member<string> member) => ShortText(member.Value, member.Name);

    static string ShortText(string text, string member) =>
        text.Length is 0 or > MaxTextLength || text.Any(char.IsControl)
            ? throw new FormatException($"{member} must be 1 to {MaxTextLength} characters without control characters")
            : text;
}
