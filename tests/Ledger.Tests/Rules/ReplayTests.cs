// Replaying the registry stream: the entries a run of commands wrote, folded again from the
// empty registry through StreamState.Apply, give the same state the server held (STYLE.md
// 10: the grains and the verifier apply the same entries in the same way). Apply refuses an
// entry out of sequence (a broken invariant) and a body it cannot read (a format error).
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Registry;

using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules;

public sealed class ReplayTests
{
    static readonly Signer Deputy = new("deputy", "deputy");
    static readonly Signer Volunteer = new("vol", "vol");
    static readonly Signer SecondRegistrarKey = new(Registrar, "registrar-2");

    /// <summary>A working day at the street office: each step with the outcome it must have.</summary>
    static readonly (string Step, ResultCode Expected, Func<RegistryScenario, Decision> Submit)[] Script =
    [
        ("open the registry", ResultCode.Accepted, s => s.Open()),
        ("register a second registrar", ResultCode.Accepted, s => s.Register("deputy", [Role.Registrar])),
        ("register a resident", ResultCode.Accepted, s => s.Register("alice", [Role.Resident], "b2-0301")),
        ("register a neighbour", ResultCode.Accepted, s => s.Register("bob", [Role.Resident], "b2-0302")),
        ("register the finance officer", ResultCode.Accepted, s => s.Register("fin", [Role.FinanceOfficer])),
        ("register the project manager", ResultCode.Accepted, s => s.Register("pm", [Role.ProjectManager], by: Deputy)),
        ("register the supervisor", ResultCode.Accepted, s => s.Register("sup", [Role.ConstructionSupervisor])),
        ("register an owner representative living in b2-0401", ResultCode.Accepted,
            s => s.Register("rep", [Role.Resident, Role.OwnerRepresentative], "b2-0401")),
        ("register a resident supervisor", ResultCode.Accepted, s => s.Register("watch", [Role.ResidentSupervisor, Role.Resident], "b2-0501")),
        ("register the volunteer coordinator", ResultCode.Accepted, s => s.Register("vol", [Role.VolunteerCoordinator])),
        ("register the auditor", ResultCode.Accepted, s => s.Register("audit", [Role.Auditor], by: Deputy)),
        ("register the resident again", ResultCode.PersonAlreadyRegistered, s => s.Register("alice", [Role.Resident], "b2-0301", "alice-2")),
        ("add a tablet key for the resident", ResultCode.Accepted, s => s.AddKey("alice", "alice-tablet")),
        ("add a laptop key for the finance officer", ResultCode.Accepted, s => s.AddKey("fin", "fin-laptop", by: Deputy)),
        ("revoke the resident's lost phone key", ResultCode.Accepted, s => s.RevokeKey("alice", "alice", "phone lost on the bus")),
        ("register a resident without a household", ResultCode.HouseholdRequired, s => s.Register("carol", [Role.Resident])),
        ("make the neighbour an owner representative", ResultCode.Accepted, s => s.GrantRole("bob", Role.OwnerRepresentative)),
        ("the finance officer moves in", ResultCode.Accepted, s => s.GrantRole("fin", Role.Resident, "c1-1201")),
        ("the finance officer moves out", ResultCode.Accepted, s => s.RevokeRole("fin", Role.Resident)),
        ("lend the volunteer coordinator the registrar role", ResultCode.Accepted, s => s.GrantRole("vol", Role.Registrar, by: Deputy)),
        ("the volunteer coordinator registers a resident", ResultCode.Accepted, s => s.Register("zhang", [Role.Resident], "c1-1202", by: Volunteer)),
        ("take the registrar role back", ResultCode.Accepted, s => s.RevokeRole("vol", Role.Registrar)),
        ("the volunteer coordinator registers again", ResultCode.RoleMissing, s => s.Register("li", [Role.Auditor], by: Volunteer)),
        ("add a second registrar key", ResultCode.Accepted, s => s.AddKey(Registrar, "registrar-2")),
        ("retire the root key", ResultCode.Accepted, s => s.RevokeKey(Registrar, Registrar, "rotated yearly", by: SecondRegistrarKey)),
        ("sign with the retired root key", ResultCode.KeyRevoked, s => s.Register("li", [Role.Auditor])),
        ("the deputy steps down", ResultCode.Accepted, s => s.RevokeRole("deputy", Role.Registrar, by: SecondRegistrarKey)),
        ("revoke the last registrar key", ResultCode.LastRegistrarKey, s => s.RevokeKey(Registrar, "registrar-2", by: SecondRegistrarKey)),
        ("revoke the last registrar's role", ResultCode.LastRegistrarKey, s => s.RevokeRole(Registrar, Role.Registrar, by: SecondRegistrarKey)),
        ("the deputy comes back", ResultCode.Accepted, s => s.GrantRole("deputy", Role.Registrar, by: SecondRegistrarKey)),
        ("revoke the neighbour's key", ResultCode.Accepted, s => s.RevokeKey("bob", "bob", "moved away", by: Deputy)),
        ("the resident moves out of b2-0301", ResultCode.Accepted, s => s.RevokeRole("alice", Role.Resident, by: Deputy)),
        ("the resident moves into b2-0302", ResultCode.Accepted, s => s.GrantRole("alice", Role.Resident, "b2-0302", by: Deputy)),
    ];

    /// <summary>Runs the script, a minute between commands, checking each step's outcome.</summary>
    static RegistryScenario RunScript()
    {
        var scenario = new RegistryScenario();
        foreach (var (step, expected, submit) in Script)
        {
            var decision = submit(scenario);
            var actual = decision is Decision.Refuse refusal ? refusal.Code : ResultCode.Accepted;
            Assert.True(expected == actual, $"step \"{step}\": expected {expected}, got {decision}");
            scenario.Now += TimeSpan.FromMinutes(1);
        }
        return scenario;
    }

    static RegistryState Replay(IEnumerable<Entry> entries) =>
        entries.Aggregate(RegistryState.Empty, (state, entry) => (RegistryState)state.Apply(entry));

    /// <summary>An entry of the registry at <paramref name="sequence"/> with any type and body, carrying a real signed command.</summary>
    static Entry Forge(IReadOnlyList<Entry> chain, long sequence, string type, JsonObject body)
    {
        var previous = sequence == 0 ? Ledger.Hashing.Hash.Zero : chain[(int)sequence - 1].Hash;
        return Entry.Create(RegistryRules.Stream, sequence, previous, type, body, chain[^1].SignedCommand, Start);
    }

    [Fact]
    public void ScriptEndsInTheStateItsStepsDescribe()
    {
        var scenario = RunScript();
        var registry = scenario.Registry;

        Assert.Equal(Script.Count(s => s.Expected == ResultCode.Accepted), scenario.Entries.Count);
        Assert.Equal(scenario.Entries.Count - 1, registry.Sequence);
        Assert.Equal(KeyId(Registrar), registry.RootKeyId);
        Assert.Equal(
            ["alice", "audit", "bob", "deputy", "fin", "pm", Registrar, "rep", "sup", "vol", "watch", "zhang"],
            registry.People.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([Role.Resident], registry.People["alice"].Roles);
        Assert.Equal("b2-0302", registry.People["alice"].HouseholdId);
        Assert.Equal([Role.OwnerRepresentative, Role.Resident], registry.People["bob"].Roles);
        Assert.Equal([Role.FinanceOfficer], registry.People["fin"].Roles);
        Assert.Null(registry.People["fin"].HouseholdId);
        Assert.Equal([Role.VolunteerCoordinator], registry.People["vol"].Roles);
        Assert.Equal([Role.Registrar], registry.People["deputy"].Roles);
        Assert.Equal(
            new[] { KeyId("alice"), KeyId("bob"), KeyId(Registrar) }.Order(StringComparer.Ordinal),
            registry.Keys.Values.Where(k => k.Revoked).Select(k => k.KeyId).Order(StringComparer.Ordinal));
        Assert.Equal(("alice", false), (registry.Keys[KeyId("alice-tablet")].PersonId, registry.Keys[KeyId("alice-tablet")].Revoked));
        Assert.Equal(Registrar, registry.Keys[KeyId("registrar-2")].PersonId);
    }

    [Fact]
    public void ReplayingEveryEntryFromTheEmptyRegistryReproducesTheState()
    {
        var scenario = RunScript();

        var replayed = Replay(scenario.Entries);

        Assert.Equal(Describe(scenario.Registry), Describe(replayed));
    }

    [Fact]
    public void ReplayingTheEntriesReadBackFromTheirCanonicalBytesReproducesTheState()
    {
        // What a verifier does with an export: each line parsed strictly, then applied.
        var scenario = RunScript();

        var replayed = Replay(scenario.Entries.Select(e => Entry.Parse(e.CanonicalBytes.ToArray())));

        Assert.Equal(Describe(scenario.Registry), Describe(replayed));
    }

    [Fact]
    public void EntriesFormOneChainFromSequenceZero()
    {
        var entries = RunScript().Entries;

        Assert.Equal(Enumerable.Range(0, entries.Count).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.All(entries, e => Assert.Equal(RegistryRules.Stream, e.Stream));
        Assert.Equal(Ledger.Hashing.Hash.Zero, entries[0].PreviousHash);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.True(entries[i].Follows(entries[i - 1]), $"entry {i} follows entry {i - 1}");
        }
    }

    [Fact]
    public void EveryEntryIsDecidedAgainTheSameWayFromTheRegistryAsItStoodBeforeIt()
    {
        // The verifier's replay (FORMAT.md §7 step 4): each entry's signed command authenticates
        // against the registry before the entry, and deciding it at its recorded time yields it.
        var entries = RunScript().Entries;
        var registry = RegistryState.Empty;
        foreach (var entry in entries)
        {
            var command = entry.SignedCommand.Command;
            Assert.Null(Authorization.Authenticate(registry, entry.SignedCommand));
            var rule = Commands.Find(command.Type);
            Assert.NotNull(rule);
            var context = new DecisionContext(registry, new Dictionary<string, StreamState> { [RegistryRules.Stream] = registry }, command, entry.RecordedAt);

            var decided = Assert.Single(AssertAccepted(Commands.Decide(rule, context)).Entries);

            Assert.Equal((entry.Stream, entry.Type), (decided.Stream, decided.Type));
            Assert.Equal(CanonicalJson.Encode(entry.Body), CanonicalJson.Encode(decided.Body));
            registry = (RegistryState)registry.Apply(entry);
        }
    }

    [Fact]
    public void ApplyingAnEntryThatSkipsASequenceNumberBreaksAnInvariant()
    {
        var entries = RunScript().Entries;
        var afterThree = Replay(entries.Take(3));

        Assert.Throws<InvariantViolationException>(() => afterThree.Apply(entries[4]));
    }

    [Fact]
    public void ApplyingAnEntryAgainBreaksAnInvariant()
    {
        var entries = RunScript().Entries;
        var afterThree = Replay(entries.Take(3));

        Assert.Throws<InvariantViolationException>(() => afterThree.Apply(entries[2]));
    }

    [Fact]
    public void ApplyingAnythingButEntryZeroToTheEmptyRegistryBreaksAnInvariant()
    {
        var entries = RunScript().Entries;

        Assert.Throws<InvariantViolationException>(() => RegistryState.Empty.Apply(entries[1]));
    }

    [Fact]
    public void ApplyingAnEntryWhoseBodyHasAnUnknownMemberIsAFormatError()
    {
        var entries = RunScript().Entries;
        var body = RegisterBody("carol", "carol", [nameof(Role.Auditor)]);
        body["keyId"] = KeyId("carol");
        body["nickname"] = "Carrie";
        var entry = Forge(entries, entries.Count, RegistryEntryTypes.PersonRegistered, body);

        var exception = Assert.Throws<FormatException>(() => Replay(entries).Apply(entry));
        Assert.Contains("nickname", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyingAnOpeningWithAnUnknownMemberIsAFormatError()
    {
        var entries = RunScript().Entries;
        var body = JsonNode.Parse(entries[0].Body.GetRawText())!.AsObject();
        body["motto"] = "open books";

        Assert.Throws<FormatException>(() => RegistryState.Empty.Apply(Forge(entries, 0, RegistryEntryTypes.RegistryOpened, body)));
    }

    [Fact]
    public void ApplyingAnEntryOfATypeTheRegistryDoesNotHaveIsAFormatError()
    {
        var entries = RunScript().Entries;
        var entry = Forge(entries, entries.Count, "ReceiptRecorded", new JsonObject { ["amountFen"] = 100 });

        Assert.Throws<FormatException>(() => Replay(entries).Apply(entry));
    }

    [Fact]
    public void ApplyingAKeyWhoseKeyIdIsNotItsPublicKeysIsAFormatError()
    {
        var entries = RunScript().Entries;
        var body = AddKeyBody("alice", "alice-phone-2");
        body["keyId"] = KeyId("someone-else");

        Assert.Throws<FormatException>(() => Replay(entries).Apply(Forge(entries, entries.Count, RegistryEntryTypes.KeyAdded, body)));
    }

    [Theory]
    [InlineData("\"Wizard\"")]
    [InlineData("3")]
    [InlineData("true")]
    [InlineData("[\"Resident\"]")]
    public void ApplyingARegistrationWithARoleThatIsNotARoleNameIsAFormatError(string role)
    {
        var entries = RunScript().Entries;
        var body = RegisterBody("carol", "carol", []);
        body["keyId"] = KeyId("carol");
        body["roles"] = new JsonArray(JsonNode.Parse(role));

        Assert.Throws<FormatException>(() => Replay(entries).Apply(Forge(entries, entries.Count, RegistryEntryTypes.PersonRegistered, body)));
    }

    [Fact]
    public void ApplyingARoleGrantWithARoleThatIsNotARoleNameIsAFormatError()
    {
        var entries = RunScript().Entries;
        var body = GrantRoleBody("fin", "Wizard");

        Assert.Throws<FormatException>(() => Replay(entries).Apply(Forge(entries, entries.Count, RegistryEntryTypes.RoleGranted, body)));
    }

    [Fact]
    public void FoldedStatesWithEqualContentsAreNotEqualRecords()
    {
        // Why the tests compare Describe(...): the record's equality compares the immutable
        // collections by reference, so two replays of the same entries are unequal records.
        var entries = RunScript().Entries;

        Assert.NotEqual(Replay(entries), Replay(entries));
        Assert.Equal(Describe(Replay(entries)), Describe(Replay(entries)));
    }
}
