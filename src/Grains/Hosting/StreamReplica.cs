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
    public async Task CatchUpAsync(EntryStore store, CancellationToken cancellationToken)
    {
        if (!Stale)
        {
            return;
        }
        foreach (var stored in await store.ReadStreamAsync(Stream, State.Sequence + 1, cancellationToken))
        {
            Apply(stored.Entry);
        }
        Stale = false;
    }

    /// <summary>Applies a committed entry: decide, persist, then apply (STYLE.md 10).</summary>
    public void Apply(Entry entry)
    {
        Invariant.Holds(Head is null ? entry.Sequence == 0 : entry.Follows(Head), $"{Stream}#{entry.Sequence} links to the replica's head");
        State = State.Apply(entry);
        Head = entry;
    }
}
