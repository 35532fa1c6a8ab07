namespace Ledger.Rules.Registry;

/// <summary>The command types of the registry stream (docs/ENTRIES.md §registry).</summary>
public static class RegistryCommandTypes
{
    public const string OpenRegistry = "OpenRegistry";
    public const string RegisterPerson = "RegisterPerson";
    public const string AddKey = "AddKey";
    public const string RevokeKey = "RevokeKey";
    public const string GrantRole = "GrantRole";
    public const string RevokeRole = "RevokeRole";
    public const string NameLogKey = "NameLogKey";
    public const string ProposePointsPolicy = "ProposePointsPolicy";
    public const string ApprovePointsPolicy = "ApprovePointsPolicy";
    public const string RecordFloorArea = "RecordFloorArea";
}

/// <summary>The entry types of the registry stream (docs/ENTRIES.md §registry).</summary>
public static class RegistryEntryTypes
{
    public const string RegistryOpened = "RegistryOpened";
    public const string PersonRegistered = "PersonRegistered";
    public const string KeyAdded = "KeyAdded";
    public const string KeyRevoked = "KeyRevoked";
    public const string RoleGranted = "RoleGranted";
    public const string RoleRevoked = "RoleRevoked";
    public const string LogKeyNamed = "LogKeyNamed";
    public const string PointsPolicyProposed = "PointsPolicyProposed";
    public const string PointsPolicyApproved = "PointsPolicyApproved";
    public const string FloorAreaRecorded = "FloorAreaRecorded";
}
