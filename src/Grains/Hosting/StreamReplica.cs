using Ledger.Entries;
using Ledger.Grains.Storage;
using Ledger.Rules;

namespace Ledger.Grains.Hosting;

/// <summary>
/// One stream's state folded from its entries, as one grain (or the silo's registry cache)
/// last read it. A replica may be behind the store: another grain may have written the
/// stream since. That is safe because PostgreSQL takes each stream position once (DESIGN.md 7):
/// an append decided on a stale replica conflicts, and the replica catches up and decides
/// again. Not thread-safe: its owner calls it one turn at a time.
/// </summary>
internal sealed class StreamReplica(string stream)
{
    public string Stream { get; } = stream;

    public StreamState State { get; private set; } = StreamState.Initial(stream);

    /// <summary>The last entry applied; null for an empty stream.</summary>
    public Entry? Head { get; private set; }

    /// <summary>Set when the stream may have entries this replica has not applied.</summary>
    public bool Stale { get; set; } = true;

    /// <summary>Applies what the store has beyond this replica's head.</summary>
    /// <returns>The number of entries read.</returns>
    public async Task<int> CatchUpAsync(EntryStore store, CancellationToken cancellationToken)
    {
        if (!Stale)
        {
            return 0;
        }
        var read = await store.ReadStreamAsync(Stream, State.Sequence + 1, cancellationToken);
        foreach (var stored in read)
        {
            Apply(stored.Entry);
        }
        Stale = false;
        return read.Count;
    }

    /// <summary>
    /// Starts an unused replica from a snapshot's state, whose head is <paramref name="head"/>
    /// as read from the store; it still catches up from there before deciding.
    /// </summary>
    public void Restore(StreamState state, Entry head)
    {
        Invariant.Holds(Head is null && State.Sequence == -1, $"{Stream}: only a replica that applied nothing starts from a snapshot");
        Invariant.Holds(head.Stream == Stream && head.Sequence == state.Sequence, $"{Stream}: a snapshot's state ends at its head");
        State = state;
        Head = head;
        Stale = true;
    }

    /// <summary>Applies a committed entry: decide, persist, then apply (STYLE.md 10).</summary>
    public void Apply(Entry entry)
    {
        Invariant.Holds(Head is null ? entry.Sequence == 0 : entry.Follows(Head), $"{Stream}#{entry.Sequence} links to the replica's head");
        State = State.Apply(entry);
        Head = entry;
    }
}
