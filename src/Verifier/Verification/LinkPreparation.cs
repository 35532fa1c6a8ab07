using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Ledger.Entries;
using Ledger.Merkle;
using Ledger.Rules.Registry;

namespace Ledger.Verifier.Verification;

/// <summary>A SHA-256 digest held in place, so that a batch of links is one array and not a million small ones.</summary>
[InlineArray(Hashing.Hash.Size)]
struct Digest
{
    byte first;
}

/// <summary>
/// What a hash-only audit reads of one line: its entry hash (FORMAT.md §4.2) and the log's
/// leaf hash of it (§10.1), and where the entry says it sits in its stream (§4.3) — or why the
/// line is not an entry at all.
/// </summary>
struct EntryLink
{
    public Digest Hash;
    public Digest LeafHash;
    public Digest PreviousHash;
    public long Sequence;

    /// <summary>Where the stream id's UTF-8 bytes are in the line.</summary>
    public Range Stream;

    /// <summary>
    /// Whether a top-level type is the string LogKeyNamed: the only registry entry whose key the
    /// audit needs, and which it reads in full. Every entry of that type has such a member, so
    /// no other line can name a key.
    /// </summary>
    public bool NamesLogKey;

    /// <summary>Why the line is not an object with a stream, a sequence and a previous hash; null if it is.</summary>
    public string? Error;
}

/// <summary>One batch of lines and their links, in log order.</summary>
sealed class LinkBatch : IPreparedBatch
{
    // Small, so that the lines of the batches in flight are mostly dead by the next
    // generation-0 collection instead of copied on to generation 1: measured, 512 was at least
    // as fast as 2,048 or 4,096.
    public const int Capacity = 512;

    readonly SourcedEntry[] sources = new SourcedEntry[Capacity];
    readonly EntryLink[] links = new EntryLink[Capacity];

    public int Count { get; private set; }

    public SourcedEntry SourceAt(int index) => sources[index];

    public ref readonly EntryLink LinkAt(int index) => ref links[index];

    /// <summary>Hashes the lines and reads their links.</summary>
    public void ReadAndPrepare(IEnumerator<SourcedEntry> source)
    {
        Count = BatchPipeline.Fill(sources, source);
        Parallel.For(0, Count, i => LinkPreparation.Read(sources[i], ref links[i]));
    }
}

/// <summary>
/// The stateless part of a hash-only audit (issue 8 asks for 0.3 × the machine's SHA-256
/// rate): each line is hashed, its leaf hash in the log computed, and its stream, sequence and
/// previous hash read — without parsing the entry, checking its canonical form or its
/// signature. Batches are handed on in log order.
/// </summary>
static class LinkPreparation
{
    static readonly SearchValues<byte> LowercaseHexDigits = SearchValues.Create("0123456789abcdef"u8);

    public static IEnumerable<LinkBatch> Prepare(IEnumerable<SourcedEntry> entries) => BatchPipeline.InTurns(entries, new LinkBatch(), new LinkBatch());

    /// <summary>Hashes one line and reads its link; an overlong line was hashed as it was read, and is not read.</summary>
    public static void Read(SourcedEntry sourced, ref EntryLink link)
    {
        if (sourced.Overlong is { } overlong)
        {
            overlong.EntryHash.CopyTo(link.Hash);
            LogLeaf.Of(link.Hash, link.LeafHash);
            link.Error = overlong.Problem;
            return;
        }
        var line = sourced.Bytes;
        Hashing.Hash.Of(FormatVersion.EntryHashPrefix, line, [], link.Hash);
        LogLeaf.Of(link.Hash, link.LeafHash);
        try
        {
            link.Error = ReadMembers(line, ref link);
        }
        catch (Exception e) when (Untrusted.IsAboutTheInput(e))
        {
            link.Error = e.Message;
        }
    }

    /// <summary>
    /// Reads the entry object's top-level stream, sequence and previousHash (FORMAT.md §4.1) and
    /// whether its type is LogKeyNamed, and steps over every other member's value, nested or
    /// not, without reading into it.
    /// </summary>
    /// <returns>Why the line is not such an object; null if it is.</returns>
    static string? ReadMembers(ReadOnlySpan<byte> line, ref EntryLink link)
    {
        var reader = new Utf8JsonReader(line);
        // The link is a batch's slot, reused from batch to batch.
        link.NamesLogKey = false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "not a JSON object";
        }
        bool stream = false, sequence = false, previousHash = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("stream"u8))
            {
                if (stream || !reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
                {
                    return "stream is not one string without escapes";
                }
                var start = checked((int)reader.TokenStartIndex + 1);
                link.Stream = start..(start + reader.ValueSpan.Length);
                stream = true;
            }
            else if (reader.ValueTextEquals("sequence"u8))
            {
                // Within the integers every implementation reads exactly (FORMAT.md §2), as the
                // full parse requires: a sequence of 2^63 − 1 overflowed the next one expected.
                if (sequence || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out link.Sequence)
                    || link.Sequence is < 0 or > Canonical.CanonicalJson.MaxSafeInteger)
                {
                    return "sequence is not one integer from 0 to 2^53 − 1";
                }
                sequence = true;
            }
            else if (reader.ValueTextEquals("previousHash"u8))
            {
                if (previousHash || !reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
                    || reader.ValueSpan.Length != 2 * Hashing.Hash.Size || reader.ValueSpan.ContainsAnyExcept(LowercaseHexDigits))
                {
                    return "previousHash is not one string of 64 lowercase hex digits";
                }
                Convert.FromHexString(reader.ValueSpan, link.PreviousHash, out _, out _);
                previousHash = true;
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                link.NamesLogKey |= reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(RegistryEntryTypes.LogKeyNamed);
                reader.Skip();
            }
            else
            {
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return "not one JSON object";
        }
        return stream && sequence && previousHash ? null : "not an object with a stream, a sequence and a previousHash";
    }
}
