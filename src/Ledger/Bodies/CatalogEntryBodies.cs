using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Rules.Catalog;

namespace Ledger.Bodies;

// The bodies of the catalog's entries (docs/ENTRIES.md "Entry bodies"): each read by its
// record and written by its record's Write, the one place its members are named.

/// <summary>An entry that changes an item's stock (if it has one) by a quantity.</summary>
public interface IStockChange
{
    Member<string> ItemId { get; }

    Member<long> Quantity { get; }
}

/// <param name="Stock">Absent: unlimited.</param>
public sealed record CatalogItemAddedBody(
    Member<string> ItemId, Member<RewardKind> Kind, Member<string> Name, Member<long> PricePoints, Member<long?> Stock)
    : IEntryBody<CatalogItemAddedBody>
{
    public static IReadOnlyList<string> Types { get; } = [CatalogEntryTypes.CatalogItemAdded];

    public static IReadOnlyList<string> Members { get; } = ["itemId", "kind", "name", "pricePoints", "stock"];

    public static CatalogItemAddedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("itemId"), fields.Enum<RewardKind>("kind"), fields.String("name"), fields.Integer("pricePoints"),
            fields.OptionalInteger("stock"));
    }

    public static JsonObject Write(string itemId, RewardKind kind, string name, long pricePoints, long? stock)
    {
        var body = new JsonObject { ["itemId"] = itemId, ["kind"] = kind.ToString(), ["name"] = name, ["pricePoints"] = pricePoints };
        if (stock is not null)
        {
            body["stock"] = stock;
        }
        return body;
    }
}

public sealed record CatalogItemRestockedBody(Member<string> ItemId, Member<long> Quantity) : IEntryBody<CatalogItemRestockedBody>, IStockChange
{
    public static IReadOnlyList<string> Types { get; } = [CatalogEntryTypes.CatalogItemRestocked];

    public static IReadOnlyList<string> Members { get; } = ["itemId", "quantity"];

    public static CatalogItemRestockedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("itemId"), fields.Integer("quantity"));
    }

    public static JsonObject Write(string itemId, long quantity) => new() { ["itemId"] = itemId, ["quantity"] = quantity };
}

public sealed record CatalogItemWithdrawnBody(Member<string> ItemId) : IEntryBody<CatalogItemWithdrawnBody>
{
    public static IReadOnlyList<string> Types { get; } = [CatalogEntryTypes.CatalogItemWithdrawn];

    public static IReadOnlyList<string> Members { get; } = ["itemId"];

    public static CatalogItemWithdrawnBody Read(JsonElement body, string type) => new(BodyFields.Of(body, type, Members).String("itemId"));

    public static JsonObject Write(string itemId) => new() { ["itemId"] = itemId };
}

/// <summary>An item reserved for a household's redemption, or released when the redemption is cancelled.</summary>
/// <param name="RedemptionId">The household entry's: the sequence of its RedemptionReserved.</param>
public sealed record ItemReservationBody(Member<string> HouseholdId, Member<string> ItemId, Member<long> Quantity, Member<long> RedemptionId)
    : IEntryBody<ItemReservationBody>, IStockChange
{
    public static IReadOnlyList<string> Types { get; } = [CatalogEntryTypes.ItemReserved, CatalogEntryTypes.ItemReleased];

    public static IReadOnlyList<string> Members { get; } = ["householdId", "itemId", "quantity", "redemptionId"];

    public static ItemReservationBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("householdId"), fields.String("itemId"), fields.Integer("quantity"), fields.Integer("redemptionId"));
    }

    public static JsonObject Write(string householdId, string itemId, long quantity, long redemptionId) =>
        new() { ["householdId"] = householdId, ["itemId"] = itemId, ["quantity"] = quantity, ["redemptionId"] = redemptionId };
}
