using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Hashing;

namespace Ledger.Grains.Storage;

/// <summary>An entry as committed: its place in the global log beside the entry itself.</summary>
public sealed record StoredEntry(long LogPosition, Entry Entry);

/// <summary>The outcome of an append: committed at these log positions, or nothing written.</summary>
public abstract record AppendResult
{
    private AppendResult()
    {
    }

    public sealed record Appended(IReadOnlyList<long> LogPositions) : AppendResult;

    /// <summary>
    /// Another writer took a stream position first (or the writer's view of the stream is
    /// stale): nothing of the batch was written; reload the stream and decide again.
    /// </summary>
    public sealed record SequenceConflict(string Stream, string Reason) : AppendResult;

    /// <summary>The registry moved past the state the command was authorized by; nothing was written.</summary>
    public sealed record RegistryChanged : AppendResult;

    /// <summary>The person's idempotency key already has a receipt; nothing was written.</summary>
    public sealed record ReceiptExists : AppendResult;

    /// <summary>
    /// An entry is recorded more than the skew before the greatest recorded time before it in
    /// the log (docs/FORMAT.md §4.5): nothing of the batch was written; decide again with a
    /// fresh reading of the clock, unless that clock is itself behind the log.
    /// </summary>
    public sealed record RecordedTimeWentBack : AppendResult;
}

/// <summary>
/// What an append must also hold to: the idempotency receipt to record with it, and the
/// registry sequence its authorization read (null when it read none).
/// </summary>
public sealed record AppendCondition(CommandReceipt? Receipt, long? RegistrySequence)
{
    public static AppendCondition None { get; } = new(null, null);
}

/// <summary>An accepted command's idempotency record: who, which key, which request.</summary>
public sealed record CommandReceipt(string PersonId, string IdempotencyKey, Hash RequestHash)
{
    static ReadOnlySpan<byte> RequestHashPrefix => "CommunityLedger/v1/request\n"u8;

    /// <summary>SHA-256 of the command's type and body: what "the same request" means for a retry.</summary>
    public static Hash RequestHashOf(Command command) =>
        Hash.Of(RequestHashPrefix, CanonicalJson.Encode(new JsonObject
        {
            ["body"] = JsonNode.Parse(command.Body.GetRawText()),
            ["type"] = command.Type,
        }));
}

/// <summary>A receipt found for a retried command, with the entries its first acceptance wrote.</summary>
public sealed record StoredReceipt(Hash RequestHash, IReadOnlyList<StoredEntry> Entries);

/// <summary>One command's part of a group commit: its entries and its receipt.</summary>
public sealed record AppendRequest(IReadOnlyList<Entry> Entries, CommandReceipt? Receipt);

/// <summary>The outcome of a group commit: every command's log positions, or the conflict that rolled all of them back.</summary>
public abstract record BatchResult
{
    private BatchResult()
    {
    }

    /// <param name="LogPositions">Per command, in the order given, its entries' positions.</param>
    public sealed record Appended(IReadOnlyList<IReadOnlyList<long>> LogPositions) : BatchResult;

    /// <summary>Nothing of the batch was written, because of <paramref name="Result"/>.</summary>
    public sealed record Refused(AppendResult Result) : BatchResult;
}
