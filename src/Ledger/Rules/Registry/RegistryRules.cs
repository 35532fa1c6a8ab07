using Ledger.Bodies;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Signing;

namespace Ledger.Rules.Registry;

/// <summary>
/// The rules of the registry stream (DESIGN.md 4): the registrar registers people with their
/// roles and keys, adds and revokes keys, grants and revokes roles. Pure: decide reads the
/// state and the command and returns entries or a refusal.
/// </summary>
public static class RegistryRules
{
    public const string Stream = "registry";

    public const int MaxDisplayNameLength = 100;

    public const int MaxReasonLength = 500;

    /// <summary>The largest exclusive floor area a household may have: 100,000 m², in hundredths.</summary>
    public const long MaxFloorAreaHundredths = 10_000_000;

    /// <summary>
    /// Opens the registry: entry 0 names the root key, and the command is signed by that same
    /// key (the verifier's trust root, checked against a pinned fingerprint). A trial opening
    /// (<c>"trial": true</c>) says so in the ledger itself: its root key was made on the server,
    /// so the ledger cannot hold against whoever runs it (docs/FORMAT.md §12).
    /// </summary>
    public static Decision Open(RegistryState registry, Command command, OpenRegistryBody body)
    {
        if (registry.IsOpen)
        {
            return Decision.Refusing(ResultCode.RegistryAlreadyOpen, "the registry is already open");
        }
        if (NewKeyProblem(body.PublicKey.Value, out var rootKey) is { } keyRefusal)
        {
            return keyRefusal;
        }
        var registrarId = body.RegistrarId.Value;
        if (!Names.IsIdentifier(registrarId) || command.PersonId != registrarId || command.KeyId != rootKey.KeyId)
        {
            return Decision.Refusing(ResultCode.RootKeyMismatch, "the registry is opened by its registrar with the root key it names");
        }
        if (DisplayNameProblem(body.DisplayName.Value) is { } problem)
        {
            return Decision.Refusing(ResultCode.MalformedCommand, problem);
        }
        return Decision.Accepting(new NewEntry(Stream, RegistryEntryTypes.RegistryOpened,
            RegistryOpenedBody.Write(body.DisplayName.Value, rootKey.KeyId, Hex.Encode(rootKey.PublicKey.Bytes), registrarId, trial: body.Trial.Value == true)));
    }

    /// <summary>
    /// Names the log key (docs/FORMAT.md §10.3): from this entry's log position on, checkpoints
    /// are signed by this key, so a verifier holding only the root fingerprint knows which log
    /// key to expect. Naming another key later rotates it.
    /// </summary>
    public static Decision NameLogKey(RegistryState registry, Command command, NameLogKeyBody body)
    {
        var parse = NoteVerifierKey.Parse(body.VerifierKey.Value);
        if (!parse.IsValid)
        {
            return Decision.Refusing(ResultCode.InvalidLogVerifierKey,
                $"verifierKey must be an Ed25519 note verifier key <origin>+<8 hex key ID>+<base64 of 0x01 and the key> (docs/FORMAT.md §10.3): {parse.Result}");
        }
        var key = parse.Key;
        if (FullOrderProblem(key.PublicKey) is { } keyRefusal)
        {
            return keyRefusal;
        }
        if (registry.LogKeys.LastOrDefault() is { } current && current.Equals(key))
        {
            return Decision.Refusing(ResultCode.LogKeyAlreadyNamed, $"{key} is already the log key");
        }
        return Decision.Accepting(new NewEntry(Stream, RegistryEntryTypes.LogKeyNamed,
            LogKeyNamedBody.Write(NoteKeyId(key), key.Name, Hex.Encode(key.PublicKey.Bytes), key.Format())));
    }

    /// <summary>
    /// Records a household's exclusive floor area (专有部分面积), the weight of its ballot in an
    /// owners' vote (art. 278), as the property register states it; recording it again corrects it.
    /// </summary>
    public static Decision RecordFloorArea(RegistryState registry, Command command, RecordFloorAreaBody body)
    {
        var householdId = body.HouseholdId.Value;
        if (!Names.IsIdentifier(householdId))
        {
            return Decision.Refusing(ResultCode.MalformedCommand, "householdId is not a valid identifier");
        }
        var area = body.FloorAreaHundredths.Value;
        if (area is < 1 or > MaxFloorAreaHundredths)
        {
            return Decision.Refusing(ResultCode.FloorAreaOutOfRange, $"floorAreaHundredths is from 1 to {MaxFloorAreaHundredths} (hundredths of a square metre)");
        }
        return Decision.Accepting(new NewEntry(Stream, RegistryEntryTypes.FloorAreaRecorded, FloorAreaRecordedBody.Write(area, householdId)));
    }

    public static Decision Register(RegistryState registry, Command command, RegisterPersonBody body)
    {
        var personId = body.PersonId.Value;
        if (!Names.IsIdentifier(personId))
        {
            return Decision.Refusing(ResultCode.MalformedCommand, "personId is not a valid identifier");
        }
        if (DisplayNameProblem(body.DisplayName.Value) is { } problem)
        {
            return Decision.Refusing(ResultCode.MalformedCommand, problem);
        }
        if (registry.People.ContainsKey(personId))
        {
            return Decision.Refusing(ResultCode.PersonAlreadyRegistered, $"{personId} is already registered");
        }
        var roles = new List<Role>();
        foreach (var name in body.Roles.Value)
        {
            if (!Roles.TryParse(name, out var role) || roles.Contains(role))
            {
                return Decision.Refusing(ResultCode.UnknownRole, $"roles must be distinct names of roles: {string.Join(", ", Enum.GetNames<Role>())}");
            }
            roles.Add(role);
        }
        var householdId = body.HouseholdId.Value;
        if (HouseholdProblem(roles.Contains(Role.Resident), householdId) is { } householdRefusal)
        {
            return householdRefusal;
        }
        if (NewKeyProblem(body.PublicKey.Value, out var key) is { } keyRefusal)
        {
            return keyRefusal;
        }
        if (registry.Keys.ContainsKey(key.KeyId))
        {
            return Decision.Refusing(ResultCode.KeyAlreadyRegistered, $"key {key.KeyId} is already registered");
        }
        return Decision.Accepting(new NewEntry(Stream, RegistryEntryTypes.PersonRegistered,
            PersonRegisteredBody.Write(body.DisplayName.Value, householdId, key.KeyId, personId, Hex.Encode(key.PublicKey.Bytes), roles)));
    }

    public static Decision AddKey(RegistryState registry, Command command, AddKeyBody body)
    {
        var personId = body.PersonId.Value;
        if (!registry.People.ContainsKey(personId))
        {
            return Decision.Refusing(ResultCode.UnknownPerson, $"{personId} is not registered");
        }
        if (NewKeyProblem(body.PublicKey.Value, out var key) is { } keyRefusal)
        {
            return keyRefusal;
        }
        if (registry.Keys.ContainsKey(key.KeyId))
        {
            return Decision.Refusing(ResultCode.KeyAlreadyRegistered, $"key {key.KeyId} is already registered");
        }
        return Decision.Accepting(new NewEntry(Stream, RegistryEntryTypes.KeyAdded, KeyAddedBody.Write(key.KeyId, personId, Hex.Encode(key.PublicKey.Bytes))));
    }

    public static Decision RevokeKey(RegistryState registry, Command command, RevokeKeyBody body)
    {
        var personId = body.PersonId.Value;
        var keyId = body.KeyId.Value;
        var reason = body.Reason.Value;
        if (reason.Length is 0 or > MaxReasonLength)
        {
            return Decision.Refusing(ResultCode.MalformedCommand, $"reason must be 1 to {MaxReasonLength} characters");
        }
        if (!registry.People.ContainsKey(personId))
        {
            return Decision.Refusing(ResultCode.UnknownPerson, $"{personId} is not registered");
        }
        if (!registry.Keys.TryGetValue(keyId, out var key) || key.PersonId != personId)
        {
            return Decision.Refusing(ResultCode.KeyNotOfPerson, $"key {keyId} is not a key of {personId}");
        }
        if (key.Revoked)
        {
            return Decision.Refusing(ResultCode.KeyAlreadyRevoked, $"key {keyId} is already revoked");
        }
        if (!registry.HasActiveRegistrarKey(exceptKeyId: keyId))
        {
            return Decision.Refusing(ResultCode.LastRegistrarKey, "revoking it would leave no registrar able to sign: add another registrar key first");
        }
        return Decision.Accepting(new NewEntry(Stream, RegistryEntryTypes.KeyRevoked, KeyRevokedBody.Write(keyId, personId, reason)));
    }

    public static Decision GrantRole(RegistryState registry, Command command, GrantRoleBody body)
    {
        var personId = body.PersonId.Value;
        if (registry.PersonOf(personId) is not { } person)
        {
            return Decision.Refusing(ResultCode.UnknownPerson, $"{personId} is not registered");
        }
        if (!Roles.TryParse(body.Role.Value, out var role))
        {
            return Decision.Refusing(ResultCode.UnknownRole, $"role must be one of: {string.Join(", ", Enum.GetNames<Role>())}");
        }
        var householdId = body.HouseholdId.Value;
        if (HouseholdProblem(role == Role.Resident, householdId) is { } householdRefusal)
        {
            return householdRefusal;
        }
        if (person.Holds(role))
        {
            return Decision.Refusing(ResultCode.RoleAlreadyHeld, $"{personId} already holds {role}");
        }
        return Decision.Accepting(new NewEntry(Stream, RegistryEntryTypes.RoleGranted, RoleGrantedBody.Write(householdId, personId, role)));
    }

    public static Decision RevokeRole(RegistryState registry, Command command, RevokeRoleBody body)
    {
        var personId = body.PersonId.Value;
        if (registry.PersonOf(personId) is not { } person)
        {
            return Decision.Refusing(ResultCode.UnknownPerson, $"{personId} is not registered");
        }
        if (!Roles.TryParse(body.Role.Value, out var role))
        {
            return Decision.Refusing(ResultCode.UnknownRole, $"role must be one of: {string.Join(", ", Enum.GetNames<Role>())}");
        }
        if (!person.Holds(role))
        {
            return Decision.Refusing(ResultCode.RoleNotHeld, $"{personId} does not hold {role}");
        }
        if (role == Role.Registrar && !registry.HasActiveRegistrarKey(exceptPersonId: personId))
        {
            return Decision.Refusing(ResultCode.LastRegistrarKey, "revoking it would leave no registrar able to sign");
        }
        return Decision.Accepting(new NewEntry(Stream, RegistryEntryTypes.RoleRevoked, RoleRevokedBody.Write(personId, role)));
    }

    /// <summary>The root key an OpenRegistry command names, if it names its own signing key.</summary>
    internal static VerificationKey? RootKeyOf(Command command)
    {
        try
        {
            return TryReadKey(OpenRegistryBody.Read(command.Body).PublicKey.Value, out var key) && key.KeyId == command.KeyId ? key.PublicKey : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    internal static (string KeyId, VerificationKey PublicKey) ReadKey(IKeyAnnouncement body)
    {
        if (!TryReadKey(body.PublicKey.Value, out var key) || key.KeyId != body.KeyId.Value)
        {
            throw new FormatException("keyId must be the key id of publicKey");
        }
        return key;
    }

    /// <summary>A recorded LogKeyNamed's key: its members must all say the same key.</summary>
    internal static NoteVerifierKey ReadLogKey(LogKeyNamedBody body)
    {
        var parse = NoteVerifierKey.Parse(body.VerifierKey.Value);
        if (!parse.IsValid || parse.Key.Format() != body.VerifierKey.Value || parse.Key.Name != body.Origin.Value
            || NoteKeyId(parse.Key) != body.KeyId.Value || Hex.Encode(parse.Key.PublicKey.Bytes) != body.PublicKey.Value)
        {
            throw new FormatException("keyId, origin and publicKey must be those of verifierKey");
        }
        return parse.Key;
    }

    /// <summary>A log key's note key ID as a LogKeyNamed entry writes it: 8 lowercase hex digits.</summary>
    static string NoteKeyId(NoteVerifierKey key) => key.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A key the registry is asked to record must be a canonical encoding of a point of full
    /// order (issue 15): under a small-order key a signature can verify for any message with
    /// some verifiers, and with a mixed-order key verifiers disagree on which signatures are
    /// valid. Deciding asks; applying a recorded entry (<see cref="ReadKey"/>) does not, so state
    /// still loads, while the verifier, which decides each command again, reports such a key.
    /// </summary>
    static Decision.Refuse? NewKeyProblem(string hex, out (string KeyId, VerificationKey PublicKey) key)
    {
        if (!TryReadKey(hex, out key))
        {
            return new Decision.Refuse(ResultCode.InvalidPublicKey, "publicKey must be 64 lowercase hex digits");
        }
        return FullOrderProblem(key.PublicKey);
    }

    static Decision.Refuse? FullOrderProblem(VerificationKey key) =>
        key.IsFullOrderPoint
            ? null
            : new Decision.Refuse(ResultCode.PublicKeyNotFullOrder, "the public key must encode an Ed25519 point of full order (RFC 8032 §5.1.3, canonical, not of small or mixed order)");

    static bool TryReadKey(string hex, out (string KeyId, VerificationKey PublicKey) key)
    {
        key = default;
        if (!Hex.TryDecode(hex, 32, out var bytes))
        {
            return false;
        }
        key = (KeyIds.Of(bytes), VerificationKey.FromBytes(bytes));
        return true;
    }

    /// <summary>A resident lives in exactly one household; no other role names one.</summary>
    static Decision.Refuse? HouseholdProblem(bool resident, string? householdId) => (resident, householdId) switch
    {
        (true, null) => new Decision.Refuse(ResultCode.HouseholdRequired, "a resident is registered with the householdId of their household"),
        (true, var id) when !Names.IsIdentifier(id) => new Decision.Refuse(ResultCode.MalformedCommand, "householdId is not a valid identifier"),
        (false, not null) => new Decision.Refuse(ResultCode.HouseholdNotAllowed, "householdId is given only with the Resident role"),
        _ => null,
    };

    static string? DisplayNameProblem(string name) =>
        name.Length is 0 or > MaxDisplayNameLength || name.Any(char.IsControl)
            ? $"displayName must be 1 to {MaxDisplayNameLength} characters without control characters"
            : null;
}
