using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Bodies;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Rules.Households;

namespace Ledger.Rules.Projects;

/// <summary>
/// The owners' vote (业主表决) of a project, before residents are asked to pay (seed 000 §7.2):
/// the owner representative opens it on one question for the households concerned, each
/// household casts one ballot within the period, and closing it counts the ballots by the
/// double majority of art. 278 (<see cref="VotePolicy.Passes"/>). How a household voted stays
/// on its own stream; only the tally reaches the project's, which everyone reads.
/// </summary>
public static class VoteRules
{
    public const int MaxScopeHouseholds = ProjectRules.MaxCampaignHouseholds;

    /// <summary>
    /// Opens a vote: its scope's floor areas are taken from the registry now, so that the tally
    /// weighs what the households were told; each household in scope gets its ballot paper.
    /// </summary>
    public static Decision Open(DecisionContext context, OpenVoteBody body)
    {
        var project = ProjectRules.Project(context, body.ProjectId);
        if (ProjectRules.Unopened(project) is { } refusal)
        {
            return refusal;
        }
        var voteId = body.VoteId.Value;
        if (!Names.IsIdentifier(voteId))
        {
            return Decision.Refusing(ResultCode.MalformedCommand, "voteId must be an identifier");
        }
        if (project.Votes.ContainsKey(voteId))
        {
            return Decision.Refusing(ResultCode.VoteAlreadyOpened, $"vote {voteId} of project {project.ProjectId} was opened already");
        }
        var question = ProjectRules.Text(body.Question);
        var opensAt = body.OpensAt.Value;
        var closesAt = body.ClosesAt.Value;
        if (!EnumNames.TryParse<VoteMatter>(body.Matter.Value, out var matter) || opensAt >= closesAt || closesAt <= context.Now)
        {
            return Decision.Refusing(ResultCode.InvalidVote,
                $"matter is one of {string.Join(", ", Enum.GetNames<VoteMatter>())}, and the vote closes after it opens and after now");
        }
        var households = body.Households.Value;
        if (households.Count is 0 or > MaxScopeHouseholds || !households.Order(StringComparer.Ordinal).Distinct().SequenceEqual(households))
        {
            return Decision.Refusing(ResultCode.InvalidVoteScope, $"households lists 1 to {MaxScopeHouseholds} distinct household ids, sorted");
        }
        if (households.FirstOrDefault(h => !context.Registry.FloorAreas.ContainsKey(h)) is { } unmeasured)
        {
            return Decision.Refusing(ResultCode.FloorAreaNotRecorded, $"the registrar has not recorded the floor area of household {unmeasured}");
        }
        var scope = households.Select(h => KeyValuePair.Create(h, context.Registry.FloorAreas[h]));
        var entries = new List<NewEntry>
        {
            new(ProjectRules.StreamOf(project.ProjectId), ProjectEntryTypes.VoteOpened, VoteOpenedBody.Write(closesAt, scope, matter, opensAt, question, voteId)),
        };
        entries.AddRange(households.Select(h => new NewEntry(HouseholdRules.StreamOf(h), HouseholdEntryTypes.BallotIssued,
            BallotIssuedBody.Write(closesAt, opensAt, project.ProjectId, voteId))));
        return new Decision.Accept(entries);
    }

    /// <summary>A household's one ballot, signed by one of its residents within the vote's period.</summary>
    public static Decision CastBallot(DecisionContext context, CastBallotBody body)
    {
        var householdId = body.HouseholdId.Value;
        var household = context.State<HouseholdState>(HouseholdRules.StreamOf(householdId));
        if (HouseholdRules.ResidentCheck(context, householdId) is { } notResident)
        {
            return notResident;
        }
        if (!EnumNames.TryParse<BallotChoice>(body.Choice.Value, out var choice))
        {
            return Decision.Refusing(ResultCode.InvalidVote, $"choice is one of {string.Join(", ", Enum.GetNames<BallotChoice>())}");
        }
        if (household.BallotOf(body.ProjectId.Value, body.VoteId.Value) is not { } ballot)
        {
            return Decision.Refusing(ResultCode.UnknownVote, $"household {householdId} has no ballot in vote {body.VoteId.Value} of project {body.ProjectId.Value}");
        }
        if (context.Now < ballot.OpensAt || context.Now >= ballot.ClosesAt || ballot.Counted)
        {
            return Decision.Refusing(ResultCode.OutsideVotingPeriod,
                $"ballots are cast from {LedgerTime.Format(ballot.OpensAt)} until {LedgerTime.Format(ballot.ClosesAt)}");
        }
        if (ballot.Choice is not null)
        {
            return Decision.Refusing(ResultCode.BallotAlreadyCast, $"household {householdId} has voted in this vote already");
        }
        return Decision.Accepting(new NewEntry(household.Stream, HouseholdEntryTypes.BallotCast, BallotCastBody.Write(choice, ballot.ProjectId, ballot.VoteId)));
    }

    /// <summary>
    /// Closes a vote after its closing time: counts every household's ballot where it lies and
    /// writes the tally and the result to the project, and "counted" to each household, at once.
    /// </summary>
    public static Decision Close(DecisionContext context, CloseVoteBody body)
    {
        var project = ProjectRules.Project(context, body.ProjectId);
        if (ProjectRules.Unopened(project) is { } refusal)
        {
            return refusal;
        }
        var households = body.Households.Value;
        if (!project.Votes.TryGetValue(body.VoteId.Value, out var vote))
        {
            return Decision.Refusing(ResultCode.UnknownVote, $"project {project.ProjectId} has no vote {body.VoteId.Value}");
        }
        if (!households.SequenceEqual(vote.ScopeAreas.Keys))
        {
            return Decision.Refusing(ResultCode.InvalidVoteScope, $"households must list the vote's scope, sorted: {string.Join(", ", vote.ScopeAreas.Keys)}");
        }
        if (context.Now < vote.ClosesAt)
        {
            return Decision.Refusing(ResultCode.OutsideVotingPeriod, $"the vote closes at {LedgerTime.Format(vote.ClosesAt)}");
        }
        if (vote.IsClosed)
        {
            return Decision.Refusing(ResultCode.VoteAlreadyClosed, $"vote {vote.VoteId} is closed");
        }
        var tally = VoteTally.Empty;
        foreach (var (householdId, area) in vote.ScopeAreas)
        {
            var ballot = context.State<HouseholdState>(HouseholdRules.StreamOf(householdId)).BallotOf(project.ProjectId, vote.VoteId);
            Invariant.Holds(ballot is not null, $"household {householdId} in the scope of vote {vote.VoteId} holds its ballot paper");
            if (ballot!.Choice is { } choice)
            {
                tally = tally.With(choice, area);
            }
        }
        var passed = project.VoteThresholds.Passes(vote.Matter, vote.Scope, tally);
        var entries = new List<NewEntry>
        {
            new(ProjectRules.StreamOf(project.ProjectId), ProjectEntryTypes.VoteClosed, VoteClosedBody.Write(tally, passed, vote.VoteId)),
        };
        entries.AddRange(vote.ScopeAreas.Keys.Select(h => new NewEntry(HouseholdRules.StreamOf(h), HouseholdEntryTypes.BallotCounted,
            BallotCountedBody.Write(project.ProjectId, vote.VoteId))));
        return new Decision.Accept(entries);
    }

    /// <summary>Refuses a campaign whose project's policy asks for a passed vote on raising money or rebuilding, and has none.</summary>
    public static Decision.Refuse? CampaignRefusal(ProjectState project) =>
        project.VotePolicy is { CampaignRequiresVote: true } && !project.Votes.Values.Any(v => v.Passed && v.IsSpecialMatter)
            ? new Decision.Refuse(ResultCode.CampaignNeedsPassedVote,
                $"project {project.ProjectId}'s policy asks for a passed owners' vote on raising money or rebuilding before its campaign")
            : null;
}
