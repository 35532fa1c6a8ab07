using Ledger.Entries;
using Ledger.Signing;
using Ledger.Rules.Registry;

namespace Ledger.Rules;

/// <summary>
/// The checks of a signed command's envelope, before any rule (docs/FORMAT.md §6, §8), in the
/// precedence of <see cref="ResultCode"/>: unknown key, bad signature, revoked key, stale or
/// future issue time, missing role. Authentication (the signature, the costly part) is apart
/// from authorization so that the server can check signatures outside any stream's turn.
/// </summary>
public static class Authorization
{
    /// <summary>
    /// How far a command's issuedAt may lie from the time the ledger records it, either way.
    /// Fixed by the format, because the verifier checks it too (FORMAT.md §8).
    /// </summary>
    public static readonly TimeSpan IssueWindow = TimeSpan.FromMinutes(5);

    /// <summary>Whether the command was signed by the key it names, and that key is the person's.</summary>
    public static Decision.Refuse? Authenticate(RegistryState registry, SignedCommand signed) =>
        Authenticate(registry, signed, static (key, s) => key.Verify(s.Command.SignedBytes(), s.Signature));

    /// <summary>
    /// The same, with the Ed25519 check given: a caller that has already verified signatures in
    /// parallel (the verifier, over a million entries) answers from its results. Which key is
    /// the right one is still decided here, by the registry.
    /// </summary>
    public static Decision.Refuse? Authenticate(RegistryState registry, SignedCommand signed, Func<VerificationKey, SignedCommand, bool> verify)
    {
        var command = signed.Command;
        if (!registry.IsOpen && command.Type != RegistryCommandTypes.OpenRegistry)
        {
            return new Decision.Refuse(ResultCode.RegistryNotOpen, "the registry is not open yet: the registrar opens it first (OpenRegistry)");
        }
        var key = IsOpening(registry, command)
            ? RegistryRules.RootKeyOf(command)
            : registry.Keys.GetValueOrDefault(command.KeyId) is { } registered && registered.PersonId == command.PersonId
                ? registered.PublicKey
                : null;
        if (key is null)
        {
            return new Decision.Refuse(ResultCode.UnknownKey, $"key {command.KeyId} is not a registered key of {command.PersonId}");
        }
        return verify(key, signed)
            ? null
            : new Decision.Refuse(ResultCode.BadSignature, "the signature does not verify under the named key");
    }

    /// <summary>
    /// Whether the person may give this command now, by the registry as it stands: <see cref="Admit"/>,
    /// then one of <paramref name="allowedRoles"/> held.
    /// </summary>
    public static Decision.Refuse? Authorize(RegistryState registry, Command command, IReadOnlySet<Role> allowedRoles, DateTimeOffset now) =>
        Admit(registry, command, now)
            ?? (IsOpening(registry, command) ? null : RoleRefusal(command.Type, registry.People[command.PersonId].Roles, allowedRoles));

    /// <summary>
    /// Whether the command may be taken at all now, whatever it asks: the key the person's and
    /// not revoked, and the command issued within <see cref="IssueWindow"/> of <paramref name="now"/>.
    /// A signed read (<see cref="SignedRead"/>) is admitted here and its roles checked per view.
    /// </summary>
    public static Decision.Refuse? Admit(RegistryState registry, Command command, DateTimeOffset now)
    {
        if (!IsOpening(registry, command))
        {
            // Authentication may have read an earlier registry: an opening authenticated by the
            // key in its body, then decided after another opening, names a key this one lacks.
            if (registry.Keys.GetValueOrDefault(command.KeyId) is not { } key || key.PersonId != command.PersonId)
            {
                return new Decision.Refuse(ResultCode.UnknownKey, $"key {command.KeyId} is not a registered key of {command.PersonId}");
            }
            if (key.Revoked)
            {
                return new Decision.Refuse(ResultCode.KeyRevoked, $"key {command.KeyId} was revoked");
            }
        }
        if (command.IssuedAt < now - IssueWindow)
        {
            return new Decision.Refuse(ResultCode.CommandStale, $"the command was issued more than {IssueWindow.TotalMinutes:0} minutes ago: sign it again");
        }
        if (command.IssuedAt > now + IssueWindow)
        {
            return new Decision.Refuse(ResultCode.CommandFromFuture, $"the command is dated more than {IssueWindow.TotalMinutes:0} minutes ahead: check the client's clock");
        }
        return null;
    }

    /// <summary>Whether one holding <paramref name="heldRoles"/> may give a command of <paramref name="commandType"/> that <paramref name="allowedRoles"/> may.</summary>
    public static Decision.Refuse? RoleRefusal(string commandType, IEnumerable<Role> heldRoles, IReadOnlySet<Role> allowedRoles) =>
        allowedRoles.Overlaps(heldRoles)
            ? null
            : new Decision.Refuse(ResultCode.RoleMissing, $"{commandType} needs one of the roles {string.Join(", ", allowedRoles.Order())}");

    static bool IsOpening(RegistryState registry, Command command) =>
        command.Type == RegistryCommandTypes.OpenRegistry && !registry.IsOpen;
}
