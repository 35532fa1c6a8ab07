using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Ledger.Signing;

namespace Ledger.Bench.Micro;

/// <summary>
/// A small community built through the rules, as the server builds it (decide, link, apply),
/// for benchmarks that need real states and real entries: a registry with a coordinator, a
/// finance officer and a resident in each of twelve households; an elevator project on the
/// "432" plan with a by-floor crowdfunding campaign over the twelve, one share part paid; and
/// a household that has been awarded points a hundred times.
/// </summary>
public sealed class PreparedCommunity
{
    public const string ProjectId = "elevator-b2";

    /// <summary>The household the benchmarks' commands name.</summary>
    public const string Household = "b2-0601";

    public static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    static readonly (string HouseholdId, int Floor)[] Households =
        [.. Enumerable.Range(1, 6).SelectMany(floor => new[] { ($"b2-0{floor}01", floor), ($"b2-0{floor}02", floor) })];

    readonly Dictionary<string, SigningKey> keys = new(StringComparer.Ordinal);
    readonly Dictionary<string, StreamState> states = new(StringComparer.Ordinal);
    readonly Dictionary<string, Entry?> heads = new(StringComparer.Ordinal);
    readonly List<Entry> log = [];
    int commandCount;

    PreparedCommunity()
    {
    }

    public RegistryState Registry => (RegistryState)State(RegistryRules.Stream);

    /// <summary>Every entry written so far, in the order written: the community's global log.</summary>
    public IReadOnlyList<Entry> Log => log;

    public static PreparedCommunity Create()
    {
        var community = new PreparedCommunity();
        community.Submit("registrar", RegistryCommandTypes.OpenRegistry, new JsonObject
        {
            ["displayName"] = "街道管理员", ["publicKey"] = community.PublicKeyHex("registrar"), ["registrarId"] = "registrar",
        });
        community.Register("coordinator", Role.VolunteerCoordinator, null);
        community.Register("fin", Role.FinanceOfficer, null);
        foreach (var (household, _) in Households)
        {
            community.Register(ResidentOf(household), Role.Resident, household);
        }
        community.Submit("fin", ProjectCommandTypes.OpenProject, new JsonObject
        {
            ["community"] = "荷花社区 2 号楼",
            ["contractPriceFen"] = 60_000_000,
            ["fundingPlan"] = new JsonObject
            {
                ["GovernmentSubsidy"] = 24_000_000, ["ResidentCrowdfunding"] = 12_000_000, ["SelfRaised"] = 6_000_000, ["SocialCapital"] = 18_000_000,
            },
            ["name"] = "2 号楼加装电梯",
            ["projectId"] = ProjectId,
            ["warrantyMonths"] = 24,
        });
        community.Submit("fin", ProjectCommandTypes.StartCampaign, new JsonObject
        {
            ["households"] = new JsonArray(Households.Select(h => (JsonNode)new JsonObject { ["floor"] = h.Floor, ["householdId"] = h.HouseholdId }).ToArray()),
            ["projectId"] = ProjectId,
            ["rule"] = "ByFloor",
            ["targetFen"] = 12_000_000,
        });
        community.Submit(ResidentOf(Household), ProjectCommandTypes.PayShare, PayShareBody(1_000_000));
        for (var award = 0; award < 100; award++)
        {
            community.Submit("coordinator", HouseholdCommandTypes.AwardPoints, AwardPointsBody($"sorting-{award}"));
        }
        return community;
    }

    public static string ResidentOf(string household) => "r-" + household;

    public static JsonObject PayShareBody(long amountFen) => new()
    {
        ["amountFen"] = amountFen, ["householdId"] = Household, ["projectId"] = ProjectId, ["reference"] = "微信支付 4200001",
    };

    public static JsonObject AwardPointsBody(string reference) => new()
    {
        ["activity"] = "WasteSorting", ["householdId"] = Household, ["points"] = 10, ["quantity"] = 1, ["reference"] = reference,
    };

    public SigningKey Key(string personId)
    {
        if (!keys.TryGetValue(personId, out var key))
        {
            key = SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes("bench/" + personId)));
            keys[personId] = key;
        }
        return key;
    }

    /// <summary>A command of the person, signed by their key, issued now.</summary>
    public SignedCommand Sign(string personId, string type, JsonObject body)
    {
        var key = Key(personId);
        var command = new Command(personId, KeyIds.Of(key.PublicKey.Bytes), type, JsonSerializer.SerializeToElement(body),
            $"bench-{++commandCount}", Now);
        return SignedCommand.Sign(command, key);
    }

    /// <summary>What the server hands <see cref="Commands.Decide"/> for this command: the registry and the written streams' states.</summary>
    public DecisionContext Context(Command command)
    {
        var rule = Commands.Find(command.Type)!;
        return new DecisionContext(Registry, Commands.StreamsOf(rule, command).ToDictionary(s => s, State, StringComparer.Ordinal), command, Now);
    }

    /// <summary>The heads of the streams a command writes, for <see cref="EntryChain.Link"/>.</summary>
    public IReadOnlyDictionary<string, Entry?> Heads(Command command) =>
        Commands.StreamsOf(Commands.Find(command.Type)!, command).ToDictionary(s => s, s => heads.GetValueOrDefault(s), StringComparer.Ordinal);

    /// <summary>Decides a command, links its entries and applies them; a refusal is a broken benchmark.</summary>
    public IReadOnlyList<Entry> Submit(SignedCommand signed)
    {
        var rule = Commands.Find(signed.Command.Type)!;
        if (Authorization.Authenticate(Registry, signed) is { } unauthenticated)
        {
            throw new InvalidOperationException($"the prepared community's command does not authenticate: {unauthenticated}");
        }
        if (Commands.Decide(rule, Context(signed.Command)) is not Decision.Accept accepted)
        {
            throw new InvalidOperationException($"the prepared community's rules refused {signed.Command.Type}");
        }
        var entries = EntryChain.Link(accepted.Entries, Heads(signed.Command), signed, Now);
        foreach (var entry in entries)
        {
            states[entry.Stream] = State(entry.Stream).Apply(entry);
            heads[entry.Stream] = entry;
        }
        log.AddRange(entries);
        return entries;
    }

    IReadOnlyList<Entry> Submit(string personId, string type, JsonObject body) => Submit(Sign(personId, type, body));

    void Register(string personId, Role role, string? household)
    {
        var body = new JsonObject
        {
            ["displayName"] = personId, ["personId"] = personId, ["publicKey"] = PublicKeyHex(personId), ["roles"] = new JsonArray(role.ToString()),
        };
        if (household is not null)
        {
            body["householdId"] = household;
        }
        Submit("registrar", RegistryCommandTypes.RegisterPerson, body);
    }

    string PublicKeyHex(string personId) => Hex.Encode(Key(personId).PublicKey.Bytes);

    StreamState State(string stream) => states.GetValueOrDefault(stream) ?? StreamState.Initial(stream);
}
