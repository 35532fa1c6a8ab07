using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Registry;

namespace Ledger.Bodies;

// The bodies of the registry's entries (docs/ENTRIES.md "Entry bodies"): each read by its
// record and written by its record's Write, the one place its members are named.

/// <summary>An entry that registers a key: its key id, which must be that of its public key.</summary>
public interface IKeyAnnouncement
{
    Member<string> KeyId { get; }

    Member<string> PublicKey { get; }
}

public static class KeyAnnouncements
{
    /// <summary>The body of a registry entry that registers a key (RegistryOpened, PersonRegistered, KeyAdded); null for any other.</summary>
    public static IKeyAnnouncement? Of(Entry entry) => entry.Type switch
    {
        RegistryEntryTypes.RegistryOpened => entry.BodyAs<RegistryOpenedBody>(),
        RegistryEntryTypes.PersonRegistered => entry.BodyAs<PersonRegisteredBody>(),
        RegistryEntryTypes.KeyAdded => entry.BodyAs<KeyAddedBody>(),
        _ => null,
    };
}

/// <param name="Trial">Present, and true, only when the registry was opened as a trial.</param>
public sealed record RegistryOpenedBody(
    Member<string> DisplayName, Member<string> KeyId, Member<string> PublicKey, Member<string> RegistrarId, Member<bool?> Trial)
    : IEntryBody<RegistryOpenedBody>, IKeyAnnouncement
{
    public static IReadOnlyList<string> Types { get; } = [RegistryEntryTypes.RegistryOpened];

    public static IReadOnlyList<string> Members { get; } = ["displayName", "keyId", "publicKey", "registrarId", "trial"];

    public static RegistryOpenedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("displayName"), fields.String("keyId"), fields.String("publicKey"), fields.String("registrarId"),
            fields.OptionalBoolean("trial"));
    }

    public static JsonObject Write(string displayName, string keyId, string publicKey, string registrarId, bool trial)
    {
        var body = new JsonObject { ["displayName"] = displayName, ["keyId"] = keyId, ["publicKey"] = publicKey, ["registrarId"] = registrarId };
        // Only a trial says so: an entry has one spelling, and a real opening's is the one it always had.
        if (trial)
        {
            body["trial"] = true;
        }
        return body;
    }
}

/// <param name="HouseholdId">Present with the Resident role only.</param>
/// <param name="Roles">The role names, sorted; a name that is not a role cannot be read.</param>
public sealed record PersonRegisteredBody(
    Member<string> DisplayName, Member<string?> HouseholdId, Member<string> KeyId, Member<string> PersonId, Member<string> PublicKey,
    Member<IReadOnlyList<Role>> Roles)
    : IEntryBody<PersonRegisteredBody>, IKeyAnnouncement
{
    public static IReadOnlyList<string> Types { get; } = [RegistryEntryTypes.PersonRegistered];

    public static IReadOnlyList<string> Members { get; } = ["displayName", "householdId", "keyId", "personId", "publicKey", "roles"];

    public static PersonRegisteredBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        // A role that is not a string is a format error like an unknown name (GetString would throw InvalidOperationException).
        return new(fields.String("displayName"), fields.OptionalString("householdId"), fields.String("keyId"), fields.String("personId"),
            fields.String("publicKey"),
            fields.Read<IReadOnlyList<Role>>("roles", static (f, n) => f.Array(n)
                .Select(r => Rules.Roles.TryParse(r.ValueKind == JsonValueKind.String ? r.GetString() : null, out var role)
                    ? role
                    : throw new FormatException("unknown role"))
                .ToList()));
    }

    public static JsonObject Write(string displayName, string? householdId, string keyId, string personId, string publicKey, IEnumerable<Role> roles)
    {
        var body = new JsonObject
        {
            ["displayName"] = displayName,
            ["keyId"] = keyId,
            ["personId"] = personId,
            ["publicKey"] = publicKey,
            ["roles"] = new JsonArray(roles.Order().Select(r => (JsonNode)JsonValue.Create(r.ToString())).ToArray()),
        };
        if (householdId is not null)
        {
            body["householdId"] = householdId;
        }
        return body;
    }
}

public sealed record KeyAddedBody(Member<string> KeyId, Member<string> PersonId, Member<string> PublicKey)
    : IEntryBody<KeyAddedBody>, IKeyAnnouncement
{
    public static IReadOnlyList<string> Types { get; } = [RegistryEntryTypes.KeyAdded];

    public static IReadOnlyList<string> Members { get; } = ["keyId", "personId", "publicKey"];

    public static KeyAddedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("keyId"), fields.String("personId"), fields.String("publicKey"));
    }

    public static JsonObject Write(string keyId, string personId, string publicKey) =>
        new() { ["keyId"] = keyId, ["personId"] = personId, ["publicKey"] = publicKey };
}

public sealed record KeyRevokedBody(Member<string> KeyId, Member<string> PersonId, Member<string> Reason) : IEntryBody<KeyRevokedBody>
{
    public static IReadOnlyList<string> Types { get; } = [RegistryEntryTypes.KeyRevoked];

    public static IReadOnlyList<string> Members { get; } = ["keyId", "personId", "reason"];

    public static KeyRevokedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("keyId"), fields.String("personId"), fields.String("reason"));
    }

    public static JsonObject Write(string keyId, string personId, string reason) =>
        new() { ["keyId"] = keyId, ["personId"] = personId, ["reason"] = reason };
}

/// <param name="HouseholdId">Present with the Resident role only.</param>
public sealed record RoleGrantedBody(Member<string?> HouseholdId, Member<string> PersonId, Member<Role> Role) : IEntryBody<RoleGrantedBody>
{
    public static IReadOnlyList<string> Types { get; } = [RegistryEntryTypes.RoleGranted];

    public static IReadOnlyList<string> Members { get; } = ["householdId", "personId", "role"];

    public static RoleGrantedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.OptionalString("householdId"), fields.String("personId"), fields.Read("role", RoleBodies.ReadRole));
    }

    public static JsonObject Write(string? householdId, string personId, Role role)
    {
        var body = new JsonObject { ["personId"] = personId, ["role"] = role.ToString() };
        if (householdId is not null)
        {
            body["householdId"] = householdId;
        }
        return body;
    }
}

public sealed record RoleRevokedBody(Member<string> PersonId, Member<Role> Role) : IEntryBody<RoleRevokedBody>
{
    public static IReadOnlyList<string> Types { get; } = [RegistryEntryTypes.RoleRevoked];

    public static IReadOnlyList<string> Members { get; } = ["personId", "role"];

    public static RoleRevokedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("personId"), fields.Read("role", RoleBodies.ReadRole));
    }

    public static JsonObject Write(string personId, Role role) => new() { ["personId"] = personId, ["role"] = role.ToString() };
}

/// <param name="FloorAreaHundredths">专有部分面积 in hundredths of a square metre, as the registrar last recorded it.</param>
public sealed record FloorAreaRecordedBody(Member<long> FloorAreaHundredths, Member<string> HouseholdId) : IEntryBody<FloorAreaRecordedBody>
{
    public static IReadOnlyList<string> Types { get; } = [RegistryEntryTypes.FloorAreaRecorded];

    public static IReadOnlyList<string> Members { get; } = ["floorAreaHundredths", "householdId"];

    public static FloorAreaRecordedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Integer("floorAreaHundredths"), fields.String("householdId"));
    }

    public static JsonObject Write(long floorAreaHundredths, string householdId) =>
        new() { ["floorAreaHundredths"] = floorAreaHundredths, ["householdId"] = householdId };
}

/// <param name="KeyId">The note key ID of <paramref name="VerifierKey"/>, 8 hex digits.</param>
/// <param name="PublicKey">The Ed25519 key of <paramref name="VerifierKey"/>, 64 hex digits.</param>
/// <param name="VerifierKey">The vkey, as the core writes it (docs/FORMAT.md §10.3).</param>
public sealed record LogKeyNamedBody(Member<string> KeyId, Member<string> Origin, Member<string> PublicKey, Member<string> VerifierKey)
    : IEntryBody<LogKeyNamedBody>
{
    public static IReadOnlyList<string> Types { get; } = [RegistryEntryTypes.LogKeyNamed];

    public static IReadOnlyList<string> Members { get; } = ["keyId", "origin", "publicKey", "verifierKey"];

    public static LogKeyNamedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.String("keyId"), fields.String("origin"), fields.String("publicKey"), fields.String("verifierKey"));
    }

    public static JsonObject Write(string keyId, string origin, string publicKey, string verifierKey) =>
        new() { ["keyId"] = keyId, ["origin"] = origin, ["publicKey"] = publicKey, ["verifierKey"] = verifierKey };
}

static class RoleBodies
{
    public static Role ReadRole(Canonical.JsonFields fields, string name) =>
        Rules.Roles.TryParse(fields.String(name), out var role) ? role : throw new FormatException("unknown role");
}

/// <param name="Rates">By activity; the rate's cap members only with a cap.</param>
/// <param name="Version">1 for the first version proposed, then 2, 3 … (docs/ENTRIES.md "Points policy").</param>
public sealed record PointsPolicyProposedBody(Member<DateTimeOffset> EffectiveFrom, Member<ImmutableList<PointsRate>> Rates, Member<long> Version)
    : IEntryBody<PointsPolicyProposedBody>
{
    public static IReadOnlyList<string> Types { get; } = [RegistryEntryTypes.PointsPolicyProposed];

    public static IReadOnlyList<string> Members { get; } = ["effectiveFrom", "rates", "version"];

    static readonly string[] RateMembers = ["activity", "capPeriod", "capPoints", "pointsPerUnit", "unit"];

    public static PointsPolicyProposedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Read("effectiveFrom", static (f, n) => f.Time(n)),
            fields.Read("rates", static (f, n) => f.Array(n).Select(r => JsonFields.Of(r, "a rate", RateMembers)).Select(r => new PointsRate(
                BodyFields.EnumOf<Activity>(r, "activity"), r.Integer("pointsPerUnit"), BodyFields.EnumOf<PointsUnit>(r, "unit"),
                r.OptionalInteger("capPoints"), r.Has("capPeriod") ? BodyFields.EnumOf<CapPeriod>(r, "capPeriod") : null)).ToImmutableList()),
            fields.Integer("version"));
    }

    public static JsonObject Write(DateTimeOffset effectiveFrom, IEnumerable<PointsRate> rates, long version) => new()
    {
        ["effectiveFrom"] = LedgerTime.Format(effectiveFrom),
        ["rates"] = new JsonArray([.. rates.OrderBy(r => r.Activity.ToString(), StringComparer.Ordinal).Select(WriteRate)]),
        ["version"] = version,
    };

    static JsonObject WriteRate(PointsRate rate)
    {
        var json = new JsonObject { ["activity"] = rate.Activity.ToString(), ["pointsPerUnit"] = rate.PointsPerUnit, ["unit"] = rate.Unit.ToString() };
        if (rate is { CapPoints: { } cap, CapPeriod: { } period })
        {
            json["capPeriod"] = period.ToString();
            json["capPoints"] = cap;
        }
        return json;
    }
}

/// <param name="EffectiveFrom">The approved version's, repeated so that the entry says when it takes effect.</param>
public sealed record PointsPolicyApprovedBody(Member<DateTimeOffset> EffectiveFrom, Member<long> Version) : IEntryBody<PointsPolicyApprovedBody>
{
    public static IReadOnlyList<string> Types { get; } = [RegistryEntryTypes.PointsPolicyApproved];

    public static IReadOnlyList<string> Members { get; } = ["effectiveFrom", "version"];

    public static PointsPolicyApprovedBody Read(JsonElement body, string type)
    {
        var fields = BodyFields.Of(body, type, Members);
        return new(fields.Read("effectiveFrom", static (f, n) => f.Time(n)), fields.Integer("version"));
    }

    public static JsonObject Write(DateTimeOffset effectiveFrom, long version) =>
        new() { ["effectiveFrom"] = LedgerTime.Format(effectiveFrom), ["version"] = version };
}
