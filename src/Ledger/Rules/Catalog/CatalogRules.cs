using Ledger.Bodies;
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

    public static Decision AddItem(DecisionContext context, AddCatalogItemBody body)
    {
        var catalog = context.State<CatalogState>(Stream);
        var itemId = body.ItemId.Value;
        var name = body.Name.Value;
        if (!Names.IsIdentifier(itemId) || name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            return Decision.Refusing(ResultCode.MalformedCommand, $"itemId is an identifier and name 1 to {MaxNameLength} characters");
        }
        if (catalog.Items.ContainsKey(itemId))
        {
            return Decision.Refusing(ResultCode.CatalogItemExists, $"the catalog has {itemId} already");
        }
        if (!EnumNames.TryParse<RewardKind>(body.Kind.Value, out var kind))
        {
            return Decision.Refusing(ResultCode.MalformedCommand, $"kind is one of {string.Join(", ", Enum.GetNames<RewardKind>())}");
        }
        var price = body.PricePoints.Value;
        var stock = body.Stock.Value;
        if (price is < 1 or > MaxPricePoints || stock is < 0 or > MaxStock)
        {
            return Decision.Refusing(ResultCode.PointsOutOfRange, $"pricePoints are from 1 to {MaxPricePoints}, stock from 0 to {MaxStock}");
        }
        return Decision.Accepting(new NewEntry(Stream, CatalogEntryTypes.CatalogItemAdded, CatalogItemAddedBody.Write(itemId, kind, name, price, stock)));
    }

    public static Decision Restock(DecisionContext context, RestockCatalogItemBody body)
    {
        if (NotOffered(context.State<CatalogState>(Stream), body.ItemId.Value) is { } refusal)
        {
            return refusal;
        }
        var quantity = body.Quantity.Value;
        if (quantity is < 1 or > MaxStock)
        {
            return Decision.Refusing(ResultCode.PointsOutOfRange, $"quantity is from 1 to {MaxStock}");
        }
        return Decision.Accepting(new NewEntry(Stream, CatalogEntryTypes.CatalogItemRestocked, CatalogItemRestockedBody.Write(body.ItemId.Value, quantity)));
    }

    public static Decision Withdraw(DecisionContext context, WithdrawCatalogItemBody body)
    {
        if (NotOffered(context.State<CatalogState>(Stream), body.ItemId.Value) is { } refusal)
        {
            return refusal;
        }
        return Decision.Accepting(new NewEntry(Stream, CatalogEntryTypes.CatalogItemWithdrawn, CatalogItemWithdrawnBody.Write(body.ItemId.Value)));
    }

    /// <summary>Refuses unless the catalog offers this item.</summary>
    internal static Decision.Refuse? NotOffered(CatalogState catalog, string itemId) =>
        !catalog.Items.TryGetValue(itemId, out var item)
            ? new Decision.Refuse(ResultCode.UnknownCatalogItem, $"the catalog has no item {itemId}")
            : item.Withdrawn
                ? new Decision.Refuse(ResultCode.CatalogItemWithdrawn, $"{itemId} was withdrawn from the catalog")
                : null;
}
