using System.Collections.Immutable;
using Ledger.Bodies;
using Ledger.Entries;

namespace Ledger.Rules.Catalog;

/// <summary>A reward in the catalog: its price in points and, if limited, how many are left.</summary>
public sealed record CatalogItem(string ItemId, string Name, RewardKind Kind, long PricePoints, long? Stock, bool Withdrawn);

/// <summary>The catalog stream's state: the rewards points can be redeemed for.</summary>
public sealed record CatalogState : StreamState
{
    public static CatalogState Empty { get; } = new();

    public ImmutableSortedDictionary<string, CatalogItem> Items { get; init; } = ImmutableSortedDictionary.Create<string, CatalogItem>(StringComparer.Ordinal);

    protected override StreamState ApplyBody(Entry entry) => entry.Type switch
    {
        CatalogEntryTypes.CatalogItemAdded => ApplyAdded(entry.BodyAs<CatalogItemAddedBody>()),
        CatalogEntryTypes.CatalogItemRestocked => WithStock(entry.BodyAs<CatalogItemRestockedBody>(), +1),
        CatalogEntryTypes.CatalogItemWithdrawn => ApplyWithdrawn(entry.BodyAs<CatalogItemWithdrawnBody>()),
        CatalogEntryTypes.ItemReserved => WithStock(entry.BodyAs<ItemReservationBody>(), -1),
        CatalogEntryTypes.ItemReleased => WithStock(entry.BodyAs<ItemReservationBody>(), +1),
        _ => throw new FormatException($"the catalog has no entry type {entry.Type}"),
    };

    CatalogState ApplyAdded(CatalogItemAddedBody body)
    {
        var item = new CatalogItem(body.ItemId.Value, body.Name.Value, body.Kind.Value, body.PricePoints.Value, body.Stock.Value, Withdrawn: false);
        return this with { Items = Items.Add(item.ItemId, item) };
    }

    CatalogState ApplyWithdrawn(CatalogItemWithdrawnBody body)
    {
        var item = Items[body.ItemId.Value];
        return this with { Items = Items.SetItem(item.ItemId, item with { Withdrawn = true }) };
    }

    /// <summary>Restocks and releases add to a limited stock; reservations take from it. Unlimited items have no stock to count.</summary>
    CatalogState WithStock(IStockChange body, int sign)
    {
        var item = Items[body.ItemId.Value];
        if (item.Stock is not { } stock)
        {
            return this;
        }
        var left = checked(stock + sign * body.Quantity.Value);
        Invariant.Holds(left >= 0, $"catalog item {item.ItemId}'s stock is never negative");
        return this with { Items = Items.SetItem(item.ItemId, item with { Stock = left }) };
    }
}
