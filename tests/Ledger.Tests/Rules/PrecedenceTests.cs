// Which refusal a command hears when it breaks two or more rules at once. ResultCode.cs
// promises that the checks run in the order of their numbers; this table pins the order the
// code actually checks in, through the whole pipeline (table, authentication, authorization,
// rule). Where the order departs from the numbers, the row says so: a body the rule cannot
// read is found only when the rule reads it, after the envelope and some rule checks.
using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Registry;

using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules;

public sealed class PrecedenceTests
{
    /// <summary>One row: what the command breaks (the name), the code reported, and how to build it.</summary>
    sealed record Case(ResultCode Expected, Func<RegistryScenario, SignedCommand> Command, bool Unopened = false);

    static readonly Signer Alice = new("alice", "alice");
    static readonly Signer Fin = new("fin", "fin");
    static readonly Signer DeputyOld = new("deputy", "deputy-old");
    static readonly TimeSpan BeyondTheWindow = Authorization.IssueWindow + TimeSpan.FromMilliseconds(1);

    static SignedCommand Register(RegistryScenario s, Signer by, JsonObject body, DateTimeOffset? issuedAt = null) =>
        s.Sign(by, RegistryCommandTypes.RegisterPerson, body, issuedAt);

    static JsonObject Carol(params string[] roles) => RegisterBody("carol", "carol", roles);

    static JsonObject With(JsonObject body, string member, JsonNode? value)
    {
        body[member] = value;
        return body;
    }

    /// <summary>A command naming <paramref name="named"/>'s key and signed by another key.</summary>
    static SignedCommand Forged(RegistryScenario s, Signer named, string signedByKey, string type, JsonObject body, DateTimeOffset? issuedAt = null) =>
        SignedBy(s.NewCommand(named.PersonId, KeyId(named.KeyName), type, body, issuedAt), signedByKey);

    static readonly Dictionary<string, Case> Cases = new()
    {
        // The envelope.
        ["an unknown command type signed by an unknown key"] = new(ResultCode.UnknownCommandType,
            s => s.Sign(new Signer(Registrar, "stranger"), "RecordComplaint", new JsonObject())),
        ["an unknown key with a bad signature"] = new(ResultCode.UnknownKey,
            s => Forged(s, new Signer(Registrar, "stranger"), "impostor", RegistryCommandTypes.RegisterPerson, Carol("Auditor"))),
        ["another person's key with a bad signature"] = new(ResultCode.UnknownKey,
            s => Forged(s, new Signer("alice", Registrar), "alice", RegistryCommandTypes.RegisterPerson, Carol("Auditor"))),
        ["an unknown key on a stale command without the role"] = new(ResultCode.UnknownKey,
            s => Register(s, new Signer("alice", "stranger"), Carol("Auditor"), s.Now - BeyondTheWindow)),
        ["a bad signature on a revoked key"] = new(ResultCode.BadSignature,
            s => Forged(s, DeputyOld, "deputy", RegistryCommandTypes.RegisterPerson, Carol("Auditor"))),
        ["a bad signature on a stale command"] = new(ResultCode.BadSignature,
            s => Forged(s, TheRegistrar, "deputy", RegistryCommandTypes.RegisterPerson, Carol("Auditor"), s.Now - BeyondTheWindow)),
        ["a bad signature from a person without the role"] = new(ResultCode.BadSignature,
            s => Forged(s, Alice, "fin", RegistryCommandTypes.RegisterPerson, Carol("Auditor"))),
        ["a bad signature on a malformed body"] = new(ResultCode.BadSignature,
            s => Forged(s, TheRegistrar, "deputy", RegistryCommandTypes.RegisterPerson, With(Carol("Auditor"), "nickname", "Carrie"))),
        ["a revoked key on a stale command"] = new(ResultCode.KeyRevoked,
            s => Register(s, DeputyOld, Carol("Auditor"), s.Now - BeyondTheWindow)),
        ["a revoked key on a command from the future"] = new(ResultCode.KeyRevoked,
            s => Register(s, DeputyOld, Carol("Auditor"), s.Now + BeyondTheWindow)),
        ["a revoked key of a person without the role"] = new(ResultCode.KeyRevoked, s =>
        {
            AssertAccepted(s.RevokeKey("alice", "alice"));
            return Register(s, Alice, Carol("Auditor"));
        }),
        ["a revoked key with a rule broken"] = new(ResultCode.KeyRevoked,
            s => Register(s, DeputyOld, RegisterBody("alice", "alice", ["Resident"]))),
        ["a stale command without the role"] = new(ResultCode.CommandStale,
            s => Register(s, Alice, Carol("Auditor"), s.Now - BeyondTheWindow)),
        ["a stale command with a malformed body"] = new(ResultCode.CommandStale,
            s => Register(s, TheRegistrar, With(Carol("Auditor"), "nickname", "Carrie"), s.Now - BeyondTheWindow)),
        ["a command from the future without the role"] = new(ResultCode.CommandFromFuture,
            s => Register(s, Alice, Carol("Auditor"), s.Now + BeyondTheWindow)),
        ["a command from the future with a rule broken"] = new(ResultCode.CommandFromFuture,
            s => Register(s, TheRegistrar, RegisterBody("alice", "alice-2", ["Auditor"]), s.Now + BeyondTheWindow)),
        ["a missing role with a rule broken"] = new(ResultCode.RoleMissing,
            s => Register(s, Alice, RegisterBody("fin", "fin-2", ["Auditor"]))),
        ["a missing role with a malformed body (MalformedCommand, though numbered lower, comes later)"] = new(ResultCode.RoleMissing,
            s => Register(s, Fin, With(Carol("Auditor"), "nickname", "Carrie"))),

        // OpenRegistry.
        ["a malformed opening body on an unopened registry (its key is read from the body)"] = new(ResultCode.UnknownKey,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.OpenRegistry, With(OpenBody(Registrar, Registrar), "motto", "open books")),
            Unopened: true),
        ["a stale opening by another person than the registrar it names"] = new(ResultCode.CommandStale,
            s => s.Sign(new Signer("someone", Registrar), RegistryCommandTypes.OpenRegistry, OpenBody(Registrar, Registrar), s.Now - BeyondTheWindow),
            Unopened: true),
        ["an opening by another person with a bad display name"] = new(ResultCode.RootKeyMismatch,
            s => s.Sign(new Signer("someone", Registrar), RegistryCommandTypes.OpenRegistry, OpenBody(Registrar, Registrar, displayName: "")),
            Unopened: true),
        ["a reopening with an unknown member"] = new(ResultCode.MalformedCommand,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.OpenRegistry, With(OpenBody(Registrar, Registrar), "motto", "open books"))),
        ["a reopening with an invalid public key"] = new(ResultCode.RegistryAlreadyOpen,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.OpenRegistry, With(OpenBody(Registrar, Registrar), "publicKey", "00"))),
        ["a reopening naming another registrar"] = new(ResultCode.RegistryAlreadyOpen,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.OpenRegistry, OpenBody("someone", "someone"))),

        // RegisterPerson.
        ["a person already registered with a bad display name"] = new(ResultCode.MalformedCommand,
            s => Register(s, TheRegistrar, RegisterBody("alice", "alice-2", ["Auditor"], displayName: ""))),
        ["a bad person id with an unknown role"] = new(ResultCode.MalformedCommand,
            s => Register(s, TheRegistrar, RegisterBody("carol chen", "carol", ["Wizard"]))),
        ["a person already registered with an unknown role"] = new(ResultCode.PersonAlreadyRegistered,
            s => Register(s, TheRegistrar, RegisterBody("alice", "alice-2", ["Wizard"]))),
        ["a person already registered with roles that are not an array"] = new(ResultCode.PersonAlreadyRegistered,
            s => Register(s, TheRegistrar, With(RegisterBody("alice", "alice-2", []), "roles", "Auditor"))),
        ["a person already registered with an invalid public key"] = new(ResultCode.PersonAlreadyRegistered,
            s => Register(s, TheRegistrar, With(RegisterBody("alice", "alice-2", ["Auditor"]), "publicKey", "00"))),
        ["an unknown role on a resident without a household"] = new(ResultCode.UnknownRole,
            s => Register(s, TheRegistrar, Carol("Resident", "Wizard"))),
        ["a duplicate role with a household not allowed"] = new(ResultCode.UnknownRole,
            s => Register(s, TheRegistrar, RegisterBody("carol", "carol", ["Auditor", "Auditor"], householdId: Household))),
        ["an unknown role with a key already registered"] = new(ResultCode.UnknownRole,
            s => Register(s, TheRegistrar, RegisterBody("carol", "alice", ["Wizard"]))),
        ["a resident without a household with an invalid public key"] = new(ResultCode.HouseholdRequired,
            s => Register(s, TheRegistrar, With(Carol("Resident"), "publicKey", "00"))),
        ["a resident without a household with a key already registered"] = new(ResultCode.HouseholdRequired,
            s => Register(s, TheRegistrar, RegisterBody("carol", "alice", ["Resident"]))),
        ["a non-resident with a household and an invalid public key"] = new(ResultCode.HouseholdNotAllowed,
            s => Register(s, TheRegistrar, With(RegisterBody("carol", "carol", ["Auditor"], householdId: Household), "publicKey", "00"))),
        ["a non-resident with a household and a key already registered"] = new(ResultCode.HouseholdNotAllowed,
            s => Register(s, TheRegistrar, RegisterBody("carol", "alice", ["Auditor"], householdId: Household))),
        ["a resident with a malformed household id and an invalid public key"] = new(ResultCode.MalformedCommand,
            s => Register(s, TheRegistrar, With(RegisterBody("carol", "carol", ["Resident"], householdId: "b2 0301"), "publicKey", "00"))),

        // AddKey.
        ["a key for an unknown person that is not hex"] = new(ResultCode.UnknownPerson,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.AddKey, With(AddKeyBody("carol", "carol"), "publicKey", "00"))),
        ["a key for an unknown person that is already registered"] = new(ResultCode.UnknownPerson,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.AddKey, AddKeyBody("carol", "alice"))),

        // RevokeKey.
        ["an empty reason for an unknown person"] = new(ResultCode.MalformedCommand,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.RevokeKey, RevokeKeyBody("carol", KeyId("alice"), reason: ""))),
        ["an unknown person and a key not theirs"] = new(ResultCode.UnknownPerson,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.RevokeKey, RevokeKeyBody("carol", KeyId("alice")))),
        ["another person's key that is already revoked"] = new(ResultCode.KeyNotOfPerson,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.RevokeKey, RevokeKeyBody("alice", KeyId("deputy-old")))),
        ["the only registrar's key revoked by a person without the role"] = new(ResultCode.RoleMissing, s =>
        {
            AssertAccepted(s.RevokeKey("deputy", "deputy"));
            return s.Sign(Alice, RegistryCommandTypes.RevokeKey, RevokeKeyBody(Registrar, KeyId(Registrar)));
        }),

        // GrantRole.
        ["an unknown role for an unknown person"] = new(ResultCode.UnknownPerson,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.GrantRole, GrantRoleBody("carol", "Wizard"))),
        ["an unknown role with a household"] = new(ResultCode.UnknownRole,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.GrantRole, GrantRoleBody("fin", "Wizard", Household))),
        ["a role already held with a household not allowed"] = new(ResultCode.HouseholdNotAllowed,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.GrantRole, GrantRoleBody("fin", "FinanceOfficer", Household))),
        ["Resident already held without a household"] = new(ResultCode.HouseholdRequired,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.GrantRole, GrantRoleBody("alice", "Resident"))),

        // RevokeRole.
        ["an unknown role of an unknown person"] = new(ResultCode.UnknownPerson,
            s => s.Sign(TheRegistrar, RegistryCommandTypes.RevokeRole, RevokeRoleBody("carol", "Wizard"))),
        ["the only registrar's role revoked by a person without the role"] = new(ResultCode.RoleMissing, s =>
        {
            AssertAccepted(s.RevokeKey("deputy", "deputy"));
            return s.Sign(Fin, RegistryCommandTypes.RevokeRole, RevokeRoleBody(Registrar, "Registrar"));
        }),
    };

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var name in Cases.Keys)
        {
            names.Add(name);
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CommandBreakingSeveralRulesIsRefusedWithTheFirstChecked(string breaks)
    {
        var @case = Cases[breaks];
        var scenario = @case.Unopened ? new RegistryScenario() : Populated();
        var signed = @case.Command(scenario);
        var before = Describe(scenario.Registry);
        var entriesBefore = scenario.Entries.Count;

        AssertRefused(@case.Expected, scenario.Submit(signed));

        Assert.Equal(before, Describe(scenario.Registry));
        Assert.Equal(entriesBefore, scenario.Entries.Count);
    }
}
