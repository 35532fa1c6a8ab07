using System.Collections.Immutable;
using Ledger.Bodies;
using Ledger.Entries;
using Ledger.Rules.Projects;

namespace Ledger.Rules.Households;

/// <summary>A redemption of a catalog item, reserved until the provider fulfils or cancels it.</summary>
public sealed record Redemption(long Id, string ItemId, long Quantity, long Points, RedemptionStatus Status);

/// <summary>An award of points: what for, how much of it, and the policy version that priced it (none before a policy was in force).</summary>
public sealed record Award(long Sequence, DateTimeOffset RecordedAt, Activity Activity, long Quantity, long Points, long? PolicyVersion);

/// <summary>
/// The household's ballot paper in one owners' vote: issued when the vote opens, cast once
/// within the period, counted when the vote closes. Kept on the household's stream, which only
/// its residents, the resident supervisors and the auditor read: how it voted is theirs.
/// </summary>
public sealed record HouseholdBallot(string ProjectId, string VoteId, DateTimeOffset OpensAt, DateTimeOffset ClosesAt, BallotChoice? Choice, bool Counted)
{
    public string Key => KeyOf(ProjectId, VoteId);

    /// <summary>Identifiers have no "/", so the key names one vote of one project.</summary>
    public static string KeyOf(string projectId, string voteId) => projectId + "/" + voteId;
}

/// <summary>
/// A household stream's state: its crowdfunding payments per project, and its points —
/// awarded, and reserved or spent on redemptions. The balance never goes below zero.
/// </summary>
public sealed record HouseholdState : StreamState
{
    public required string HouseholdId { get; init; }

    public string Stream => HouseholdRules.StreamOf(HouseholdId);

    /// <summary>What the household has paid to each project's campaign, net of refunds.</summary>
    public ImmutableSortedDictionary<string, long> ContributionsFen { get; init; } = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);

    public long AwardedPoints { get; init; }

    /// <summary>The references of every award, so that one piece of work is never awarded twice.</summary>
    public ImmutableHashSet<string> AwardReferences { get; init; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Every award, in order: what the household view shows, and what a cap counts.</summary>
    public ImmutableList<Award> Awards { get; init; } = ImmutableList<Award>.Empty;

    public ImmutableSortedDictionary<long, Redemption> Redemptions { get; init; } = ImmutableSortedDictionary<long, Redemption>.Empty;

    /// <summary>The household's ballot papers, by <see cref="HouseholdBallot.KeyOf"/>.</summary>
    public ImmutableSortedDictionary<string, HouseholdBallot> Ballots { get; init; } = ImmutableSortedDictionary.Create<string, HouseholdBallot>(StringComparer.Ordinal);

    public HouseholdBallot? BallotOf(string projectId, string voteId) => Ballots.GetValueOrDefault(HouseholdBallot.KeyOf(projectId, voteId));

    public long ReservedPoints => PointsOf(RedemptionStatus.Reserved);

    public long SpentPoints => PointsOf(RedemptionStatus.Fulfilled);

    /// <summary>awarded − fulfilled − reserved (docs/DOMAIN.md "Points").</summary>
    public long BalancePoints => AwardedPoints - SpentPoints - ReservedPoints;

    long PointsOf(RedemptionStatus status) =>
        Redemptions.Values.Where(r => r.Status == status).Aggregate(0L, (sum, r) => checked(sum + r.Points));

    protected override StreamState ApplyBody(Entry entry)
    {
        var next = entry.Type switch
        {
            HouseholdEntryTypes.CrowdfundingPaid => ApplyContribution(entry.BodyAs<CrowdfundingPaidBody>(), +1),
            HouseholdEntryTypes.CrowdfundingRefunded => ApplyContribution(entry.BodyAs<CrowdfundingRefundedBody>(), -1),
            HouseholdEntryTypes.PointsAwarded => ApplyAwarded(entry, entry.BodyAs<PointsAwardedBody>()),
            HouseholdEntryTypes.RedemptionReserved => ApplyReserved(entry.Sequence, entry.BodyAs<RedemptionReservedBody>()),
            HouseholdEntryTypes.RedemptionFulfilled => ApplySettled(entry.BodyAs<RedemptionFulfilledBody>(), RedemptionStatus.Fulfilled),
            HouseholdEntryTypes.RedemptionCancelled => ApplySettled(entry.BodyAs<RedemptionCancelledBody>(), RedemptionStatus.Cancelled),
            HouseholdEntryTypes.BallotIssued => ApplyBallotIssued(entry.BodyAs<BallotIssuedBody>()),
            HouseholdEntryTypes.BallotCast => ApplyBallotCast(entry.BodyAs<BallotCastBody>()),
            HouseholdEntryTypes.BallotCounted => ApplyBallotCounted(entry.BodyAs<BallotCountedBody>()),
            _ => throw new FormatException($"a household has no entry type {entry.Type}"),
        };
        Invariant.Holds(next.BalancePoints >= 0, $"household {HouseholdId}'s points balance is never negative (after #{entry.Sequence})");
        return next;
    }

    HouseholdState ApplyContribution(IContribution body, int sign)
    {
        var project = body.ProjectId.Value;
        var paid = checked(ContributionsFen.GetValueOrDefault(project) + sign * body.AmountFen.Value);
        Invariant.Holds(paid >= 0, $"household {HouseholdId}'s contribution to {project} is never negative");
        return this with { ContributionsFen = ContributionsFen.SetItem(project, paid) };
    }

    HouseholdState ApplyAwarded(Entry entry, PointsAwardedBody body) => this with
    {
        AwardedPoints = checked(AwardedPoints + body.Points.Value),
        AwardReferences = AwardReferences.Add(body.Reference.Value),
        Awards = Awards.Add(new Award(entry.Sequence, entry.RecordedAt, body.Activity.Value, body.Quantity.Value, body.Points.Value, body.PolicyVersion.Value)),
    };

    HouseholdState ApplyReserved(long sequence, RedemptionReservedBody body)
    {
        Invariant.Holds(body.RedemptionId.Value == sequence, "a redemption is named by the sequence of its reservation");
        return this with
        {
            Redemptions = Redemptions.Add(sequence, new Redemption(sequence, body.ItemId.Value, body.Quantity.Value,
                body.Points.Value, RedemptionStatus.Reserved)),
        };
    }

    HouseholdState ApplySettled(IRedemptionSettlement body, RedemptionStatus status)
    {
        var redemption = Redemptions[body.RedemptionId.Value];
        Invariant.Holds(redemption.Status == RedemptionStatus.Reserved, "only a reserved redemption is fulfilled or cancelled");
        return this with { Redemptions = Redemptions.SetItem(redemption.Id, redemption with { Status = status }) };
    }

    HouseholdState ApplyBallotIssued(BallotIssuedBody body)
    {
        var ballot = new HouseholdBallot(body.ProjectId.Value, body.VoteId.Value, body.OpensAt.Value, body.ClosesAt.Value, null, Counted: false);
        return this with { Ballots = Ballots.Add(ballot.Key, ballot) };
    }

    HouseholdState ApplyBallotCast(BallotCastBody body) => ApplyBallot(body.ProjectId.Value, body.VoteId.Value, ballot =>
    {
        Invariant.Holds(ballot.Choice is null, "a household casts one ballot per vote");
        return ballot with { Choice = body.Choice.Value };
    });

    HouseholdState ApplyBallotCounted(BallotCountedBody body) => ApplyBallot(body.ProjectId.Value, body.VoteId.Value, b => b with { Counted = true });

    HouseholdState ApplyBallot(string projectId, string voteId, Func<HouseholdBallot, HouseholdBallot> change)
    {
        var ballot = Ballots[HouseholdBallot.KeyOf(projectId, voteId)];
        Invariant.Holds(!ballot.Counted, "a ballot is neither cast nor counted after its vote closed");
        return this with { Ballots = Ballots.SetItem(ballot.Key, change(ballot)) };
    }
}
