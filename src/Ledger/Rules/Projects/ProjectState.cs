using System.Collections.Immutable;
using Ledger.Bodies;
using Ledger.Entries;
using Ledger.Hashing;

namespace Ledger.Rules.Projects;

public enum ProjectStatus
{
    NotOpened,
    Open,
    Closed,
    Cancelled,
}

/// <summary>A tranche's share of the contract price, in percent.</summary>
public sealed record TranchePolicy(Tranche Tranche, int Percent);

/// <summary>A receipt by source, with the hash of its document (a subsidy letter, a contract).</summary>
public sealed record Receipt(long Sequence, FundingSource Source, long AmountFen, Hash DocumentHash, bool Reversed);

/// <summary>A crowdfunding campaign: the target and each household's share of it.</summary>
public sealed record Campaign(long TargetFen, string Rule, ImmutableSortedDictionary<string, long> SharesFen);

/// <summary>The attestations of one milestone, by role; reached when both roles have attested.</summary>
public sealed record MilestoneProgress(ImmutableDictionary<Role, string> AttestedBy, DateTimeOffset? ReachedAt);

public enum DisbursementStatus
{
    Pending,
    Rejected,
    Paid,
    PaymentReversed,
}

/// <summary>A disbursement from request to payment, with who requested, approved and paid it.</summary>
public sealed record Disbursement(
    long Id,
    Tranche Tranche,
    long AmountFen,
    string Payee,
    Hash InvoiceHash,
    string RequestedBy,
    ImmutableDictionary<Role, string> Approvals,
    DisbursementStatus Status,
    string? PaidBy,
    string? BankReference,
    long? PaidSequence)
{
    /// <summary>What the request says it pays for; required when the project's funds are restricted.</summary>
    public ExpenseCategory? Category { get; init; }

    /// <summary>How much each source pays (restricted funds only; empty otherwise), drawn when the request was made.</summary>
    public ImmutableSortedDictionary<FundingSource, long> AllocationFen { get; init; } = ImmutableSortedDictionary<FundingSource, long>.Empty;
}

/// <summary>A proposal to reverse a receipt or a payment; it takes effect when a resident supervisor approves it.</summary>
public sealed record Reversal(long Id, long EntrySequence, string Kind, long AmountFen, string ProposedBy, bool Approved);

/// <summary>
/// A movement of money on the project's bank account as the ledger knows it (docs/BANK.md
/// "The ledger's balance"): positive in, negative out, at the entry's recordedAt, with the
/// reference a bank statement line carries for it.
/// </summary>
public sealed record AccountMovement(long Sequence, DateTimeOffset RecordedAt, long AmountFen, string? Reference);

/// <summary>A reconciliation with the bank signed by a finance officer; the period counts as reconciled once countersigned.</summary>
public sealed record Reconciliation(
    long Id,
    ReconciliationPeriod Period,
    long ClosingBalanceFen,
    Hash StatementHash,
    long MatchedCount,
    long UnmatchedStatementCount,
    long UnmatchedLedgerCount,
    string SignedBy,
    string? CountersignedBy);

/// <summary>
/// A project stream's state: the plan and policy it was opened with, the money in by source,
/// the crowdfunding campaign, the milestones, and every disbursement and reversal. The
/// figures of the finance officer's and the supervisor's views are derived from it.
/// </summary>
public sealed record ProjectState : StreamState
{
    public static readonly IReadOnlyList<Role> MilestoneAttesters = [Role.ProjectManager, Role.ConstructionSupervisor];

    public static readonly IReadOnlyList<Role> DisbursementApprovers = [Role.OwnerRepresentative, Role.ConstructionSupervisor, Role.ProjectManager];

    public required string ProjectId { get; init; }

    public ProjectStatus Status { get; init; } = ProjectStatus.NotOpened;

    public string Name { get; init; } = "";

    public string Community { get; init; } = "";

    public long ContractPriceFen { get; init; }

    public ImmutableSortedDictionary<FundingSource, long> PlannedFen { get; init; } = ImmutableSortedDictionary<FundingSource, long>.Empty;

    public int ResidentShareCapPercent { get; init; }

    public ImmutableList<TranchePolicy> Tranches { get; init; } = [];

    public int WarrantyMonths { get; init; }

    /// <summary>The restrictions on what each source may pay for; null when the project's funds are not restricted.</summary>
    public FundPolicy? FundPolicy { get; init; }

    public ImmutableSortedDictionary<long, Receipt> Receipts { get; init; } = ImmutableSortedDictionary<long, Receipt>.Empty;

    public Campaign? Campaign { get; init; }

    /// <summary>What each household has paid into the campaign, net of refunds.</summary>
    public ImmutableSortedDictionary<string, long> ContributionsFen { get; internal init; } = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);

    /// <summary>
    /// The sum of <see cref="ContributionsFen"/>, kept as it changes (both only in ApplyContribution):
    /// every entry applied checks the project's totals, and a campaign has up to 10,000 households.
    /// Internal, not private, only so that <see cref="StateSnapshot"/> can carry both.
    /// </summary>
    internal long ContributedFen { get; init; }

    public ImmutableDictionary<Milestone, MilestoneProgress> Milestones { get; init; } = ImmutableDictionary<Milestone, MilestoneProgress>.Empty;

    public ImmutableSortedDictionary<long, Disbursement> Disbursements { get; init; } = ImmutableSortedDictionary<long, Disbursement>.Empty;

    /// <summary>
    /// The sums over <see cref="Disbursements"/>, kept as they change (both only in
    /// <see cref="WithDisbursement"/>). A snapshot does not carry them: decoding sums its
    /// disbursements once (<see cref="DisbursementTotals.Of"/>).
    /// </summary>
    public DisbursementTotals Committed { get; private init; } = DisbursementTotals.None;

    public ImmutableSortedDictionary<long, Reversal> Reversals { get; init; } = ImmutableSortedDictionary<long, Reversal>.Empty;

    /// <summary>Every movement on the project's account, in entry order (so in recordedAt order).</summary>
    public ImmutableList<AccountMovement> Movements { get; init; } = [];

    public ImmutableSortedDictionary<long, Reconciliation> Reconciliations { get; init; } = ImmutableSortedDictionary<long, Reconciliation>.Empty;

    /// <summary>The owners' vote policy the project was opened with; null: none given (no vote needed, default thresholds).</summary>
    public VotePolicy? VotePolicy { get; init; }

    /// <summary>The thresholds this project's votes are decided by.</summary>
    public VotePolicy VoteThresholds => VotePolicy ?? VotePolicy.Default;

    public ImmutableSortedDictionary<string, OwnersVote> Votes { get; init; } = ImmutableSortedDictionary.Create<string, OwnersVote>(StringComparer.Ordinal);

    public bool IsOpen => Status == ProjectStatus.Open;

    /// <summary>
    /// The ledger's balance of the project's account just before <paramref name="end"/>: every
    /// movement recorded before it (docs/BANK.md "The ledger's balance").
    /// </summary>
    public long BalanceFenBefore(DateTimeOffset end) =>
        Movements.TakeWhile(m => m.RecordedAt < end).Aggregate(0L, (sum, m) => checked(sum + m.AmountFen));

    /// <summary>The last period that a resident supervisor countersigned; null while none is.</summary>
    public Reconciliation? LastReconciled => Reconciliations.Values.LastOrDefault(r => r.CountersignedBy is not null);

    /// <summary>Money in from one source: receipts not reversed, or for crowdfunding, households' net payments.</summary>
    public long ReceivedFen(FundingSource source) => source == FundingSource.ResidentCrowdfunding
        ? ContributedFen
        : Receipts.Values.Where(r => r.Source == source && !r.Reversed).Aggregate(0L, (sum, r) => checked(sum + r.AmountFen));

    public long TotalReceivedFen => Enum.GetValues<FundingSource>().Aggregate(0L, (sum, s) => checked(sum + ReceivedFen(s)));

    public long PaidFen(Tranche tranche) => SumOf(d => d.Tranche == tranche && d.Status == DisbursementStatus.Paid);

    public long PendingFen(Tranche tranche) => SumOf(d => d.Tranche == tranche && d.Status == DisbursementStatus.Pending);

    /// <summary>What a household still owes of its campaign share (share − paid); 0 without a share.</summary>
    public long DueFen(string householdId) => Campaign?.SharesFen.GetValueOrDefault(householdId) is { } share
        ? share - ContributionsFen.GetValueOrDefault(householdId)
        : 0;

    public long TotalPaidFen => Committed.PaidFen;

    public long TotalPendingFen => Committed.PendingFen;

    /// <summary>What can still be committed to a disbursement: received − paid − pending.</summary>
    public long AvailableFen => TotalReceivedFen - TotalPaidFen - TotalPendingFen;

    /// <summary>What paid and pending disbursements draw on one source (restricted funds only).</summary>
    public long DrawnFen(FundingSource source) => Committed.DrawnFen.GetValueOrDefault(source);

    /// <summary>What one source still holds for new requests: received − drawn.</summary>
    public long UndrawnFen(FundingSource source) => ReceivedFen(source) - DrawnFen(source);

    /// <summary>What one source has paid, by category: payments not reversed.</summary>
    public ImmutableSortedDictionary<ExpenseCategory, long> SpentFen(FundingSource source) =>
        Disbursements.Values
            .Where(d => d.Status == DisbursementStatus.Paid && d.Category is not null && d.AllocationFen.ContainsKey(source))
            .GroupBy(d => d.Category!.Value)
            .ToImmutableSortedDictionary(g => g.Key, g => g.Aggregate(0L, (sum, d) => checked(sum + d.AllocationFen[source])));

    /// <summary>The cumulative cap up to and including a tranche: its percent and every earlier one's, of the contract price.</summary>
    public long CumulativeCapFen(Tranche tranche) =>
        Money.PercentOf(ContractPriceFen, Tranches.Where(t => t.Tranche <= tranche).Sum(t => t.Percent));

    public bool Reached(Milestone milestone) => Milestones.GetValueOrDefault(milestone)?.ReachedAt is not null;

    /// <summary>A tranche opens with its milestone: progress verified, acceptance passed, warranty expired.</summary>
    public static Milestone MilestoneOf(Tranche tranche) => tranche switch
    {
        Tranche.Progress => Milestone.ProgressVerified,
        Tranche.Acceptance => Milestone.AcceptancePassed,
        _ => Milestone.WarrantyExpired,
    };

    /// <summary>The highest tranche whose milestone is reached; null while none is.</summary>
    public Tranche? UnlockedTranche =>
        Enum.GetValues<Tranche>().Where(t => Reached(MilestoneOf(t))).Select(t => (Tranche?)t).LastOrDefault();

    long SumOf(Func<Disbursement, bool> which) =>
        Disbursements.Values.Where(which).Aggregate(0L, (sum, d) => checked(sum + d.AmountFen));

    protected override StreamState ApplyBody(Entry entry)
    {
        var actor = entry.SignedCommand.Command.PersonId;
        var next = entry.Type switch
        {
            ProjectEntryTypes.ProjectOpened => ApplyOpened(entry.BodyAs<ProjectOpenedBody>()),
            ProjectEntryTypes.ReceiptRecorded => ApplyReceipt(entry.Sequence, entry.BodyAs<ReceiptRecordedBody>(), entry.RecordedAt),
            ProjectEntryTypes.CampaignStarted => ApplyCampaign(entry.BodyAs<CampaignStartedBody>()),
            ProjectEntryTypes.ContributionReceived => ApplyContribution(entry.BodyAs<ContributionBody>(), +1, entry),
            ProjectEntryTypes.ContributionRefunded => ApplyContribution(entry.BodyAs<ContributionBody>(), -1, entry),
            ProjectEntryTypes.MilestoneAttested => ApplyAttested(entry.BodyAs<MilestoneAttestedBody>(), actor, entry.RecordedAt),
            ProjectEntryTypes.DisbursementRequested => ApplyRequested(entry.Sequence, entry.BodyAs<DisbursementRequestedBody>(), actor),
            ProjectEntryTypes.DisbursementApproved => ApplyApproved(entry.BodyAs<DisbursementApprovedBody>(), actor),
            ProjectEntryTypes.DisbursementRejected => ApplyRejected(entry.BodyAs<DisbursementRejectedBody>()),
            ProjectEntryTypes.DisbursementPaid => ApplyPaid(entry, entry.BodyAs<DisbursementPaidBody>(), actor),
            ProjectEntryTypes.ReversalProposed => ApplyReversalProposed(entry.Sequence, entry.BodyAs<ReversalProposedBody>(), actor),
            ProjectEntryTypes.ReversalApproved => ApplyReversalApproved(entry, entry.BodyAs<ReversalApprovedBody>()),
            ProjectEntryTypes.ProjectCancelled => this with { Status = ProjectStatus.Cancelled },
            ProjectEntryTypes.ProjectClosed => this with { Status = ProjectStatus.Closed },
            ProjectEntryTypes.ReconciliationSigned => ApplyReconciliationSigned(entry.Sequence, entry.BodyAs<ReconciliationSignedBody>(), actor),
            ProjectEntryTypes.ReconciliationCountersigned => ApplyReconciliationCountersigned(entry.BodyAs<ReconciliationCountersignedBody>(), actor),
            ProjectEntryTypes.VoteOpened => ApplyVoteOpened(entry.BodyAs<VoteOpenedBody>()),
            ProjectEntryTypes.VoteClosed => ApplyVoteClosed(entry.BodyAs<VoteClosedBody>()),
            _ => throw new FormatException($"a project has no entry type {entry.Type}"),
        };
        Invariant.Holds(next.AvailableFen >= 0, $"project {ProjectId} never commits more than it received (after #{entry.Sequence})");
        Invariant.Holds(next.FundPolicy is null || Enum.GetValues<FundingSource>().All(s => next.UndrawnFen(s) >= 0),
            $"project {ProjectId} never draws more on a source than it received from it (after #{entry.Sequence})");
        return next;
    }

    ProjectState ApplyOpened(ProjectOpenedBody body) => this with
    {
        Status = ProjectStatus.Open,
        Name = body.Name.Value,
        Community = body.Community.Value,
        ContractPriceFen = body.ContractPriceFen.Value,
        PlannedFen = body.FundingPlan.Value,
        ResidentShareCapPercent = (int)body.ResidentShareCapPercent.Value,
        Tranches = body.Tranches.Value,
        WarrantyMonths = (int)body.WarrantyMonths.Value,
        FundPolicy = body.FundPolicy.Value,
        VotePolicy = body.VotePolicy.Value,
    };

    ProjectState ApplyVoteOpened(VoteOpenedBody body)
    {
        var vote = new OwnersVote(body.VoteId.Value, body.Question.Value, body.Matter.Value, body.ScopeAreas(), body.OpensAt.Value, body.ClosesAt.Value,
            Tally: null, Passed: false);
        return this with { Votes = Votes.Add(vote.VoteId, vote) };
    }

    ProjectState ApplyVoteClosed(VoteClosedBody body)
    {
        var vote = Votes[body.VoteId.Value];
        Invariant.Holds(!vote.IsClosed, "a vote is closed once");
        return this with { Votes = Votes.SetItem(vote.VoteId, vote with { Tally = body.Tally(), Passed = body.Passed.Value }) };
    }

    ProjectState ApplyReceipt(long sequence, ReceiptRecordedBody body, DateTimeOffset recordedAt) => this with
    {
        Receipts = Receipts.Add(sequence, new Receipt(sequence, body.Source.Value, body.AmountFen.Value, body.DocumentHash.Value, Reversed: false)),
        Movements = Movements.Add(new AccountMovement(sequence, recordedAt, body.AmountFen.Value, body.Reference.Value)),
    };

    ProjectState ApplyCampaign(CampaignStartedBody body) => this with
    {
        Campaign = new Campaign(body.TargetFen.Value, body.Rule.Value,
            body.Shares.Value.ToImmutableSortedDictionary(s => s.HouseholdId, s => s.ShareFen, StringComparer.Ordinal)),
    };

    /// <summary>A household's payment or refund; on the bank statement its reference is the household's id (docs/BANK.md).</summary>
    ProjectState ApplyContribution(ContributionBody body, int sign, Entry entry)
    {
        var household = body.HouseholdId.Value;
        var amount = checked(sign * body.AmountFen.Value);
        var paid = checked(ContributionsFen.GetValueOrDefault(household) + amount);
        Invariant.Holds(paid >= 0, $"household {household}'s contribution to {ProjectId} is never negative");
        return this with
        {
            ContributionsFen = ContributionsFen.SetItem(household, paid),
            ContributedFen = checked(ContributedFen + amount),
            Movements = Movements.Add(new AccountMovement(entry.Sequence, entry.RecordedAt, amount, household)),
        };
    }

    ProjectState ApplyAttested(MilestoneAttestedBody body, string actor, DateTimeOffset recordedAt)
    {
        var milestone = body.Milestone.Value;
        var role = body.Role.Value;
        var progress = Milestones.GetValueOrDefault(milestone) ?? new MilestoneProgress(ImmutableDictionary<Role, string>.Empty, null);
        var attested = progress.AttestedBy.Add(role, actor);
        var reached = MilestoneAttesters.All(attested.ContainsKey) ? recordedAt : (DateTimeOffset?)null;
        return this with { Milestones = Milestones.SetItem(milestone, new MilestoneProgress(attested, reached)) };
    }

    ProjectState ApplyRequested(long sequence, DisbursementRequestedBody body, string actor)
    {
        Invariant.Holds(body.DisbursementId.Value == sequence, "a disbursement is named by the sequence of its request");
        Invariant.Holds(!Disbursements.ContainsKey(sequence), "a disbursement is requested once");
        return WithDisbursement(new Disbursement(sequence, body.Tranche.Value,
            body.AmountFen.Value, body.Payee.Value, body.InvoiceHash.Value, actor,
            ImmutableDictionary<Role, string>.Empty, DisbursementStatus.Pending, null, null, null)
        {
            Category = body.Category.Value,
            AllocationFen = body.Allocation.Value ?? ImmutableSortedDictionary<FundingSource, long>.Empty,
        });
    }

    ProjectState ApplyApproved(DisbursementApprovedBody body, string actor)
    {
        var disbursement = Disbursements[body.DisbursementId.Value];
        var role = body.Role.Value;
        return WithDisbursement(disbursement with { Approvals = disbursement.Approvals.Add(role, actor) });
    }

    ProjectState ApplyRejected(DisbursementRejectedBody body) =>
        WithDisbursement(Disbursements[body.DisbursementId.Value] with { Status = DisbursementStatus.Rejected });

    ProjectState ApplyPaid(Entry entry, DisbursementPaidBody body, string actor)
    {
        var disbursement = Disbursements[body.DisbursementId.Value];
        var bankReference = body.BankReference.Value;
        Invariant.Holds(body.AmountFen.Value == disbursement.AmountFen, "a payment pays exactly the amount requested");
        return WithDisbursement(disbursement with
        {
            Status = DisbursementStatus.Paid,
            PaidBy = actor,
            BankReference = bankReference,
            PaidSequence = entry.Sequence,
        }) with
        {
            Movements = Movements.Add(new AccountMovement(entry.Sequence, entry.RecordedAt, -disbursement.AmountFen, bankReference)),
        };
    }

    ProjectState ApplyReversalProposed(long sequence, ReversalProposedBody body, string actor) => this with
    {
        Reversals = Reversals.Add(sequence, new Reversal(sequence, body.EntrySequence.Value, body.Kind.Value,
            body.AmountFen.Value, actor, Approved: false)),
    };

    /// <summary>
    /// A reversal moves the money back when it is approved, under the reversed movement's
    /// reference: the bank shows the return transfer then, not when the mistake was made.
    /// </summary>
    ProjectState ApplyReversalApproved(Entry entry, ReversalApprovedBody body)
    {
        var reversal = Reversals[body.ReversalId.Value];
        var original = Movements.Single(m => m.Sequence == reversal.EntrySequence);
        var reversed = this with
        {
            Reversals = Reversals.SetItem(reversal.Id, reversal with { Approved = true }),
            Movements = Movements.Add(new AccountMovement(entry.Sequence, entry.RecordedAt, checked(-original.AmountFen), original.Reference)),
        };
        return reversal.Kind == ProjectRules.ReceiptKind
            ? reversed with { Receipts = Receipts.SetItem(reversal.EntrySequence, Receipts[reversal.EntrySequence] with { Reversed = true }) }
            : reversed.WithDisbursement(PaymentOf(reversal.EntrySequence) with { Status = DisbursementStatus.PaymentReversed });
    }

    ProjectState ApplyReconciliationSigned(long sequence, ReconciliationSignedBody body, string actor)
    {
        Invariant.Holds(body.ReconciliationId.Value == sequence, "a reconciliation is named by the sequence of its entry");
        var period = new ReconciliationPeriod(body.FromDate.Value, body.ToDate.Value);
        return this with
        {
            Reconciliations = Reconciliations.Add(sequence, new Reconciliation(sequence, period, body.ClosingBalanceFen.Value,
                body.StatementHash.Value, body.MatchedCount.Value, body.UnmatchedStatementCount.Value,
                body.UnmatchedLedgerCount.Value, actor, CountersignedBy: null)),
        };
    }

    ProjectState ApplyReconciliationCountersigned(ReconciliationCountersignedBody body, string actor)
    {
        var reconciliation = Reconciliations[body.ReconciliationId.Value];
        return this with { Reconciliations = Reconciliations.SetItem(reconciliation.Id, reconciliation with { CountersignedBy = actor }) };
    }

    /// <summary>The disbursement that the DisbursementPaid entry at <paramref name="entrySequence"/> paid.</summary>
    public Disbursement PaymentOf(long entrySequence) => Disbursements.Values.Single(d => d.PaidSequence == entrySequence);

    ProjectState WithDisbursement(Disbursement disbursement) => this with
    {
        Disbursements = Disbursements.SetItem(disbursement.Id, disbursement),
        Committed = Committed.Changed(Disbursements.GetValueOrDefault(disbursement.Id), disbursement),
    };

    /// <summary>A state decoded from a snapshot, its running totals summed from its disbursements.</summary>
    internal ProjectState WithTotalsSummed() => this with { Committed = DisbursementTotals.Of(Disbursements.Values) };
}
