using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Ledger.Bodies;
using Ledger.Canonical;
using Ledger.Rules.Registry;

namespace Ledger.Rules.Households;

/// <summary>
/// The rules of the points policy (issue 17 part 4; docs/ENTRIES.md "Points policy"): a
/// volunteer coordinator proposes a version, a resident supervisor other than the proposer
/// approves it, and from its effective time it prices every award. The versions are kept in
/// the registry stream, which every decision reads under the append's registry guard, so an
/// award is always priced by the versions the verifier replays at its log position.
/// </summary>
public static class PointsPolicyRules
{
    public const long MaxCapPoints = 10_000_000;

    /// <summary>
    /// How much later than its approval a version may take effect, at the least: the log's
    /// recorded times go back by at most this much (FORMAT.md §4.5), so every award already in
    /// the log was recorded before the new version's effective time.
    /// </summary>
    public static readonly TimeSpan MinimumLead = TimeSpan.FromSeconds(2);

    public static Decision Propose(DecisionContext context, ProposePointsPolicyBody body)
    {
        var registry = context.State<RegistryState>(RegistryRules.Stream);
        var effectiveFrom = Time(body.EffectiveFrom);
        var rates = new List<PointsRate>();
        foreach (var rate in body.Rates.Value)
        {
            if (RateProblem(rate, rates, out var read) is { } problem)
            {
                return Decision.Refusing(ResultCode.InvalidPointsPolicy, problem);
            }
            rates.Add(read!);
        }
        if (rates.Count == 0)
        {
            return Decision.Refusing(ResultCode.InvalidPointsPolicy, "a policy prices at least one activity");
        }
        if (TooEarly(registry, effectiveFrom, context.Now) is { } early)
        {
            return early;
        }
        return Decision.Accepting(new NewEntry(RegistryRules.Stream, RegistryEntryTypes.PointsPolicyProposed,
            PointsPolicyProposedBody.Write(effectiveFrom, rates, registry.PointsPolicy.Count + 1)));
    }

    public static Decision Approve(DecisionContext context, ApprovePointsPolicyBody body)
    {
        var registry = context.State<RegistryState>(RegistryRules.Stream);
        var number = body.Version.Value;
        if (number < 1 || number > registry.PointsPolicy.Count)
        {
            return Decision.Refusing(ResultCode.UnknownPolicyVersion, $"no points policy version {number} was proposed");
        }
        var version = registry.PointsPolicy[(int)number - 1];
        if (version.Approved)
        {
            return Decision.Refusing(ResultCode.PolicyVersionAlreadyApproved, $"points policy version {number} is approved already");
        }
        if (version.ProposedBy == context.Command.PersonId)
        {
            return Decision.Refusing(ResultCode.ProposerCannotApprovePolicy, $"{context.Command.PersonId} proposed version {number}: another person approves it");
        }
        if (TooEarly(registry, version.EffectiveFrom, context.Now) is { } early)
        {
            return early;
        }
        return Decision.Accepting(new NewEntry(RegistryRules.Stream, RegistryEntryTypes.PointsPolicyApproved,
            PointsPolicyApprovedBody.Write(version.EffectiveFrom, number)));
    }

    /// <summary>
    /// Prices an award by the version in force at <paramref name="at"/>: null when no version
    /// is in force (then any points are taken, as before the policy), else the version, or the
    /// refusal of an award the version does not allow.
    /// </summary>
    public static Decision.Refuse? Price(RegistryState registry, HouseholdState household, Activity activity, long quantity, long points,
        DateTimeOffset at, out PolicyVersion? policy)
    {
        policy = PointsPolicy.InForce(registry.PointsPolicy, at);
        if (policy is null)
        {
            return null;
        }
        if (policy.RateOf(activity) is not { } rate)
        {
            return new Decision.Refuse(ResultCode.ActivityNotInPolicy, $"points policy version {policy.Version} does not price {activity}");
        }
        var priced = checked(quantity * rate.PointsPerUnit);
        if (points != priced)
        {
            return new Decision.Refuse(ResultCode.PointsNotAsPolicy,
                $"points policy version {policy.Version} prices {quantity} {rate.Unit} of {activity} at {priced} points, not {points}");
        }
        if (rate is { CapPoints: { } cap, CapPeriod: { } period })
        {
            var current = PointsPolicy.PeriodOf(at, period);
            var earned = household.Awards
                .Where(a => a.Activity == activity && PointsPolicy.PeriodOf(a.RecordedAt, period) == current)
                .Aggregate(0L, (sum, a) => checked(sum + a.Points));
            if (checked(earned + points) > cap)
            {
                return new Decision.Refuse(ResultCode.AwardBeyondCap,
                    $"{household.HouseholdId} has {earned} points for {activity} this {period.ToString().ToLowerInvariant()}; the cap is {cap}");
            }
        }
        return null;
    }

    /// <summary>Refuses an effective time that is not later than the approval by <see cref="MinimumLead"/>, or not after every approved version's.</summary>
    static Decision.Refuse? TooEarly(RegistryState registry, DateTimeOffset effectiveFrom, DateTimeOffset now)
    {
        if (effectiveFrom <= now + MinimumLead)
        {
            return new Decision.Refuse(ResultCode.PolicyTakesEffectTooEarly,
                $"a version takes effect more than {MinimumLead.TotalSeconds:0} seconds after it is approved, not at {LedgerTime.Format(effectiveFrom)}");
        }
        // One version after another: which version is in force is then a step function of time.
        return registry.PointsPolicy.Find(v => v.Approved && v.EffectiveFrom >= effectiveFrom) is { } later
            ? new Decision.Refuse(ResultCode.PolicyTakesEffectTooEarly,
                $"version {later.Version} takes effect at {LedgerTime.Format(later.EffectiveFrom)}: a new version takes effect after it")
            : null;
    }

    /// <summary>Reads one rate: a problem, or the rate, refusing an activity priced twice.</summary>
    static string? RateProblem(PointsRateBody body, List<PointsRate> earlier, out PointsRate? rate)
    {
        rate = null;
        if (!EnumNames.TryParse<Activity>(body.Activity.Value, out var activity) || earlier.Any(r => r.Activity == activity))
        {
            return $"each rate names one of {string.Join(", ", Enum.GetNames<Activity>())}, each at most once";
        }
        var pointsPerUnit = body.PointsPerUnit.Value;
        if (pointsPerUnit is < 1 or > HouseholdRules.MaxPointsPerAward)
        {
            return $"pointsPerUnit is from 1 to {HouseholdRules.MaxPointsPerAward}";
        }
        if (!EnumNames.TryParse<PointsUnit>(body.Unit.Value, out var unit))
        {
            return $"unit is one of {string.Join(", ", Enum.GetNames<PointsUnit>())}";
        }
        var capPoints = body.CapPoints.Value;
        var capPeriodName = body.CapPeriod.Value;
        CapPeriod? capPeriod = null;
        if (capPoints is not null || capPeriodName is not null)
        {
            if (capPoints is not (>= 1 and <= MaxCapPoints) || !EnumNames.TryParse<CapPeriod>(capPeriodName, out var period))
            {
                return $"a cap has capPoints from 1 to {MaxCapPoints} and a capPeriod, one of {string.Join(", ", Enum.GetNames<CapPeriod>())}";
            }
            capPeriod = period;
        }
        rate = new PointsRate(activity, pointsPerUnit, unit, capPoints, capPeriod);
        return null;
    }

    static DateTimeOffset Time(Member<string> member) =>
        LedgerTime.TryParse(member.Value, out var time)
            ? time
            : throw new FormatException($"{member.Name} must be a time like 2026-01-31T08:00:00.000Z");
}
