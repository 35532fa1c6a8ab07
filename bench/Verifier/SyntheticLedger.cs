using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Export;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Registry;
using Ledger.Signing;

namespace Ledger.Bench.Verifier;

/// <summary>
/// Writes an export of a large, valid ledger without a server: every command is signed by its
/// person's key and decided by the core's rules, and its entries are linked as the server
/// links them (EntryChain) — the same bytes a server would have written. The mix: a registry
/// of residents, a catalog, and points awards with a redemption every tenth command per household.
/// </summary>
public static class SyntheticLedger
{
    const int SigningBatch = 8192;

    public static (ExportManifest Manifest, string RootKeyId) Write(string directory, long entryTarget, int households)
    {
        var registrar = Key("registrar");
        var coordinator = Key("coordinator");
        var residents = Enumerable.Range(0, households).Select(h => Key($"resident-{h}")).ToArray();
        var ledger = new Writer(Path.Combine(directory, LedgerExport.EntriesFileName));
        var clock = DateTimeOffset.Parse("2026-01-01T00:00:00.000Z", System.Globalization.CultureInfo.InvariantCulture);
        long issued = 0;
        SignedCommand Sign(SigningKey key, string personId, string type, JsonObject body) =>
            SignedCommand.Sign(new Command(personId, KeyIds.Of(key.PublicKey.Bytes), type, JsonSerializer.SerializeToElement(body),
                $"bench-{issued}", clock.AddMilliseconds(issued++)), key);

        ledger.Submit(Sign(registrar, "registrar", RegistryCommandTypes.OpenRegistry, new JsonObject
        {
            ["displayName"] = "街道管理员", ["publicKey"] = Hex.Encode(registrar.PublicKey.Bytes), ["registrarId"] = "registrar",
        }));
        ledger.Submit(Sign(registrar, "registrar", RegistryCommandTypes.RegisterPerson, Person("coordinator", coordinator, "VolunteerCoordinator", null)));
        for (var h = 0; h < households; h++)
        {
            ledger.Submit(Sign(registrar, "registrar", RegistryCommandTypes.RegisterPerson, Person($"resident-{h}", residents[h], "Resident", $"h-{h}")));
        }
        ledger.Submit(Sign(coordinator, "coordinator", CatalogCommandTypes.AddCatalogItem,
            new JsonObject { ["itemId"] = "cinema", ["name"] = "电影票", ["kind"] = "Tickets", ["pricePoints"] = 10 }));

        long command = 0;
        while (ledger.EntryCount < entryTarget)
        {
            // Commands are made in order, signed in parallel (signing needs no state), then
            // decided and linked in order.
            var batch = new (SigningKey Key, Command Command)[SigningBatch];
            for (var i = 0; i < SigningBatch; i++, command++)
            {
                var household = (int)(command % households);
                var visit = command / households;
                var (key, personId, type, body) = visit % 10 == 9
                    ? (residents[household], $"resident-{household}", HouseholdCommandTypes.ReserveRedemption,
                        new JsonObject { ["householdId"] = $"h-{household}", ["itemId"] = "cinema", ["quantity"] = 1 })
                    : (coordinator, "coordinator", HouseholdCommandTypes.AwardPoints, new JsonObject
                    {
                        ["householdId"] = $"h-{household}", ["activity"] = "WasteSorting", ["quantity"] = 1, ["points"] = 10,
                        ["reference"] = $"sorting-{visit}",
                    });
                batch[i] = (key, new Command(personId, KeyIds.Of(key.PublicKey.Bytes), type, JsonSerializer.SerializeToElement(body),
                    $"bench-{issued}", clock.AddMilliseconds(issued++)));
            }
            var signed = new SignedCommand[SigningBatch];
            Parallel.For(0, SigningBatch, i => signed[i] = SignedCommand.Sign(batch[i].Command, batch[i].Key));
            foreach (var next in signed)
            {
                if (ledger.EntryCount >= entryTarget)
                {
                    break;
                }
                ledger.Submit(next);
            }
        }
        var manifest = ledger.Finish();
        File.WriteAllBytes(Path.Combine(directory, LedgerExport.ManifestFileName), manifest.ToBytes());
        return (manifest, KeyIds.Of(registrar.PublicKey.Bytes));
    }

    static JsonObject Person(string personId, SigningKey key, string role, string? household)
    {
        var body = new JsonObject
        {
            ["displayName"] = personId, ["personId"] = personId, ["publicKey"] = Hex.Encode(key.PublicKey.Bytes), ["roles"] = new JsonArray(role),
        };
        if (household is not null)
        {
            body["householdId"] = household;
        }
        return body;
    }

    static SigningKey Key(string name) => SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes("bench " + name)));

    /// <summary>Decides each command with the rules, links its entries and writes them as an export's lines.</summary>
    sealed class Writer(string path)
    {
        readonly FileStream file = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        readonly IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        readonly Dictionary<string, StreamState> states = new(StringComparer.Ordinal);
        readonly Dictionary<string, Entry?> heads = new(StringComparer.Ordinal);
        readonly Dictionary<string, ExportedStream> streams = new(StringComparer.Ordinal);
        string rootPublicKey = "", rootKeyId = "";

        public long EntryCount { get; private set; }

        public void Submit(SignedCommand signed)
        {
            var rule = Commands.Find(signed.Command.Type)!;
            var registry = (RegistryState)State(RegistryRules.Stream);
            var written = Commands.StreamsOf(rule, signed.Command);
            var decision = Commands.Decide(rule, new DecisionContext(registry, written.ToDictionary(s => s, State), signed.Command, signed.Command.IssuedAt));
            if (decision is not Decision.Accept accepted)
            {
                throw new InvalidOperationException($"the synthetic ledger wrote a command its rules refuse: {decision}");
            }
            foreach (var entry in EntryChain.Link(accepted.Entries, written.ToDictionary(s => s, s => heads.GetValueOrDefault(s)), signed, signed.Command.IssuedAt))
            {
                states[entry.Stream] = State(entry.Stream).Apply(entry);
                heads[entry.Stream] = entry;
                streams[entry.Stream] = new ExportedStream(entry.Sequence + 1, entry.Hash);
                if (entry.Type == RegistryEntryTypes.RegistryOpened)
                {
                    rootPublicKey = entry.Body.GetProperty("publicKey").GetString()!;
                    rootKeyId = entry.Body.GetProperty("keyId").GetString()!;
                }
                var line = entry.CanonicalBytes;
                file.Write(line);
                file.WriteByte((byte)'\n');
                sha.AppendData(line);
                sha.AppendData("\n"u8);
                EntryCount++;
            }
        }

        public ExportManifest Finish()
        {
            file.Dispose();
            return new ExportManifest(rootPublicKey, rootKeyId, EntryCount, EntryCount, streams, Hash.FromBytes(sha.GetHashAndReset()));
        }

        StreamState State(string stream) => states.GetValueOrDefault(stream) ?? StreamState.Initial(stream);
    }
}
