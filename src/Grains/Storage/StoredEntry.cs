using Ledger.Entries;

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
}
