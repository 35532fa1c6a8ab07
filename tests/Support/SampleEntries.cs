using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
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

    /// <summary>
    /// When every sample entry is recorded, unless a test says otherwise: one time for all, so
    /// that entries of any streams may be appended in any order without going back along the
    /// log (FORMAT.md §4.5, which the database checks).
    /// </summary>
    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-03-01T00:00:00.000Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The entry that follows <paramref name="previous"/> (or starts the stream), labelled for telling racers apart.</summary>
    /// <param name="recordedAt">Its recorded time (and the command's issue time); <see cref="Start"/> if not given.</param>
    public static Entry Next(string stream, Entry? previous, string label = "sample", DateTimeOffset? recordedAt = null)
    {
        var sequence = previous is null ? 0 : previous.Sequence + 1;
        var time = recordedAt ?? Start;
        var command = new Command("tester", KeyIds.Of(Key.PublicKey.Bytes), "RecordNote",
            JsonSerializer.SerializeToElement(new JsonObject { ["label"] = label }),
            $"{stream}-{sequence}-{label}", time);
        return Entry.Create(stream, sequence, previous?.Hash ?? Hash.Zero, "NoteRecorded",
            new JsonObject { ["label"] = label, ["sequence"] = sequence },
            new SignedCommand(command, Key.Sign(command.SignedBytes())), time);
    }

    /// <summary>
    /// A registry entry that names <paramref name="key"/> the log key (docs/FORMAT.md §10.3), as
    /// the rules write it, after <paramref name="previous"/> (or as entry 0): the log signs no
    /// checkpoint of entries that name no key of its.
    /// </summary>
    public static Entry LogKeyNamed(Ledger.Checkpoints.NoteVerifierKey key, Entry? previous = null)
    {
        var vkey = key.Format();
        var command = new Command("tester", KeyIds.Of(Key.PublicKey.Bytes), "NameLogKey",
            JsonSerializer.SerializeToElement(new JsonObject { ["verifierKey"] = vkey }), $"name-{vkey}", Start);
        return Entry.Create("registry", previous is null ? 0 : previous.Sequence + 1, previous?.Hash ?? Hash.Zero, "LogKeyNamed",
            new JsonObject
            {
                ["keyId"] = key.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
                ["origin"] = key.Name,
                ["publicKey"] = Hex.Encode(key.PublicKey.Bytes),
                ["verifierKey"] = vkey,
            },
            new SignedCommand(command, Key.Sign(command.SignedBytes())), Start);
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
