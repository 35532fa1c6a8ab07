// A seeded workload against an independent model (STYLE.md 14): random awards, reservations,
// fulfilments, cancellations and restocks across five households and three catalog items go
// through the pipeline, while a model of plain integers predicts each outcome and keeps its own
// balances and stocks. After every step the replayed household and catalog states must agree
// with the model, and no balance or stock may be below zero (DOMAIN.md "Points").
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Xunit.Abstractions;
using Xunit.Sdk;

using static Ledger.Tests.Rules.Households.PointsScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Households;

public sealed class PointsModelTests(ITestOutputHelper output)
{
    const int Steps = 2000;

    /// <summary>The five households, each with one resident: the points bank's two and three more.</summary>
    static readonly (string HouseholdId, Signer Resident)[] Households =
    [
        (North, Alice),
        (South, Bob),
        ("b1-0101", new Signer("carol", "carol")),
        ("b3-0204", new Signer("dan", "dan")),
        ("b4-0602", new Signer("erin", "erin")),
    ];

    /// <summary>The points bank's three items, as the model knows them: price and starting stock (null: unlimited).</summary>
    static readonly (string ItemId, long PricePoints, long? Stock)[] Items =
    [
        (FeeReduction, FeeReductionPrice, null),
        (Cleaning, CleaningPrice, CleaningStock),
        (Rice, RicePrice, RiceStock),
    ];

    const int Reserved = 0;
    const int Fulfilled = 1;
    const int Cancelled = 2;

    /// <summary>The model: nothing but integers, kept apart from the rules it checks.</summary>
    sealed class Model
    {
        public readonly long[] Awarded = new long[Households.Length];
        public readonly long[] ReservedPoints = new long[Households.Length];
        public readonly long[] SpentPoints = new long[Households.Length];

        /// <summary>How many entries each household stream has: the next entry's sequence.</summary>
        public readonly long[] Entries = new long[Households.Length];

        public readonly List<string>[] References = Households.Select(_ => new List<string>()).ToArray();
        public readonly long?[] Stock = Items.Select(i => i.Stock).ToArray();

        /// <summary>Per household, by redemption id: item index, points, quantity, status.</summary>
        public readonly Dictionary<long, (int Item, long Points, long Quantity, int Status)>[] Redemptions =
            Households.Select(_ => new Dictionary<long, (int, long, long, int)>()).ToArray();

        public long Balance(int household) => Awarded[household] - SpentPoints[household] - ReservedPoints[household];
    }

    [Theory]
    [InlineData(20_261_121)]
    [InlineData(7)]
    public void RandomCommandsLeaveEveryBalanceAndStockAsAnIndependentModelPredicts(int seed)
    {
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var scenario = PointsBank();
        foreach (var (householdId, resident) in Households.Skip(2))
        {
            AssertAccepted(scenario.Register(resident.PersonId, [Role.Resident], householdId));
        }
        var replica = new StreamReplica(scenario);
        var model = new Model();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        for (var step = 0; step < Steps; step++)
        {
            var (name, expected, submit, accept) = random.Next(100) switch
            {
                < 30 => Award(random, model, step),
                < 60 => Reserve(random, model),
                < 75 => Fulfil(random, model),
                < 90 => Cancel(random, model),
                _ => Restock(random, model),
            };
            var decision = submit(scenario);
            var actual = decision is Decision.Refuse refusal ? refusal.Code : ResultCode.Accepted;
            Check(actual == expected, seed, step, $"{name}: the model expected {expected}, the rules said {decision}");
            if (actual == ResultCode.Accepted)
            {
                accept();
            }
            outcomes[$"{name.Split(' ')[0]} {actual}"] = outcomes.GetValueOrDefault($"{name.Split(' ')[0]} {actual}") + 1;

            for (var h = 0; h < Households.Length; h++)
            {
                var household = replica.StateOf<HouseholdState>(HouseholdRules.StreamOf(Households[h].HouseholdId));
                Check(household.BalancePoints == model.Balance(h) && household.BalancePoints >= 0, seed, step,
                    $"after {name}, {Households[h].HouseholdId}'s balance is {household.BalancePoints}, the model's {model.Balance(h)}");
                Check((household.AwardedPoints, household.ReservedPoints, household.SpentPoints) == (model.Awarded[h], model.ReservedPoints[h], model.SpentPoints[h]),
                    seed, step, $"after {name}, {Households[h].HouseholdId} has awarded/reserved/spent {household.AwardedPoints}/{household.ReservedPoints}/{household.SpentPoints}, "
                        + $"the model {model.Awarded[h]}/{model.ReservedPoints[h]}/{model.SpentPoints[h]}");
            }
            var catalog = replica.StateOf<CatalogState>(CatalogRules.Stream);
            for (var i = 0; i < Items.Length; i++)
            {
                var stock = catalog.Items[Items[i].ItemId].Stock;
                Check(stock == model.Stock[i] && stock is null or >= 0, seed, step,
                    $"after {name}, {Items[i].ItemId}'s stock is {stock?.ToString() ?? "unlimited"}, the model's {model.Stock[i]?.ToString() ?? "unlimited"}");
            }
        }

        foreach (var (outcome, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{outcome}: {count}");
        }
        // The replica, read step by step, agrees with a replay from scratch.
        foreach (var (householdId, _) in Households)
        {
            Assert.Equal(Describe(scenario.HouseholdOf(householdId)), Describe(replica.StateOf<HouseholdState>(HouseholdRules.StreamOf(householdId))));
        }
        Assert.Equal(Describe(scenario.CatalogOf()), Describe(replica.StateOf<CatalogState>(CatalogRules.Stream)));
        // The workload reached every outcome it can produce, so the model was tested on each.
        string[] reached =
        [
            "award Accepted", "award RoleMissing", "award PointsOutOfRange", "award AwardReferenceUsed",
            "reserve Accepted", "reserve RoleMissing", "reserve NotResidentOfHousehold", "reserve PointsOutOfRange", "reserve OutOfStock", "reserve InsufficientPoints",
            "fulfil Accepted", "fulfil RoleMissing", "fulfil UnknownRedemption", "fulfil RedemptionNotReserved",
            "cancel Accepted", "cancel RoleMissing", "cancel NotResidentOfHousehold", "cancel UnknownRedemption", "cancel RedemptionNotReserved",
            "restock Accepted", "restock RoleMissing",
        ];
        Assert.All(reached, outcome => Assert.True(outcomes.GetValueOrDefault(outcome) >= 5, $"{outcome} happened {outcomes.GetValueOrDefault(outcome)} times (seed {seed})"));
    }

    /// <summary>One generated step: what it is, the model's prediction, how to submit it, and what the model does if it is accepted.</summary>
    sealed record Step(string Name, ResultCode Expected, Func<RegistryScenario, Decision> Submit, Action Accept);

    static Step Award(Random random, Model model, int step)
    {
        var h = random.Next(Households.Length);
        var (householdId, resident) = Households[h];
        var by = random.Next(100) < 3 ? resident : Coordinator;
        long points = random.Next(100) switch
        {
            < 3 => 0,
            < 5 => HouseholdRules.MaxPointsPerAward + 1,
            _ => random.Next(1, 301),
        };
        var references = model.References[h];
        var reference = random.Next(100) switch
        {
            < 10 when references.Count > 0 => references[random.Next(references.Count)],
            < 15 => model.References[random.Next(Households.Length)] is { Count: > 0 } others ? others[random.Next(others.Count)] : $"work-{step}",
            _ => $"work-{step}",
        };
        var expected = by != Coordinator ? ResultCode.RoleMissing
            : points is < 1 or > HouseholdRules.MaxPointsPerAward ? ResultCode.PointsOutOfRange
            : references.Contains(reference) ? ResultCode.AwardReferenceUsed
            : ResultCode.Accepted;
        return new Step($"award of {points} to {householdId} for {reference} by {by.PersonId}", expected,
            s => s.Award(householdId, points, reference, by: by),
            () =>
            {
                model.Awarded[h] += points;
                references.Add(reference);
                model.Entries[h]++;
            });
    }

    static Step Reserve(Random random, Model model)
    {
        var h = random.Next(Households.Length);
        var householdId = Households[h].HouseholdId;
        var roll = random.Next(100);
        var by = roll switch
        {
            < 2 => Coordinator,
            < 10 => Households[(h + random.Next(1, Households.Length)) % Households.Length].Resident,
            _ => Households[h].Resident,
        };
        long quantity = random.Next(100) < 4 ? 0 : random.Next(1, 4);
        var item = random.Next(Items.Length);
        var points = Items[item].PricePoints * quantity;
        var expected = by == Coordinator ? ResultCode.RoleMissing
            : by != Households[h].Resident ? ResultCode.NotResidentOfHousehold
            : quantity is < 1 or > HouseholdRules.MaxQuantity ? ResultCode.PointsOutOfRange
            : model.Stock[item] is { } stock && stock < quantity ? ResultCode.OutOfStock
            : points > model.Balance(h) ? ResultCode.InsufficientPoints
            : ResultCode.Accepted;
        return new Step($"reserve {quantity} × {Items[item].ItemId} for {householdId} by {by.PersonId}", expected,
            s => s.Reserve(by, householdId, Items[item].ItemId, quantity),
            () =>
            {
                model.Redemptions[h].Add(model.Entries[h], (item, points, quantity, Reserved));
                model.ReservedPoints[h] += points;
                model.Stock[item] -= quantity;
                model.Entries[h]++;
            });
    }

    /// <summary>Mostly one of the household's redemptions, in any state; sometimes any sequence number, which may not be a redemption.</summary>
    static long PickRedemption(Random random, Model model, int h) =>
        model.Redemptions[h].Count > 0 && random.Next(100) < 85
            ? model.Redemptions[h].Keys.Order().ElementAt(random.Next(model.Redemptions[h].Count))
            : random.Next(0, (int)model.Entries[h] + 2);

    static ResultCode Settling(Model model, int h, long redemptionId) =>
        !model.Redemptions[h].TryGetValue(redemptionId, out var redemption) ? ResultCode.UnknownRedemption
        : redemption.Status != Reserved ? ResultCode.RedemptionNotReserved
        : ResultCode.Accepted;

    static Step Fulfil(Random random, Model model)
    {
        var h = random.Next(Households.Length);
        var householdId = Households[h].HouseholdId;
        var by = random.Next(100) < 5 ? Households[h].Resident : Coordinator;
        var redemptionId = PickRedemption(random, model, h);
        var expected = by != Coordinator ? ResultCode.RoleMissing : Settling(model, h, redemptionId);
        return new Step($"fulfil #{redemptionId} of {householdId} by {by.PersonId}", expected,
            s => s.Fulfil(householdId, redemptionId, by),
            () =>
            {
                var redemption = model.Redemptions[h][redemptionId];
                model.Redemptions[h][redemptionId] = redemption with { Status = Fulfilled };
                model.ReservedPoints[h] -= redemption.Points;
                model.SpentPoints[h] += redemption.Points;
                model.Entries[h]++;
            });
    }

    static Step Cancel(Random random, Model model)
    {
        var h = random.Next(Households.Length);
        var householdId = Households[h].HouseholdId;
        var by = random.Next(100) switch
        {
            < 45 => Coordinator,
            < 90 => Households[h].Resident,
            < 97 => Households[(h + random.Next(1, Households.Length)) % Households.Length].Resident,
            _ => Fin,
        };
        var redemptionId = PickRedemption(random, model, h);
        var expected = by == Fin ? ResultCode.RoleMissing
            : by != Coordinator && by != Households[h].Resident ? ResultCode.NotResidentOfHousehold
            : Settling(model, h, redemptionId);
        return new Step($"cancel #{redemptionId} of {householdId} by {by.PersonId}", expected,
            s => s.Cancel(householdId, redemptionId, by),
            () =>
            {
                var redemption = model.Redemptions[h][redemptionId];
                model.Redemptions[h][redemptionId] = redemption with { Status = Cancelled };
                model.ReservedPoints[h] -= redemption.Points;
                model.Stock[redemption.Item] += redemption.Quantity;
                model.Entries[h]++;
            });
    }

    static Step Restock(Random random, Model model)
    {
        var item = random.Next(Items.Length);
        var quantity = random.Next(1, 7);
        var by = random.Next(100) < 5 ? Alice : Coordinator;
        var expected = by != Coordinator ? ResultCode.RoleMissing : ResultCode.Accepted;
        return new Step($"restock {quantity} × {Items[item].ItemId} by {by.PersonId}", expected,
            s => s.Restock(Items[item].ItemId, quantity, by),
            () => model.Stock[item] += quantity);
    }

    static void Check(bool condition, int seed, int step, string what)
    {
        if (!condition)
        {
            throw new XunitException($"step {step} (seed {seed}): {what}");
        }
    }
}
