using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Bodies;
using Ledger.Canonical;
using Ledger.Hashing;

namespace Ledger.Entries;

/// <summary>
/// One link of a stream's hash chain (FORMAT.md §4): what happened (type and body), who asked
/// for it (the signed command), where it sits (stream, sequence, previous hash) and when the
/// ledger recorded it. Immutable; its canonical bytes and hash are computed once, here.
/// </summary>
public sealed class Entry
{
    static readonly string[] Members =
        ["body", "format", "previousHash", "recordedAt", "sequence", "signedCommand", "stream", "type"];

    readonly byte[] canonical;

    // The body as its record (src/Ledger/Bodies), read on first use: the verifier's preparation
    // and the state's apply then read one entry's body once between them. Two threads that race
    // read the same immutable record twice, which is harmless.
    object? typedBody;

    Entry(string stream, long sequence, Hash previousHash, string type, JsonElement body,
        SignedCommand signedCommand, DateTimeOffset recordedAt, byte[] canonical)
    {
        Stream = stream;
        Sequence = sequence;
        PreviousHash = previousHash;
        Type = type;
        Body = body;
        SignedCommand = signedCommand;
        RecordedAt = recordedAt;
        this.canonical = canonical;
        Hash = Hash.Of(FormatVersion.EntryHashPrefix, canonical);
    }

    public string Stream { get; }

    public long Sequence { get; }

    public Hash PreviousHash { get; }

    public string Type { get; }

    public JsonElement Body { get; }

    /// <summary>
    /// The body read as <typeparamref name="TBody"/>, the record of this entry's type, once per
    /// entry; an unknown member throws <see cref="FormatException"/>, as every time it is asked.
    /// </summary>
    public TBody BodyAs<TBody>() where TBody : class, IEntryBody<TBody>
    {
        if (!TBody.Types.Contains(Type))
        {
            // Not Invariant.Holds: its message would be made for every entry read.
            throw new InvariantViolationException($"a {Type} entry's body is read as its own record, not {typeof(TBody).Name}");
        }
        return typedBody as TBody ?? (TBody)(typedBody = TBody.Read(Body, Type));
    }

    public SignedCommand SignedCommand { get; }

    public DateTimeOffset RecordedAt { get; }

    /// <summary>SHA-256 of the entry prefix and <see cref="CanonicalBytes"/> (FORMAT.md §4.2).</summary>
    public Hash Hash { get; }

    /// <summary>The entry exactly as hashed: one line of an export.</summary>
    public ReadOnlySpan<byte> CanonicalBytes => canonical;

    public static Entry Create(string stream, long sequence, Hash previousHash, string type,
        JsonObject body, SignedCommand signedCommand, DateTimeOffset recordedAt)
    {
        if (!Names.IsStreamId(stream))
        {
            throw new ArgumentException($"\"{stream}\" is not a stream id", nameof(stream));
        }
        if (!Names.IsTypeName(type))
        {
            throw new ArgumentException($"\"{type}\" is not an entry type", nameof(type));
        }
        Invariant.Holds(sequence >= 0, "a sequence number is never negative");
        Invariant.Holds(sequence > 0 || previousHash.Equals(Hash.Zero),
            "entry 0 links to the zero hash");
        var json = new JsonObject
        {
            ["body"] = body.DeepClone(),
            ["format"] = FormatVersion.Current,
            ["previousHash"] = previousHash.ToString(),
            ["recordedAt"] = LedgerTime.Format(recordedAt),
            ["sequence"] = sequence,
            ["signedCommand"] = signedCommand.ToJson(),
            ["stream"] = stream,
            ["type"] = type,
        };
        return Parse(CanonicalJson.Encode(json));
    }

    /// <summary>
    /// Reads an entry from its canonical bytes, refusing anything that is not exactly the
    /// canonical encoding of a well-formed version-1 entry.
    /// </summary>
    public static Entry Parse(ReadOnlySpan<byte> canonicalBytes)
    {
        var json = CanonicalJson.ParseCanonical(canonicalBytes);
        var fields = JsonFields.Of(json, "entry", Members);
        var format = fields.Integer("format");
        if (format != FormatVersion.Current)
        {
            throw new FormatException($"entry format {format} is not supported (this reader knows {FormatVersion.Current})");
        }
        var stream = fields.String("stream");
        var sequence = fields.Integer("sequence");
        var type = fields.String("type");
        var previousHash = fields.Hash("previousHash");
        if (!Names.IsStreamId(stream))
        {
            throw new FormatException($"\"{stream}\" is not a stream id");
        }
        if (sequence < 0)
        {
            throw new FormatException("sequence is negative");
        }
        if (sequence == 0 && !previousHash.Equals(Hash.Zero))
        {
            throw new FormatException("entry 0 must link to the zero hash");
        }
        if (!Names.IsTypeName(type))
        {
            throw new FormatException($"\"{type}\" is not an entry type");
        }
        return new Entry(stream, sequence, previousHash, type, fields.Object("body"),
            SignedCommand.FromJson(fields.Object("signedCommand")), fields.Time("recordedAt"),
            canonicalBytes.ToArray());
    }

    /// <summary>Whether this entry is the one that may follow <paramref name="previous"/> in its stream.</summary>
    public bool Follows(Entry previous) =>
        Stream == previous.Stream && Sequence == previous.Sequence + 1 && PreviousHash.Equals(previous.Hash);
}
