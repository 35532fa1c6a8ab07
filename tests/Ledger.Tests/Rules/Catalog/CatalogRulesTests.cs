// The catalog stream's rules (src/Ledger/Rules/Catalog/CatalogRules.cs): adding a reward
// with its point price and optional stock (absent means unlimited), restocking and
// withdrawing it; what each allows, the state it leaves, and what each refuses with which code.
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Tests.Rules.Households;

using static Ledger.Tests.Rules.Households.PointsScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Catalog;

public sealed class CatalogRulesTests
{
    // The command table.

    [Theory]
    [InlineData(CatalogCommandTypes.AddCatalogItem)]
    [InlineData(CatalogCommandTypes.RestockCatalogItem)]
    [InlineData(CatalogCommandTypes.WithdrawCatalogItem)]
    public void CatalogCommandIsGivenOnlyByAVolunteerCoordinatorAndWritesOnlyTheCatalog(string type)
    {
        var rule = Commands.Find(type);

        Assert.NotNull(rule);
        Assert.Equal([Role.VolunteerCoordinator], rule.Roles.ToArray());
        Assert.Equal([CatalogRules.Stream], Commands.StreamsOf(rule, new RegistryScenario().NewCommand("vera", KeyId("vera"), type, new JsonObject())));
    }

    // AddCatalogItem.

    [Fact]
    public void ItemAddedWithAStockIsOfferedAtItsPriceWithThatStock()
    {
        var scenario = PointsBank();

        var accepted = AssertAccepted(scenario.AddItem("opera", "Tickets", "Two seats at the district opera", 200, stock: 4));

        var entry = Assert.Single(accepted.Entries);
        Assert.Equal((CatalogRules.Stream, CatalogEntryTypes.CatalogItemAdded), (entry.Stream, entry.Type));
        Assert.Equal("""{"itemId":"opera","kind":"Tickets","name":"Two seats at the district opera","pricePoints":200,"stock":4}""", entry.Body.ToJsonString());
        Assert.Equal(new CatalogItem("opera", "Two seats at the district opera", RewardKind.Tickets, 200, 4, Withdrawn: false), scenario.CatalogOf().Items["opera"]);
    }

    [Fact]
    public void ItemAddedWithoutAStockIsUnlimited()
    {
        var scenario = PointsBank();

        var accepted = AssertAccepted(scenario.AddItem("repair", "HouseholdService", "An hour of small home repairs", 60, stock: null));

        Assert.Equal("""{"itemId":"repair","kind":"HouseholdService","name":"An hour of small home repairs","pricePoints":60}""", Assert.Single(accepted.Entries).Body.ToJsonString());
        var repair = scenario.CatalogOf().Items["repair"];
        Assert.Null(repair.Stock);
        Assert.False(repair.Withdrawn);
    }

    [Fact]
    public void PopulatedCatalogHoldsTheThreeRewards() =>
        Assert.Equal(
            [
                "sequence 2",
                "item cleaning: \"Two hours of household cleaning\", HouseholdService, 80 points, stock 3",
                "item fee-reduction: \"One month's property fee, reduced by 50 yuan\", PropertyFeeReduction, 500 points, stock unlimited",
                "item rice: \"A 5 kg bag of rice\", Goods, 30 points, stock 10",
            ],
            Describe(PointsBank().CatalogOf()));

    [Theory]
    [InlineData("PropertyFeeReduction", RewardKind.PropertyFeeReduction)]
    [InlineData("HouseholdService", RewardKind.HouseholdService)]
    [InlineData("Goods", RewardKind.Goods)]
    [InlineData("Tickets", RewardKind.Tickets)]
    public void EveryKindOfRewardCanBeAdded(string kind, RewardKind expected)
    {
        var scenario = PointsBank();

        AssertAccepted(scenario.AddItem("reward-1", kind, "A reward", 10, stock: 1));

        Assert.Equal(expected, scenario.CatalogOf().Items["reward-1"].Kind);
    }

    [Theory]
    [InlineData(1, 0L)]
    [InlineData(CatalogRules.MaxPricePoints, 0L)]
    [InlineData(1, CatalogRules.MaxStock)]
    [InlineData(CatalogRules.MaxPricePoints, CatalogRules.MaxStock)]
    [InlineData(1, null)]
    public void ItemAtTheBoundsOfPriceAndStockIsAccepted(long price, long? stock)
    {
        var scenario = PointsBank();

        AssertAccepted(scenario.AddItem("reward-1", "Goods", "A reward", price, stock));

        var item = scenario.CatalogOf().Items["reward-1"];
        Assert.Equal((price, stock), (item.PricePoints, item.Stock));
    }

    [Theory]
    [InlineData(0, 1L)]
    [InlineData(-1, 1L)]
    [InlineData(CatalogRules.MaxPricePoints + 1, 1L)]
    [InlineData(0, null)]
    [InlineData(10, -1L)]
    [InlineData(10, CatalogRules.MaxStock + 1)]
    [InlineData(10, -9_007_199_254_740_991L)]
    [InlineData(9_007_199_254_740_991L, 1L)]
    public void ItemWithAPriceOrStockOutOfRangeIsRefused(long price, long? stock)
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.PointsOutOfRange, () => scenario.AddItem("reward-1", "Goods", "A reward", price, stock));
    }

    [Fact]
    public void ItemIdAlreadyInTheCatalogIsRefused()
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.CatalogItemExists, () => scenario.AddItem(Rice, "Goods", "A 10 kg bag of rice", 50, stock: 3));
    }

    [Fact]
    public void ItemIdOfAWithdrawnItemIsNotReused()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Withdraw(Rice));

        scenario.AssertRefusedAndUnchanged(ResultCode.CatalogItemExists, () => scenario.AddItem(Rice, "Goods", "A 5 kg bag of rice", RicePrice, stock: 3));
    }

    [Theory]
    [InlineData("Food")]
    [InlineData("goods")]
    [InlineData("2")]
    [InlineData("")]
    public void ItemOfAnUnknownKindIsMalformed(string kind)
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.AddItem("reward-1", kind, "A reward", 10, stock: 1));
    }

    [Theory]
    [InlineData("rice bag")]
    [InlineData("")]
    [InlineData("-rice")]
    [InlineData("米")]
    [InlineData("household/rice")]
    public void ItemIdThatIsNotAnIdentifierIsMalformed(string itemId)
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.AddItem(itemId, "Goods", "A reward", 10, stock: 1));
    }

    [Fact]
    public void ItemIdOfSixtyFourCharactersIsAcceptedAndSixtyFiveIsMalformed()
    {
        var scenario = PointsBank();

        AssertAccepted(scenario.AddItem(new string('r', 64), "Goods", "A reward", 10, stock: 1));
        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.AddItem(new string('r', 65), "Goods", "A reward", 10, stock: 1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("A bag\nof rice")]
    [InlineData("\u0000")]
    public void ItemNameThatIsEmptyOrHasControlCharactersIsMalformed(string name)
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.AddItem("reward-1", "Goods", name, 10, stock: 1));
    }

    [Fact]
    public void ItemNameOfTheLongestLengthIsAcceptedAndOneMoreIsMalformed()
    {
        var scenario = PointsBank();

        AssertAccepted(scenario.AddItem("reward-1", "Goods", new string('米', CatalogRules.MaxNameLength), 10, stock: 1));
        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () =>
            scenario.AddItem("reward-2", "Goods", new string('米', CatalogRules.MaxNameLength + 1), 10, stock: 1));
    }

    public static TheoryData<string, JsonNode?> MalformedItemMembers() => new()
    {
        { "colour", "red" },
        { "pricePoints", "10" },
        { "stock", "1" },
        { "kind", 2 },
        { "name", 5 },
        { "itemId", 5 },
    };

    [Theory]
    [MemberData(nameof(MalformedItemMembers))]
    public void ItemWithAnUnknownOrBadMemberIsMalformed(string member, JsonNode? value)
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () =>
            scenario.Submit(Coordinator, CatalogCommandTypes.AddCatalogItem, AddItemBody("reward-1", "Goods", "A reward", 10, 1).With(member, value)));
    }

    [Theory]
    [InlineData("itemId")]
    [InlineData("kind")]
    [InlineData("name")]
    [InlineData("pricePoints")]
    public void ItemWithARequiredMemberMissingIsMalformed(string member)
    {
        var scenario = PointsBank();
        var body = AddItemBody("reward-1", "Goods", "A reward", 10, 1);
        body.Remove(member);

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.Submit(Coordinator, CatalogCommandTypes.AddCatalogItem, body));
    }

    [Fact]
    public void OnlyAVolunteerCoordinatorAddsItems()
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.AddItem("reward-1", "Goods", "A reward", 10, stock: 1, by: Alice));
        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.AddItem("reward-1", "Goods", "A reward", 10, stock: 1, by: Fin));
    }

    // RestockCatalogItem.

    [Fact]
    public void RestockAddsToTheStock()
    {
        var scenario = PointsBank();

        var accepted = AssertAccepted(scenario.Restock(Rice, 5));

        var entry = Assert.Single(accepted.Entries);
        Assert.Equal((CatalogRules.Stream, CatalogEntryTypes.CatalogItemRestocked), (entry.Stream, entry.Type));
        Assert.Equal("""{"itemId":"rice","quantity":5}""", entry.Body.ToJsonString());
        Assert.Equal(RiceStock + 5, scenario.CatalogOf().Items[Rice].Stock);
    }

    [Fact]
    public void RestockOfASoldOutItemLetsItBeReservedAgain()
    {
        var scenario = PointsBank();
        scenario.AwardAndReserve(Alice, North, Cleaning, CleaningStock, points: 1000);
        AssertRefused(ResultCode.OutOfStock, scenario.Reserve(Alice, North, Cleaning));

        AssertAccepted(scenario.Restock(Cleaning, 1));

        AssertAccepted(scenario.Reserve(Alice, North, Cleaning));
        Assert.Equal(0, scenario.CatalogOf().Items[Cleaning].Stock);
    }

    [Fact]
    public void RestockOfAnUnlimitedItemIsAcceptedAndLeavesItUnlimited()
    {
        // The rule accepts it, and its entry changes nothing: an unlimited item has no stock to
        // count (CatalogState.WithStock). Pinned as it is; refusing it would be a rule change.
        var scenario = PointsBank();

        AssertAccepted(scenario.Restock(FeeReduction, 5));

        Assert.Null(scenario.CatalogOf().Items[FeeReduction].Stock);
    }

    [Fact]
    public void RestockBeyondTheLargestStockAnItemCanBeAddedWithIsAccepted()
    {
        // MaxStock bounds each command, not the stock it adds up to.
        var scenario = PointsBank();
        AssertAccepted(scenario.AddItem("reward-1", "Goods", "A reward", 1, stock: CatalogRules.MaxStock));

        AssertAccepted(scenario.Restock("reward-1", CatalogRules.MaxStock));

        Assert.Equal(2 * CatalogRules.MaxStock, scenario.CatalogOf().Items["reward-1"].Stock);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(CatalogRules.MaxStock + 1)]
    public void RestockOfAQuantityOutOfRangeIsRefused(long quantity)
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.PointsOutOfRange, () => scenario.Restock(Rice, quantity));
    }

    [Fact]
    public void RestockOfTheLargestQuantityIsAccepted()
    {
        var scenario = PointsBank();

        AssertAccepted(scenario.Restock(Rice, CatalogRules.MaxStock));

        Assert.Equal(RiceStock + CatalogRules.MaxStock, scenario.CatalogOf().Items[Rice].Stock);
    }

    [Fact]
    public void RestockOfAnItemNotInTheCatalogIsRefused()
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownCatalogItem, () => scenario.Restock("opera", 5));
    }

    [Fact]
    public void RestockOfAWithdrawnItemIsRefused()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Withdraw(Rice));

        scenario.AssertRefusedAndUnchanged(ResultCode.CatalogItemWithdrawn, () => scenario.Restock(Rice, 5));
    }

    [Theory]
    [InlineData("price", 10)]
    [InlineData("quantity", "5")]
    [InlineData("itemId", 5)]
    public void RestockWithAnUnknownOrBadMemberIsMalformed(string member, object value)
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () =>
            scenario.Submit(Coordinator, CatalogCommandTypes.RestockCatalogItem, RestockBody(Rice, 5).With(member, JsonValue.Create(value))));
    }

    [Fact]
    public void OnlyAVolunteerCoordinatorRestocks()
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Restock(Rice, 5, by: Alice));
    }

    // WithdrawCatalogItem.

    [Fact]
    public void WithdrawnItemKeepsItsStockAndPrice()
    {
        var scenario = PointsBank();

        var accepted = AssertAccepted(scenario.Withdraw(Cleaning));

        var entry = Assert.Single(accepted.Entries);
        Assert.Equal((CatalogRules.Stream, CatalogEntryTypes.CatalogItemWithdrawn), (entry.Stream, entry.Type));
        Assert.Equal("""{"itemId":"cleaning"}""", entry.Body.ToJsonString());
        Assert.Equal(new CatalogItem(Cleaning, "Two hours of household cleaning", RewardKind.HouseholdService, CleaningPrice, CleaningStock, Withdrawn: true),
            scenario.CatalogOf().Items[Cleaning]);
        Assert.False(scenario.CatalogOf().Items[Rice].Withdrawn);
    }

    [Fact]
    public void UnlimitedItemCanBeWithdrawn()
    {
        var scenario = PointsBank();

        AssertAccepted(scenario.Withdraw(FeeReduction));

        var item = scenario.CatalogOf().Items[FeeReduction];
        Assert.Equal(((long?)null, true), (item.Stock, item.Withdrawn));
    }

    [Fact]
    public void WithdrawingTwiceIsRefused()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Withdraw(Rice));

        scenario.AssertRefusedAndUnchanged(ResultCode.CatalogItemWithdrawn, () => scenario.Withdraw(Rice));
    }

    [Fact]
    public void WithdrawingAnItemNotInTheCatalogIsRefused()
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownCatalogItem, () => scenario.Withdraw("opera"));
    }

    [Fact]
    public void WithdrawalWithAnUnknownMemberIsMalformed()
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () =>
            scenario.Submit(Coordinator, CatalogCommandTypes.WithdrawCatalogItem, WithdrawBody(Rice).With("reason", "sold out for good")));
    }

    [Fact]
    public void OnlyAVolunteerCoordinatorWithdraws()
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Withdraw(Rice, by: Bob));
    }
}
