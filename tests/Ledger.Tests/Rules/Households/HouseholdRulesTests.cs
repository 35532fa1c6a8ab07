// The household stream's points rules (src/Ledger/Rules/Households/HouseholdRules.cs),
// command by command: what each allows and the state it leaves — awarded, reserved and spent
// points, the balance (awarded − fulfilled − reserved, DOMAIN.md "Points"), the redemptions and
// the catalog's stock — and what each refuses, with which code, writing nothing.
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;

using static Ledger.Tests.Rules.Households.PointsScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Households;

public sealed class HouseholdRulesTests
{
    /// <summary>The largest integer a command body can carry (docs/FORMAT.md: ±(2^53 − 1)); beyond it a command cannot be signed.</summary>
    const long MaxSafeInteger = 9_007_199_254_740_991;

    // The command table.

    [Theory]
    [InlineData(HouseholdCommandTypes.AwardPoints, new[] { Role.VolunteerCoordinator }, false)]
    [InlineData(HouseholdCommandTypes.ReserveRedemption, new[] { Role.Resident }, true)]
    [InlineData(HouseholdCommandTypes.FulfilRedemption, new[] { Role.VolunteerCoordinator }, false)]
    [InlineData(HouseholdCommandTypes.CancelRedemption, new[] { Role.VolunteerCoordinator, Role.Resident }, true)]
    public void HouseholdCommandIsGivenOnlyByItsRolesAndWritesTheHouseholdAndPerhapsTheCatalog(string type, Role[] roles, bool writesCatalog)
    {
        var rule = Commands.Find(type);

        Assert.NotNull(rule);
        Assert.Equal(roles.Order(), rule.Roles.Order());
        var command = new RegistryScenario().NewCommand("vera", KeyId("vera"), type, new JsonObject { ["householdId"] = South });
        Assert.Equal(writesCatalog ? [CatalogRules.Stream, "household/" + South] : ["household/" + South], Commands.StreamsOf(rule, command));
    }

    [Theory]
    [InlineData(HouseholdCommandTypes.AwardPoints)]
    [InlineData(HouseholdCommandTypes.ReserveRedemption)]
    [InlineData(HouseholdCommandTypes.FulfilRedemption)]
    [InlineData(HouseholdCommandTypes.CancelRedemption)]
    public void HouseholdIdThatIsNotAnIdentifierIsMalformedBeforeAnyRuleIsAsked(string type)
    {
        // The server turns this FormatException into MalformedCommand (LedgerGrains.ExecuteAsync),
        // before authentication: the streams a command writes are known before its turn is taken.
        var rule = Commands.Find(type)!;
        var scenario = new RegistryScenario();

        Assert.Throws<FormatException>(() => Commands.StreamsOf(rule, scenario.NewCommand("vera", KeyId("vera"), type, new JsonObject { ["householdId"] = "b2 0301" })));
        Assert.Throws<FormatException>(() => Commands.StreamsOf(rule, scenario.NewCommand("vera", KeyId("vera"), type, new JsonObject { ["householdId"] = 301 })));
        Assert.Throws<FormatException>(() => Commands.StreamsOf(rule, scenario.NewCommand("vera", KeyId("vera"), type, new JsonObject())));
    }

    // AwardPoints.

    [Fact]
    public void AwardAddsItsPointsToTheHouseholdAndRecordsItsReference()
    {
        var scenario = PointsBank();
        var entriesBefore = scenario.Entries.Count;

        var accepted = AssertAccepted(scenario.Award(North, 120, "volunteer-2026-03-01", "VolunteerService", quantity: 4));

        var entry = Assert.Single(accepted.Entries);
        Assert.Equal(("household/" + North, HouseholdEntryTypes.PointsAwarded), (entry.Stream, entry.Type));
        Assert.Equal("""{"activity":"VolunteerService","points":120,"quantity":4,"reference":"volunteer-2026-03-01"}""", entry.Body.ToJsonString());
        Assert.Equal(entriesBefore + 1, scenario.Entries.Count);
        var north = scenario.HouseholdOf(North);
        Assert.Equal((120L, 0L, 0L, 120L), (north.AwardedPoints, north.ReservedPoints, north.SpentPoints, north.BalancePoints));
        Assert.Equal(["volunteer-2026-03-01"], north.AwardReferences);
        Assert.Empty(north.Redemptions);
        Assert.Equal(0, scenario.HouseholdOf(South).AwardedPoints);
    }

    [Fact]
    public void AwardsAddUp()
    {
        var scenario = PointsBank();

        AssertAccepted(scenario.Award(North, 120, "volunteer-1"));
        AssertAccepted(scenario.Award(North, 35, "sorting-1", "WasteSorting"));
        AssertAccepted(scenario.Award(North, 1, "council-1", "CouncilParticipation"));

        var north = scenario.HouseholdOf(North);
        Assert.Equal((156L, 156L), (north.AwardedPoints, north.BalancePoints));
        Assert.Equal(3, north.AwardReferences.Count);
    }

    [Theory]
    [InlineData("VolunteerService")]
    [InlineData("WasteSorting")]
    [InlineData("CouncilParticipation")]
    [InlineData("ResourceDonation")]
    public void EveryActivityEarnsPoints(string activity)
    {
        var scenario = PointsBank();

        AssertAccepted(scenario.Award(South, 10, "work-1", activity));

        Assert.Equal(10, scenario.HouseholdOf(South).BalancePoints);
    }

    [Theory]
    [InlineData("Gardening")]
    [InlineData("volunteerService")]
    [InlineData("VOLUNTEERSERVICE")]
    [InlineData("0")]
    [InlineData("")]
    public void AwardForAnActivityNotInTheListIsRefused(string activity)
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownActivity, () => scenario.Award(North, 10, "work-1", activity));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(HouseholdRules.MaxPointsPerAward, 1)]
    [InlineData(1, HouseholdRules.MaxQuantity)]
    [InlineData(HouseholdRules.MaxPointsPerAward, HouseholdRules.MaxQuantity)]
    public void AwardAtTheBoundsOfPointsAndQuantityIsAccepted(long points, long quantity)
    {
        var scenario = PointsBank();

        AssertAccepted(scenario.Award(North, points, "work-1", quantity: quantity));

        Assert.Equal(points, scenario.HouseholdOf(North).BalancePoints);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(HouseholdRules.MaxPointsPerAward + 1, 1)]
    [InlineData(MaxSafeInteger, 1)]
    [InlineData(10, 0)]
    [InlineData(10, -1)]
    [InlineData(10, HouseholdRules.MaxQuantity + 1)]
    public void AwardOutsideThePointsOrQuantityRangeIsRefused(long points, long quantity)
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.PointsOutOfRange, () => scenario.Award(North, points, "work-1", quantity: quantity));
    }

    [Fact]
    public void SameReferenceTwiceForOneHouseholdIsRefused()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 50, "sorting-week-9", "WasteSorting"));

        scenario.AssertRefusedAndUnchanged(ResultCode.AwardReferenceUsed, () => scenario.Award(North, 50, "sorting-week-9", "WasteSorting"));
        scenario.AssertRefusedAndUnchanged(ResultCode.AwardReferenceUsed, () => scenario.Award(North, 70, "sorting-week-9", "VolunteerService", quantity: 2));

        Assert.Equal(50, scenario.HouseholdOf(North).BalancePoints);
    }

    [Fact]
    public void ReferencesAreComparedExactly()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 50, "sorting-week-9"));

        AssertAccepted(scenario.Award(North, 50, "Sorting-week-9"));
        AssertAccepted(scenario.Award(North, 50, "sorting-week-9 "));

        Assert.Equal(150, scenario.HouseholdOf(North).BalancePoints);
    }

    [Fact]
    public void SameReferenceForAnotherHouseholdIsAllowed()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 50, "council-2026-03"));

        AssertAccepted(scenario.Award(South, 50, "council-2026-03"));

        Assert.Equal((50L, 50L), (scenario.HouseholdOf(North).BalancePoints, scenario.HouseholdOf(South).BalancePoints));
    }

    [Fact]
    public void ReferenceOfARefusedAwardIsStillFree()
    {
        var scenario = PointsBank();
        AssertRefused(ResultCode.PointsOutOfRange, scenario.Award(North, 0, "work-1"));

        AssertAccepted(scenario.Award(North, 5, "work-1"));
    }

    [Fact]
    public void ResidentCannotAwardPointsEvenToTheirOwnHousehold()
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Award(North, 10, "work-1", by: Alice));
        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Award(North, 10, "work-1", by: Fin));
    }

    [Fact]
    public void AwardToAHouseholdWithNoRegisteredResidentIsAccepted()
    {
        // The rules do not ask the registry whether a household has residents: points can wait
        // for a household whose residents register later.
        var scenario = PointsBank();

        AssertAccepted(scenario.Award("b9-0101", 10, "work-1"));

        Assert.Equal(10, scenario.HouseholdOf("b9-0101").BalancePoints);
    }

    public static TheoryData<string, JsonNode?> MalformedAwardMembers() => new()
    {
        { "bonus", 5 },
        { "points", "10" },
        { "quantity", "1" },
        { "activity", 3 },
        { "reference", "" },
        { "reference", new string('r', HouseholdRules.MaxReferenceLength + 1) },
        { "reference", "week\n9" },
        { "reference", 9 },
    };

    [Theory]
    [MemberData(nameof(MalformedAwardMembers))]
    public void AwardWithAnUnknownOrBadMemberIsMalformed(string member, JsonNode? value)
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () =>
            scenario.Submit(Coordinator, HouseholdCommandTypes.AwardPoints, AwardBody(North, 10, "work-1").With(member, value)));
    }

    [Theory]
    [InlineData("activity")]
    [InlineData("points")]
    [InlineData("quantity")]
    [InlineData("reference")]
    public void AwardWithAMemberMissingIsMalformed(string member)
    {
        var scenario = PointsBank();
        var body = AwardBody(North, 10, "work-1");
        body.Remove(member);

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.Submit(Coordinator, HouseholdCommandTypes.AwardPoints, body));
    }

    [Fact]
    public void ReferenceOfTheLongestLengthIsAccepted()
    {
        var scenario = PointsBank();

        AssertAccepted(scenario.Award(North, 10, new string('r', HouseholdRules.MaxReferenceLength)));
    }

    // ReserveRedemption.

    [Fact]
    public void ReservationHoldsThePointsAndTakesTheStock()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 1000, "work-1"));
        var householdSequence = scenario.HouseholdOf(North).Sequence;

        var accepted = AssertAccepted(scenario.Reserve(Alice, North, Rice, 3));

        Assert.Equal(2, accepted.Entries.Count);
        var reserved = accepted.Entries.Single(e => e.Stream == "household/" + North);
        var taken = accepted.Entries.Single(e => e.Stream == CatalogRules.Stream);
        var redemptionId = householdSequence + 1;
        Assert.Equal(HouseholdEntryTypes.RedemptionReserved, reserved.Type);
        Assert.Equal($$"""{"itemId":"rice","points":90,"quantity":3,"redemptionId":{{redemptionId}}}""", reserved.Body.ToJsonString());
        Assert.Equal(CatalogEntryTypes.ItemReserved, taken.Type);
        Assert.Equal($$"""{"householdId":"{{North}}","itemId":"rice","quantity":3,"redemptionId":{{redemptionId}}}""", taken.Body.ToJsonString());

        var north = scenario.HouseholdOf(North);
        Assert.Equal((1000L, 90L, 0L, 910L), (north.AwardedPoints, north.ReservedPoints, north.SpentPoints, north.BalancePoints));
        Assert.Equal(new Redemption(redemptionId, Rice, 3, 90, RedemptionStatus.Reserved), north.Redemptions[redemptionId]);
        Assert.Equal(redemptionId, north.Sequence);
        Assert.Equal(RiceStock - 3, scenario.CatalogOf().Items[Rice].Stock);
        Assert.Equal(CleaningStock, scenario.CatalogOf().Items[Cleaning].Stock);
    }

    [Fact]
    public void RedemptionIsNamedByTheSequenceOfItsReservationInTheHouseholdStream()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(South, 1000, "work-1"));
        AssertAccepted(scenario.Award(South, 1000, "work-2"));

        var first = RedemptionIdOf(scenario.Reserve(Bob, South, Rice));
        AssertAccepted(scenario.Award(South, 10, "work-3"));
        var second = RedemptionIdOf(scenario.Reserve(Bob, South, Rice));

        Assert.Equal((2L, 4L), (first, second));
        Assert.Equal([first, second], scenario.HouseholdOf(South).Redemptions.Keys);
    }

    [Fact]
    public void ReservationOfAnUnlimitedItemLeavesItUnlimited()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 5000, "work-1"));

        AssertAccepted(scenario.Reserve(Alice, North, FeeReduction, 10));

        Assert.Null(scenario.CatalogOf().Items[FeeReduction].Stock);
        Assert.Equal(0, scenario.HouseholdOf(North).BalancePoints);
        Assert.Equal(5000, scenario.HouseholdOf(North).ReservedPoints);
    }

    [Fact]
    public void ReservationOfExactlyTheBalanceIsAcceptedAndOnePointMoreIsRefused()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 3 * CleaningPrice - 1, "work-1"));

        scenario.AssertRefusedAndUnchanged(ResultCode.InsufficientPoints, () => scenario.Reserve(Alice, North, Cleaning, 3));
        AssertAccepted(scenario.Award(North, 1, "work-2"));
        AssertAccepted(scenario.Reserve(Alice, North, Cleaning, 3));

        Assert.Equal(0, scenario.HouseholdOf(North).BalancePoints);
        Assert.Equal(0, scenario.CatalogOf().Items[Cleaning].Stock);
    }

    [Fact]
    public void ReservedPointsCountAgainstTheBalance()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 100, "work-1"));
        AssertAccepted(scenario.Reserve(Alice, North, Rice, 2));

        scenario.AssertRefusedAndUnchanged(ResultCode.InsufficientPoints, () => scenario.Reserve(Alice, North, Rice, 2));
        AssertAccepted(scenario.Reserve(Alice, North, Rice, 1));

        var north = scenario.HouseholdOf(North);
        Assert.Equal((100L, 90L, 0L, 10L), (north.AwardedPoints, north.ReservedPoints, north.SpentPoints, north.BalancePoints));
    }

    [Fact]
    public void SpentPointsCountAgainstTheBalance()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 2, points: 100);
        AssertAccepted(scenario.Fulfil(North, redemption));

        scenario.AssertRefusedAndUnchanged(ResultCode.InsufficientPoints, () => scenario.Reserve(Alice, North, Rice, 2));
        AssertAccepted(scenario.Reserve(Alice, North, Rice, 1));
    }

    [Fact]
    public void HouseholdWithNoPointsCannotReserve()
    {
        var scenario = PointsBank();

        scenario.AssertRefusedAndUnchanged(ResultCode.InsufficientPoints, () => scenario.Reserve(Alice, North, Rice));
    }

    [Fact]
    public void OneHouseholdsPointsDoNotPayForAnothersReservation()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 1000, "work-1"));

        scenario.AssertRefusedAndUnchanged(ResultCode.InsufficientPoints, () => scenario.Reserve(Bob, South, Rice));
    }

    [Fact]
    public void ReservationBeyondTheStockIsRefusedAndExactlyTheStockIsAccepted()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 10_000, "work-1"));

        scenario.AssertRefusedAndUnchanged(ResultCode.OutOfStock, () => scenario.Reserve(Alice, North, Cleaning, CleaningStock + 1));
        AssertAccepted(scenario.Reserve(Alice, North, Cleaning, CleaningStock));
        scenario.AssertRefusedAndUnchanged(ResultCode.OutOfStock, () => scenario.Reserve(Alice, North, Cleaning, 1));

        Assert.Equal(0, scenario.CatalogOf().Items[Cleaning].Stock);
    }

    [Fact]
    public void StockTakenByOneHouseholdIsGoneForAnother()
    {
        var scenario = PointsBank();
        scenario.AwardAndReserve(Alice, North, Cleaning, 2, points: 1000);
        AssertAccepted(scenario.Award(South, 1000, "work-1"));

        scenario.AssertRefusedAndUnchanged(ResultCode.OutOfStock, () => scenario.Reserve(Bob, South, Cleaning, 2));
        AssertAccepted(scenario.Reserve(Bob, South, Cleaning, 1));
    }

    [Fact]
    public void ItemAddedWithNoStockCannotBeReserved()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.AddItem("opera", "Tickets", "Two seats at the district opera", 200, stock: 0));
        AssertAccepted(scenario.Award(North, 1000, "work-1"));

        scenario.AssertRefusedAndUnchanged(ResultCode.OutOfStock, () => scenario.Reserve(Alice, North, "opera"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(HouseholdRules.MaxQuantity + 1)]
    public void ReservationOfAQuantityOutOfRangeIsRefused(long quantity)
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 1000, "work-1"));

        scenario.AssertRefusedAndUnchanged(ResultCode.PointsOutOfRange, () => scenario.Reserve(Alice, North, FeeReduction, quantity));
    }

    [Fact]
    public void ReservationOfTheLargestQuantityIsAccepted()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.AddItem("seeds", "Goods", "A packet of flower seeds", 1, stock: null));
        AssertAccepted(scenario.Award(North, HouseholdRules.MaxQuantity, "work-1"));

        AssertAccepted(scenario.Reserve(Alice, North, "seeds", HouseholdRules.MaxQuantity));

        Assert.Equal(HouseholdRules.MaxQuantity, scenario.HouseholdOf(North).ReservedPoints);
    }

    [Fact]
    public void ResidentOfAnotherHouseholdCannotReserve()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 1000, "work-1"));

        scenario.AssertRefusedAndUnchanged(ResultCode.NotResidentOfHousehold, () => scenario.Reserve(Bob, North, Rice));
    }

    [Fact]
    public void CoordinatorOrFinanceOfficerCannotReserve()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 1000, "work-1"));

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Reserve(Coordinator, North, Rice));
        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Reserve(Fin, North, Rice));
    }

    [Fact]
    public void ResidentWhoLostTheResidentRoleCannotReserve()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 1000, "work-1"));
        AssertAccepted(scenario.GrantRole("alice", Role.Auditor));
        AssertAccepted(scenario.RevokeRole("alice", Role.Resident));

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Reserve(Alice, North, Rice));
    }

    [Theory]
    [InlineData("rice-bag")]
    [InlineData("Rice")]
    [InlineData("rice bag")]
    [InlineData("")]
    public void ReservationOfAnItemNotInTheCatalogIsRefused(string itemId)
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 1000, "work-1"));

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownCatalogItem, () => scenario.Reserve(Alice, North, itemId));
    }

    [Fact]
    public void ReservationOfAWithdrawnItemIsRefused()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 1000, "work-1"));
        AssertAccepted(scenario.Withdraw(Rice));

        scenario.AssertRefusedAndUnchanged(ResultCode.CatalogItemWithdrawn, () => scenario.Reserve(Alice, North, Rice));
    }

    public static TheoryData<string, JsonNode?> MalformedReservationMembers() => new()
    {
        { "points", 30 },
        { "quantity", "1" },
        { "itemId", 7 },
    };

    [Theory]
    [MemberData(nameof(MalformedReservationMembers))]
    public void ReservationWithAnUnknownOrBadMemberIsMalformed(string member, JsonNode? value)
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 1000, "work-1"));

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () =>
            scenario.Submit(Alice, HouseholdCommandTypes.ReserveRedemption, ReserveBody(North, Rice).With(member, value)));
    }

    // FulfilRedemption.

    [Fact]
    public void FulfilmentSpendsTheReservedPointsAndKeepsTheStockTaken()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Cleaning, 2, points: 200);
        var catalogBefore = Describe(scenario.CatalogOf());

        var accepted = AssertAccepted(scenario.Fulfil(North, redemption));

        var entry = Assert.Single(accepted.Entries);
        Assert.Equal(("household/" + North, HouseholdEntryTypes.RedemptionFulfilled), (entry.Stream, entry.Type));
        Assert.Equal($$"""{"points":160,"redemptionId":{{redemption}}}""", entry.Body.ToJsonString());
        var north = scenario.HouseholdOf(North);
        Assert.Equal((200L, 0L, 160L, 40L), (north.AwardedPoints, north.ReservedPoints, north.SpentPoints, north.BalancePoints));
        Assert.Equal(RedemptionStatus.Fulfilled, north.Redemptions[redemption].Status);
        Assert.Equal(catalogBefore, Describe(scenario.CatalogOf()));
        Assert.Equal(CleaningStock - 2, scenario.CatalogOf().Items[Cleaning].Stock);
    }

    [Fact]
    public void FulfilmentLeavesTheOtherRedemptionsReserved()
    {
        var scenario = PointsBank();
        var first = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);
        var second = RedemptionIdOf(scenario.Reserve(Alice, North, Rice, 2));

        AssertAccepted(scenario.Fulfil(North, second));

        var north = scenario.HouseholdOf(North);
        Assert.Equal(RedemptionStatus.Reserved, north.Redemptions[first].Status);
        Assert.Equal(RedemptionStatus.Fulfilled, north.Redemptions[second].Status);
        Assert.Equal((30L, 60L, 10L), (north.ReservedPoints, north.SpentPoints, north.BalancePoints));
    }

    [Fact]
    public void FulfilmentOfAWithdrawnItemsReservationIsAccepted()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);
        AssertAccepted(scenario.Withdraw(Rice));

        AssertAccepted(scenario.Fulfil(North, redemption));
    }

    [Fact]
    public void FulfillingTwiceIsRefused()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);
        AssertAccepted(scenario.Fulfil(North, redemption));

        scenario.AssertRefusedAndUnchanged(ResultCode.RedemptionNotReserved, () => scenario.Fulfil(North, redemption));
    }

    [Fact]
    public void FulfillingACancelledRedemptionIsRefused()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);
        AssertAccepted(scenario.Cancel(North, redemption));

        scenario.AssertRefusedAndUnchanged(ResultCode.RedemptionNotReserved, () => scenario.Fulfil(North, redemption));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(99)]
    public void FulfillingARedemptionTheHouseholdDoesNotHaveIsRefused(long redemptionId)
    {
        var scenario = PointsBank();
        scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);

        // #0 is the household's award, not a redemption.
        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownRedemption, () => scenario.Fulfil(North, redemptionId));
    }

    [Fact]
    public void RedemptionOfOneHouseholdCannotBeFulfilledThroughAnother()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownRedemption, () => scenario.Fulfil(South, redemption));
    }

    [Fact]
    public void ResidentCannotFulfilTheirOwnRedemption()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Fulfil(North, redemption, by: Alice));
    }

    [Theory]
    [InlineData("points", 30)]
    [InlineData("redemptionId", "1")]
    [InlineData("reason", "delivered")]
    public void FulfilmentWithAnUnknownOrBadMemberIsMalformed(string member, object value)
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () =>
            scenario.Submit(Coordinator, HouseholdCommandTypes.FulfilRedemption, FulfilBody(North, redemption).With(member, JsonValue.Create(value))));
    }

    // CancelRedemption.

    [Fact]
    public void CancellationReturnsThePointsAndTheStock()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Cleaning, 2, points: 200);

        var accepted = AssertAccepted(scenario.Cancel(North, redemption, reason: "the cleaner fell ill"));

        Assert.Equal(2, accepted.Entries.Count);
        var cancelled = accepted.Entries.Single(e => e.Stream == "household/" + North);
        var released = accepted.Entries.Single(e => e.Stream == CatalogRules.Stream);
        Assert.Equal(HouseholdEntryTypes.RedemptionCancelled, cancelled.Type);
        Assert.Equal($$"""{"points":160,"reason":"the cleaner fell ill","redemptionId":{{redemption}}}""", cancelled.Body.ToJsonString());
        Assert.Equal(CatalogEntryTypes.ItemReleased, released.Type);
        Assert.Equal($$"""{"householdId":"{{North}}","itemId":"cleaning","quantity":2,"redemptionId":{{redemption}}}""", released.Body.ToJsonString());

        var north = scenario.HouseholdOf(North);
        Assert.Equal((200L, 0L, 0L, 200L), (north.AwardedPoints, north.ReservedPoints, north.SpentPoints, north.BalancePoints));
        Assert.Equal(RedemptionStatus.Cancelled, north.Redemptions[redemption].Status);
        Assert.Equal(CleaningStock, scenario.CatalogOf().Items[Cleaning].Stock);
    }

    [Fact]
    public void ResidentOfTheHouseholdMayCancelTheirRedemption()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Bob, South, Rice, 4, points: 120);

        AssertAccepted(scenario.Cancel(South, redemption, by: Bob));

        Assert.Equal(120, scenario.HouseholdOf(South).BalancePoints);
        Assert.Equal(RiceStock, scenario.CatalogOf().Items[Rice].Stock);
    }

    [Fact]
    public void ReturnedPointsAndStockCanBeReservedAgain()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Cleaning, CleaningStock, points: CleaningStock * CleaningPrice);
        AssertRefused(ResultCode.OutOfStock, scenario.Reserve(Alice, North, Cleaning));
        AssertAccepted(scenario.Cancel(North, redemption));

        AssertAccepted(scenario.Reserve(Alice, North, Cleaning, CleaningStock));

        Assert.Equal(0, scenario.HouseholdOf(North).BalancePoints);
    }

    [Fact]
    public void CancellationOfAnUnlimitedItemLeavesItUnlimited()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, FeeReduction, 1, points: FeeReductionPrice);

        AssertAccepted(scenario.Cancel(North, redemption));

        Assert.Null(scenario.CatalogOf().Items[FeeReduction].Stock);
        Assert.Equal(FeeReductionPrice, scenario.HouseholdOf(North).BalancePoints);
    }

    [Fact]
    public void CancellationOfAWithdrawnItemsReservationReturnsItsStock()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 2, points: 100);
        AssertAccepted(scenario.Withdraw(Rice));

        AssertAccepted(scenario.Cancel(North, redemption));

        var rice = scenario.CatalogOf().Items[Rice];
        Assert.Equal((RiceStock, true), (rice.Stock!.Value, rice.Withdrawn));
        Assert.Equal(100, scenario.HouseholdOf(North).BalancePoints);
    }

    [Fact]
    public void ResidentOfAnotherHouseholdCannotCancel()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);

        scenario.AssertRefusedAndUnchanged(ResultCode.NotResidentOfHousehold, () => scenario.Cancel(North, redemption, by: Bob));
    }

    [Fact]
    public void PersonWithNeitherRoleCannotCancel()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Cancel(North, redemption, by: Fin));
    }

    [Fact]
    public void CancellingAfterFulfilmentIsRefused()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);
        AssertAccepted(scenario.Fulfil(North, redemption));

        scenario.AssertRefusedAndUnchanged(ResultCode.RedemptionNotReserved, () => scenario.Cancel(North, redemption));
        scenario.AssertRefusedAndUnchanged(ResultCode.RedemptionNotReserved, () => scenario.Cancel(North, redemption, by: Alice));
    }

    [Fact]
    public void CancellingTwiceIsRefused()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);
        AssertAccepted(scenario.Cancel(North, redemption, by: Alice));

        scenario.AssertRefusedAndUnchanged(ResultCode.RedemptionNotReserved, () => scenario.Cancel(North, redemption));
    }

    [Fact]
    public void CancellingARedemptionTheHouseholdDoesNotHaveIsRefused()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownRedemption, () => scenario.Cancel(North, redemption + 1));
        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownRedemption, () => scenario.Cancel(South, redemption));
    }

    public static TheoryData<string, JsonNode?> MalformedCancellationMembers() => new()
    {
        { "points", 30 },
        { "redemptionId", "1" },
        { "reason", "" },
        { "reason", new string('r', HouseholdRules.MaxReferenceLength + 1) },
        { "reason", "ill\tagain" },
    };

    [Theory]
    [MemberData(nameof(MalformedCancellationMembers))]
    public void CancellationWithAnUnknownOrBadMemberIsMalformed(string member, JsonNode? value)
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () =>
            scenario.Submit(Coordinator, HouseholdCommandTypes.CancelRedemption, CancelBody(North, redemption).With(member, value)));
    }

    [Fact]
    public void CancellationWithoutAReasonIsMalformed()
    {
        var scenario = PointsBank();
        var redemption = scenario.AwardAndReserve(Alice, North, Rice, 1, points: 100);
        var body = CancelBody(North, redemption);
        body.Remove("reason");

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => scenario.Submit(Alice, HouseholdCommandTypes.CancelRedemption, body));
    }

    // The balance over a mixed history.

    [Fact]
    public void BalanceIsAwardedLessFulfilledLessReservedAndCancelledRedemptionsCountForNothing()
    {
        var scenario = PointsBank();
        var kept = scenario.AwardAndReserve(Alice, North, Rice, 2, points: 1000);
        var cancelled = RedemptionIdOf(scenario.Reserve(Alice, North, Cleaning, 1));
        var fulfilled = RedemptionIdOf(scenario.Reserve(Alice, North, FeeReduction, 1));

        AssertAccepted(scenario.Cancel(North, cancelled, by: Alice));
        AssertAccepted(scenario.Fulfil(North, fulfilled));

        var north = scenario.HouseholdOf(North);
        Assert.Equal(
            [RedemptionStatus.Reserved, RedemptionStatus.Cancelled, RedemptionStatus.Fulfilled],
            new[] { kept, cancelled, fulfilled }.Select(id => north.Redemptions[id].Status));
        Assert.Equal((1000L, 60L, 500L, 440L), (north.AwardedPoints, north.ReservedPoints, north.SpentPoints, north.BalancePoints));
        Assert.Equal((RiceStock - 2, CleaningStock), (scenario.CatalogOf().Items[Rice].Stock!.Value, scenario.CatalogOf().Items[Cleaning].Stock!.Value));
    }
}
