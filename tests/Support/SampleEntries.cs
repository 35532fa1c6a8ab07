using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Signing;

namespace Ledger.Tests.Support;

/// <summary>
/// Well-formed, signed entries for storage tests, which check chains and transactions and
/// not the domain rules. The key is fixed so that failures are reproducible.
/// </summary>
public static class SampleEntries
{
    static readonly SigningKey Key = SigningKey.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());

    static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-03-01T00:00:00.000Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The entry that follows <paramref name="previous"/> (or starts the stream), labelled for telling racers apart.</summary>
    public static Entry Next(string stream, Entry? previous, string label = "sample")
    {
        var sequence = previous is null ? 0 : previous.Sequence + 1;
        var command = new Command("tester", KeyIds.Of(Key.PublicKey.Bytes), "RecordNote",
            JsonSerializer.SerializeToElement(new JsonObject { ["label"] = label }),
            $"{stream}-{sequence}-{label}", Start.AddSeconds(sequence));
        return Entry.Create(stream, sequence, previous?.Hash ?? Hash.Zero, "NoteRecorded",
            new JsonObject { ["label"] = label, ["sequence"] = sequence },
            new SignedCommand(command, Key.Sign(command.SignedBytes())), Start.AddSeconds(sequence));
    }

    /// <summary>A chain of <paramref name="count"/> entries of one stream.</summary>
    public static IReadOnlyList<Entry> Chain(string stream, int count, string label = "sample")
    {
        var chain = new List<Entry>(count);
        for (var i = 0; i < count; i++)
        {
            chain.Add(Next(stream, chain.Count == 0 ? null : chain[^1], label));
        }
        return chain;
    }
}
