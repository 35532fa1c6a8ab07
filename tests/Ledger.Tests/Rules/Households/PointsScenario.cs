// A points bank for pure tests of the household and catalog rules, on top of
// RegistryScenario (the server's pipeline in memory): a volunteer coordinator, residents of
// two households, a finance officer who holds no points role, and a catalog of three rewards.
// Commands go through RegistryScenario.Submit; a stream's state is read back by replaying
// the scenario's entries of that stream from StreamState.Initial, as the verifier does.
using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;

using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Households;

public static class PointsScenario
{
    /// <summary>alice's household (RegistryScenario.Household).</summary>
    public const string North = RegistryScenario.Household;

    /// <summary>bob's household.</summary>
    public const string South = "b5-1102";

    /// <summary>物业费减免: 500 points each, unlimited.</summary>
    public const string FeeReduction = "fee-reduction";

    /// <summary>家政服务: 80 points each, 3 in stock.</summary>
    public const string Cleaning = "cleaning";

    /// <summary>Goods: 30 points each, 10 in stock.</summary>
    public const string Rice = "rice";

    public const long FeeReductionPrice = 500;
    public const long CleaningPrice = 80;
    public const long CleaningStock = 3;
    public const long RicePrice = 30;
    public const long RiceStock = 10;

    public const string Reason = "the resident changed plans";

    /// <summary>The volunteer coordinator, who awards points and keeps the catalog.</summary>
    public static readonly Signer Coordinator = new("vera", "vera");

    /// <summary>A resident of <see cref="North"/>.</summary>
    public static readonly Signer Alice = new("alice", "alice");

    /// <summary>A resident of <see cref="South"/>.</summary>
    public static readonly Signer Bob = new("bob", "bob");

    /// <summary>A finance officer: registered, but holding no role for points or the catalog.</summary>
    public static readonly Signer Fin = new("fin", "fin");

    /// <summary>
    /// RegistryScenario.Populated, plus the coordinator "vera", the resident "bob" of
    /// <see cref="South"/>, and the catalog: <see cref="FeeReduction"/>, <see cref="Cleaning"/>,
    /// <see cref="Rice"/>. No points are awarded yet.
    /// </summary>
    public static RegistryScenario PointsBank()
    {
        var scenario = RegistryScenario.Populated();
        AssertAccepted(scenario.Register(Coordinator.PersonId, [Role.VolunteerCoordinator]));
        AssertAccepted(scenario.Register(Bob.PersonId, [Role.Resident], South));
        AssertAccepted(scenario.AddItem(FeeReduction, "PropertyFeeReduction", "One month's property fee, reduced by 50 yuan", FeeReductionPrice, stock: null));
        AssertAccepted(scenario.AddItem(Cleaning, "HouseholdService", "Two hours of household cleaning", CleaningPrice, CleaningStock));
        AssertAccepted(scenario.AddItem(Rice, "Goods", "A 5 kg bag of rice", RicePrice, RiceStock));
        return scenario;
    }

    // Bodies, as a client sends them.

    public static JsonObject AwardBody(string householdId, long points, string reference, string activity = "VolunteerService", long quantity = 1) => new()
    {
        ["activity"] = activity,
        ["householdId"] = householdId,
        ["points"] = points,
        ["quantity"] = quantity,
        ["reference"] = reference,
    };

    public static JsonObject ReserveBody(string householdId, string itemId, long quantity = 1) => new()
    {
        ["householdId"] = householdId,
        ["itemId"] = itemId,
        ["quantity"] = quantity,
    };

    public static JsonObject FulfilBody(string householdId, long redemptionId) => new()
    {
        ["householdId"] = householdId,
        ["redemptionId"] = redemptionId,
    };

    public static JsonObject CancelBody(string householdId, long redemptionId, string reason = Reason) => new()
    {
        ["householdId"] = householdId,
        ["reason"] = reason,
        ["redemptionId"] = redemptionId,
    };

    public static JsonObject AddItemBody(string itemId, string kind, string name, long pricePoints, long? stock)
    {
        var body = new JsonObject { ["itemId"] = itemId, ["kind"] = kind, ["name"] = name, ["pricePoints"] = pricePoints };
        if (stock is not null)
        {
            body["stock"] = stock;
        }
        return body;
    }

    public static JsonObject RestockBody(string itemId, long quantity) => new() { ["itemId"] = itemId, ["quantity"] = quantity };

    public static JsonObject WithdrawBody(string itemId) => new() { ["itemId"] = itemId };

    /// <summary>The body with one member set (or added), for breaking a body in one place.</summary>
    public static JsonObject With(this JsonObject body, string member, JsonNode? value)
    {
        body[member] = value;
        return body;
    }

    // Commands, signed and submitted through the pipeline.

    public static Decision Submit(this RegistryScenario scenario, Signer by, string type, JsonObject body) =>
        scenario.Submit(scenario.Sign(by, type, body));

    public static Decision Award(this RegistryScenario scenario, string householdId, long points, string reference,
        string activity = "VolunteerService", long quantity = 1, Signer? by = null) =>
        scenario.Submit(by ?? Coordinator, HouseholdCommandTypes.AwardPoints, AwardBody(householdId, points, reference, activity, quantity));

    public static Decision Reserve(this RegistryScenario scenario, Signer by, string householdId, string itemId, long quantity = 1) =>
        scenario.Submit(by, HouseholdCommandTypes.ReserveRedemption, ReserveBody(householdId, itemId, quantity));

    public static Decision Fulfil(this RegistryScenario scenario, string householdId, long redemptionId, Signer? by = null) =>
        scenario.Submit(by ?? Coordinator, HouseholdCommandTypes.FulfilRedemption, FulfilBody(householdId, redemptionId));

    public static Decision Cancel(this RegistryScenario scenario, string householdId, long redemptionId, Signer? by = null, string reason = Reason) =>
        scenario.Submit(by ?? Coordinator, HouseholdCommandTypes.CancelRedemption, CancelBody(householdId, redemptionId, reason));

    public static Decision AddItem(this RegistryScenario scenario, string itemId, string kind, string name, long pricePoints, long? stock, Signer? by = null) =>
        scenario.Submit(by ?? Coordinator, CatalogCommandTypes.AddCatalogItem, AddItemBody(itemId, kind, name, pricePoints, stock));

    public static Decision Restock(this RegistryScenario scenario, string itemId, long quantity, Signer? by = null) =>
        scenario.Submit(by ?? Coordinator, CatalogCommandTypes.RestockCatalogItem, RestockBody(itemId, quantity));

    public static Decision Withdraw(this RegistryScenario scenario, string itemId, Signer? by = null) =>
        scenario.Submit(by ?? Coordinator, CatalogCommandTypes.WithdrawCatalogItem, WithdrawBody(itemId));

    /// <summary>Awards the points and reserves the item for the household's resident; returns the redemption's id.</summary>
    public static long AwardAndReserve(this RegistryScenario scenario, Signer resident, string householdId, string itemId, long quantity, long points)
    {
        AssertAccepted(scenario.Award(householdId, points, $"award-for-{itemId}-{scenario.Entries.Count}"));
        return RedemptionIdOf(scenario.Reserve(resident, householdId, itemId, quantity));
    }

    /// <summary>The id of the redemption an accepted reservation made: the sequence of its household entry.</summary>
    public static long RedemptionIdOf(Decision decision)
    {
        var reserved = AssertAccepted(decision).Entries.Single(e => e.Type == HouseholdEntryTypes.RedemptionReserved);
        return reserved.Body["redemptionId"]!.GetValue<long>();
    }

    // Reading state back.

    /// <summary>A stream's state, replayed from its first entry by <see cref="StreamState.Apply"/>.</summary>
    public static StreamState Replay(IEnumerable<Entry> entries, string stream) =>
        entries.Where(e => e.Stream == stream).Aggregate(StreamState.Initial(stream), (state, entry) => state.Apply(entry));

    public static HouseholdState HouseholdOf(this RegistryScenario scenario, string householdId) =>
        (HouseholdState)Replay(scenario.Entries, HouseholdRules.StreamOf(householdId));

    public static CatalogState CatalogOf(this RegistryScenario scenario) =>
        (CatalogState)Replay(scenario.Entries, CatalogRules.Stream);

    /// <summary>
    /// A household's points and redemptions as lines, for comparing states before and after a
    /// refusal (the record's equality compares its immutable collections by reference).
    /// </summary>
    public static IReadOnlyList<string> Describe(HouseholdState state) =>
    [
        $"sequence {state.Sequence}",
        $"awarded {state.AwardedPoints}, reserved {state.ReservedPoints}, spent {state.SpentPoints}, balance {state.BalancePoints}",
        .. state.AwardReferences.Order(StringComparer.Ordinal).Select(r => $"reference {r}"),
        .. state.Redemptions.Values.Select(r => $"redemption #{r.Id}: {r.Quantity} × {r.ItemId} for {r.Points}, {r.Status}"),
    ];

    public static IReadOnlyList<string> Describe(CatalogState state) =>
    [
        $"sequence {state.Sequence}",
        .. state.Items.Values.Select(i =>
            $"item {i.ItemId}: \"{i.Name}\", {i.Kind}, {i.PricePoints} points, stock {i.Stock?.ToString() ?? "unlimited"}{(i.Withdrawn ? ", withdrawn" : "")}"),
    ];

    /// <summary>Submits a command that must be refused with <paramref name="expected"/>, and checks that nothing was written.</summary>
    public static Decision.Refuse AssertRefusedAndUnchanged(this RegistryScenario scenario, ResultCode expected, Func<Decision> submit)
    {
        var entriesBefore = scenario.Entries.Count;
        var households = new[] { North, South }.Select(h => Describe(scenario.HouseholdOf(h))).ToList();
        var catalog = Describe(scenario.CatalogOf());

        var refusal = AssertRefused(expected, submit());

        Assert.Equal(entriesBefore, scenario.Entries.Count);
        Assert.Equal(households, new[] { North, South }.Select(h => Describe(scenario.HouseholdOf(h))).ToList());
        Assert.Equal(catalog, Describe(scenario.CatalogOf()));
        return refusal;
    }
}

/// <summary>
/// Follows a scenario's entries and applies each new one to its stream's state: the same
/// replay as <see cref="PointsScenario.Replay"/>, without starting over at every read.
/// </summary>
public sealed class StreamReplica(RegistryScenario scenario)
{
    readonly Dictionary<string, StreamState> states = new(StringComparer.Ordinal);
    int applied;

    public TState StateOf<TState>(string stream) where TState : StreamState
    {
        for (; applied < scenario.Entries.Count; applied++)
        {
            var entry = scenario.Entries[applied];
            states[entry.Stream] = (states.GetValueOrDefault(entry.Stream) ?? StreamState.Initial(entry.Stream)).Apply(entry);
        }
        return (TState)(states.GetValueOrDefault(stream) ?? StreamState.Initial(stream));
    }
}
