using System.Collections.Immutable;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Signing;

namespace Ledger.Rules.Registry;

/// <summary>A registered person: who they are, which roles they hold, which household they live in.</summary>
public sealed record Person(string Id, string DisplayName, ImmutableSortedSet<Role> Roles, string? HouseholdId)
{
    public bool Holds(Role role) => Roles.Contains(role);
}

/// <summary>A public key registered to a person; once revoked it never signs again.</summary>
public sealed record RegisteredKey(string KeyId, string PersonId, VerificationKey PublicKey, bool Revoked);

/// <summary>
/// The registry stream's state (DESIGN.md 4): the root key named by its first entry, and the
/// people, roles and keys registered since. Authorization reads it as it stood when a
/// command was accepted.
/// </summary>
public sealed record RegistryState : StreamState
{
    public static RegistryState Empty { get; } = new();

    /// <summary>The key id of the registrar's root key; null until the registry is opened.</summary>
    public string? RootKeyId { get; init; }

    public ImmutableDictionary<string, Person> People { get; init; } = ImmutableDictionary<string, Person>.Empty;

    public ImmutableDictionary<string, RegisteredKey> Keys { get; init; } = ImmutableDictionary<string, RegisteredKey>.Empty;

    public bool IsOpen => RootKeyId is not null;

    /// <summary>Whether the registry was opened as a trial: its root key was made on the server (docs/FORMAT.md §12).</summary>
    public bool IsTrial { get; init; }

    /// <summary>
    /// The log keys the registrar named, oldest first; the last signs from its entry on. Their
    /// log positions are the verifier's to know: state is per stream (docs/FORMAT.md §10.3).
    /// </summary>
    public ImmutableList<NoteVerifierKey> LogKeys { get; init; } = ImmutableList<NoteVerifierKey>.Empty;

    /// <summary>Each household's exclusive floor area in hundredths of a square metre, as the registrar last recorded it.</summary>
    public ImmutableSortedDictionary<string, long> FloorAreas { get; init; } = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);

    public Person? PersonOf(string personId) => People.GetValueOrDefault(personId);

    /// <summary>Whether some registrar still holds a key that is not revoked: the registry must never lock itself out.</summary>
    public bool HasActiveRegistrarKey(string? exceptKeyId = null, string? exceptPersonId = null) =>
        Keys.Values.Any(k => !k.Revoked && k.KeyId != exceptKeyId && k.PersonId != exceptPersonId
            && People[k.PersonId].Holds(Role.Registrar));

    protected override StreamState ApplyBody(Entry entry)
    {
        var body = entry.Body;
        return entry.Type switch
        {
            RegistryEntryTypes.RegistryOpened => ApplyOpened(JsonFields.Of(body, entry.Type, [.. RegistryRules.OpenedMembers])),
            RegistryEntryTypes.PersonRegistered => ApplyRegistered(JsonFields.Of(body, entry.Type, RegistryRules.RegisteredMembers)),
            RegistryEntryTypes.KeyAdded => ApplyKeyAdded(JsonFields.Of(body, entry.Type, RegistryRules.KeyAddedMembers)),
            RegistryEntryTypes.KeyRevoked => ApplyKeyRevoked(JsonFields.Of(body, entry.Type, RegistryRules.KeyRevokedMembers)),
            RegistryEntryTypes.RoleGranted => ApplyRoleGranted(JsonFields.Of(body, entry.Type, RegistryRules.RoleGrantedMembers)),
            RegistryEntryTypes.RoleRevoked => ApplyRoleRevoked(JsonFields.Of(body, entry.Type, RegistryRules.RoleRevokedMembers)),
            RegistryEntryTypes.LogKeyNamed => this with
            {
                LogKeys = LogKeys.Add(RegistryRules.ReadLogKey(JsonFields.Of(body, entry.Type, RegistryRules.LogKeyNamedMembers))),
            },
            RegistryEntryTypes.FloorAreaRecorded => ApplyFloorArea(JsonFields.Of(body, entry.Type, RegistryRules.FloorAreaRecordedMembers)),
            _ => throw new FormatException($"the registry has no entry type {entry.Type}"),
        };
    }

    RegistryState ApplyFloorArea(JsonFields body) =>
        this with { FloorAreas = FloorAreas.SetItem(body.String("householdId"), body.Integer("floorAreaHundredths")) };

    RegistryState ApplyOpened(JsonFields body)
    {
        var key = RegistryRules.ReadKey(body);
        var registrar = new Person(body.String("registrarId"), body.String("displayName"), [Role.Registrar], null);
        return this with
        {
            RootKeyId = key.KeyId,
            IsTrial = RegistryRules.IsTrial(body),
            People = People.Add(registrar.Id, registrar),
            Keys = Keys.Add(key.KeyId, new RegisteredKey(key.KeyId, registrar.Id, key.PublicKey, Revoked: false)),
        };
    }

    RegistryState ApplyRegistered(JsonFields body)
    {
        var key = RegistryRules.ReadKey(body);
        var person = new Person(body.String("personId"), body.String("displayName"),
            RegistryRules.ReadRoles(body).ToImmutableSortedSet(), body.OptionalString("householdId"));
        return this with
        {
            People = People.Add(person.Id, person),
            Keys = Keys.Add(key.KeyId, new RegisteredKey(key.KeyId, person.Id, key.PublicKey, Revoked: false)),
        };
    }

    RegistryState ApplyKeyAdded(JsonFields body)
    {
        var key = RegistryRules.ReadKey(body);
        var personId = body.String("personId");
        // AddKey refuses an unknown person; an entry that names one anyway (a forged export)
        // must not leave a key whose person the registry lacks, which authorization then
        // looked up and failed on (issue 15).
        Invariant.Holds(People.ContainsKey(personId), $"a key is added to a registered person ({personId})");
        return this with { Keys = Keys.Add(key.KeyId, new RegisteredKey(key.KeyId, personId, key.PublicKey, Revoked: false)) };
    }

    RegistryState ApplyKeyRevoked(JsonFields body)
    {
        var keyId = body.String("keyId");
        return this with { Keys = Keys.SetItem(keyId, Keys[keyId] with { Revoked = true }) };
    }

    RegistryState ApplyRoleGranted(JsonFields body)
    {
        var person = People[body.String("personId")];
        var role = RegistryRules.ReadRole(body);
        var household = role == Role.Resident ? body.String("householdId") : person.HouseholdId;
        return this with { People = People.SetItem(person.Id, person with { Roles = person.Roles.Add(role), HouseholdId = household }) };
    }

    RegistryState ApplyRoleRevoked(JsonFields body)
    {
        var person = People[body.String("personId")];
        var role = RegistryRules.ReadRole(body);
        var household = role == Role.Resident ? null : person.HouseholdId;
        return this with { People = People.SetItem(person.Id, person with { Roles = person.Roles.Remove(role), HouseholdId = household }) };
    }
}
