namespace Ledger.Api.Contracts;

/// <summary>A reward in the points catalog.</summary>
/// <param name="ItemId">The item id, named by a redemption.</param>
/// <param name="Name">The reward's name, e.g. "物业费减免50元".</param>
/// <param name="Kind">PropertyFeeReduction 物业费减免, HouseholdService 家政服务, Goods or Tickets.</param>
/// <param name="PricePoints">Its price in points, for one.</param>
/// <param name="Stock">How many are left; null when unlimited.</param>
/// <param name="Withdrawn">Whether it was withdrawn: it can no longer be reserved.</param>
public sealed record CatalogItemView(string ItemId, string Name, string Kind, long PricePoints, long? Stock, bool Withdrawn);
