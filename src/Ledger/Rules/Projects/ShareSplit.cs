namespace Ledger.Rules.Projects;

/// <summary>
/// Splits a crowdfunding target between households by integer weights, exactly to the fen
/// (docs/ENTRIES.md §"Share split"): each household first gets ⌊target × weight ÷ Σweights⌋;
/// the fen left over (fewer than the number of households) go one each to the households
/// with the largest remainders of that division, ties going to the smaller household id
/// (ordinal). The shares always sum to the target, and the same input gives the same split.
/// </summary>
public static class ShareSplit
{
    public static IReadOnlyList<(string HouseholdId, long ShareFen)> Split(long targetFen, IReadOnlyList<(string HouseholdId, long Weight)> weights)
    {
        Invariant.Holds(targetFen >= 0 && weights.All(w => w.Weight >= 0), "targets and weights are not negative");
        var totalWeight = weights.Aggregate(0L, (sum, w) => checked(sum + w.Weight));
        Invariant.Holds(totalWeight > 0, "some household carries weight");
        // target ≤ 10^12 and weights ≤ 10^6 keep the product within 10^18, but Int128 makes
        // the division exact for any input the checks above let through.
        var parts = weights
            .Select(w => (w.HouseholdId, Product: (Int128)targetFen * w.Weight))
            .Select(w => (w.HouseholdId, Base: (long)(w.Product / totalWeight), Remainder: (long)(w.Product % totalWeight)))
            .ToList();
        var leftover = targetFen - parts.Sum(p => p.Base);
        Invariant.Holds(leftover >= 0 && leftover < Math.Max(1, parts.Count), "rounding down leaves fewer fen than households");
        var extra = parts
            .OrderByDescending(p => p.Remainder)
            .ThenBy(p => p.HouseholdId, StringComparer.Ordinal)
            .Take((int)leftover)
            .Select(p => p.HouseholdId)
            .ToHashSet(StringComparer.Ordinal);
        var shares = parts
            .Select(p => (p.HouseholdId, ShareFen: p.Base + (extra.Contains(p.HouseholdId) ? 1 : 0)))
            .OrderBy(p => p.HouseholdId, StringComparer.Ordinal)
            .ToList();
        Invariant.Holds(shares.Sum(s => s.ShareFen) == targetFen, "shares sum exactly to the target");
        return shares;
    }
}
