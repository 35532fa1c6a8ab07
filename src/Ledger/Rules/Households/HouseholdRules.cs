using Ledger.Bodies;
using Ledger.Entries;
using Ledger.Rules.Catalog;

namespace Ledger.Rules.Households;

/// <summary>
/// The rules of a household stream: points awarded by a volunteer coordinator, and
/// redemptions of catalog items — reserved by a resident of the household, then fulfilled
/// or cancelled. The balance (awarded − fulfilled − reserved) never goes below zero.
/// </summary>
public static class HouseholdRules
{
    public const long MaxPointsPerAward = 100_000;
    public const long MaxQuantity = 10_000;
    public const int MaxReferenceLength = 128;

    public static string StreamOf(string householdId) => "household/" + householdId;

    /// <summary>Whether the signer is a registered resident of this household.</summary>
    public static Decision.Refuse? ResidentCheck(DecisionContext context, string householdId)
    {
        var person = context.Registry.People[context.Command.PersonId];
        return person.Holds(Role.Resident) && person.HouseholdId == householdId
            ? null
            : new Decision.Refuse(ResultCode.NotResidentOfHousehold, $"{person.Id} is not a registered resident of household {householdId}");
    }

    public static Decision AwardPoints(DecisionContext context, AwardPointsBody body)
    {
        var household = Household(context, body.HouseholdId);
        if (!EnumNames.TryParse<Activity>(body.Activity.Value, out var activity))
        {
            return Decision.Refusing(ResultCode.UnknownActivity, $"activity is one of {string.Join(", ", Enum.GetNames<Activity>())}");
        }
        var points = body.Points.Value;
        var quantity = body.Quantity.Value;
        if (points is < 1 or > MaxPointsPerAward || quantity is < 1 or > MaxQuantity)
        {
            return Decision.Refusing(ResultCode.PointsOutOfRange, $"points are from 1 to {MaxPointsPerAward}, quantity from 1 to {MaxQuantity}");
        }
        var reference = Reference(body.Reference);
        if (household.AwardReferences.Contains(reference))
        {
            return Decision.Refusing(ResultCode.AwardReferenceUsed, $"household {household.HouseholdId} was awarded for {reference} already");
        }
        if (PointsPolicyRules.Price(context.Registry, household, activity, quantity, points, context.Now, out var policy) is { } refusal)
        {
            return refusal;
        }
        return Decision.Accepting(new NewEntry(household.Stream, HouseholdEntryTypes.PointsAwarded,
            PointsAwardedBody.Write(activity, points, policy?.Version, quantity, reference)));
    }

    /// <summary>Reserves a catalog item for points: the household's points and the item's stock, in one transaction.</summary>
    public static Decision ReserveRedemption(DecisionContext context, ReserveRedemptionBody body)
    {
        var household = Household(context, body.HouseholdId);
        var catalog = context.State<CatalogState>(CatalogRules.Stream);
        if (ResidentCheck(context, household.HouseholdId) is { } notResident)
        {
            return notResident;
        }
        var quantity = body.Quantity.Value;
        if (quantity is < 1 or > MaxQuantity)
        {
            return Decision.Refusing(ResultCode.PointsOutOfRange, $"quantity is from 1 to {MaxQuantity}");
        }
        if (CatalogRules.NotOffered(catalog, body.ItemId.Value) is { } notOffered)
        {
            return notOffered;
        }
        var item = catalog.Items[body.ItemId.Value];
        if (item.Stock is { } stock && stock < quantity)
        {
            return Decision.Refusing(ResultCode.OutOfStock, $"{stock} of {item.ItemId} left");
        }
        var points = checked(item.PricePoints * quantity);
        if (points > household.BalancePoints)
        {
            return Decision.Refusing(ResultCode.InsufficientPoints, $"{points} points needed, {household.BalancePoints} available");
        }
        var redemptionId = household.Sequence + 1;
        return Decision.Accepting(
            new NewEntry(household.Stream, HouseholdEntryTypes.RedemptionReserved, RedemptionReservedBody.Write(item.ItemId, points, quantity, redemptionId)),
            new NewEntry(CatalogRules.Stream, CatalogEntryTypes.ItemReserved, ItemReservationBody.Write(household.HouseholdId, item.ItemId, quantity, redemptionId)));
    }

    /// <summary>The provider has delivered: the reserved points are spent.</summary>
    public static Decision FulfilRedemption(DecisionContext context, FulfilRedemptionBody body)
    {
        var household = Household(context, body.HouseholdId);
        if (NotReserved(household, body.RedemptionId.Value) is { } refusal)
        {
            return refusal;
        }
        var redemption = household.Redemptions[body.RedemptionId.Value];
        return Decision.Accepting(new NewEntry(household.Stream, HouseholdEntryTypes.RedemptionFulfilled, RedemptionFulfilledBody.Write(redemption.Points, redemption.Id)));
    }

    /// <summary>The provider, or a resident of the household, cancels: the points and the stock come back.</summary>
    public static Decision CancelRedemption(DecisionContext context, CancelRedemptionBody body)
    {
        var household = Household(context, body.HouseholdId);
        var person = context.Registry.People[context.Command.PersonId];
        if (!person.Holds(Role.VolunteerCoordinator) && ResidentCheck(context, household.HouseholdId) is { } notResident)
        {
            return notResident;
        }
        if (NotReserved(household, body.RedemptionId.Value) is { } refusal)
        {
            return refusal;
        }
        var redemption = household.Redemptions[body.RedemptionId.Value];
        return Decision.Accepting(
            new NewEntry(household.Stream, HouseholdEntryTypes.RedemptionCancelled, RedemptionCancelledBody.Write(redemption.Points, Reference(body.Reason), redemption.Id)),
            new NewEntry(CatalogRules.Stream, CatalogEntryTypes.ItemReleased,
                ItemReservationBody.Write(household.HouseholdId, redemption.ItemId, redemption.Quantity, redemption.Id)));
    }

    /// <summary>The household the command was routed to (<see cref="Routing.HouseholdIdOf"/> read the same member).</summary>
    static HouseholdState Household(DecisionContext context, Member<string> householdId) => context.State<HouseholdState>(StreamOf(householdId.Value));

    /// <summary>Refuses unless the household has this redemption reserved.</summary>
    static Decision.Refuse? NotReserved(HouseholdState household, long redemptionId)
    {
        if (!household.Redemptions.TryGetValue(redemptionId, out var redemption))
        {
            return new Decision.Refuse(ResultCode.UnknownRedemption, $"household {household.HouseholdId} has no redemption #{redemptionId}");
        }
        return redemption.Status == RedemptionStatus.Reserved
            ? null
            : new Decision.Refuse(ResultCode.RedemptionNotReserved, $"redemption #{redemptionId} is {redemption.Status.ToString().ToLowerInvariant()}");
    }

    static string Reference(Member<string> member)
    {
        var text = member.Value;
        return text.Length is 0 or > MaxReferenceLength || text.Any(char.IsControl)
            ? throw new FormatException($"{member.Name} must be 1 to {MaxReferenceLength} characters without control characters")
            : text;
    }
}
