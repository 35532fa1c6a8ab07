#:project ../../../src/Ledger/Ledger.csproj
#:property PublishAot=false
// Writes tests/vectors/format_v1.json: the project's own vectors for docs/FORMAT.md.
// Run from the repository root:  dotnet run tests/vectors/generate/FormatVectors.cs
// The output is committed; tests check it in both directions, and every hash and signature
// in it was cross-checked once with sha256sum and openssl (see each vector's "reproduce").
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Registry;
using Ledger.Signing;

// Seeds are fixed so the vectors are reproducible; never use them for real keys.
var registrarSeed = Convert.FromHexString("0101010101010101010101010101010101010101010101010101010101010101");
var officerSeed = Convert.FromHexString("0202020202020202020202020202020202020202020202020202020202020202");
using var registrar = SigningKey.FromSeed(registrarSeed);
using var officer = SigningKey.FromSeed(officerSeed);
var registrarKeyId = KeyIds.Of(registrar.PublicKey.Bytes);
var officerKeyId = KeyIds.Of(officer.PublicKey.Bytes);

SignedCommand Sign(SigningKey key, Command command) => new(command, key.Sign(command.SignedBytes()));

JsonElement Body(JsonObject body) => JsonSerializer.SerializeToElement(body);

// Every entry is what the rules make from its command (FORMAT.md §7 step 6): the bodies come
// from Commands.Decide, as on the server, so the vectors are entries a real ledger could hold
// (tests/Ledger.Tests/Format/FormatVectorTests.cs replays them).
var states = new Dictionary<string, StreamState>(StringComparer.Ordinal);
var heads = new Dictionary<string, Entry>(StringComparer.Ordinal);

Entry Record(SigningKey key, Command command, string recordedAt)
{
    var signed = Sign(key, command);
    var rule = Commands.Find(command.Type)!;
    var at = DateTimeOffset.Parse(recordedAt);
    var touched = Commands.StreamsOf(rule, command).ToDictionary(s => s, s => states.GetValueOrDefault(s) ?? StreamState.Initial(s));
    var registry = (RegistryState)(states.GetValueOrDefault(RegistryRules.Stream) ?? RegistryState.Empty);
    var decision = Commands.Decide(rule, new DecisionContext(registry, touched, command, at));
    var accepted = decision as Decision.Accept ?? throw new InvalidOperationException($"{command.Type} refused: {decision}");
    var made = accepted.Entries.Single();
    var head = heads.GetValueOrDefault(made.Stream);
    var entry = Entry.Create(made.Stream, head is null ? 0 : head.Sequence + 1, head?.Hash ?? Hash.Zero, made.Type, made.Body, signed, at);
    states[made.Stream] = touched[made.Stream].Apply(entry);
    heads[made.Stream] = entry;
    return entry;
}

var genesisCommand = new Command("registrar", registrarKeyId, "OpenRegistry",
    Body(new JsonObject { ["displayName"] = "街道管理员 Registrar", ["publicKey"] = Hex.Encode(registrar.PublicKey.Bytes), ["registrarId"] = "registrar" }),
    "genesis", DateTimeOffset.Parse("2026-01-31T08:00:00.000Z"));
var genesis = Record(registrar, genesisCommand, "2026-01-31T08:00:00.125Z");

var registered = Record(registrar, new Command("registrar", registrarKeyId, "RegisterPerson",
    Body(new JsonObject
    {
        ["personId"] = "officer-1",
        ["displayName"] = "王会计 \"Wang\" \\ finance",
        ["roles"] = new JsonArray("FinanceOfficer"),
        ["publicKey"] = Hex.Encode(officer.PublicKey.Bytes),
    }),
    "register-officer-1", DateTimeOffset.Parse("2026-01-31T08:01:00.000Z")), "2026-01-31T08:01:00.500Z");

var opened = Record(officer, new Command("officer-1", officerKeyId, "OpenProject",
    Body(new JsonObject
    {
        ["projectId"] = "elevator-1",
        ["name"] = "3号楼加装电梯",
        ["community"] = "示范社区",
        ["contractPriceFen"] = 60_000_000,
        ["fundingPlan"] = new JsonObject { ["GovernmentSubsidy"] = 24_000_000, ["SocialCapital"] = 18_000_000, ["ResidentCrowdfunding"] = 12_000_000, ["SelfRaised"] = 6_000_000 },
        ["warrantyMonths"] = 24,
    }),
    "open-elevator-1", DateTimeOffset.Parse("2026-02-01T09:00:00.000Z")), "2026-02-01T09:00:00.250Z");

var receipt = Record(officer, new Command("officer-1", officerKeyId, "RecordReceipt",
    Body(new JsonObject { ["projectId"] = "elevator-1", ["source"] = "GovernmentSubsidy", ["amountFen"] = 24_000_000, ["documentHash"] = Hash.Of([], "subsidy approval letter"u8).ToString() }),
    "receipt-0001", DateTimeOffset.Parse("2026-02-01T09:30:00.000Z")), "2026-02-01T09:30:01.000Z");

JsonObject Vector(string name, string description, Entry entry, string signer) => new()
{
    ["name"] = name,
    ["description"] = description,
    ["signer"] = signer,
    ["fields"] = new JsonObject
    {
        ["stream"] = entry.Stream,
        ["sequence"] = entry.Sequence,
        ["previousHash"] = entry.PreviousHash.ToString(),
        ["type"] = entry.Type,
        ["body"] = JsonNode.Parse(entry.Body.GetRawText()),
        ["command"] = entry.SignedCommand.Command.ToJson(),
        ["recordedAt"] = LedgerTime.Format(entry.RecordedAt),
    },
    ["commandSignedBytes"] = Encoding.UTF8.GetString(entry.SignedCommand.Command.SignedBytes()),
    ["commandSignature"] = Hex.Encode(entry.SignedCommand.Signature),
    ["entryBytes"] = Encoding.UTF8.GetString(entry.CanonicalBytes),
    ["entryHash"] = entry.Hash.ToString(),
    ["reproduce"] = new JsonObject
    {
        ["entryHash"] = "jq -j '.entries[] | select(.name==\"" + name + "\") | .entryBytes' tests/vectors/format_v1.json | (printf 'CommunityLedger/v1/entry\\n'; cat) | sha256sum",
        ["commandSignature"] = "jq -j '.entries[] | select(.name==\"" + name + "\") | .commandSignedBytes' tests/vectors/format_v1.json > msg; (printf '302e020100300506032b657004220420'; jq -r '.signers[] | select(.name==\"" + signer + "\") | .seed' tests/vectors/format_v1.json) | xxd -r -p | openssl pkey -inform DER -out key.pem; openssl pkeyutl -sign -rawin -inkey key.pem -in msg | xxd -p -c 64",
    },
};

string Mutate(Entry entry, Func<string, string> change) => change(Encoding.UTF8.GetString(entry.CanonicalBytes));

JsonObject Corrupted(string name, string change, string entryBytes, string? previousEntryHash, string wantErr) => new()
{
    ["name"] = name,
    ["change"] = change,
    ["entryBytes"] = entryBytes,
    ["previousEntryHash"] = previousEntryHash,
    ["wantErr"] = wantErr,
};

var registeredText = Encoding.UTF8.GetString(registered.CanonicalBytes);
var document = new JsonObject
{
    ["source"] = "Community Ledger docs/FORMAT.md, format version 1; generated by tests/vectors/generate/FormatVectors.cs; entry hashes cross-checked with sha256sum and command signatures with openssl pkeyutl (commands under each vector's \"reproduce\")",
    ["description"] = "Entries of format version 1: fields -> canonical signed command bytes -> Ed25519 signature -> canonical entry bytes -> entry hash. 'entries' chain: registry#0, registry#1 (links to registry#0), project/elevator-1#0, project/elevator-1#1; each entry is what the rules (docs/ENTRIES.md) make from its command. 'corrupted' are entry byte strings a reader must reject, each with the reason (wantErr): the class of check that fails.",
    ["signers"] = new JsonArray(
        new JsonObject { ["name"] = "registrar", ["seed"] = Hex.Encode(registrarSeed), ["publicKey"] = Hex.Encode(registrar.PublicKey.Bytes), ["keyId"] = registrarKeyId, ["reproduceKeyId"] = ReproduceKeyId(registrar) },
        new JsonObject { ["name"] = "officer-1", ["seed"] = Hex.Encode(officerSeed), ["publicKey"] = Hex.Encode(officer.PublicKey.Bytes), ["keyId"] = officerKeyId, ["reproduceKeyId"] = ReproduceKeyId(officer) }),
    ["entries"] = new JsonArray(
        Vector("registry genesis", "entry 0 of the registry: previous hash is zeros; signed by the root key it names", genesis, "registrar"),
        Vector("person registered", "entry 1 of the registry, linked to the genesis; strings with Chinese text, quotes and a backslash", registered, "registrar"),
        Vector("project opened", "entry 0 of a project stream: the project's policy with its defaults filled in by the rules", opened, "officer-1"),
        Vector("subsidy receipt", "entry 1 of the project stream: an amount in fen and a document hash", receipt, "officer-1")),
    ["corrupted"] = new JsonArray(
        Corrupted("amount changed", "amountFen 24000000 -> 24000001 in the body (bytes still canonical)", Mutate(receipt, t => t.Replace("\"amountFen\":24000000,\"documentHash\"", "\"amountFen\":24000001,\"documentHash\"")), null, "signature"),
        Corrupted("member order", "members not sorted", Mutate(genesis, t => "{\"format\":1," + t[1..].Replace("\"format\":1,", "")), null, "canonical"),
        Corrupted("whitespace", "a space after the first colon", Mutate(genesis, t => t.Replace("\"body\":{", "\"body\": {")), null, "canonical"),
        Corrupted("extra member", "an unknown top-level member", Mutate(genesis, t => t.Replace("\"format\":1,", "\"format\":1,\"note\":\"x\",")), null, "schema"),
        Corrupted("missing member", "recordedAt removed", Mutate(genesis, t => t.Replace("\"recordedAt\":\"2026-01-31T08:00:00.125Z\",", "")), null, "schema"),
        Corrupted("format version 2", "format 1 -> 2", Mutate(genesis, t => t.Replace("\"format\":1,", "\"format\":2,")), null, "schema"),
        Corrupted("float amount", "an amount written 24000000.0", Mutate(receipt, t => t.Replace("24000000", "24000000.0")), null, "canonical"),
        Corrupted("uppercase hex", "previousHash in uppercase", Mutate(registered, t => t.Replace(genesis.Hash.ToString(), genesis.Hash.ToString().ToUpperInvariant())), genesis.Hash.ToString(), "schema"),
        Corrupted("genesis with a previous hash", "entry 0 whose previousHash is not zeros", Mutate(genesis, t => t.Replace(Hash.Zero.ToString(), "00000000000000000000000000000000000000000000000000000000000000ff")), null, "schema"),
        Corrupted("broken link", "previousHash of registry#1 does not match registry#0's hash", registeredText, Hash.Of([], "another entry"u8).ToString(), "chain"),
        Corrupted("signature flipped", "one bit of the command signature flipped", Mutate(genesis, t => t.Replace(Hex.Encode(genesis.SignedCommand.Signature), FlipFirstHexDigit(Hex.Encode(genesis.SignedCommand.Signature)))), null, "signature"),
        Corrupted("time spelling", "recordedAt without milliseconds", Mutate(genesis, t => t.Replace("2026-01-31T08:00:00.125Z", "2026-01-31T08:00:00Z")), null, "schema"),
        Corrupted("null value", "a body member set to null", Mutate(genesis, t => t.Replace("\"body\":{", "\"body\":{\"a\":null,")), null, "canonical"),
        Corrupted("bad stream id", "stream id with a space", Mutate(receipt, t => t.Replace("project/elevator-1", "project/elevator 1")), null, "schema")),
};

File.WriteAllText("tests/vectors/format_v1.json", document.ToJsonString(new JsonSerializerOptions
{
    WriteIndented = true,
    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
}) + "\n");
Console.WriteLine("wrote tests/vectors/format_v1.json");

static string ReproduceKeyId(SigningKey key) =>
    $"(printf 'CommunityLedger/v1/key\\n'; echo {Hex.Encode(key.PublicKey.Bytes)} | xxd -r -p) | sha256sum | cut -c1-32";

// Flips the lowest bit of the first byte's high nibble, keeping the text lowercase hex.
static string FlipFirstHexDigit(string hex) => Convert.ToHexStringLower([(byte)(Convert.FromHexString(hex[..2])[0] ^ 0x10)]) + hex[2..];
