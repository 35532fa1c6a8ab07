namespace Ledger.Rules.Catalog;

/// <summary>The command types of the catalog stream (docs/ENTRIES.md §catalog).</summary>
public static class CatalogCommandTypes
{
    public const string AddCatalogItem = "AddCatalogItem";
    public const string RestockCatalogItem = "RestockCatalogItem";
    public const string WithdrawCatalogItem = "WithdrawCatalogItem";
}

/// <summary>The entry types of the catalog stream (docs/ENTRIES.md §catalog).</summary>
public static class CatalogEntryTypes
{
    public const string CatalogItemAdded = "CatalogItemAdded";
    public const string CatalogItemRestocked = "CatalogItemRestocked";
    public const string CatalogItemWithdrawn = "CatalogItemWithdrawn";
    public const string ItemReserved = "ItemReserved";
    public const string ItemReleased = "ItemReleased";
}

/// <summary>What points are redeemed for (seed 002 §1.4, §6.3; seed 004 §6.3).</summary>
public enum RewardKind
{
    /// <summary>物业费减免.</summary>
    PropertyFeeReduction,

    /// <summary>家政服务.</summary>
    HouseholdService,

    Goods,

    Tickets,
}
