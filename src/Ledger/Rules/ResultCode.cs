namespace Ledger.Rules;

/// <summary>
/// Every outcome of a command, as a stable number (STYLE.md 8). Within each group the codes are
/// ordered by the precedence in which the checks run: when a command breaks two rules, the one
/// with the lower number is reported. Values are never renumbered; new codes are appended.
/// The API maps each code to an HTTP status in one table (src/Api/Endpoints/Problems.cs).
/// </summary>
public enum ResultCode
{
    Accepted = 0,

    // The envelope (docs/FORMAT.md §6), checked before any rule, in this order.
    MalformedCommand = 100,
    UnknownCommandType = 101,
    UnknownKey = 102,
    BadSignature = 103,
    KeyRevoked = 104,
    CommandStale = 105,
    CommandFromFuture = 106,
    RoleMissing = 107,
    IdempotencyKeyReused = 108,
    Conflict = 109,

    // The registry stream.
    RegistryNotOpen = 200,
    RegistryAlreadyOpen = 201,
    RootKeyMismatch = 202,
    PersonAlreadyRegistered = 203,
    UnknownPerson = 204,
    UnknownRole = 205,
    HouseholdRequired = 206,
    HouseholdNotAllowed = 207,
    KeyAlreadyRegistered = 208,
    KeyNotOfPerson = 209,
    KeyAlreadyRevoked = 210,
    RoleAlreadyHeld = 211,
    RoleNotHeld = 212,
    LastRegistrarKey = 213,
    InvalidPublicKey = 214,
}
