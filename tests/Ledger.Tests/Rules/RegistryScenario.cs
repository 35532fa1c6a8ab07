// A tiny in-memory model of the server's command pipeline for the registry stream, for
// pure tests of the rules: find the rule, authenticate, decide (authorize, then the rule),
// and on acceptance chain the entries after the stream's head and fold them into its state
// (STYLE.md 10: decide, then apply). The clock is a property the test sets; keys come from
// fixed seeds, so every signature, key id and entry hash is the same on every run.
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Registry;
using Ledger.Signing;
using Xunit.Sdk;

namespace Ledger.Tests.Rules;

/// <summary>Who signs a command: the person it names and the name of the key that signs it.</summary>
public sealed record Signer(string PersonId, string KeyName);

public sealed class RegistryScenario
{
    /// <summary>The registrar who opens every scenario's registry, signing with the key of the same name.</summary>
    public const string Registrar = "registrar";

    /// <summary>The household of the populated scenario's resident (a DOMAIN.md household stream id's identifier).</summary>
    public const string Household = "b2-0301";

    public static readonly Signer TheRegistrar = new(Registrar, Registrar);

    /// <summary>The scenario's clock starts here and moves only when a test sets <see cref="Now"/>.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    // Deterministic and shared: a key is derived from its name, so the cache only saves work.
    static readonly ConcurrentDictionary<string, SigningKey> KeysByName = new(StringComparer.Ordinal);

    readonly Dictionary<string, StreamState> states = new(StringComparer.Ordinal);
    readonly Dictionary<string, Entry> heads = new(StringComparer.Ordinal);
    readonly List<Entry> entries = [];
    readonly SnapshotShadows snapshots = new();
    int commandCount;

    /// <summary>The time at which the ledger decides and records the next command.</summary>
    public DateTimeOffset Now { get; set; } = Start;

    public RegistryState Registry => (RegistryState)StateOf(RegistryRules.Stream);

    /// <summary>Every entry written so far, in commit order.</summary>
    public IReadOnlyList<Entry> Entries => entries;

    /// <summary>
    /// An opened registry with: the registrar (key "registrar"); a second registrar "deputy"
    /// (key "deputy", and key "deputy-old", revoked); the resident "alice" of
    /// <see cref="Household"/> (key "alice"); the finance officer "fin" (key "fin").
    /// </summary>
    public static RegistryScenario Populated()
    {
        var scenario = new RegistryScenario();
        AssertAccepted(scenario.Open());
        AssertAccepted(scenario.Register("deputy", [Role.Registrar]));
        AssertAccepted(scenario.AddKey("deputy", "deputy-old"));
        AssertAccepted(scenario.RevokeKey("deputy", "deputy-old"));
        AssertAccepted(scenario.Register("alice", [Role.Resident], Household));
        AssertAccepted(scenario.Register("fin", [Role.FinanceOfficer]));
        return scenario;
    }

    /// <summary>The signing key named <paramref name="name"/>: its seed is SHA-256 of the name.</summary>
    public static SigningKey Key(string name) =>
        KeysByName.GetOrAdd(name, n => SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes($"RegistryScenario/{n}"))));

    public static string KeyId(string keyName) => KeyIds.Of(Key(keyName).PublicKey.Bytes);

    public static string PublicKeyHex(string keyName) => Hex.Encode(Key(keyName).PublicKey.Bytes);

    /// <summary>An unsigned command, with a fresh idempotency key, issued now unless told otherwise.</summary>
    public Command NewCommand(string personId, string keyId, string type, JsonObject body, DateTimeOffset? issuedAt = null)
    {
        commandCount++;
        return new Command(personId, keyId, type, JsonSerializer.SerializeToElement(body), $"command-{commandCount}", issuedAt ?? Now);
    }

    /// <summary>A command naming the signer's person and key, signed by that key.</summary>
    public SignedCommand Sign(Signer by, string type, JsonObject body, DateTimeOffset? issuedAt = null) =>
        SignedBy(NewCommand(by.PersonId, KeyId(by.KeyName), type, body, issuedAt), by.KeyName);

    /// <summary>Signs exactly this command with the named key, whatever key the command names.</summary>
    public static SignedCommand SignedBy(Command command, string keyName) =>
        new(command, Key(keyName).Sign(command.SignedBytes()));

    /// <summary>
    /// Runs the server's pipeline: the command table, authentication against the registry,
    /// then <see cref="Commands.Decide"/> at <see cref="Now"/>. An accepted command's entries
    /// are chained and applied all together; a refused one changes nothing.
    /// </summary>
    public Decision Submit(SignedCommand signed)
    {
        var command = signed.Command;
        if (Commands.Find(command.Type) is not { } rule)
        {
            return Decision.Refusing(ResultCode.UnknownCommandType, $"there is no command {command.Type}");
        }
        if (Authorization.Authenticate(Registry, signed) is { } unauthenticated)
        {
            return unauthenticated;
        }
        return DecideAndApply(rule, signed);
    }

    /// <summary>
    /// Decides a command as the server does after authentication, without authenticating it:
    /// for reaching a rule's own checks that authentication would refuse first. Nothing is applied.
    /// </summary>
    public Decision DecideWithoutAuthentication(Command command)
    {
        var rule = Commands.Find(command.Type) ?? throw new ArgumentException($"no rule for {command.Type}", nameof(command));
        return Commands.Decide(rule, Context(rule, command));
    }

    public Decision Open(string registrarId = Registrar, string keyName = Registrar, string displayName = "Street office registrar") =>
        Submit(Sign(new Signer(registrarId, keyName), RegistryCommandTypes.OpenRegistry, OpenBody(registrarId, keyName, displayName)));

    /// <summary>Registers a person with a key named after them unless <paramref name="keyName"/> says otherwise.</summary>
    public Decision Register(string personId, Role[] roles, string? householdId = null, string? keyName = null, Signer? by = null) =>
        Submit(Sign(by ?? TheRegistrar, RegistryCommandTypes.RegisterPerson,
            RegisterBody(personId, keyName ?? personId, roles.Select(r => r.ToString()), householdId)));

    public Decision AddKey(string personId, string keyName, Signer? by = null) =>
        Submit(Sign(by ?? TheRegistrar, RegistryCommandTypes.AddKey, AddKeyBody(personId, keyName)));

    public Decision RevokeKey(string personId, string keyName, string reason = "the phone holding it was lost", Signer? by = null) =>
        Submit(Sign(by ?? TheRegistrar, RegistryCommandTypes.RevokeKey, RevokeKeyBody(personId, KeyId(keyName), reason)));

    public Decision GrantRole(string personId, Role role, string? householdId = null, Signer? by = null) =>
        Submit(Sign(by ?? TheRegistrar, RegistryCommandTypes.GrantRole, GrantRoleBody(personId, role.ToString(), householdId)));

    public Decision RevokeRole(string personId, Role role, Signer? by = null) =>
        Submit(Sign(by ?? TheRegistrar, RegistryCommandTypes.RevokeRole, RevokeRoleBody(personId, role.ToString())));

    public static JsonObject OpenBody(string registrarId, string keyName, string displayName = "Street office registrar") => new()
    {
        ["displayName"] = displayName,
        ["publicKey"] = PublicKeyHex(keyName),
        ["registrarId"] = registrarId,
    };

    public static JsonObject RegisterBody(string personId, string keyName, IEnumerable<string> roles, string? householdId = null, string? displayName = null)
    {
        var body = new JsonObject
        {
            ["displayName"] = displayName ?? $"Person {personId}",
            ["personId"] = personId,
            ["publicKey"] = PublicKeyHex(keyName),
            ["roles"] = new JsonArray(roles.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
        };
        if (householdId is not null)
        {
            body["householdId"] = householdId;
        }
        return body;
    }

    public static JsonObject AddKeyBody(string personId, string keyName) => new()
    {
        ["personId"] = personId,
        ["publicKey"] = PublicKeyHex(keyName),
    };

    public static JsonObject RevokeKeyBody(string personId, string keyId, string reason = "the phone holding it was lost") => new()
    {
        ["keyId"] = keyId,
        ["personId"] = personId,
        ["reason"] = reason,
    };

    public static JsonObject GrantRoleBody(string personId, string role, string? householdId = null)
    {
        var body = new JsonObject { ["personId"] = personId, ["role"] = role };
        if (householdId is not null)
        {
            body["householdId"] = householdId;
        }
        return body;
    }

    public static JsonObject RevokeRoleBody(string personId, string role) => new()
    {
        ["personId"] = personId,
        ["role"] = role,
    };

    public static Decision.Accept AssertAccepted(Decision decision) =>
        decision as Decision.Accept ?? throw new XunitException($"expected the command to be accepted, but it was refused: {decision}");

    public static Decision.Refuse AssertRefused(ResultCode expected, Decision decision)
    {
        if (decision is not Decision.Refuse refusal)
        {
            throw new XunitException($"expected {expected}, but the command was accepted");
        }
        Assert.Equal(expected, refusal.Code);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Message), "a refusal says why");
        return refusal;
    }

    /// <summary>
    /// The state's contents as sorted lines, for comparing two states: the record's own
    /// equality compares its immutable collections by reference, not by contents.
    /// </summary>
    public static IReadOnlyList<string> Describe(RegistryState state) =>
    [
        $"sequence {state.Sequence}",
        $"root key {state.RootKeyId ?? "none"}",
        $"trial {state.IsTrial}",
        .. state.LogKeys.Select(k => $"log key {k}"),
        .. state.People.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
            $"person {p.Key}: id {p.Value.Id}, \"{p.Value.DisplayName}\", roles [{string.Join(", ", p.Value.Roles)}], household {p.Value.HouseholdId ?? "none"}"),
        .. state.Keys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k =>
            $"key {k.Key}: id {k.Value.KeyId}, of {k.Value.PersonId}, public key {k.Value.PublicKey}, {(k.Value.Revoked ? "revoked" : "active")}"),
    ];

    Decision DecideAndApply(CommandRule rule, SignedCommand signed)
    {
        var decision = Commands.Decide(rule, Context(rule, signed.Command));
        if (decision is Decision.Accept accept)
        {
            Append(accept.Entries, signed);
        }
        return decision;
    }

    DecisionContext Context(CommandRule rule, Command command) => new(
        Registry,
        Commands.StreamsOf(rule, command).ToDictionary(s => s, StateOf, StringComparer.Ordinal),
        command,
        Now);

    /// <summary>Chains every decided entry after its stream's head, then applies them all, as after one commit.</summary>
    void Append(IReadOnlyList<NewEntry> decided, SignedCommand signed)
    {
        var written = EntryChain.Link(decided,
            decided.Select(d => d.Stream).Distinct().ToDictionary(s => s, s => heads.GetValueOrDefault(s), StringComparer.Ordinal), signed, Now);
        var newStates = new Dictionary<string, StreamState>(StringComparer.Ordinal);
        foreach (var entry in written)
        {
            newStates[entry.Stream] = newStates.GetValueOrDefault(entry.Stream, StateOf(entry.Stream)).Apply(entry);
            // Every rule test's states also go through a snapshot and back (StateSnapshotTests).
            snapshots.Check(entry, newStates[entry.Stream]);
        }
        foreach (var entry in written)
        {
            heads[entry.Stream] = entry;
        }
        foreach (var (stream, state) in newStates)
        {
            states[stream] = state;
        }
        entries.AddRange(written);
    }

    StreamState StateOf(string stream) => states.GetValueOrDefault(stream) ?? StreamState.Initial(stream);
}
