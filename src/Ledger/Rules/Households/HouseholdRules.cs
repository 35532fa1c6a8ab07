using System.Text.Json.Nodes;
using Ledger.Canonical;
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

    internal static readonly string[] PaidMembers = ["amountFen", "projectId", "reference"];
    internal static readonly string[] RefundedMembers = ["amountFen", "projectId"];
    internal static readonly string[] AwardedMembers = ["activity", "points", "quantity", "reference"];
    internal static readonly string[] ReservedMembers = ["itemId", "points", "quantity", "redemptionId"];
    internal static readonly string[] FulfilledMembers = ["points", "redemptionId"];
    internal static readonly string[] CancelledMembers = ["points", "reason", "redemptionId"];

    public static string StreamOf(string householdId) => "household/" + householdId;

    public static string HouseholdIdOf(Command command) => Bodies.Routing.HouseholdIdOf(command.Body);

    /// <summary>Whether the signer is a registered resident of this household.</summary>
    public static Decision.Refuse? ResidentCheck(DecisionContext context, string householdId)
    {
        var person = context.Registry.People[context.Command.PersonId];
        return person.Holds(Role.Resident) && person.HouseholdId == householdId
            ? null
            : new Decision.Refuse(ResultCode.NotResidentOfHousehold, $"{person.Id} is not a registered resident of household {householdId}");
    }

    public static Decision AwardPoints(DecisionContext context)
    {
        var body = JsonFields.Of(context.Command.Body, "body", "activity", "householdId", "points", "quantity", "reference");
        var household = Household(context);
        if (!EnumNames.TryParse<Activity>(body.String("activity"), out var activity))
        {
            return Decision.Refusing(ResultCode.UnknownActivity, $"activity is one of {string.Join(", ", Enum.GetNames<Activity>())}");
        }
        var points = body.Integer("points");
        var quantity = body.Integer("quantity");
        if (points is < 1 or > MaxPointsPerAward || quantity is < 1 or > MaxQuantity)
        {
            return Decision.Refusing(ResultCode.PointsOutOfRange, $"points are from 1 to {MaxPointsPerAward}, quantity from 1 to {MaxQuantity}");
        }
        var reference = Reference(body, "reference");
        if (household.AwardReferences.Contains(reference))
        {
            return Decision.Refusing(ResultCode.AwardReferenceUsed, $"household {household.HouseholdId} was awarded for {reference} already");
        }
        return Decision.Accepting(new NewEntry(household.Stream, HouseholdEntryTypes.PointsAwarded, new JsonObject
        {
            ["activity"] = activity.ToString(),
            ["points"] = points,
            ["quantity"] = quantity,
            ["reference"] = reference,
        }));
    }

    /// <summary>Reserves a catalog item for points: the household's points and the item's stock, in one transaction.</summary>
    public static Decision ReserveRedemption(DecisionContext context)
    {
        var body = JsonFields.Of(context.Command.Body, "body", "householdId", "itemId", "quantity");
        var household = Household(context);
        var catalog = context.State<CatalogState>(CatalogRules.Stream);
        if (ResidentCheck(context, household.HouseholdId) is { } notResident)
        {
            return notResident;
        }
        var quantity = body.Integer("quantity");
        if (quantity is < 1 or > MaxQuantity)
        {
            return Decision.Refusing(ResultCode.PointsOutOfRange, $"quantity is from 1 to {MaxQuantity}");
        }
        if (CatalogRules.NotOffered(catalog, body.String("itemId")) is { } notOffered)
        {
            return notOffered;
        }
        var item = catalog.Items[body.String("itemId")];
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
            new NewEntry(household.Stream, HouseholdEntryTypes.RedemptionReserved, new JsonObject
            {
                ["itemId"] = item.ItemId,
                ["points"] = points,
                ["quantity"] = quantity,
                ["redemptionId"] = redemptionId,
            }),
            new NewEntry(CatalogRules.Stream, CatalogEntryTypes.ItemReserved, new JsonObject
            {
                ["householdId"] = household.HouseholdId,
                ["itemId"] = item.ItemId,
                ["quantity"] = quantity,
                ["redemptionId"] = redemptionId,
            }));
    }

    /// <summary>The provider has delivered: the reserved points are spent.</summary>
    public static Decision FulfilRedemption(DecisionContext context)
    {
        var body = JsonFields.Of(context.Command.Body, "body", "householdId", "redemptionId");
        var household = Household(context);
        if (NotReserved(household, body.Integer("redemptionId")) is { } refusal)
        {
            return refusal;
        }
        var redemption = household.Redemptions[body.Integer("redemptionId")];
        return Decision.Accepting(new NewEntry(household.Stream, HouseholdEntryTypes.RedemptionFulfilled,
            new JsonObject { ["points"] = redemption.Points, ["redemptionId"] = redemption.Id }));
    }

    /// <summary>The provider, or a resident of the household, cancels: the points and the stock come back.</summary>
    public static Decision CancelRedemption(DecisionContext context)
    {
        var body = JsonFields.Of(context.Command.Body, "body", "householdId", "reason", "redemptionId");
        var household = Household(context);
        var person = context.Registry.People[context.Command.PersonId];
        if (!person.Holds(Role.VolunteerCoordinator) && ResidentCheck(context, household.HouseholdId) is { } notResident)
        {
            return notResident;
        }
        if (NotReserved(household, body.Integer("redemptionId")) is { } refusal)
        {
            return refusal;
        }
        var redemption = household.Redemptions[body.Integer("redemptionId")];
        return Decision.Accepting(
            new NewEntry(household.Stream, HouseholdEntryTypes.RedemptionCancelled, new JsonObject
            {
                ["points"] = redemption.Points,
                ["reason"] = Reference(body, "reason"),
                ["redemptionId"] = redemption.Id,
            }),
            new NewEntry(CatalogRules.Stream, CatalogEntryTypes.ItemReleased, new JsonObject
            {
                ["householdId"] = household.HouseholdId,
                ["itemId"] = redemption.ItemId,
                ["quantity"] = redemption.Quantity,
                ["redemptionId"] = redemption.Id,
            }));
    }

    static HouseholdState Household(DecisionContext context) => context.State<HouseholdState>(StreamOf(HouseholdIdOf(context.Command)));

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

    static string Reference(JsonFields body, string member)
    {
        var text = body.String(member);
        return text.Length is 0 or > MaxReferenceLength || text.Any(char.IsControl)
            ? throw new FormatException($"{member} must be 1 to {MaxReferenceLength} characters without control characters")
            : text;
    }
}
