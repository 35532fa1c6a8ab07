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
    readonly Entry?[] heads;
    readonly SignedCommand signed;
    long next;

    /// <param name="streamCount">How many household streams the entries are spread over.</param>
    /// <param name="runName">Part of every stream id, so that entries of two generators never collide in one database.</param>
    public ChainedEntries(int streamCount, string runName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(streamCount);
        streams = Enumerable.Range(0, streamCount).Select(s => HouseholdRules.StreamOf($"{runName}-{s}")).ToArray();
        heads = new Entry?[streamCount];
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
            var head = heads[stream];
            var body = new JsonObject
            {
                ["activity"] = "WasteSorting", ["points"] = 10, ["quantity"] = 1, ["reference"] = $"sorting-{index}",
            };
            var entry = Entry.Create(streams[stream], head is null ? 0 : head.Sequence + 1, head?.Hash ?? Hash.Zero,
                HouseholdEntryTypes.PointsAwarded, body, signed, Start.AddMilliseconds(index));
            heads[stream] = entry;
            batch[i] = entry;
        });
        next += count;
        return batch;
    }
}
