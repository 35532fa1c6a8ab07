// The registry stream's rules (src/Ledger/Rules/Registry/RegistryRules.cs), command by
// command: what each allows and the state it leaves, what each refuses and with which code.
// Everything runs through RegistryScenario, the server's pipeline in memory, except where a
// rule's own check can only be reached by skipping authentication (said at the test).
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Registry;

using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules;

public sealed class RegistryRulesTests
{
    static readonly Signer Deputy = new("deputy", "deputy");
    static readonly Signer Fin = new("fin", "fin");

    static RegistryScenario OpenedByTheRegistrarAlone()
    {
        var scenario = new RegistryScenario();
        AssertAccepted(scenario.Open());
        return scenario;
    }

    static Decision Submit(RegistryScenario scenario, string type, JsonObject body, Signer? by = null) =>
        scenario.Submit(scenario.Sign(by ?? TheRegistrar, type, body));

    static void AssertRefusedAndUnchanged(ResultCode expected, RegistryScenario scenario, Func<Decision> submit)
    {
        var before = Describe(scenario.Registry);
        var entriesBefore = scenario.Entries.Count;

        AssertRefused(expected, submit());

        Assert.Equal(before, Describe(scenario.Registry));
        Assert.Equal(entriesBefore, scenario.Entries.Count);
    }

    static string Repeat(char c, int count) => new(c, count);

    // The command table.

    [Theory]
    [InlineData(RegistryCommandTypes.OpenRegistry)]
    [InlineData(RegistryCommandTypes.RegisterPerson)]
    [InlineData(RegistryCommandTypes.AddKey)]
    [InlineData(RegistryCommandTypes.RevokeKey)]
    [InlineData(RegistryCommandTypes.GrantRole)]
    [InlineData(RegistryCommandTypes.RevokeRole)]
    [InlineData(RegistryCommandTypes.NameLogKey)]
    public void RegistryCommandIsGivenOnlyByARegistrarAndWritesOnlyTheRegistry(string type)
    {
        var rule = Commands.Find(type);

        Assert.NotNull(rule);
        Assert.Equal(type, rule.Type);
        Assert.Equal([Role.Registrar], rule.Roles.ToArray());
        var scenario = new RegistryScenario();
        Assert.Equal([RegistryRules.Stream], Commands.StreamsOf(rule, scenario.NewCommand(Registrar, KeyId(Registrar), type, new JsonObject())));
    }

    [Fact]
    public void CommandTableNamesEachTypeOnce() =>
        Assert.Equal(Commands.All.Count, Commands.All.Select(r => r.Type).Distinct().Count());

    // OpenRegistry.

    [Fact]
    public void OpeningMakesTheRegistrarTheFirstPersonAndTheirKeyTheRoot()
    {
        var scenario = new RegistryScenario();

        var accepted = AssertAccepted(scenario.Open(displayName: "街道管理员 Wang"));

        var opened = Assert.Single(accepted.Entries);
        Assert.Equal(RegistryRules.Stream, opened.Stream);
        Assert.Equal(RegistryEntryTypes.RegistryOpened, opened.Type);
        Assert.Equal(
            $$"""{"displayName":"街道管理员 Wang","keyId":"{{KeyId(Registrar)}}","publicKey":"{{PublicKeyHex(Registrar)}}","registrarId":"registrar"}""",
            opened.Body.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        var registry = scenario.Registry;
        Assert.True(registry.IsOpen);
        Assert.Equal(KeyId(Registrar), registry.RootKeyId);
        Assert.Equal(0, registry.Sequence);
        var registrar = Assert.Single(registry.People.Values);
        Assert.Equal((Registrar, "街道管理员 Wang", (string?)null), (registrar.Id, registrar.DisplayName, registrar.HouseholdId));
        Assert.Equal([Role.Registrar], registrar.Roles);
        var key = Assert.Single(registry.Keys.Values);
        Assert.Equal((KeyId(Registrar), Registrar, false), (key.KeyId, key.PersonId, key.Revoked));
        Assert.Equal(Key(Registrar).PublicKey, key.PublicKey);
    }

    [Fact]
    public void OpeningEntryIsSequenceZeroRecordedNowWithTheSignedCommand()
    {
        var scenario = new RegistryScenario { Now = Start.AddHours(1) };
        var signed = scenario.Sign(TheRegistrar, RegistryCommandTypes.OpenRegistry, OpenBody(Registrar, Registrar));

        AssertAccepted(scenario.Submit(signed));

        var entry = Assert.Single(scenario.Entries);
        Assert.Equal(0, entry.Sequence);
        Assert.Equal(Ledger.Hashing.Hash.Zero, entry.PreviousHash);
        Assert.Equal(Start.AddHours(1), entry.RecordedAt);
        Assert.Equal(signed.Command.SignedBytes(), entry.SignedCommand.Command.SignedBytes());
        Assert.Equal(signed.Signature, entry.SignedCommand.Signature);
    }

    [Fact]
    public void OpeningAnOpenRegistryIsRefusedAsRegistryAlreadyOpen()
    {
        var scenario = OpenedByTheRegistrarAlone();

        AssertRefusedAndUnchanged(ResultCode.RegistryAlreadyOpen, scenario, () => scenario.Open());
    }

    [Fact]
    public void OpeningAnOpenRegistryWithAnotherRootKeyIsRefusedAsRegistryAlreadyOpen()
    {
        var scenario = OpenedByTheRegistrarAlone();

        AssertRefusedAndUnchanged(ResultCode.RegistryAlreadyOpen, scenario,
            () => Submit(scenario, RegistryCommandTypes.OpenRegistry, OpenBody(Registrar, "new-root")));
    }

    [Fact]
    public void OpeningByAnotherPersonThanTheRegistrarItNamesIsRefusedAsRootKeyMismatch()
    {
        var scenario = new RegistryScenario();

        AssertRefusedAndUnchanged(ResultCode.RootKeyMismatch, scenario,
            () => Submit(scenario, RegistryCommandTypes.OpenRegistry, OpenBody(Registrar, Registrar), new Signer("someone-else", Registrar)));
        Assert.False(scenario.Registry.IsOpen);
    }

    [Fact]
    public void OpeningWithARegistrarIdThatIsNotAnIdentifierIsRefusedAsRootKeyMismatch()
    {
        var scenario = new RegistryScenario();

        AssertRefusedAndUnchanged(ResultCode.RootKeyMismatch, scenario,
            () => Submit(scenario, RegistryCommandTypes.OpenRegistry, OpenBody("street office", Registrar), new Signer("street office", Registrar)));
    }

    [Fact]
    public void OpeningNamingAnotherKeyIdThanTheBodysKeyIsUnknownKeyToAuthenticationAndRootKeyMismatchToTheRule()
    {
        // Authentication takes the opening's key from its body and needs the command to name
        // it, so the rule's own RootKeyMismatch for a key id is reached only without it.
        var scenario = new RegistryScenario();
        var command = scenario.NewCommand(Registrar, KeyId("other"), RegistryCommandTypes.OpenRegistry, OpenBody(Registrar, Registrar));

        AssertRefusedAndUnchanged(ResultCode.UnknownKey, scenario, () => scenario.Submit(SignedBy(command, "other")));
        AssertRefused(ResultCode.RootKeyMismatch, scenario.DecideWithoutAuthentication(command));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("not hex at all")]
    public void OpeningWithAPublicKeyThatIsNotHexIsUnknownKeyToAuthenticationAndInvalidPublicKeyToTheRule(string publicKey)
    {
        var scenario = new RegistryScenario();
        var body = OpenBody(Registrar, Registrar);
        body["publicKey"] = publicKey;
        var command = scenario.NewCommand(Registrar, KeyId(Registrar), RegistryCommandTypes.OpenRegistry, body);

        AssertRefusedAndUnchanged(ResultCode.UnknownKey, scenario, () => scenario.Submit(SignedBy(command, Registrar)));
        AssertRefused(ResultCode.InvalidPublicKey, scenario.DecideWithoutAuthentication(command));
    }

    [Fact]
    public void OpeningWithAnUppercasePublicKeyIsUnknownKeyToAuthenticationAndInvalidPublicKeyToTheRule()
    {
        var scenario = new RegistryScenario();
        var body = OpenBody(Registrar, Registrar);
        body["publicKey"] = PublicKeyHex(Registrar).ToUpperInvariant();
        var command = scenario.NewCommand(Registrar, KeyId(Registrar), RegistryCommandTypes.OpenRegistry, body);

        AssertRefusedAndUnchanged(ResultCode.UnknownKey, scenario, () => scenario.Submit(SignedBy(command, Registrar)));
        AssertRefused(ResultCode.InvalidPublicKey, scenario.DecideWithoutAuthentication(command));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Wang\nLi")]
    [InlineData("Wang\u0000")]
    [InlineData("\u007f")]
    public void OpeningWithABadDisplayNameIsRefusedAsMalformedCommand(string displayName)
    {
        var scenario = new RegistryScenario();

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario, () => scenario.Open(displayName: displayName));
    }

    [Fact]
    public void OpeningWithADisplayNameOfAHundredCharactersIsAcceptedAndOfOneMoreRefused()
    {
        var scenario = new RegistryScenario();

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario, () => scenario.Open(displayName: Repeat('名', RegistryRules.MaxDisplayNameLength + 1)));
        AssertAccepted(scenario.Open(displayName: Repeat('名', RegistryRules.MaxDisplayNameLength)));
    }

    // RegisterPerson.

    [Fact]
    public void RegisteringAResidentRecordsTheirHouseholdAndAWorkingKey()
    {
        var scenario = OpenedByTheRegistrarAlone();

        var accepted = AssertAccepted(scenario.Register("alice", [Role.Resident], Household));

        var entry = Assert.Single(accepted.Entries);
        Assert.Equal(RegistryEntryTypes.PersonRegistered, entry.Type);
        Assert.Equal(
            $$"""{"displayName":"Person alice","keyId":"{{KeyId("alice")}}","personId":"alice","publicKey":"{{PublicKeyHex("alice")}}","roles":["Resident"],"householdId":"b2-0301"}""",
            entry.Body.ToJsonString());
        var alice = scenario.Registry.People["alice"];
        Assert.Equal(("alice", "Person alice", Household), (alice.Id, alice.DisplayName, alice.HouseholdId));
        Assert.Equal([Role.Resident], alice.Roles);
        var key = scenario.Registry.Keys[KeyId("alice")];
        Assert.Equal(("alice", false), (key.PersonId, key.Revoked));
        Assert.Equal(Key("alice").PublicKey, key.PublicKey);
        Assert.Equal(1, scenario.Registry.Sequence);
    }

    [Fact]
    public void RegisteringWithSeveralRolesRecordsThemInRoleOrder()
    {
        var scenario = OpenedByTheRegistrarAlone();

        var accepted = AssertAccepted(Submit(scenario, RegistryCommandTypes.RegisterPerson,
            RegisterBody("wang", "wang", ["Registrar", "Resident", "FinanceOfficer"], Household)));

        Assert.Equal("""["FinanceOfficer","Resident","Registrar"]""", Assert.Single(accepted.Entries).Body["roles"]!.ToJsonString());
        Assert.Equal([Role.FinanceOfficer, Role.Resident, Role.Registrar], scenario.Registry.People["wang"].Roles);
        Assert.Equal(Household, scenario.Registry.People["wang"].HouseholdId);
    }

    [Fact]
    public void RegisteringWithNoRolesIsAccepted()
    {
        var scenario = OpenedByTheRegistrarAlone();

        AssertAccepted(scenario.Register("visitor", []));

        Assert.Empty(scenario.Registry.People["visitor"].Roles);
    }

    [Fact]
    public void RegisteredRegistrarSignsWithTheirKeyAtOnce()
    {
        var scenario = OpenedByTheRegistrarAlone();
        AssertAccepted(scenario.Register("deputy", [Role.Registrar]));

        AssertAccepted(scenario.Register("fin", [Role.FinanceOfficer], by: Deputy));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData(Registrar)]
    public void RegisteringAPersonAgainIsRefusedAsPersonAlreadyRegistered(string personId)
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.PersonAlreadyRegistered, scenario,
            () => scenario.Register(personId, [Role.FinanceOfficer], keyName: "fresh-key"));
    }

    [Theory]
    [InlineData("Wizard")]
    [InlineData("resident")]
    [InlineData("RESIDENT")]
    [InlineData(" Resident")]
    [InlineData("7")]
    [InlineData("FinanceOfficer, Registrar")]
    [InlineData("")]
    public void RegisteringWithARoleThatIsNotARoleNameIsRefusedAsUnknownRole(string role)
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.UnknownRole, scenario,
            () => Submit(scenario, RegistryCommandTypes.RegisterPerson, RegisterBody("carol", "carol", [nameof(Role.FinanceOfficer), role])));
    }

    [Fact]
    public void RegisteringWithARoleThatIsNotAStringIsRefusedAsUnknownRole()
    {
        var scenario = Populated();
        var body = RegisterBody("carol", "carol", []);
        body["roles"] = new JsonArray(0);

        AssertRefusedAndUnchanged(ResultCode.UnknownRole, scenario, () => Submit(scenario, RegistryCommandTypes.RegisterPerson, body));
    }

    [Fact]
    public void RegisteringWithTheSameRoleTwiceIsRefusedAsUnknownRole()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.UnknownRole, scenario,
            () => scenario.Register("carol", [Role.FinanceOfficer, Role.Auditor, Role.FinanceOfficer]));
    }

    [Fact]
    public void RegisteringWithRolesThatAreNotAnArrayIsRefusedAsMalformedCommand()
    {
        var scenario = Populated();
        var body = RegisterBody("carol", "carol", []);
        body["roles"] = nameof(Role.FinanceOfficer);

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario, () => Submit(scenario, RegistryCommandTypes.RegisterPerson, body));
    }

    [Fact]
    public void RegisteringAResidentWithoutAHouseholdIsRefusedAsHouseholdRequired()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.HouseholdRequired, scenario, () => scenario.Register("carol", [Role.Resident]));
        AssertRefusedAndUnchanged(ResultCode.HouseholdRequired, scenario, () => scenario.Register("carol", [Role.OwnerRepresentative, Role.Resident]));
    }

    [Theory]
    [InlineData(Role.FinanceOfficer)]
    [InlineData(Role.OwnerRepresentative)]
    [InlineData(Role.ResidentSupervisor)]
    [InlineData(Role.Registrar)]
    public void RegisteringANonResidentWithAHouseholdIsRefusedAsHouseholdNotAllowed(Role role)
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.HouseholdNotAllowed, scenario, () => scenario.Register("carol", [role], Household));
    }

    [Theory]
    [InlineData("")]
    [InlineData("b2 0301")]
    [InlineData("household/b2-0301")]
    [InlineData("-b2")]
    public void RegisteringAResidentWithAHouseholdIdThatIsNotAnIdentifierIsRefusedAsMalformedCommand(string householdId)
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario, () => scenario.Register("carol", [Role.Resident], householdId));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData(Registrar)]
    [InlineData("deputy-old")]
    public void RegisteringWithAKeyAlreadyRegisteredIsRefusedAsKeyAlreadyRegistered(string keyName)
    {
        // A revoked key stays registered, so it can never come back under another name.
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.KeyAlreadyRegistered, scenario,
            () => scenario.Register("carol", [Role.FinanceOfficer], keyName: keyName));
    }

    public static TheoryData<string> InvalidPublicKeys()
    {
        var valid = PublicKeyHex("carol");
        return new TheoryData<string>
        {
            "",
            valid.ToUpperInvariant(),
            valid[..62],
            valid + "00",
            "zz" + valid[2..],
            " " + valid[1..],
        };
    }

    [Theory]
    [MemberData(nameof(InvalidPublicKeys))]
    public void RegisteringWithAPublicKeyThatIsNotSixtyFourLowercaseHexDigitsIsRefusedAsInvalidPublicKey(string publicKey)
    {
        var scenario = Populated();
        var body = RegisterBody("carol", "carol", [nameof(Role.FinanceOfficer)]);
        body["publicKey"] = publicKey;

        AssertRefusedAndUnchanged(ResultCode.InvalidPublicKey, scenario, () => Submit(scenario, RegistryCommandTypes.RegisterPerson, body));
    }

    // Well-formed hex that is no point of full order (tests/Ledger.Tests/Signing/FullOrderPointTests.cs
    // has them all, with how each was checked).
    public static TheoryData<string> PublicKeysNotOfFullOrder() => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000000", // order 4
        "0100000000000000000000000000000000000000000000000000000000000000", // the identity
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
        "9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245", // mixed order
        "0200000000000000000000000000000000000000000000000000000000000000", // not on the curve
    };

    [Theory]
    [MemberData(nameof(PublicKeysNotOfFullOrder))]
    public void RegisteringWithAPublicKeyNotOfFullOrderIsRefusedAsPublicKeyNotFullOrder(string publicKey)
    {
        var scenario = Populated();
        var body = RegisterBody("carol", "carol", [nameof(Role.FinanceOfficer)]);
        body["publicKey"] = publicKey;

        AssertRefusedAndUnchanged(ResultCode.PublicKeyNotFullOrder, scenario, () => Submit(scenario, RegistryCommandTypes.RegisterPerson, body));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Carol\tChen")]
    [InlineData("Carol\r\n")]
    [InlineData("\u0085")]
    public void RegisteringWithABadDisplayNameIsRefusedAsMalformedCommand(string displayName)
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario,
            () => Submit(scenario, RegistryCommandTypes.RegisterPerson, RegisterBody("carol", "carol", [nameof(Role.FinanceOfficer)], displayName: displayName)));
    }

    [Fact]
    public void RegisteringWithADisplayNameOfAHundredCharactersIsAcceptedAndOfOneMoreRefused()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario,
            () => Submit(scenario, RegistryCommandTypes.RegisterPerson,
                RegisterBody("carol", "carol", [nameof(Role.FinanceOfficer)], displayName: Repeat('c', RegistryRules.MaxDisplayNameLength + 1))));
        AssertAccepted(Submit(scenario, RegistryCommandTypes.RegisterPerson,
            RegisterBody("carol", "carol", [nameof(Role.FinanceOfficer)], displayName: Repeat('c', RegistryRules.MaxDisplayNameLength))));
    }

    [Fact]
    public void RegisteringWithADisplayNameThatIsNotAStringIsRefusedAsMalformedCommand()
    {
        var scenario = Populated();
        var body = RegisterBody("carol", "carol", [nameof(Role.FinanceOfficer)]);
        body["displayName"] = 7;

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario, () => Submit(scenario, RegistryCommandTypes.RegisterPerson, body));
    }

    [Theory]
    [InlineData("")]
    [InlineData("carol chen")]
    [InlineData("-carol")]
    [InlineData("household/carol")]
    [InlineData("陈")]
    public void RegisteringWithAPersonIdThatIsNotAnIdentifierIsRefusedAsMalformedCommand(string personId)
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario,
            () => Submit(scenario, RegistryCommandTypes.RegisterPerson, RegisterBody(personId, "carol", [nameof(Role.FinanceOfficer)])));
    }

    [Fact]
    public void RegisteringWithAPersonIdOfSixtyFourCharactersIsAcceptedAndOfSixtyFiveRefused()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario,
            () => Submit(scenario, RegistryCommandTypes.RegisterPerson, RegisterBody(Repeat('p', 65), "carol", [nameof(Role.FinanceOfficer)])));
        AssertAccepted(Submit(scenario, RegistryCommandTypes.RegisterPerson, RegisterBody(Repeat('p', 64), "carol", [nameof(Role.FinanceOfficer)])));
    }

    // AddKey.

    [Fact]
    public void AddingAKeyRegistersItToThePersonAndItSignsAtOnce()
    {
        var scenario = Populated();

        var accepted = AssertAccepted(scenario.AddKey(Registrar, "registrar-laptop"));

        var entry = Assert.Single(accepted.Entries);
        Assert.Equal(RegistryEntryTypes.KeyAdded, entry.Type);
        Assert.Equal(
            $$"""{"keyId":"{{KeyId("registrar-laptop")}}","personId":"registrar","publicKey":"{{PublicKeyHex("registrar-laptop")}}"}""",
            entry.Body.ToJsonString());
        var key = scenario.Registry.Keys[KeyId("registrar-laptop")];
        Assert.Equal((Registrar, false), (key.PersonId, key.Revoked));
        Assert.Equal(Key("registrar-laptop").PublicKey, key.PublicKey);
        Assert.False(scenario.Registry.Keys[KeyId(Registrar)].Revoked);
        AssertAccepted(scenario.Register("carol", [Role.Auditor], by: new Signer(Registrar, "registrar-laptop")));
    }

    [Fact]
    public void AddingAKeyForAPersonWhoIsNotRegisteredIsRefusedAsUnknownPerson()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.UnknownPerson, scenario, () => scenario.AddKey("carol", "carol"));
    }

    [Fact]
    public void AKeyAddedEntryForAPersonWhoIsNotRegisteredCannotBeApplied()
    {
        var scenario = Populated();
        var registry = scenario.Registry;
        var head = scenario.Entries.Last(e => e.Stream == RegistryRules.Stream);
        var forged = Ledger.Entries.Entry.Create(RegistryRules.Stream, head.Sequence + 1, head.Hash, RegistryEntryTypes.KeyAdded,
            new JsonObject { ["keyId"] = KeyId("carol"), ["personId"] = "carol", ["publicKey"] = PublicKeyHex("carol") },
            scenario.Sign(TheRegistrar, RegistryCommandTypes.AddKey, AddKeyBody("carol", "carol")), scenario.Now);

        Assert.Throws<InvariantViolationException>(() => registry.Apply(forged));
    }

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("alice", Registrar)]
    [InlineData("deputy", "deputy-old")]
    [InlineData("fin", "deputy-old")]
    public void AddingAKeyAlreadyRegisteredIsRefusedAsKeyAlreadyRegistered(string personId, string keyName)
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.KeyAlreadyRegistered, scenario, () => scenario.AddKey(personId, keyName));
    }

    [Theory]
    [MemberData(nameof(InvalidPublicKeys))]
    public void AddingAPublicKeyThatIsNotSixtyFourLowercaseHexDigitsIsRefusedAsInvalidPublicKey(string publicKey)
    {
        var scenario = Populated();
        var body = AddKeyBody("alice", "carol");
        body["publicKey"] = publicKey;

        AssertRefusedAndUnchanged(ResultCode.InvalidPublicKey, scenario, () => Submit(scenario, RegistryCommandTypes.AddKey, body));
    }

    [Theory]
    [MemberData(nameof(PublicKeysNotOfFullOrder))]
    public void AddingAPublicKeyNotOfFullOrderIsRefusedAsPublicKeyNotFullOrder(string publicKey)
    {
        var scenario = Populated();
        var body = AddKeyBody("alice", "carol");
        body["publicKey"] = publicKey;

        AssertRefusedAndUnchanged(ResultCode.PublicKeyNotFullOrder, scenario, () => Submit(scenario, RegistryCommandTypes.AddKey, body));
    }

    [Fact]
    public void OpeningWithARootKeyNotOfFullOrderIsRefusedAsPublicKeyNotFullOrder()
    {
        var scenario = new RegistryScenario();
        var body = OpenBody(Registrar, Registrar);
        body["publicKey"] = "9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245";
        var command = scenario.NewCommand(Registrar, KeyId(Registrar), RegistryCommandTypes.OpenRegistry, body);

        AssertRefused(ResultCode.PublicKeyNotFullOrder, scenario.DecideWithoutAuthentication(command));
    }

    // RevokeKey.

    [Fact]
    public void RevokingAKeyMarksItRevokedAndKeepsItRegisteredToThePerson()
    {
        var scenario = Populated();

        var accepted = AssertAccepted(scenario.RevokeKey("alice", "alice", "lost with her phone"));

        var entry = Assert.Single(accepted.Entries);
        Assert.Equal(RegistryEntryTypes.KeyRevoked, entry.Type);
        Assert.Equal($$"""{"keyId":"{{KeyId("alice")}}","personId":"alice","reason":"lost with her phone"}""", entry.Body.ToJsonString());
        var key = scenario.Registry.Keys[KeyId("alice")];
        Assert.Equal(("alice", true), (key.PersonId, key.Revoked));
        Assert.True(scenario.Registry.People.ContainsKey("alice"));
    }

    [Fact]
    public void RevokedKeyIsRefusedAsKeyRevokedFromTheNextCommandOn()
    {
        var scenario = Populated();
        AssertAccepted(scenario.AddKey(Registrar, "registrar-laptop"));
        AssertAccepted(scenario.Register("carol", [Role.Auditor], by: new Signer(Registrar, "registrar-laptop")));

        AssertAccepted(scenario.RevokeKey(Registrar, "registrar-laptop"));

        AssertRefusedAndUnchanged(ResultCode.KeyRevoked, scenario,
            () => scenario.Register("dave", [Role.Auditor], by: new Signer(Registrar, "registrar-laptop")));
        AssertAccepted(scenario.Register("dave", [Role.Auditor]));
    }

    [Fact]
    public void RevokingTheRootKeyIsAcceptedWhileTheRegistrarHasAnotherKey()
    {
        var scenario = OpenedByTheRegistrarAlone();
        AssertAccepted(scenario.AddKey(Registrar, "registrar-2"));

        AssertAccepted(scenario.RevokeKey(Registrar, Registrar));

        Assert.Equal(KeyId(Registrar), scenario.Registry.RootKeyId);
        AssertRefused(ResultCode.KeyRevoked, scenario.Register("carol", [Role.Auditor]));
        AssertAccepted(scenario.Register("carol", [Role.Auditor], by: new Signer(Registrar, "registrar-2")));
    }

    [Fact]
    public void RegistrarMayRevokeTheKeySigningTheRevocationWhileAnotherRegistrarKeyRemains()
    {
        var scenario = Populated();

        AssertAccepted(scenario.RevokeKey(Registrar, Registrar, by: TheRegistrar));

        Assert.True(scenario.Registry.Keys[KeyId(Registrar)].Revoked);
    }

    [Fact]
    public void RevokingAKeyOfAPersonWhoIsNotRegisteredIsRefusedAsUnknownPerson()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.UnknownPerson, scenario,
            () => Submit(scenario, RegistryCommandTypes.RevokeKey, RevokeKeyBody("carol", KeyId("alice"))));
    }

    [Theory]
    [InlineData("fin", "alice")]
    [InlineData("alice", "never-registered")]
    [InlineData("alice", "deputy-old")]
    public void RevokingAKeyThatIsNotThePersonsIsRefusedAsKeyNotOfPerson(string personId, string keyName)
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.KeyNotOfPerson, scenario,
            () => Submit(scenario, RegistryCommandTypes.RevokeKey, RevokeKeyBody(personId, KeyId(keyName))));
    }

    [Fact]
    public void RevokingAKeyIdThatIsNotAKeyIdIsRefusedAsKeyNotOfPerson()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.KeyNotOfPerson, scenario,
            () => Submit(scenario, RegistryCommandTypes.RevokeKey, RevokeKeyBody("alice", "alice's key")));
    }

    [Fact]
    public void RevokingARevokedKeyIsRefusedAsKeyAlreadyRevoked()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.KeyAlreadyRevoked, scenario, () => scenario.RevokeKey("deputy", "deputy-old"));
    }

    [Fact]
    public void RevokingTheOnlyRegistrarKeyIsRefusedAsLastRegistrarKey()
    {
        var scenario = OpenedByTheRegistrarAlone();
        AssertAccepted(scenario.Register("fin", [Role.FinanceOfficer]));

        // Fin's active key does not count: only a registrar's key can sign registry commands.
        AssertRefusedAndUnchanged(ResultCode.LastRegistrarKey, scenario, () => scenario.RevokeKey(Registrar, Registrar));
    }

    [Fact]
    public void RevokingTheLastActiveRegistrarKeyIsRefusedAsLastRegistrarKeyWhenOtherRegistrarsKeysAreRevoked()
    {
        var scenario = Populated();
        AssertAccepted(scenario.RevokeKey("deputy", "deputy"));

        AssertRefusedAndUnchanged(ResultCode.LastRegistrarKey, scenario, () => scenario.RevokeKey(Registrar, Registrar));
    }

    [Fact]
    public void RevokingTheRegistrarsOnlyKeyIsRefusedAsLastRegistrarKeyOnceTheOtherRegistrarLostTheRole()
    {
        var scenario = Populated();
        AssertAccepted(scenario.RevokeRole("deputy", Role.Registrar));

        AssertRefusedAndUnchanged(ResultCode.LastRegistrarKey, scenario, () => scenario.RevokeKey(Registrar, Registrar));
    }

    [Fact]
    public void RevokingAKeyWithAnEmptyReasonIsRefusedAsMalformedCommand()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario, () => scenario.RevokeKey("alice", "alice", reason: ""));
    }

    [Fact]
    public void RevokingAKeyWithAReasonOfFiveHundredCharactersIsAcceptedAndOfOneMoreRefused()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario,
            () => scenario.RevokeKey("alice", "alice", reason: Repeat('r', RegistryRules.MaxReasonLength + 1)));
        AssertAccepted(scenario.RevokeKey("alice", "alice", reason: Repeat('r', RegistryRules.MaxReasonLength)));
    }

    // GrantRole.

    [Fact]
    public void GrantingARoleAddsItAndKeepsTheHousehold()
    {
        var scenario = Populated();

        var accepted = AssertAccepted(scenario.GrantRole("alice", Role.VolunteerCoordinator));

        var entry = Assert.Single(accepted.Entries);
        Assert.Equal(RegistryEntryTypes.RoleGranted, entry.Type);
        Assert.Equal("""{"personId":"alice","role":"VolunteerCoordinator"}""", entry.Body.ToJsonString());
        var alice = scenario.Registry.People["alice"];
        Assert.Equal([Role.VolunteerCoordinator, Role.Resident], alice.Roles);
        Assert.Equal(Household, alice.HouseholdId);
    }

    [Fact]
    public void GrantingResidentWithAHouseholdGivesThePersonThatHousehold()
    {
        var scenario = Populated();

        var accepted = AssertAccepted(scenario.GrantRole("fin", Role.Resident, "c1-1201"));

        Assert.Equal("""{"personId":"fin","role":"Resident","householdId":"c1-1201"}""", Assert.Single(accepted.Entries).Body.ToJsonString());
        var fin = scenario.Registry.People["fin"];
        Assert.Equal([Role.FinanceOfficer, Role.Resident], fin.Roles);
        Assert.Equal("c1-1201", fin.HouseholdId);
    }

    [Fact]
    public void GrantedRegistrarRoleWorksFromTheNextCommandOn()
    {
        var scenario = Populated();
        AssertRefused(ResultCode.RoleMissing, scenario.Register("carol", [Role.Auditor], by: Fin));

        AssertAccepted(scenario.GrantRole("fin", Role.Registrar));

        AssertAccepted(scenario.Register("carol", [Role.Auditor], by: Fin));
    }

    [Fact]
    public void GrantingARoleToAPersonWhoIsNotRegisteredIsRefusedAsUnknownPerson()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.UnknownPerson, scenario, () => scenario.GrantRole("carol", Role.Auditor));
    }

    [Theory]
    [InlineData("Wizard")]
    [InlineData("registrar")]
    [InlineData("7")]
    [InlineData("")]
    public void GrantingARoleThatIsNotARoleNameIsRefusedAsUnknownRole(string role)
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.UnknownRole, scenario,
            () => Submit(scenario, RegistryCommandTypes.GrantRole, GrantRoleBody("fin", role)));
    }

    [Theory]
    [InlineData("fin", Role.FinanceOfficer, null)]
    [InlineData("deputy", Role.Registrar, null)]
    [InlineData("alice", Role.Resident, RegistryScenario.Household)]
    [InlineData("alice", Role.Resident, "c1-1201")]
    public void GrantingARoleAlreadyHeldIsRefusedAsRoleAlreadyHeld(string personId, Role role, string? householdId)
    {
        // A resident does not move house by a second grant: the role is held already.
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.RoleAlreadyHeld, scenario, () => scenario.GrantRole(personId, role, householdId));
    }

    [Fact]
    public void GrantingResidentWithoutAHouseholdIsRefusedAsHouseholdRequired()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.HouseholdRequired, scenario, () => scenario.GrantRole("fin", Role.Resident));
    }

    [Fact]
    public void GrantingANonResidentRoleWithAHouseholdIsRefusedAsHouseholdNotAllowed()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.HouseholdNotAllowed, scenario, () => scenario.GrantRole("fin", Role.Auditor, Household));
    }

    [Fact]
    public void GrantingResidentWithAHouseholdIdThatIsNotAnIdentifierIsRefusedAsMalformedCommand()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario, () => scenario.GrantRole("fin", Role.Resident, "c1 1201"));
    }

    // RevokeRole.

    [Fact]
    public void RevokingARoleRemovesIt()
    {
        var scenario = Populated();

        var accepted = AssertAccepted(scenario.RevokeRole("fin", Role.FinanceOfficer));

        var entry = Assert.Single(accepted.Entries);
        Assert.Equal(RegistryEntryTypes.RoleRevoked, entry.Type);
        Assert.Equal("""{"personId":"fin","role":"FinanceOfficer"}""", entry.Body.ToJsonString());
        Assert.Empty(scenario.Registry.People["fin"].Roles);
        Assert.True(scenario.Registry.People.ContainsKey("fin"));
        Assert.False(scenario.Registry.Keys[KeyId("fin")].Revoked);
    }

    [Fact]
    public void RevokingResidentClearsTheHouseholdAndKeepsOtherRoles()
    {
        var scenario = Populated();
        AssertAccepted(scenario.GrantRole("alice", Role.OwnerRepresentative));

        AssertAccepted(scenario.RevokeRole("alice", Role.Resident));

        var alice = scenario.Registry.People["alice"];
        Assert.Equal([Role.OwnerRepresentative], alice.Roles);
        Assert.Null(alice.HouseholdId);
    }

    [Fact]
    public void RevokedRegistrarRoleIsRefusedAsRoleMissingFromTheNextCommandOn()
    {
        var scenario = Populated();
        AssertAccepted(scenario.Register("carol", [Role.Auditor], by: Deputy));

        AssertAccepted(scenario.RevokeRole("deputy", Role.Registrar));

        AssertRefusedAndUnchanged(ResultCode.RoleMissing, scenario, () => scenario.Register("dave", [Role.Auditor], by: Deputy));
    }

    [Fact]
    public void RegistrarMayRevokeTheirOwnRegistrarRoleWhileAnotherRegistrarHasAnActiveKey()
    {
        var scenario = Populated();

        AssertAccepted(scenario.RevokeRole(Registrar, Role.Registrar));

        AssertRefused(ResultCode.RoleMissing, scenario.Register("carol", [Role.Auditor]));
        AssertAccepted(scenario.Register("carol", [Role.Auditor], by: Deputy));
    }

    [Fact]
    public void RevokingARoleNotHeldIsRefusedAsRoleNotHeld()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.RoleNotHeld, scenario, () => scenario.RevokeRole("alice", Role.FinanceOfficer));
    }

    [Fact]
    public void RevokingARoleOfAPersonWhoIsNotRegisteredIsRefusedAsUnknownPerson()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.UnknownPerson, scenario, () => scenario.RevokeRole("carol", Role.Auditor));
    }

    [Fact]
    public void RevokingARoleThatIsNotARoleNameIsRefusedAsUnknownRole()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.UnknownRole, scenario,
            () => Submit(scenario, RegistryCommandTypes.RevokeRole, RevokeRoleBody("fin", "financeOfficer")));
    }

    [Fact]
    public void RevokingTheOnlyRegistrarsRegistrarRoleIsRefusedAsLastRegistrarKey()
    {
        var scenario = OpenedByTheRegistrarAlone();

        AssertRefusedAndUnchanged(ResultCode.LastRegistrarKey, scenario, () => scenario.RevokeRole(Registrar, Role.Registrar));
    }

    [Fact]
    public void RevokingARegistrarRoleIsRefusedAsLastRegistrarKeyWhenEveryOtherRegistrarsKeyIsRevoked()
    {
        var scenario = Populated();
        AssertAccepted(scenario.RevokeKey("deputy", "deputy"));

        AssertRefusedAndUnchanged(ResultCode.LastRegistrarKey, scenario, () => scenario.RevokeRole(Registrar, Role.Registrar));
    }

    // A trial opening.

    [Fact]
    public void ATrialOpeningSaysSoInItsEntryAndTheState()
    {
        var scenario = new RegistryScenario();
        var body = OpenBody(Registrar, Registrar);
        body["trial"] = true;

        var opened = Assert.Single(AssertAccepted(Submit(scenario, RegistryCommandTypes.OpenRegistry, body)).Entries);

        Assert.True(opened.Body["trial"]!.GetValue<bool>());
        Assert.True(scenario.Registry.IsTrial);
    }

    [Fact]
    public void AnOpeningThatIsNoTrialWritesNoTrialMember()
    {
        var scenario = new RegistryScenario();
        var body = OpenBody(Registrar, Registrar);
        body["trial"] = false;

        var opened = Assert.Single(AssertAccepted(Submit(scenario, RegistryCommandTypes.OpenRegistry, body)).Entries);

        Assert.False(opened.Body.ContainsKey("trial"));
        Assert.False(scenario.Registry.IsTrial);
    }

    [Fact]
    public void AnOpeningWhoseTrialIsNotABooleanIsRefusedAsMalformedCommand()
    {
        var scenario = new RegistryScenario();
        var body = OpenBody(Registrar, Registrar);
        body["trial"] = "yes";

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario, () => Submit(scenario, RegistryCommandTypes.OpenRegistry, body));
    }

    // NameLogKey.

    static Ledger.Checkpoints.NoteVerifierKey LogKey(string keyName, string origin = "community-ledger/test") =>
        Ledger.Checkpoints.NoteVerifierKey.FromPublicKey(origin, Key(keyName).PublicKey);

    static JsonObject NameLogKeyBody(string verifierKey) => new() { ["verifierKey"] = verifierKey };

    [Fact]
    public void NamingALogKeyWritesItsIdOriginKeyAndVkey()
    {
        var scenario = OpenedByTheRegistrarAlone();
        var key = LogKey("log");

        var named = Assert.Single(AssertAccepted(Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(key.Format()))).Entries);

        Assert.Equal(RegistryEntryTypes.LogKeyNamed, named.Type);
        Assert.Equal(
            $$"""{"keyId":"{{key.KeyId:x8}}","origin":"community-ledger/test","publicKey":"{{PublicKeyHex("log")}}","verifierKey":"{{key.Format()}}"}""",
            System.Text.Encoding.UTF8.GetString(Ledger.Canonical.CanonicalJson.Encode(named.Body)));
        Assert.Equal([key], scenario.Registry.LogKeys);
    }

    [Fact]
    public void NamingAnotherLogKeyRotatesItTheNewestLast()
    {
        var scenario = OpenedByTheRegistrarAlone();
        AssertAccepted(Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(LogKey("log").Format())));

        AssertAccepted(Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(LogKey("log-2").Format())));

        Assert.Equal([LogKey("log"), LogKey("log-2")], scenario.Registry.LogKeys);
    }

    [Fact]
    public void NamingTheLogKeyThatIsAlreadyNamedIsRefusedAsLogKeyAlreadyNamed()
    {
        var scenario = OpenedByTheRegistrarAlone();
        AssertAccepted(Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(LogKey("log").Format())));

        AssertRefusedAndUnchanged(ResultCode.LogKeyAlreadyNamed, scenario,
            () => Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(LogKey("log").Format())));
    }

    [Fact]
    public void NamingAnEarlierLogKeyAgainRotatesBackToIt()
    {
        var scenario = OpenedByTheRegistrarAlone();
        AssertAccepted(Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(LogKey("log").Format())));
        AssertAccepted(Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(LogKey("log-2").Format())));

        AssertAccepted(Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(LogKey("log").Format())));

        Assert.Equal(LogKey("log"), scenario.Registry.LogKeys[^1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no separators")]
    [InlineData("origin+0000000+AQ==")]
    [InlineData("origin+00000000+AQ==")]
    [InlineData("bad name+00000000+AQ==")]
    public void NamingSomethingThatIsNoVkeyIsRefusedAsInvalidLogVerifierKey(string verifierKey)
    {
        var scenario = OpenedByTheRegistrarAlone();

        AssertRefusedAndUnchanged(ResultCode.InvalidLogVerifierKey, scenario,
            () => Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(verifierKey)));
    }

    [Fact]
    public void NamingAVkeyWithAWrongKeyIdIsRefusedAsInvalidLogVerifierKey()
    {
        var scenario = OpenedByTheRegistrarAlone();
        var vkey = LogKey("log").Format();
        var parts = vkey.Split('+', 3);
        var wrongId = (Convert.ToUInt32(parts[1], 16) ^ 1).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

        AssertRefusedAndUnchanged(ResultCode.InvalidLogVerifierKey, scenario,
            () => Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody($"{parts[0]}+{wrongId}+{parts[2]}")));
    }

    [Theory]
    [MemberData(nameof(PublicKeysNotOfFullOrder))]
    public void NamingALogKeyNotOfFullOrderIsRefusedAsPublicKeyNotFullOrder(string publicKey)
    {
        var scenario = OpenedByTheRegistrarAlone();
        var key = Ledger.Checkpoints.NoteVerifierKey.FromPublicKey("community-ledger/test",
            Ledger.Signing.VerificationKey.FromBytes(Convert.FromHexString(publicKey)));

        AssertRefusedAndUnchanged(ResultCode.PublicKeyNotFullOrder, scenario,
            () => Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(key.Format())));
    }

    [Fact]
    public void NamingALogKeyWithAnotherMemberIsRefusedAsMalformedCommand()
    {
        var scenario = OpenedByTheRegistrarAlone();
        var body = NameLogKeyBody(LogKey("log").Format());
        body["origin"] = "community-ledger/test";

        AssertRefusedAndUnchanged(ResultCode.MalformedCommand, scenario, () => Submit(scenario, RegistryCommandTypes.NameLogKey, body));
    }

    [Fact]
    public void NamingALogKeyBySomeoneWhoIsNoRegistrarIsRefusedAsRoleMissing()
    {
        var scenario = Populated();

        AssertRefusedAndUnchanged(ResultCode.RoleMissing, scenario,
            () => Submit(scenario, RegistryCommandTypes.NameLogKey, NameLogKeyBody(LogKey("log").Format()), Fin));
    }
}
