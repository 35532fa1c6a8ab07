using System.Text.Json;

namespace Ledger.Bodies;

// The bodies of the registry's commands (docs/ENTRIES.md §registry).

public sealed record OpenRegistryBody(Member<string> DisplayName, Member<string> PublicKey, Member<string> RegistrarId, Member<bool?> Trial)
    : ICommandBody<OpenRegistryBody>
{
    public static IReadOnlyList<string> Members { get; } = ["displayName", "publicKey", "registrarId", "trial"];

    public static OpenRegistryBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("displayName"), fields.String("publicKey"), fields.String("registrarId"), fields.OptionalBoolean("trial"));
    }
}

/// <param name="Roles">The role names; an element that is not a string is read as null, which no role is called.</param>
public sealed record RegisterPersonBody(
    Member<string> DisplayName, Member<string?> HouseholdId, Member<string> PersonId, Member<string> PublicKey, Member<IReadOnlyList<string?>> Roles)
    : ICommandBody<RegisterPersonBody>
{
    public static IReadOnlyList<string> Members { get; } = ["displayName", "householdId", "personId", "publicKey", "roles"];

    public static RegisterPersonBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("displayName"), fields.OptionalString("householdId"), fields.String("personId"), fields.String("publicKey"),
            fields.Read<IReadOnlyList<string?>>("roles", static (f, n) =>
                f.Array(n).Select(r => r.ValueKind == JsonValueKind.String ? r.GetString() : null).ToList()));
    }
}

public sealed record AddKeyBody(Member<string> PersonId, Member<string> PublicKey) : ICommandBody<AddKeyBody>
{
    public static IReadOnlyList<string> Members { get; } = ["personId", "publicKey"];

    public static AddKeyBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("personId"), fields.String("publicKey"));
    }
}

public sealed record RevokeKeyBody(Member<string> KeyId, Member<string> PersonId, Member<string> Reason) : ICommandBody<RevokeKeyBody>
{
    public static IReadOnlyList<string> Members { get; } = ["keyId", "personId", "reason"];

    public static RevokeKeyBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("keyId"), fields.String("personId"), fields.String("reason"));
    }
}

public sealed record GrantRoleBody(Member<string?> HouseholdId, Member<string> PersonId, Member<string> Role) : ICommandBody<GrantRoleBody>
{
    public static IReadOnlyList<string> Members { get; } = ["householdId", "personId", "role"];

    public static GrantRoleBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.OptionalString("householdId"), fields.String("personId"), fields.String("role"));
    }
}

public sealed record RevokeRoleBody(Member<string> PersonId, Member<string> Role) : ICommandBody<RevokeRoleBody>
{
    public static IReadOnlyList<string> Members { get; } = ["personId", "role"];

    public static RevokeRoleBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("personId"), fields.String("role"));
    }
}

public sealed record NameLogKeyBody(Member<string> VerifierKey) : ICommandBody<NameLogKeyBody>
{
    public static IReadOnlyList<string> Members { get; } = ["verifierKey"];

    public static NameLogKeyBody Read(JsonElement body) => new(BodyFields.Of(body, "body", Members).String("verifierKey"));
}
