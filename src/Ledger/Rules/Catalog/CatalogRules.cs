using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;

namespace Ledger.Rules.Catalog;

/// <summary>
/// The rules of the catalog stream: a volunteer coordinator keeps the rewards that points
/// are redeemed for, with their point prices and optional stock.
/// </summary>
public static class CatalogRules
{
    public const string Stream = "catalog";
    public const long MaxPricePoints = 1_000_000;
    public const long MaxStock = 1_000_000;
    public const int MaxNameLength = 100;

    internal static readonly string[] AddedMembers = ["itemId", "kind", "name", "pricePoints", "stock"];
    internal static readonly string[] RestockedMembers = ["itemId", "quantity"];
    internal static readonly string[] WithdrawnMembers = ["itemId"];
    internal static readonly string[] ReservationMembers = ["householdId", "itemId", "quantity", "redemptionId"];

    public static Decision AddItem(DecisionContext context)
    {
        var body = JsonFields.Of(context.Command.Body, "body", AddedMembers);
        var catalog = context.State<CatalogState>(Stream);
        var itemId = body.String("itemId");
        var name = body.String("name");
        if (!Names.IsIdentifier(itemId) || name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            return Decision.Refusing(ResultCode.MalformedCommand, $"itemId is an identifier and name 1 to {MaxNameLength} characters");
        }
        if (catalog.Items.ContainsKey(itemId))
        {
            return Decision.Refusing(ResultCode.CatalogItemExists, $"the catalog has {itemId} already");
        }
        if (!EnumNames.TryParse<RewardKind>(body.String("kind"), out var kind))
        {
            return Decision.Refusing(ResultCode.MalformedCommand, $"kind is one of {string.Join(", ", Enum.GetNames<RewardKind>())}");
        }
        var price = body.Integer("pricePoints");
        var stock = body.OptionalInteger("stock");
        if (price is < 1 or > MaxPricePoints || stock is < 0 or > MaxStock)
        {
            return Decision.Refusing(ResultCode.PointsOutOfRange, $"pricePoints are from 1 to {MaxPricePoints}, stock from 0 to {MaxStock}");
        }
        var entry = new JsonObject { ["itemId"] = itemId, ["kind"] = kind.ToString(), ["name"] = name, ["pricePoints"] = price };
        if (stock is not null)
        {
            entry["stock"] = stock;
        }
        return Decision.Accepting(new NewEntry(Stream, CatalogEntryTypes.CatalogItemAdded, entry));
    }

    public static Decision Restock(DecisionContext context)
    {
        var body = JsonFields.Of(context.Command.Body, "body", RestockedMembers);
        if (NotOffered(context.State<CatalogState>(Stream), body.String("itemId")) is { } refusal)
        {
            return refusal;
        }
        var quantity = body.Integer("quantity");
        if (quantity is < 1 or > MaxStock)
        {
            return Decision.Refusing(ResultCode.PointsOutOfRange, $"quantity is from 1 to {MaxStock}");
        }
        return Decision.Accepting(new NewEntry(Stream, CatalogEntryTypes.CatalogItemRestocked,
            new JsonObject { ["itemId"] = body.String("itemId"), ["quantity"] = quantity }));
    }

    public static Decision Withdraw(DecisionContext context)
    {
        var body = JsonFields.Of(context.Command.Body, "body", WithdrawnMembers);
        if (NotOffered(context.State<CatalogState>(Stream), body.String("itemId")) is { } refusal)
        {
            return refusal;
        }
        return Decision.Accepting(new NewEntry(Stream, CatalogEntryTypes.CatalogItemWithdrawn, new JsonObject { ["itemId"] = body.String("itemId") }));
    }

    /// <summary>Refuses unless the catalog offers this item.</summary>
    internal static Decision.Refuse? NotOffered(CatalogState catalog, string itemId) =>
        !catalog.Items.TryGetValue(itemId, out var item)
            ? new Decision.Refuse(ResultCode.UnknownCatalogItem, $"the catalog has no item {itemId}")
            : item.Withdrawn
                ? new Decision.Refuse(ResultCode.CatalogItemWithdrawn, $"{itemId} was withdrawn from the catalog")
                : null;
}
