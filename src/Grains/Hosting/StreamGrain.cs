using Ledger.Entries;
using Ledger.Grains.Storage;
using Ledger.Rules;

namespace Ledger.Grains.Hosting;

/// <summary>
/// The single writer of one stream (DESIGN.md 8): its state folded from its entries, and a
/// turn that one call holds at a time. Activated by the host on first use, loaded from the
/// store, and caught up whenever another process may have written.
/// </summary>
internal sealed class StreamGrain(string stream)
{
    readonly SemaphoreSlim turn = new(1, 1);

    public string Stream { get; } = stream;

    public StreamState State { get; private set; } = StreamState.Initial(stream);

    /// <summary>The last entry applied; null for an empty stream.</summary>
    public Entry? Head { get; private set; }

    /// <summary>Set when the stream may have entries this grain has not applied.</summary>
    public bool Stale { get; set; } = true;

    /// <summary>Ticks of the host's clock at the last call, for idle deactivation.</summary>
    public long LastUsedTicks { get; set; }

    public bool InTurn => turn.CurrentCount == 0;

    public Task TakeTurnAsync(CancellationToken cancellationToken) => turn.WaitAsync(cancellationToken);

    public void EndTurn() => turn.Release();

    /// <summary>Applies what the store has beyond this grain's head. Called within a turn.</summary>
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
        Invariant.Holds(Head is null ? entry.Sequence == 0 : entry.Follows(Head), $"{Stream}#{entry.Sequence} links to the grain's head");
        State = State.Apply(entry);
        Head = entry;
    }
}
