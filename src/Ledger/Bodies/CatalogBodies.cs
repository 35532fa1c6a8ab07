using System.Text.Json;

namespace Ledger.Bodies;

// The bodies of the catalog's commands (docs/ENTRIES.md §catalog).

/// <param name="Stock">Absent: unlimited.</param>
public sealed record AddCatalogItemBody(Member<string> ItemId, Member<string> Kind, Member<string> Name, Member<long> PricePoints, Member<long?> Stock)
    : ICommandBody<AddCatalogItemBody>
{
    public static IReadOnlyList<string> Members { get; } = ["itemId", "kind", "name", "pricePoints", "stock"];

    public static AddCatalogItemBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("itemId"), fields.String("kind"), fields.String("name"), fields.Integer("pricePoints"), fields.OptionalInteger("stock"));
    }
}

public sealed record RestockCatalogItemBody(Member<string> ItemId, Member<long> Quantity) : ICommandBody<RestockCatalogItemBody>
{
    public static IReadOnlyList<string> Members { get; } = ["itemId", "quantity"];

    public static RestockCatalogItemBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("itemId"), fields.Integer("quantity"));
    }
}

public sealed record WithdrawCatalogItemBody(Member<string> ItemId) : ICommandBody<WithdrawCatalogItemBody>
{
    public static IReadOnlyList<string> Members { get; } = ["itemId"];

    public static WithdrawCatalogItemBody Read(JsonElement body) => new(BodyFields.Of(body, "body", Members).String("itemId"));
}
