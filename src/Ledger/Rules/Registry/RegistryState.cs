using System.Collections.Immutable;
using Ledger.Bodies;
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

    /// <summary>The points policy's versions, version n at index n − 1 (docs/ENTRIES.md "Points policy").</summary>
    public ImmutableList<Households.PolicyVersion> PointsPolicy { get; init; } = ImmutableList<Households.PolicyVersion>.Empty;

    /// <summary>Each household's exclusive floor area in hundredths of a square metre, as the registrar last recorded it.</summary>
    public ImmutableSortedDictionary<string, long> FloorAreas { get; init; } = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);

    public Person? PersonOf(string personId) => People.GetValueOrDefault(personId);

    /// <summary>Whether some registrar still holds a key that is not revoked: the registry must never lock itself out.</summary>
    public bool HasActiveRegistrarKey(string? exceptKeyId = null, string? exceptPersonId = null) =>
        Keys.Values.Any(k => !k.Revoked && k.KeyId != exceptKeyId && k.PersonId != exceptPersonId
            && People[k.PersonId].Holds(Role.Registrar));

    protected override StreamState ApplyBody(Entry entry)
    {
        return entry.Type switch
        {
            RegistryEntryTypes.RegistryOpened => ApplyOpened(entry.BodyAs<RegistryOpenedBody>()),
            RegistryEntryTypes.PersonRegistered => ApplyRegistered(entry.BodyAs<PersonRegisteredBody>()),
            RegistryEntryTypes.KeyAdded => ApplyKeyAdded(entry.BodyAs<KeyAddedBody>()),
            RegistryEntryTypes.KeyRevoked => ApplyKeyRevoked(entry.BodyAs<KeyRevokedBody>()),
            RegistryEntryTypes.RoleGranted => ApplyRoleGranted(entry.BodyAs<RoleGrantedBody>()),
            RegistryEntryTypes.RoleRevoked => ApplyRoleRevoked(entry.BodyAs<RoleRevokedBody>()),
            RegistryEntryTypes.LogKeyNamed => this with { LogKeys = LogKeys.Add(RegistryRules.ReadLogKey(entry.BodyAs<LogKeyNamedBody>())) },
            RegistryEntryTypes.PointsPolicyProposed => ApplyPolicyProposed(entry.BodyAs<PointsPolicyProposedBody>(), entry.SignedCommand.Command.PersonId),
            RegistryEntryTypes.PointsPolicyApproved => ApplyPolicyApproved(entry.BodyAs<PointsPolicyApprovedBody>()),
            RegistryEntryTypes.FloorAreaRecorded => ApplyFloorArea(entry.BodyAs<FloorAreaRecordedBody>()),
            _ => throw new FormatException($"the registry has no entry type {entry.Type}"),
        };
    }

    RegistryState ApplyPolicyProposed(PointsPolicyProposedBody body, string proposedBy)
    {
        var version = new Households.PolicyVersion(body.Version.Value, body.EffectiveFrom.Value, body.Rates.Value, proposedBy, Approved: false);
        Invariant.Holds(version.Version == PointsPolicy.Count + 1, "points policy versions are numbered 1, 2, 3 … in order");
        return this with { PointsPolicy = PointsPolicy.Add(version) };
    }

    RegistryState ApplyPolicyApproved(PointsPolicyApprovedBody body)
    {
        var version = PointsPolicy[checked((int)body.Version.Value - 1)];
        Invariant.Holds(!version.Approved, "a points policy version is approved once");
        return this with { PointsPolicy = PointsPolicy.SetItem((int)version.Version - 1, version with { Approved = true }) };
    }

    RegistryState ApplyFloorArea(FloorAreaRecordedBody body) =>
        this with { FloorAreas = FloorAreas.SetItem(body.HouseholdId.Value, body.FloorAreaHundredths.Value) };

    RegistryState ApplyOpened(RegistryOpenedBody body)
    {
        var key = RegistryRules.ReadKey(body);
        var registrar = new Person(body.RegistrarId.Value, body.DisplayName.Value, [Role.Registrar], null);
        return this with
        {
            RootKeyId = key.KeyId,
            IsTrial = body.Trial.Value == true,
            People = People.Add(registrar.Id, registrar),
            Keys = Keys.Add(key.KeyId, new RegisteredKey(key.KeyId, registrar.Id, key.PublicKey, Revoked: false)),
        };
    }

    RegistryState ApplyRegistered(PersonRegisteredBody body)
    {
        var key = RegistryRules.ReadKey(body);
        var person = new Person(body.PersonId.Value, body.DisplayName.Value, body.Roles.Value.ToImmutableSortedSet(), body.HouseholdId.Value);
        return this with
        {
            People = People.Add(person.Id, person),
            Keys = Keys.Add(key.KeyId, new RegisteredKey(key.KeyId, person.Id, key.PublicKey, Revoked: false)),
        };
    }

    RegistryState ApplyKeyAdded(KeyAddedBody body)
    {
        var key = RegistryRules.ReadKey(body);
        var personId = body.PersonId.Value;
        // AddKey refuses an unknown person; an entry that names one anyway (a forged export)
        // must not leave a key whose person the registry lacks, which authorization then
        // looked up and failed on (issue 15).
        Invariant.Holds(People.ContainsKey(personId), $"a key is added to a registered person ({personId})");
        return this with { Keys = Keys.Add(key.KeyId, new RegisteredKey(key.KeyId, personId, key.PublicKey, Revoked: false)) };
    }

    RegistryState ApplyKeyRevoked(KeyRevokedBody body)
    {
        var keyId = body.KeyId.Value;
        return this with { Keys = Keys.SetItem(keyId, Keys[keyId] with { Revoked = true }) };
    }

    RegistryState ApplyRoleGranted(RoleGrantedBody body)
    {
        var person = People[body.PersonId.Value];
        var role = body.Role.Value;
        var household = role == Role.Resident ? body.HouseholdId.Required() : person.HouseholdId;
        return this with { People = People.SetItem(person.Id, person with { Roles = person.Roles.Add(role), HouseholdId = household }) };
    }

    RegistryState ApplyRoleRevoked(RoleRevokedBody body)
    {
        var person = People[body.PersonId.Value];
        var role = body.Role.Value;
        var household = role == Role.Resident ? null : person.HouseholdId;
        return this with { People = People.SetItem(person.Id, person with { Roles = person.Roles.Remove(role), HouseholdId = household }) };
    }
}
