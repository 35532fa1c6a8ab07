using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Hashing;

namespace Ledger.Bench.Micro;

/// <summary>
/// The bytes of one typical entry (a PointsAwarded entry carrying its signed AwardPoints
/// command, 734 bytes): canonical encoding (FORMAT.md §2), building an entry, reading
/// one back from its canonical bytes, and the SHA-256 of the entry prefix and bytes (§4.2).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EntryBenchmarks
{
    Entry entry = null!;
    byte[] canonical = null!;
    byte[] prefixed = null!;
    JsonElement element;
    JsonObject body = null!;

    [GlobalSetup]
    public void Setup()
    {
        var community = PreparedCommunity.Create();
        entry = community.Submit(community.Sign("coordinator", Rules.Households.HouseholdCommandTypes.AwardPoints,
            PreparedCommunity.AwardPointsBody("sorting-typical")))[0];
        canonical = entry.CanonicalBytes.ToArray();
        prefixed = [.. FormatVersion.EntryHashPrefix, .. canonical];
        element = JsonDocument.Parse(canonical).RootElement.Clone();
        body = JsonNode.Parse(entry.Body.GetRawText())!.AsObject();
        Console.WriteLine($"typical entry: {entry.Stream}#{entry.Sequence} {entry.Type}, {canonical.Length} canonical bytes");
    }

    /// <summary>CanonicalJson.Encode of the entry as a parsed JSON element: the one canonical encoder.</summary>
    [Benchmark]
    public byte[] CanonicalEncode() => CanonicalJson.Encode(element);

    /// <summary>Entry.Create: the JSON of the entry built, encoded, read back strictly and hashed (what EntryChain.Link does per entry).</summary>
    [Benchmark]
    public Entry EntryCreate() =>
        Entry.Create(entry.Stream, entry.Sequence, entry.PreviousHash, entry.Type, body, entry.SignedCommand, entry.RecordedAt);

    /// <summary>Entry.Parse of canonical bytes: strict parse, the canonical re-encoding check, and the hash (what every read does).</summary>
    [Benchmark]
    public Entry EntryParse() => Entry.Parse(canonical);

    /// <summary>The entry hash alone: SHA-256 over the prefix and the canonical bytes, as Hash.Of computes it.</summary>
    [Benchmark]
    public Hash EntryHash() => Hash.Of(FormatVersion.EntryHashPrefix, canonical);

    /// <summary>The same digest in one call over bytes already concatenated: the floor for hashing an entry.</summary>
    [Benchmark]
    public byte[] Sha256OneShot() => SHA256.HashData(prefixed);
}
