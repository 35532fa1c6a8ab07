// The checks of a signed command's envelope (docs/FORMAT.md §6), each refusal class alone,
// with its result code: the command table, authentication (Authorization.Authenticate),
// authorization (Authorization.Authorize inside Commands.Decide) and a body the rule cannot
// read. A refused command writes nothing and leaves the registry as it was.
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Registry;

using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules;

public sealed class EnvelopeTests
{
    static readonly Signer Alice = new("alice", "alice");

    /// <summary>A well-formed RegisterPerson from the registrar, for envelope tests to spoil.</summary>
    static JsonObject RegisterCarol() => RegisterBody("carol", "carol", [nameof(Role.FinanceOfficer)]);

    static void AssertRefusedAndNothingWritten(ResultCode expected, RegistryScenario scenario, SignedCommand signed)
    {
        var before = Describe(scenario.Registry);
        var entriesBefore = scenario.Entries.Count;

        AssertRefused(expected, scenario.Submit(signed));

        Assert.Equal(before, Describe(scenario.Registry));
        Assert.Equal(entriesBefore, scenario.Entries.Count);
    }

    [Fact]
    public void WellFormedCommandFromARegistrarIsAccepted()
    {
        var scenario = Populated();

        AssertAccepted(scenario.Submit(scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, RegisterCarol())));

        Assert.True(scenario.Registry.People.ContainsKey("carol"));
    }

    // Unknown key.

    [Fact]
    public void CommandNamingAKeyThatWasNeverRegisteredIsRefusedAsUnknownKey()
    {
        var scenario = Populated();

        AssertRefusedAndNothingWritten(ResultCode.UnknownKey, scenario,
            scenario.Sign(new Signer(Registrar, "stranger"), RegistryCommandTypes.RegisterPerson, RegisterCarol()));
    }

    [Fact]
    public void CommandNamingAnotherPersonsRegisteredKeyIsRefusedAsUnknownKey()
    {
        var scenario = Populated();

        // Alice names the registrar's key and even signs with it: the key is registered, but not to her.
        AssertRefusedAndNothingWritten(ResultCode.UnknownKey, scenario,
            scenario.Sign(new Signer("alice", Registrar), RegistryCommandTypes.RegisterPerson, RegisterCarol()));
    }

    [Fact]
    public void CommandFromAPersonWhoIsNotRegisteredIsRefusedAsUnknownKey()
    {
        var scenario = Populated();

        AssertRefusedAndNothingWritten(ResultCode.UnknownKey, scenario,
            scenario.Sign(new Signer("nobody", Registrar), RegistryCommandTypes.RegisterPerson, RegisterCarol()));
    }

    [Fact]
    public void CommandOtherThanOpeningBeforeTheRegistryIsOpenIsRefusedAsRegistryNotOpen()
    {
        // A production server waits for its registrar: what comes before the opening is told so,
        // not that its key is unknown.
        var scenario = new RegistryScenario();

        AssertRefusedAndNothingWritten(ResultCode.RegistryNotOpen, scenario,
            scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, RegisterCarol()));
    }

    // Bad signature.

    [Theory]
    [InlineData(0, 0)]
    [InlineData(31, 7)]
    [InlineData(32, 0)]
    [InlineData(63, 7)]
    public void SignatureWithOneBitFlippedIsRefusedAsBadSignature(int byteIndex, int bit)
    {
        var scenario = Populated();
        var signed = scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, RegisterCarol());
        var signature = signed.Signature.ToArray();
        signature[byteIndex] ^= (byte)(1 << bit);

        AssertRefusedAndNothingWritten(ResultCode.BadSignature, scenario, signed with { Signature = signature });
    }

    [Fact]
    public void SignatureByAnotherRegisteredKeyIsRefusedAsBadSignature()
    {
        var scenario = Populated();
        var command = scenario.NewCommand(Registrar, KeyId(Registrar), RegistryCommandTypes.RegisterPerson, RegisterCarol());

        AssertRefusedAndNothingWritten(ResultCode.BadSignature, scenario, SignedBy(command, "deputy"));
    }

    [Fact]
    public void CommandChangedAfterSigningIsRefusedAsBadSignature()
    {
        var scenario = Populated();
        var signed = scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, RegisterCarol());
        var changed = signed.Command with { IssuedAt = signed.Command.IssuedAt.AddMilliseconds(1) };

        AssertRefusedAndNothingWritten(ResultCode.BadSignature, scenario, signed with { Command = changed });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(65)]
    public void SignatureOfTheWrongSizeIsRefusedAsBadSignature(int sizeBytes)
    {
        var scenario = Populated();
        var signed = scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, RegisterCarol());
        var signature = new byte[sizeBytes];
        signed.Signature.AsSpan(0, Math.Min(sizeBytes, signed.Signature.Length)).CopyTo(signature);

        AssertRefusedAndNothingWritten(ResultCode.BadSignature, scenario, signed with { Signature = signature });
    }

    [Fact]
    public void OpeningSignedByAKeyOtherThanTheOneItNamesIsRefusedAsBadSignature()
    {
        // Opening is self-signed: the body's key authenticates it, so a signature by any other key fails.
        var scenario = new RegistryScenario();
        var command = scenario.NewCommand(Registrar, KeyId(Registrar), RegistryCommandTypes.OpenRegistry, OpenBody(Registrar, Registrar));

        AssertRefusedAndNothingWritten(ResultCode.BadSignature, scenario, SignedBy(command, "impostor"));
        Assert.False(scenario.Registry.IsOpen);
    }

    // Revoked key.

    [Fact]
    public void CommandSignedWithARevokedKeyIsRefusedAsKeyRevoked()
    {
        var scenario = Populated();

        AssertRefusedAndNothingWritten(ResultCode.KeyRevoked, scenario,
            scenario.Sign(new Signer("deputy", "deputy-old"), RegistryCommandTypes.RegisterPerson, RegisterCarol()));
    }

    // Issue time: Authorization.IssueWindow either way, bounds included.

    [Fact]
    public void CommandIssuedOneMillisecondMoreThanFiveMinutesAgoIsRefusedAsCommandStale()
    {
        var scenario = Populated();
        var issuedAt = scenario.Now - TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1);

        AssertRefusedAndNothingWritten(ResultCode.CommandStale, scenario,
            scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, RegisterCarol(), issuedAt));
    }

    [Fact]
    public void CommandIssuedExactlyFiveMinutesAgoIsAccepted()
    {
        var scenario = Populated();
        var issuedAt = scenario.Now - TimeSpan.FromMinutes(5);

        AssertAccepted(scenario.Submit(scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, RegisterCarol(), issuedAt)));
    }

    [Fact]
    public void CommandIssuedOneMillisecondMoreThanFiveMinutesAheadIsRefusedAsCommandFromFuture()
    {
        var scenario = Populated();
        var issuedAt = scenario.Now + TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1);

        AssertRefusedAndNothingWritten(ResultCode.CommandFromFuture, scenario,
            scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, RegisterCarol(), issuedAt));
    }

    [Fact]
    public void CommandIssuedExactlyFiveMinutesAheadIsAccepted()
    {
        var scenario = Populated();
        var issuedAt = scenario.Now + TimeSpan.FromMinutes(5);

        AssertAccepted(scenario.Submit(scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, RegisterCarol(), issuedAt)));
    }

    [Fact]
    public void StaleOpeningIsRefusedAsCommandStaleAndLeavesTheRegistryUnopened()
    {
        var scenario = new RegistryScenario();
        var issuedAt = scenario.Now - TimeSpan.FromMinutes(6);

        AssertRefusedAndNothingWritten(ResultCode.CommandStale, scenario,
            scenario.Sign(TheRegistrar, RegistryCommandTypes.OpenRegistry, OpenBody(Registrar, Registrar), issuedAt));
        Assert.False(scenario.Registry.IsOpen);
    }

    [Fact]
    public void IssueWindowIsFiveMinutes() => Assert.Equal(TimeSpan.FromMinutes(5), Authorization.IssueWindow);

    // Missing role.

    [Fact]
    public void ResidentWhoRegistersAPersonIsRefusedAsRoleMissing()
    {
        var scenario = Populated();

        AssertRefusedAndNothingWritten(ResultCode.RoleMissing, scenario,
            scenario.Sign(Alice, RegistryCommandTypes.RegisterPerson, RegisterCarol()));
    }

    [Fact]
    public void PersonWithoutAnyRoleIsRefusedAsRoleMissing()
    {
        var scenario = Populated();
        AssertAccepted(scenario.Register("nobody-in-particular", []));

        AssertRefusedAndNothingWritten(ResultCode.RoleMissing, scenario,
            scenario.Sign(new Signer("nobody-in-particular", "nobody-in-particular"), RegistryCommandTypes.AddKey,
                AddKeyBody("nobody-in-particular", "spare")));
    }

    [Theory]
    [InlineData(RegistryCommandTypes.RegisterPerson)]
    [InlineData(RegistryCommandTypes.AddKey)]
    [InlineData(RegistryCommandTypes.RevokeKey)]
    [InlineData(RegistryCommandTypes.GrantRole)]
    [InlineData(RegistryCommandTypes.RevokeRole)]
    [InlineData(RegistryCommandTypes.OpenRegistry)]
    public void FinanceOfficerWhoGivesARegistryCommandIsRefusedAsRoleMissing(string type)
    {
        var scenario = Populated();
        var body = type switch
        {
            RegistryCommandTypes.RegisterPerson => RegisterCarol(),
            RegistryCommandTypes.AddKey => AddKeyBody("fin", "fin-spare"),
            RegistryCommandTypes.RevokeKey => RevokeKeyBody("alice", KeyId("alice")),
            RegistryCommandTypes.GrantRole => GrantRoleBody("fin", nameof(Role.Registrar)),
            RegistryCommandTypes.RevokeRole => RevokeRoleBody(Registrar, nameof(Role.Registrar)),
            _ => OpenBody("fin", "fin"),
        };

        AssertRefusedAndNothingWritten(ResultCode.RoleMissing, scenario, scenario.Sign(new Signer("fin", "fin"), type, body));
    }

    // Unknown command type.

    [Theory]
    [InlineData("RecordComplaint")]
    [InlineData("registerPerson")]
    [InlineData("REGISTERPERSON")]
    [InlineData("PersonRegistered")]
    [InlineData("")]
    public void CommandTypeNotInTheTableIsNotFound(string type) => Assert.Null(Commands.Find(type));

    [Fact]
    public void CommandOfAnUnknownTypeIsRefusedAsUnknownCommandType()
    {
        var scenario = Populated();

        AssertRefusedAndNothingWritten(ResultCode.UnknownCommandType, scenario,
            scenario.Sign(TheRegistrar, "RecordComplaint", new JsonObject { ["amountFen"] = 100 }));
    }

    // A body the rule cannot read.

    [Fact]
    public void BodyWithAnUnknownMemberIsRefusedAsMalformedCommand()
    {
        var scenario = Populated();
        var body = RegisterCarol();
        body["nickname"] = "Carrie";

        AssertRefusedAndNothingWritten(ResultCode.MalformedCommand, scenario,
            scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, body));
    }

    [Fact]
    public void BodyWithAMemberOfTheWrongTypeIsRefusedAsMalformedCommand()
    {
        var scenario = Populated();
        var body = RegisterCarol();
        body["personId"] = 42;

        AssertRefusedAndNothingWritten(ResultCode.MalformedCommand, scenario,
            scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, body));
    }

    [Fact]
    public void BodyWithARequiredMemberMissingIsRefusedAsMalformedCommand()
    {
        var scenario = Populated();
        var body = RegisterCarol();
        body.Remove("publicKey");

        AssertRefusedAndNothingWritten(ResultCode.MalformedCommand, scenario,
            scenario.Sign(TheRegistrar, RegistryCommandTypes.RegisterPerson, body));
    }

    [Fact]
    public void BodyThatIsNotAnObjectIsRefusedAsMalformedCommand()
    {
        var scenario = Populated();
        var command = scenario.NewCommand(Registrar, KeyId(Registrar), RegistryCommandTypes.AddKey, new JsonObject()) with
        {
            Body = JsonSerializer.SerializeToElement(new JsonArray("fin", PublicKeyHex("fin-spare"))),
        };

        AssertRefusedAndNothingWritten(ResultCode.MalformedCommand, scenario, SignedBy(command, Registrar));
    }

    [Fact]
    public void MalformedOpeningBodyIsRefusedAsUnknownKeyBecauseTheKeyComesFromTheBody()
    {
        var scenario = new RegistryScenario();
        var body = OpenBody(Registrar, Registrar);
        body["motto"] = "open books";

        AssertRefusedAndNothingWritten(ResultCode.UnknownKey, scenario,
            scenario.Sign(TheRegistrar, RegistryCommandTypes.OpenRegistry, body));
    }

    // The server authenticates against the registry as it stands, then catches the registry
    // up and decides (src/Grains/Hosting/StreamGrain.cs): an opening that races another one is
    // decided against a registry that its key is not part of, and must be refused, not throw.

    [Fact]
    public void OpeningAuthenticatedBeforeAnotherOpeningWithADifferentKeyIsRefusedAsUnknownKey()
    {
        var unopened = RegistryState.Empty;
        var scenario = new RegistryScenario();
        var late = scenario.Sign(new Signer("rival", "rival"), RegistryCommandTypes.OpenRegistry, OpenBody("rival", "rival"));
        Assert.Null(Authorization.Authenticate(unopened, late));
        AssertAccepted(scenario.Open());

        AssertRefused(ResultCode.UnknownKey, scenario.DecideWithoutAuthentication(late.Command));
    }

    [Fact]
    public void OpeningAuthenticatedBeforeAnotherOpeningWithTheSameKeyForAnotherPersonIsRefusedAsUnknownKey()
    {
        var scenario = new RegistryScenario();
        var late = scenario.Sign(new Signer("rival", Registrar), RegistryCommandTypes.OpenRegistry, OpenBody("rival", Registrar));
        Assert.Null(Authorization.Authenticate(RegistryState.Empty, late));
        AssertAccepted(scenario.Open());

        AssertRefused(ResultCode.UnknownKey, scenario.DecideWithoutAuthentication(late.Command));
    }

    [Fact]
    public void OpeningAuthenticatedBeforeTheSameOpeningCommittedIsRefusedAsRegistryAlreadyOpen()
    {
        var scenario = new RegistryScenario();
        var late = scenario.Sign(TheRegistrar, RegistryCommandTypes.OpenRegistry, OpenBody(Registrar, Registrar));
        Assert.Null(Authorization.Authenticate(RegistryState.Empty, late));
        AssertAccepted(scenario.Open());

        AssertRefused(ResultCode.RegistryAlreadyOpen, scenario.DecideWithoutAuthentication(late.Command));
    }
}
