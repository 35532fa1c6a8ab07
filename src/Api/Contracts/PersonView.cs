namespace Ledger.Api.Contracts;

/// <summary>A registered person as the registry stands now, with the registry entries about them.</summary>
/// <param name="PersonId">The person id that signs commands.</param>
/// <param name="DisplayName">The name the registrar registered.</param>
/// <param name="Roles">The roles they hold now, e.g. ["FinanceOfficer"].</param>
/// <param name="HouseholdId">The household they are a resident of; null without the Resident role.</param>
/// <param name="Keys">Every key ever registered to them, revoked ones included.</param>
/// <param name="History">The registry entries about them (registration, keys, roles), oldest first.</param>
public sealed record PersonView(
    string PersonId,
    string DisplayName,
    IReadOnlyList<string> Roles,
    string? HouseholdId,
    IReadOnlyList<KeyView> Keys,
    IReadOnlyList<StreamEntryView> History);

/// <summary>A person's signing key.</summary>
/// <param name="KeyId">The key id (docs/FORMAT.md §4.4), named by their commands.</param>
/// <param name="PublicKey">The Ed25519 public key, 64 lowercase hex digits.</param>
/// <param name="Revoked">Whether it was revoked: it signs nothing from its revocation on.</param>
public sealed record KeyView(string KeyId, string PublicKey, bool Revoked);

/// <summary>Who signed a read, as the registry holds them now (the page's "signed in as").</summary>
/// <param name="PersonId">The person id that signed.</param>
/// <param name="DisplayName">The name the registrar registered.</param>
/// <param name="Roles">The roles they hold now; a workspace is shown for each.</param>
/// <param name="HouseholdId">The household they are a resident of; null without the Resident role.</param>
public sealed record SignedInView(string PersonId, string DisplayName, IReadOnlyList<string> Roles, string? HouseholdId);
