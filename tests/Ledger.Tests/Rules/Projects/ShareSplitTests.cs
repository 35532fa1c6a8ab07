// ShareSplit (src/Ledger/Rules/Projects/ShareSplit.cs): a crowdfunding target split by integer
// weights exactly to the fen — each household ⌊target × weight ÷ Σweights⌋, the fen left over one
// each to the largest remainders, ties to the smaller household id (ordinal). Fixed cases worked
// by hand (the arithmetic beside each), then a seeded property test over random inputs.
using System.Numerics;
using Ledger.Rules.Projects;

namespace Ledger.Tests.Rules.Projects;

public sealed class ShareSplitTests
{
    static Dictionary<string, long> Split(long targetFen, params (string HouseholdId, long Weight)[] weights) =>
        ShareSplit.Split(targetFen, weights).ToDictionary(s => s.HouseholdId, s => s.ShareFen);

    static (string, long)[] ByFloor(IEnumerable<(string HouseholdId, int Floor)> households) =>
        households.Select(h => (h.HouseholdId, (long)h.Floor)).ToArray();

    [Fact]
    public void TwelveHouseholdsByFloorShareTwelveMillionFen()
    {
        // Σweights = 2 × (1+2+3+4+5+6) = 42. Floor k: 12,000,000 k ÷ 42:
        //   k=1: 285,714 r 12   k=2: 571,428 r 24   k=3: 857,142 r 36
        //   k=4: 1,142,857 r 6  k=5: 1,428,571 r 18 k=6: 1,714,285 r 30
        // Bases: 2 × 5,999,997 = 11,999,994; 6 fen left → floors 3 (r 36), 6 (r 30), 2 (r 24), both households each.
        var shares = Split(12_000_000, ByFloor(ProjectScenario.TwelveHouseholds));

        Assert.Equal(new Dictionary<string, long>
        {
            ["b2-0101"] = 285_714, ["b2-0102"] = 285_714,
            ["b2-0201"] = 571_429, ["b2-0202"] = 571_429,
            ["b2-0301"] = 857_143, ["b2-0302"] = 857_143,
            ["b2-0401"] = 1_142_857, ["b2-0402"] = 1_142_857,
            ["b2-0501"] = 1_428_571, ["b2-0502"] = 1_428_571,
            ["b2-0601"] = 1_714_286, ["b2-0602"] = 1_714_286,
        }, shares);
        Assert.Equal(12_000_000, shares.Values.Sum()); // 2 × (285,714 + 571,429 + 857,143 + 1,142,857 + 1,428,571 + 1,714,286) = 2 × 6,000,000
    }

    [Fact]
    public void LeftoverFenGoToTheLargestRemaindersAndTiesToTheSmallerHouseholdId()
    {
        // 12,000,001 mod 42 = 13, so floor k has remainder 13k mod 42 and base k × 285,714 + ⌊13k ÷ 42⌋:
        //   k=1: 285,714 r 13   k=2: 571,428 r 26   k=3: 857,142 r 39
        //   k=4: 1,142,857 r 10 k=5: 1,428,571 r 23 k=6: 1,714,285 r 36
        // Bases: 11,999,994; 7 fen left → floors 3 (39), 6 (36), 2 (26) both, then one of floor 5 (23):
        // the tie between b2-0501 and b2-0502 goes to the smaller id, b2-0501.
        var shares = Split(12_000_001, ByFloor(ProjectScenario.TwelveHouseholds));

        Assert.Equal(1_428_572, shares["b2-0501"]);
        Assert.Equal(1_428_571, shares["b2-0502"]);
        Assert.Equal(285_714, shares["b2-0101"]);
        Assert.Equal(1_142_857, shares["b2-0402"]);
        Assert.Equal(857_143, shares["b2-0302"]);
        Assert.Equal(1_714_286, shares["b2-0601"]);
        Assert.Equal(12_000_001, shares.Values.Sum());
    }

    [Fact]
    public void LargerRemainderWinsOverASmallerHouseholdId()
    {
        // Σweights = 4. a: 7 × 2 ÷ 4 = 3 r 2; b and c: 7 × 1 ÷ 4 = 1 r 3. Bases 5, 2 fen left → b and c (r 3 > r 2).
        Assert.Equal(new Dictionary<string, long> { ["a"] = 3, ["b"] = 2, ["c"] = 2 }, Split(7, ("a", 2), ("b", 1), ("c", 1)));
    }

    [Fact]
    public void TiesGoToTheSmallerIdInOrdinalOrderNotNumericOrder()
    {
        // 10 ÷ 4 = 2 r 2 each; 2 fen left → the two smallest ids by ordinal: "h-1" < "h-10" < "h-2" < "h-9".
        Assert.Equal(new Dictionary<string, long> { ["h-1"] = 3, ["h-10"] = 3, ["h-2"] = 2, ["h-9"] = 2 },
            Split(10, ("h-9", 1), ("h-10", 1), ("h-2", 1), ("h-1", 1)));
    }

    [Fact]
    public void FlatSplitOfAHundredFenOverThreeHouseholdsGivesTheExtraFenToTheSmallestId()
    {
        // 100 ÷ 3 = 33 r 1 each; 1 fen left → the smallest id.
        var shares = ShareSplit.Split(100, [("b2-0302", 1), ("b2-0101", 1), ("b2-0201", 1)]);

        Assert.Equal([("b2-0101", 34L), ("b2-0201", 33L), ("b2-0302", 33L)], shares);
    }

    [Fact]
    public void AllButOneWeightZeroGivesThatHouseholdTheWholeTarget()
    {
        Assert.Equal(new Dictionary<string, long> { ["h-1"] = 0, ["h-2"] = 0, ["h-3"] = 12_345, ["h-4"] = 0 },
            Split(12_345, ("h-1", 0), ("h-2", 0), ("h-3", 5), ("h-4", 0)));
    }

    [Fact]
    public void ZeroTargetGivesEveryoneNothing()
    {
        Assert.All(ShareSplit.Split(0, [("a", 1), ("b", 7)]), s => Assert.Equal(0, s.ShareFen));
    }

    [Fact]
    public void LargestTargetAndWeightSplitExactly()
    {
        // Σweights = 1,000,001. a: 10^12 × 10^6 = 10^18; 1,000,001 × 999,999,000,000 = 999,999,999,999,000,000, r 1,000,000.
        // b: 10^12 ÷ 1,000,001 = 999,999 r 1 (1,000,001 × 999,999 = 999,999,999,999). Bases 999,999,999,999; 1 fen left → a.
        Assert.Equal(new Dictionary<string, long> { ["a"] = 999_999_000_001, ["b"] = 999_999 },
            Split(1_000_000_000_000, ("a", ProjectRules.MaxWeight), ("b", 1)));
    }

    [Fact]
    public void SharesComeOutInOrdinalOrderOfHouseholdId()
    {
        var shares = ShareSplit.Split(1_000, [("b", 1), ("B", 1), ("a", 1), ("A", 1)]);

        Assert.Equal(["A", "B", "a", "b"], shares.Select(s => s.HouseholdId));
    }

    [Fact]
    public void NegativeWeightsOrTargetsAndNoWeightAtAllBreakAnInvariant()
    {
        Assert.Throws<InvariantViolationException>(() => ShareSplit.Split(-1, [("a", 1)]));
        Assert.Throws<InvariantViolationException>(() => ShareSplit.Split(10, [("a", -1), ("b", 2)]));
        Assert.Throws<InvariantViolationException>(() => ShareSplit.Split(10, [("a", 0), ("b", 0)]));
        Assert.Throws<InvariantViolationException>(() => ShareSplit.Split(10, []));
    }

    /// <summary>
    /// Over random weights and targets from a fixed seed: the shares sum exactly to the target;
    /// each is within 1 fen of the exact proportion (|share × Σw − target × w| &lt; Σw); a household
    /// given an extra fen had a larger remainder than one not given it, or an equal one and a
    /// smaller id; and shuffling the input changes nothing.
    /// </summary>
    [Theory]
    [InlineData(20260301)]
    [InlineData(1)]
    [InlineData(987654321)]
    public void SplitIsExactWithinOneFenOfProportionalAndIndependentOfInputOrder(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 400; trial++)
        {
            var count = random.Next(1, 41);
            // Half the trials use tiny weights, so that equal remainders (ties) are common.
            var maxWeight = trial % 2 == 0 ? 3 : ProjectRules.MaxWeight;
            var weights = Enumerable.Range(0, count)
                .Select(i => ($"h-{random.Next(0, 1000)}-{i}", random.Next(5) == 0 ? 0 : random.NextInt64(0, maxWeight + 1)))
                .ToList();
            if (weights.All(w => w.Item2 == 0))
            {
                weights[0] = (weights[0].Item1, 1);
            }
            var target = trial % 3 == 0 ? random.NextInt64(0, 1_000) : random.NextInt64(0, Ledger.Rules.Money.MaxAmountFen + 1);
            var context = $"seed {seed}, trial {trial}, target {target}, weights [{string.Join(", ", weights)}]";

            var shares = ShareSplit.Split(target, weights);

            Assert.True(shares.Sum(s => s.ShareFen) == target, $"shares sum to the target: {context}");
            Assert.Equal(weights.Select(w => w.Item1).Order(StringComparer.Ordinal), shares.Select(s => s.HouseholdId));
            var total = weights.Sum(w => w.Item2);
            var weightOf = weights.ToDictionary(w => w.Item1, w => w.Item2);
            var parts = shares.Select(s =>
            {
                var exact = (BigInteger)target * weightOf[s.HouseholdId];
                var difference = (BigInteger)s.ShareFen * total - exact;
                Assert.True(BigInteger.Abs(difference) < total, $"{s.HouseholdId} within 1 fen of its proportion: {context}");
                return (s.HouseholdId, Remainder: (long)(exact % total), Extra: s.ShareFen != (long)(exact / total));
            }).ToList();
            foreach (var given in parts.Where(p => p.Extra))
            {
                foreach (var passed in parts.Where(p => !p.Extra))
                {
                    Assert.True(given.Remainder > passed.Remainder
                        || (given.Remainder == passed.Remainder && string.CompareOrdinal(given.HouseholdId, passed.HouseholdId) < 0),
                        $"{given.HouseholdId} got an extra fen before {passed.HouseholdId}: {context}");
                }
            }
            var shuffled = weights.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(shares, ShareSplit.Split(target, shuffled));
        }
    }
}
