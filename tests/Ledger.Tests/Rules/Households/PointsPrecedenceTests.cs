// Which refusal a points or catalog command hears when it breaks two rules at once. The
// table pins the order in which the code checks today, through the whole pipeline: the
// envelope and the role first (Authorization), then the rule, which reads its body as it
// goes — so a member that cannot be read is found only when the rule reaches it. Where the
// order departs from the numbers of ResultCode, the row says so.
using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;

using static Ledger.Tests.Rules.Households.PointsScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Households;

public sealed class PointsPrecedenceTests
{
    /// <summary>One row: the code reported, and how to build the command that breaks the rules the row names.</summary>
    sealed record Case(ResultCode Expected, Func<RegistryScenario, SignedCommand> Command);

    /// <summary>A redemption of <see cref="North"/>'s that was fulfilled (household entry #1).</summary>
    const long Fulfilled = 1;

    /// <summary>A redemption of <see cref="North"/>'s that is still reserved (household entry #3).</summary>
    const long Reserved = 3;

    /// <summary>An item added with one seat and withdrawn.</summary>
    const string Opera = "opera";

    /// <summary>A reference already awarded to <see cref="North"/>.</summary>
    const string UsedReference = "work-1";

    const long MaxSafeInteger = 9_007_199_254_740_991;

    static readonly TimeSpan BeyondTheWindow = Authorization.IssueWindow + TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// The points bank, with <see cref="North"/> awarded 100 points (reference
    /// <see cref="UsedReference"/>), one rice fulfilled and one reserved: a balance of 40.
    /// Cleaning (80 points, 3 left) is beyond that balance; <see cref="Opera"/> is withdrawn.
    /// </summary>
    static RegistryScenario Bank()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 100, UsedReference));
        Assert.Equal(Fulfilled, RedemptionIdOf(scenario.Reserve(Alice, North, Rice)));
        AssertAccepted(scenario.Fulfil(North, Fulfilled));
        Assert.Equal(Reserved, RedemptionIdOf(scenario.Reserve(Alice, North, Rice)));
        AssertAccepted(scenario.AddItem(Opera, "Tickets", "A seat at the district opera", 20, stock: 1));
        AssertAccepted(scenario.Withdraw(Opera));
        Assert.Equal(40, scenario.HouseholdOf(North).BalancePoints);
        return scenario;
    }

    static Func<RegistryScenario, SignedCommand> Award(JsonObject body, Signer? by = null, TimeSpan? issuedOffset = null) =>
        s => s.Sign(by ?? Coordinator, HouseholdCommandTypes.AwardPoints, body, issuedOffset is { } offset ? s.Now + offset : null);

    static Func<RegistryScenario, SignedCommand> Reserve(JsonObject body, Signer? by = null) =>
        s => s.Sign(by ?? Alice, HouseholdCommandTypes.ReserveRedemption, body);

    static Func<RegistryScenario, SignedCommand> Fulfil(JsonObject body, Signer? by = null) =>
        s => s.Sign(by ?? Coordinator, HouseholdCommandTypes.FulfilRedemption, body);

    static Func<RegistryScenario, SignedCommand> Cancel(JsonObject body, Signer? by = null) =>
        s => s.Sign(by ?? Coordinator, HouseholdCommandTypes.CancelRedemption, body);

    static Func<RegistryScenario, SignedCommand> AddItem(JsonObject body, Signer? by = null) =>
        s => s.Sign(by ?? Coordinator, CatalogCommandTypes.AddCatalogItem, body);

    static Func<RegistryScenario, SignedCommand> Restock(JsonObject body, Signer? by = null) =>
        s => s.Sign(by ?? Coordinator, CatalogCommandTypes.RestockCatalogItem, body);

    static Func<RegistryScenario, SignedCommand> Withdraw(JsonObject body, Signer? by = null) =>
        s => s.Sign(by ?? Coordinator, CatalogCommandTypes.WithdrawCatalogItem, body);

    static readonly Dictionary<string, Case> Cases = new()
    {
        // The envelope and the role, before any rule.
        ["a stale award by a resident for an unknown activity"] = new(ResultCode.CommandStale,
            Award(AwardBody(North, 10, "work-2", "Gardening"), Alice, -BeyondTheWindow)),
        ["an award from the future with a reference already used"] = new(ResultCode.CommandFromFuture,
            Award(AwardBody(North, 10, UsedReference), issuedOffset: BeyondTheWindow)),
        ["a resident awarding points for an unknown activity"] = new(ResultCode.RoleMissing,
            Award(AwardBody(North, 10, "work-2", "Gardening"), Alice)),
        ["a resident awarding with an unknown member (MalformedCommand, though numbered lower, comes later)"] = new(ResultCode.RoleMissing,
            Award(AwardBody(North, 10, "work-2").With("bonus", 5), Alice)),

        // AwardPoints: members, activity, points and quantity, reference.
        ["an award with an unknown member for an unknown activity"] = new(ResultCode.MalformedCommand,
            Award(AwardBody(North, 10, "work-2", "Gardening").With("bonus", 5))),
        ["an unknown activity with points out of range"] = new(ResultCode.UnknownActivity,
            Award(AwardBody(North, 0, "work-2", "Gardening"))),
        ["an unknown activity with a reference already used"] = new(ResultCode.UnknownActivity,
            Award(AwardBody(North, 10, UsedReference, "Gardening"))),
        ["an unknown activity with points that are not an integer (read after the activity)"] = new(ResultCode.UnknownActivity,
            Award(AwardBody(North, 10, "work-2", "Gardening").With("points", "10"))),
        ["points out of range with a reference already used"] = new(ResultCode.PointsOutOfRange,
            Award(AwardBody(North, HouseholdRules.MaxPointsPerAward + 1, UsedReference))),
        ["a quantity out of range with a reference already used"] = new(ResultCode.PointsOutOfRange,
            Award(AwardBody(North, 10, UsedReference, quantity: 0))),
        ["points out of range with an empty reference (MalformedCommand, though numbered lower, comes later)"] = new(ResultCode.PointsOutOfRange,
            Award(AwardBody(North, MaxSafeInteger, ""))),
        ["points out of range with a quantity that is not an integer (both are read before the range is checked)"] = new(ResultCode.MalformedCommand,
            Award(AwardBody(North, 0, "work-2").With("quantity", "1"))),

        // ReserveRedemption: role, members, residence, quantity, item, stock, balance.
        ["a coordinator reserving beyond the balance"] = new(ResultCode.RoleMissing,
            Reserve(ReserveBody(North, Cleaning, 1), Coordinator)),
        ["a finance officer reserving with an unknown member"] = new(ResultCode.RoleMissing,
            Reserve(ReserveBody(North, Rice).With("points", 30), Fin)),
        ["a resident of another household reserving with an unknown member"] = new(ResultCode.MalformedCommand,
            Reserve(ReserveBody(North, Rice).With("points", 30), Bob)),
        ["a resident of another household reserving a quantity out of range"] = new(ResultCode.NotResidentOfHousehold,
            Reserve(ReserveBody(North, Rice, 0), Bob)),
        ["a resident of another household reserving a quantity that is not an integer"] = new(ResultCode.NotResidentOfHousehold,
            Reserve(ReserveBody(North, Rice).With("quantity", "1"), Bob)),
        ["a resident of another household reserving an unknown item beyond the balance"] = new(ResultCode.NotResidentOfHousehold,
            Reserve(ReserveBody(North, "bicycle", 2), Bob)),
        ["a quantity out of range of an unknown item"] = new(ResultCode.PointsOutOfRange,
            Reserve(ReserveBody(North, "bicycle", 0))),
        ["a quantity beyond the largest, beyond the stock and the balance"] = new(ResultCode.PointsOutOfRange,
            Reserve(ReserveBody(North, Cleaning, HouseholdRules.MaxQuantity + 1))),
        ["a quantity out of range with an item id that is not a string (read after the quantity)"] = new(ResultCode.PointsOutOfRange,
            Reserve(ReserveBody(North, Rice, 0).With("itemId", 7))),
        ["an unknown item beyond the balance"] = new(ResultCode.UnknownCatalogItem,
            Reserve(ReserveBody(North, "bicycle", 100))),
        ["a withdrawn item beyond its stock and the balance"] = new(ResultCode.CatalogItemWithdrawn,
            Reserve(ReserveBody(North, Opera, 5))),
        ["beyond the stock and beyond the balance (OutOfStock, though numbered higher, comes first)"] = new(ResultCode.OutOfStock,
            Reserve(ReserveBody(North, Cleaning, CleaningStock + 1))),

        // FulfilRedemption: role, members, redemption.
        ["a resident fulfilling an unknown redemption"] = new(ResultCode.RoleMissing,
            Fulfil(FulfilBody(North, 99), Alice)),
        ["a resident fulfilling with an unknown member"] = new(ResultCode.RoleMissing,
            Fulfil(FulfilBody(North, Reserved).With("points", 30), Alice)),
        ["a fulfilment with an unknown member of an unknown redemption"] = new(ResultCode.MalformedCommand,
            Fulfil(FulfilBody(North, 99).With("points", 30))),

        // CancelRedemption: role, members, residence (unless a coordinator), redemption, reason.
        ["a finance officer cancelling with an unknown member"] = new(ResultCode.RoleMissing,
            Cancel(CancelBody(North, Reserved).With("points", 30), Fin)),
        ["a resident of another household cancelling with an unknown member"] = new(ResultCode.MalformedCommand,
            Cancel(CancelBody(North, Reserved).With("points", 30), Bob)),
        ["a resident of another household cancelling an unknown redemption"] = new(ResultCode.NotResidentOfHousehold,
            Cancel(CancelBody(North, 99), Bob)),
        ["a resident of another household cancelling a fulfilled redemption"] = new(ResultCode.NotResidentOfHousehold,
            Cancel(CancelBody(North, Fulfilled), Bob)),
        ["a resident of another household cancelling with an empty reason"] = new(ResultCode.NotResidentOfHousehold,
            Cancel(CancelBody(North, Reserved, reason: ""), Bob)),
        ["an unknown redemption with an empty reason (MalformedCommand, though numbered lower, comes later)"] = new(ResultCode.UnknownRedemption,
            Cancel(CancelBody(North, 99, reason: ""), Alice)),
        ["a fulfilled redemption with an empty reason (MalformedCommand, though numbered lower, comes later)"] = new(ResultCode.RedemptionNotReserved,
            Cancel(CancelBody(North, Fulfilled, reason: ""))),

        // AddCatalogItem: role, members, item id and name, existence, kind, price and stock.
        ["a resident adding an item already in the catalog"] = new(ResultCode.RoleMissing,
            AddItem(AddItemBody(Rice, "Goods", "Rice", 30, 1), Alice)),
        ["an item already in the catalog with an unknown member"] = new(ResultCode.MalformedCommand,
            AddItem(AddItemBody(Rice, "Goods", "Rice", 30, 1).With("colour", "white"))),
        ["an empty name for an item already in the catalog"] = new(ResultCode.MalformedCommand,
            AddItem(AddItemBody(Rice, "Goods", "", 30, 1))),
        ["a bad item id of an unknown kind with a price out of range"] = new(ResultCode.MalformedCommand,
            AddItem(AddItemBody("rice bag", "Food", "Rice", 0, 1))),
        ["an item already in the catalog of an unknown kind (MalformedCommand, though numbered lower, comes later)"] = new(ResultCode.CatalogItemExists,
            AddItem(AddItemBody(Rice, "Food", "Rice", 30, 1))),
        ["an item already in the catalog with a price out of range"] = new(ResultCode.CatalogItemExists,
            AddItem(AddItemBody(Rice, "Goods", "Rice", 0, 1))),
        ["a withdrawn item added again with a stock out of range"] = new(ResultCode.CatalogItemExists,
            AddItem(AddItemBody(Opera, "Tickets", "A seat at the district opera", 20, -1))),
        ["an unknown kind with a price out of range"] = new(ResultCode.MalformedCommand,
            AddItem(AddItemBody("bicycle", "Vehicle", "A bicycle", 0, 1))),
        ["a price out of range with a stock that is not an integer (both are read before the range is checked)"] = new(ResultCode.MalformedCommand,
            AddItem(AddItemBody("bicycle", "Goods", "A bicycle", 0, 1).With("stock", "1"))),

        // RestockCatalogItem: role, members, item, quantity.
        ["a resident restocking an unknown item"] = new(ResultCode.RoleMissing,
            Restock(RestockBody("bicycle", 1), Alice)),
        ["a restock with an unknown member of an unknown item"] = new(ResultCode.MalformedCommand,
            Restock(RestockBody("bicycle", 1).With("price", 10))),
        ["an unknown item restocked with a quantity out of range"] = new(ResultCode.UnknownCatalogItem,
            Restock(RestockBody("bicycle", 0))),
        ["an unknown item restocked with a quantity that is not an integer (read after the item)"] = new(ResultCode.UnknownCatalogItem,
            Restock(RestockBody("bicycle", 1).With("quantity", "1"))),
        ["a withdrawn item restocked with a quantity out of range"] = new(ResultCode.CatalogItemWithdrawn,
            Restock(RestockBody(Opera, CatalogRules.MaxStock + 1))),

        // WithdrawCatalogItem: role, members, item.
        ["a resident withdrawing an unknown item"] = new(ResultCode.RoleMissing,
            Withdraw(WithdrawBody("bicycle"), Bob)),
        ["a withdrawal with an unknown member of an unknown item"] = new(ResultCode.MalformedCommand,
            Withdraw(WithdrawBody("bicycle").With("reason", "gone"))),
    };

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var name in Cases.Keys)
        {
            names.Add(name);
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RefusalPrecedence(string breaks)
    {
        var @case = Cases[breaks];
        var scenario = Bank();
        var signed = @case.Command(scenario);

        scenario.AssertRefusedAndUnchanged(@case.Expected, () => scenario.Submit(signed));
    }
}
