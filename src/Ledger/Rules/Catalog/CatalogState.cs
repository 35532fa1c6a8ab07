using System.Collections.Immutable;
using Ledger.Canonical;
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
        CatalogEntryTypes.CatalogItemAdded => ApplyAdded(JsonFields.Of(entry.Body, entry.Type, CatalogRules.AddedMembers)),
        CatalogEntryTypes.CatalogItemRestocked => WithStock(JsonFields.Of(entry.Body, entry.Type, CatalogRules.RestockedMembers), +1),
        CatalogEntryTypes.CatalogItemWithdrawn => ApplyWithdrawn(JsonFields.Of(entry.Body, entry.Type, CatalogRules.WithdrawnMembers)),
        CatalogEntryTypes.ItemReserved => WithStock(JsonFields.Of(entry.Body, entry.Type, CatalogRules.ReservationMembers), -1),
        CatalogEntryTypes.ItemReleased => WithStock(JsonFields.Of(entry.Body, entry.Type, CatalogRules.ReservationMembers), +1),
        _ => throw new FormatException($"the catalog has no entry type {entry.Type}"),
    };

    CatalogState ApplyAdded(JsonFields body)
    {
        var item = new CatalogItem(body.String("itemId"), body.String("name"), Projects.ProjectRules.ReadEnum<RewardKind>(body, "kind"),
            body.Integer("pricePoints"), body.OptionalInteger("stock"), Withdrawn: false);
        return this with { Items = Items.Add(item.ItemId, item) };
    }

    CatalogState ApplyWithdrawn(JsonFields body)
    {
        var item = Items[body.String("itemId")];
        return this with { Items = Items.SetItem(item.ItemId, item with { Withdrawn = true }) };
    }

    /// <summary>Restocks and releases add to a limited stock; reservations take from it. Unlimited items have no stock to count.</summary>
    CatalogState WithStock(JsonFields body, int sign)
    {
        var item = Items[body.String("itemId")];
        if (item.Stock is not { } stock)
        {
            return this;
        }
        var left = checked(stock + sign * body.Integer("quantity"));
        Invariant.Holds(left >= 0, $"catalog item {item.ItemId}'s stock is never negative");
        return this with { Items = Items.SetItem(item.ItemId, item with { Stock = left }) };
    }
}
