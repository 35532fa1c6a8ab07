using System.Collections.Immutable;

namespace Ledger.Rules.Households;

/// <summary>What one unit of an activity is (seeds 002–004: an hour of service, a day of correct sorting, a council meeting, an item donated).</summary>
public enum PointsUnit
{
    Hour,
    Day,
    Meeting,
    Item,
}

/// <summary>The calendar period a cap counts over, in China Standard Time.</summary>
public enum CapPeriod
{
    Month,
    Quarter,
    Year,
}

/// <summary>An activity's price: points per unit, and at most <see cref="CapPoints"/> per household per <see cref="CapPeriod"/>.</summary>
public sealed record PointsRate(Activity Activity, long PointsPerUnit, PointsUnit Unit, long? CapPoints, CapPeriod? CapPeriod);

/// <summary>
/// One version of the points policy (issue 17 part 4): proposed by a volunteer coordinator,
/// in force from <see cref="EffectiveFrom"/> once a resident supervisor approved it.
/// </summary>
public sealed record PolicyVersion(long Version, DateTimeOffset EffectiveFrom, ImmutableList<PointsRate> Rates, string ProposedBy, bool Approved)
{
    public PointsRate? RateOf(Activity activity) => Rates.Find(r => r.Activity == activity);
}

/// <summary>Which version prices an award, and the calendar periods its caps count over.</summary>
public static class PointsPolicy
{
    /// <summary>The approved version with the latest effective time at or before <paramref name="at"/>; null: no policy is in force.</summary>
    public static PolicyVersion? InForce(IEnumerable<PolicyVersion> versions, DateTimeOffset at) =>
        versions.Where(v => v.Approved && v.EffectiveFrom <= at).MaxBy(v => v.EffectiveFrom);

    /// <summary>The calendar period of <paramref name="period"/> that <paramref name="at"/> falls in, as (year, index within the year).</summary>
    public static (int Year, int Index) PeriodOf(DateTimeOffset at, CapPeriod period)
    {
        var beijing = at.ToOffset(Canonical.LedgerTime.ChinaStandardTime);
        return period switch
        {
            CapPeriod.Month => (beijing.Year, beijing.Month),
            CapPeriod.Quarter => (beijing.Year, (beijing.Month + 2) / 3),
            _ => (beijing.Year, 0),
        };
    }
}
