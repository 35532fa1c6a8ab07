using System.Collections.Immutable;
using Ledger.Canonical;
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
    long? PaidSequence);

/// <summary>A proposal to reverse a receipt or a payment; it takes effect when a resident supervisor approves it.</summary>
public sealed record Reversal(long Id, long EntrySequence, string Kind, long AmountFen, string ProposedBy, bool Approved);

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

    public ImmutableSortedDictionary<long, Reversal> Reversals { get; init; } = ImmutableSortedDictionary<long, Reversal>.Empty;

    /// <summary>The owners' vote policy the project was opened with; null: none given (no vote needed, default thresholds).</summary>
    public VotePolicy? VotePolicy { get; init; }

    /// <summary>The thresholds this project's votes are decided by.</summary>
    public VotePolicy VoteThresholds => VotePolicy ?? VotePolicy.Default;

    public ImmutableSortedDictionary<string, OwnersVote> Votes { get; init; } = ImmutableSortedDictionary.Create<string, OwnersVote>(StringComparer.Ordinal);

    public bool IsOpen => Status == ProjectStatus.Open;

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

    public long TotalPaidFen => SumOf(d => d.Status == DisbursementStatus.Paid);

    public long TotalPendingFen => SumOf(d => d.Status == DisbursementStatus.Pending);

    /// <summary>What can still be committed to a disbursement: received − paid − pending.</summary>
    public long AvailableFen => TotalReceivedFen - TotalPaidFen - TotalPendingFen;

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
            ProjectEntryTypes.ProjectOpened => ApplyOpened(JsonFields.Of(entry.Body, entry.Type, ProjectRules.OpenedMembers)),
            ProjectEntryTypes.ReceiptRecorded => ApplyReceipt(entry.Sequence, JsonFields.Of(entry.Body, entry.Type, ProjectRules.ReceiptMembers)),
            ProjectEntryTypes.CampaignStarted => ApplyCampaign(JsonFields.Of(entry.Body, entry.Type, ProjectRules.CampaignMembers)),
            ProjectEntryTypes.ContributionReceived => ApplyContribution(JsonFields.Of(entry.Body, entry.Type, ProjectRules.ContributionMembers), +1),
            ProjectEntryTypes.ContributionRefunded => ApplyContribution(JsonFields.Of(entry.Body, entry.Type, ProjectRules.ContributionMembers), -1),
            ProjectEntryTypes.MilestoneAttested => ApplyAttested(JsonFields.Of(entry.Body, entry.Type, ProjectRules.AttestedMembers), actor, entry.RecordedAt),
            ProjectEntryTypes.DisbursementRequested => ApplyRequested(entry.Sequence, JsonFields.Of(entry.Body, entry.Type, ProjectRules.RequestedMembers), actor),
            ProjectEntryTypes.DisbursementApproved => ApplyApproved(JsonFields.Of(entry.Body, entry.Type, ProjectRules.ApprovedMembers), actor),
            ProjectEntryTypes.DisbursementRejected => ApplyRejected(JsonFields.Of(entry.Body, entry.Type, ProjectRules.RejectedMembers)),
            ProjectEntryTypes.DisbursementPaid => ApplyPaid(entry.Sequence, JsonFields.Of(entry.Body, entry.Type, ProjectRules.PaidMembers), actor),
            ProjectEntryTypes.ReversalProposed => ApplyReversalProposed(entry.Sequence, JsonFields.Of(entry.Body, entry.Type, ProjectRules.ReversalProposedMembers), actor),
            ProjectEntryTypes.ReversalApproved => ApplyReversalApproved(JsonFields.Of(entry.Body, entry.Type, ProjectRules.ReversalApprovedMembers)),
            ProjectEntryTypes.ProjectCancelled => this with { Status = ProjectStatus.Cancelled },
            ProjectEntryTypes.ProjectClosed => this with { Status = ProjectStatus.Closed },
            ProjectEntryTypes.VoteOpened => ApplyVoteOpened(JsonFields.Of(entry.Body, entry.Type, VoteRules.VoteOpenedMembers)),
            ProjectEntryTypes.VoteClosed => ApplyVoteClosed(JsonFields.Of(entry.Body, entry.Type, VoteRules.VoteClosedMembers)),
            _ => throw new FormatException($"a project has no entry type {entry.Type}"),
        };
        Invariant.Holds(next.AvailableFen >= 0, $"project {ProjectId} never commits more than it received (after #{entry.Sequence})");
        return next;
    }

    ProjectState ApplyOpened(JsonFields body) => this with
    {
        Status = ProjectStatus.Open,
        Name = body.String("name"),
        Community = body.String("community"),
        ContractPriceFen = body.Integer("contractPriceFen"),
        PlannedFen = ProjectRules.ReadPlan(body.Object("fundingPlan")),
        ResidentShareCapPercent = (int)body.Integer("residentShareCapPercent"),
        Tranches = ProjectRules.ReadTranches(body.Array("tranches")).ToImmutableList(),
        WarrantyMonths = (int)body.Integer("warrantyMonths"),
        VotePolicy = body.Has("votePolicy") ? VotePolicy.Read(body.Object("votePolicy")) : null,
    };

    ProjectState ApplyVoteOpened(JsonFields body)
    {
        var vote = new OwnersVote(body.String("voteId"), body.String("question"), ProjectRules.ReadEnum<VoteMatter>(body, "matter"),
            VoteRules.ReadScope(body.Array("households")), body.Time("opensAt"), body.Time("closesAt"), Tally: null, Passed: false);
        return this with { Votes = Votes.Add(vote.VoteId, vote) };
    }

    ProjectState ApplyVoteClosed(JsonFields body)
    {
        var vote = Votes[body.String("voteId")];
        Invariant.Holds(!vote.IsClosed, "a vote is closed once");
        return this with { Votes = Votes.SetItem(vote.VoteId, vote with { Tally = VoteRules.ReadTally(body), Passed = body.Boolean("passed") }) };
    }

    ProjectState ApplyReceipt(long sequence, JsonFields body) => this with
    {
        Receipts = Receipts.Add(sequence, new Receipt(sequence, ProjectRules.ReadEnum<FundingSource>(body, "source"),
            body.Integer("amountFen"), body.Hash("documentHash"), Reversed: false)),
    };

    ProjectState ApplyCampaign(JsonFields body) => this with
    {
        Campaign = new Campaign(body.Integer("targetFen"), body.String("rule"),
            body.Array("shares")
                .Select(s => JsonFields.Of(s, "share", "floor", "householdId", "shareFen"))
                .ToImmutableSortedDictionary(s => s.String("householdId"), s => s.Integer("shareFen"), StringComparer.Ordinal)),
    };

    ProjectState ApplyContribution(JsonFields body, int sign)
    {
        var household = body.String("householdId");
        var amount = checked(sign * body.Integer("amountFen"));
        var paid = checked(ContributionsFen.GetValueOrDefault(household) + amount);
        Invariant.Holds(paid >= 0, $"household {household}'s contribution to {ProjectId} is never negative");
        return this with { ContributionsFen = ContributionsFen.SetItem(household, paid), ContributedFen = checked(ContributedFen + amount) };
    }

    ProjectState ApplyAttested(JsonFields body, string actor, DateTimeOffset recordedAt)
    {
        var milestone = ProjectRules.ReadEnum<Milestone>(body, "milestone");
        var role = ProjectRules.ReadEnum<Role>(body, "role");
        var progress = Milestones.GetValueOrDefault(milestone) ?? new MilestoneProgress(ImmutableDictionary<Role, string>.Empty, null);
        var attested = progress.AttestedBy.Add(role, actor);
        var reached = MilestoneAttesters.All(attested.ContainsKey) ? recordedAt : (DateTimeOffset?)null;
        return this with { Milestones = Milestones.SetItem(milestone, new MilestoneProgress(attested, reached)) };
    }

    ProjectState ApplyRequested(long sequence, JsonFields body, string actor)
    {
        Invariant.Holds(body.Integer("disbursementId") == sequence, "a disbursement is named by the sequence of its request");
        return this with
        {
            Disbursements = Disbursements.Add(sequence, new Disbursement(sequence, ProjectRules.ReadEnum<Tranche>(body, "tranche"),
                body.Integer("amountFen"), body.String("payee"), body.Hash("invoiceHash"), actor,
                ImmutableDictionary<Role, string>.Empty, DisbursementStatus.Pending, null, null, null)),
        };
    }

    ProjectState ApplyApproved(JsonFields body, string actor)
    {
        var disbursement = Disbursements[body.Integer("disbursementId")];
        var role = ProjectRules.ReadEnum<Role>(body, "role");
        return WithDisbursement(disbursement with { Approvals = disbursement.Approvals.Add(role, actor) });
    }

    ProjectState ApplyRejected(JsonFields body) =>
        WithDisbursement(Disbursements[body.Integer("disbursementId")] with { Status = DisbursementStatus.Rejected });

    ProjectState ApplyPaid(long sequence, JsonFields body, string actor)
    {
        var disbursement = Disbursements[body.Integer("disbursementId")];
        Invariant.Holds(body.Integer("amountFen") == disbursement.AmountFen, "a payment pays exactly the amount requested");
        return WithDisbursement(disbursement with
        {
            Status = DisbursementStatus.Paid,
            PaidBy = actor,
            BankReference = body.String("bankReference"),
            PaidSequence = sequence,
        });
    }

    ProjectState ApplyReversalProposed(long sequence, JsonFields body, string actor) => this with
    {
        Reversals = Reversals.Add(sequence, new Reversal(sequence, body.Integer("entrySequence"), body.String("kind"),
            body.Integer("amountFen"), actor, Approved: false)),
    };

    ProjectState ApplyReversalApproved(JsonFields body)
    {
        var reversal = Reversals[body.Integer("reversalId")];
        var reversed = this with { Reversals = Reversals.SetItem(reversal.Id, reversal with { Approved = true }) };
        return reversal.Kind == ProjectRules.ReceiptKind
            ? reversed with { Receipts = Receipts.SetItem(reversal.EntrySequence, Receipts[reversal.EntrySequence] with { Reversed = true }) }
            : reversed.WithDisbursement(PaymentOf(reversal.EntrySequence) with { Status = DisbursementStatus.PaymentReversed });
    }

    /// <summary>The disbursement that the DisbursementPaid entry at <paramref name="entrySequence"/> paid.</summary>
    public Disbursement PaymentOf(long entrySequence) => Disbursements.Values.Single(d => d.PaidSequence == entrySequence);

    ProjectState WithDisbursement(Disbursement disbursement) => this with { Disbursements = Disbursements.SetItem(disbursement.Id, disbursement) };
}
