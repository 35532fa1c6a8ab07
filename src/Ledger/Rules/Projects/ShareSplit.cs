namespace Ledger.Rules.Projects;

/// <summary>
/// Splits an amount by integer weights exactly to the fen, by the largest remainder: each part
/// first gets ⌊total × weight ÷ Σweights⌋; the fen left over (fewer than the number of parts)
/// go one each to the parts with the largest remainders of that division. The parts always sum
/// to the total, and the same input gives the same split. Used for crowdfunding shares
/// (docs/ENTRIES.md §"Share split") and pro-rata drawing on restricted funds (§"Restricted funds").
/// </summary>
public static class ShareSplit
{
    /// <summary>Households' shares of a crowdfunding target; remainder ties go to the smaller household id (ordinal).</summary>
    public static IReadOnlyList<(string HouseholdId, long ShareFen)> Split(long targetFen, IReadOnlyList<(string HouseholdId, long Weight)> weights) =>
        ByLargestRemainder(targetFen, weights.OrderBy(w => w.HouseholdId, StringComparer.Ordinal).ToList());

    /// <summary>The parts, in the order of <paramref name="weights"/>; remainder ties go to the part listed first.</summary>
    public static IReadOnlyList<(TKey Key, long PartFen)> ByLargestRemainder<TKey>(long totalFen, IReadOnlyList<(TKey Key, long Weight)> weights)
    {
        Invariant.Holds(totalFen >= 0 && weights.All(w => w.Weight >= 0), "totals and weights are not negative");
        var totalWeight = weights.Aggregate(0L, (sum, w) => checked(sum + w.Weight));
        Invariant.Holds(totalWeight > 0, "some part carries weight");
        // Amounts ≤ 10^12 times weights ≤ 10^12 exceed a long; Int128 keeps the division exact.
        var parts = weights
            .Select(w => (Product: (Int128)totalFen * w.Weight, w.Key))
            .Select((w, index) => (w.Key, Index: index, Base: (long)(w.Product / totalWeight), Remainder: (long)(w.Product % totalWeight)))
            .ToList();
        var leftover = totalFen - parts.Sum(p => p.Base);
        Invariant.Holds(leftover >= 0 && leftover < Math.Max(1, parts.Count), "rounding down leaves fewer fen than parts");
        var extra = parts
            .OrderByDescending(p => p.Remainder)
            .ThenBy(p => p.Index)
            .Take((int)leftover)
            .Select(p => p.Index)
            .ToHashSet();
        var split = parts.Select(p => (p.Key, PartFen: p.Base + (extra.Contains(p.Index) ? 1 : 0))).ToList();
        Invariant.Holds(split.Sum(s => s.PartFen) == totalFen, "parts sum exactly to the total");
        return split;
    }
}
