using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Rules.Households;
using Ledger.Signing;

namespace Ledger.Bench.Log;

/// <summary>
/// Well-formed entries for loading the store fast: points awards spread over many household
/// streams, each stream a valid hash chain (entry i of the sequence goes to stream i mod S at
/// sequence i div S), all carrying one command signed once. The store checks chains, not
/// rules or signatures, so this is enough to fill it; it is not a ledger the verifier would
/// accept (bench/Verifier/SyntheticLedger.cs makes one of those).
/// </summary>
public sealed class ChainedEntries
{
    static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    readonly string[] streams;
    readonly long[] nextSequences;
    readonly Hash[] headHashes;
    readonly SignedCommand signed;
    long next;

    /// <param name="streamCount">How many household streams the entries are spread over.</param>
    /// <param name="runName">Part of every stream id, so that entries of two generators never collide in one database.</param>
    public ChainedEntries(int streamCount, string runName)
        : this(Enumerable.Range(0, streamCount).Select(s => (HouseholdRules.StreamOf($"{runName}-{s}"), 0L, Hash.Zero)).ToList(), runName)
    {
    }

    /// <summary>Entries that continue streams already in the store, each from its next sequence and head hash.</summary>
    public ChainedEntries(IReadOnlyList<(string Stream, long NextSequence, Hash HeadHash)> continued, string runName)
    {
        ArgumentOutOfRangeException.ThrowIfZero(continued.Count);
        streams = continued.Select(c => c.Stream).ToArray();
        nextSequences = continued.Select(c => c.NextSequence).ToArray();
        headHashes = continued.Select(c => c.HeadHash).ToArray();
        using var key = SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes("bench coordinator")));
        var body = new JsonObject
        {
            ["activity"] = "WasteSorting", ["householdId"] = $"{runName}-0", ["points"] = 10, ["quantity"] = 1, ["reference"] = "sorting-0",
        };
        signed = SignedCommand.Sign(new Command("coordinator", KeyIds.Of(key.PublicKey.Bytes), HouseholdCommandTypes.AwardPoints,
            JsonSerializer.SerializeToElement(body), "bench-0", Start), key);
    }

    /// <summary>How many entries have been made so far.</summary>
    public long Count => next;

    /// <summary>
    /// The next <paramref name="count"/> entries, at most one per stream, so they are made in
    /// parallel (each needs only its stream's head). Every batch must reach the store, in the
    /// order made, before the next batch can be appended.
    /// </summary>
    public Entry[] Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, streams.Length);
        var first = next;
        var batch = new Entry[count];
        Parallel.For(0, count, i =>
        {
            var index = first + i;
            var stream = (int)(index % streams.Length);
            var body = new JsonObject
            {
                ["activity"] = "WasteSorting", ["points"] = 10, ["quantity"] = 1, ["reference"] = $"sorting-{index}",
            };
            var entry = Entry.Create(streams[stream], nextSequences[stream], headHashes[stream],
                HouseholdEntryTypes.PointsAwarded, body, signed, Start.AddMilliseconds(index));
            nextSequences[stream]++;
            headHashes[stream] = entry.Hash;
            batch[i] = entry;
        });
        next += count;
        return batch;
    }
}
