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
/// <remarks>
/// Beside the committed state, a grain that pipelines its commands (docs/STORAGE.md
/// "A busy stream pipelined") proposes entries it has handed to the group committer: the
/// tentative state is the committed one with those applied, in order. A proposal leaves only by
/// being settled (committed: it becomes the committed head) or withdrawn (refused or uncertain:
/// it and every proposal after it, which were decided on it, are dropped).
/// </remarks>
internal sealed class StreamReplica(string stream)
{
    /// <summary>The proposed entries in order, each with the tentative state after it.</summary>
    readonly List<(Entry Entry, StreamState After)> proposals = [];

    public string Stream { get; } = stream;

    /// <summary>The state of the committed entries applied.</summary>
    public StreamState State { get; private set; } = StreamState.Initial(stream);

    /// <summary>The last committed entry applied; null for an empty stream.</summary>
    public Entry? Head { get; private set; }

    /// <summary>The state after the proposals: what the next command is decided on.</summary>
    public StreamState TentativeState => proposals.Count > 0 ? proposals[^1].After : State;

    /// <summary>The last proposal, else the committed head: what the next entry links to.</summary>
    public Entry? TentativeHead => proposals.Count > 0 ? proposals[^1].Entry : Head;

    /// <summary>True while entries proposed here are neither committed nor withdrawn.</summary>
    public bool HasProposals => proposals.Count > 0;

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
        // The store may already hold proposals whose commit is not yet settled here: they would
        // be read as entries of someone else's.
        Invariant.Holds(proposals.Count == 0, $"{Stream}: a replica is caught up only with no proposal in flight");
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
        Invariant.Holds(proposals.Count == 0, $"{Stream}: a committed entry is applied past proposals only by settling them");
        Invariant.Holds(Head is null ? entry.Sequence == 0 : entry.Follows(Head), $"{Stream}#{entry.Sequence} links to the replica's head");
        State = State.Apply(entry);
        Head = entry;
    }

    /// <summary>Adds an entry handed to the committer to the tentative state.</summary>
    public void Propose(Entry entry)
    {
        Invariant.Holds(TentativeHead is { } head ? entry.Follows(head) : entry.Sequence == 0,
            $"{Stream}#{entry.Sequence} links to the replica's tentative head");
        proposals.Add((entry, TentativeState.Apply(entry)));
    }

    /// <summary>The first proposal is committed: it becomes the committed head, its state the committed state.</summary>
    public void Settle(Entry entry)
    {
        Invariant.Holds(proposals.Count > 0 && proposals[0].Entry.Hash.Equals(entry.Hash),
            $"{Stream}#{entry.Sequence} is settled in the order it was proposed");
        (Head, State) = proposals[0];
        proposals.RemoveAt(0);
    }

    /// <summary>Drops <paramref name="entry"/> and every proposal after it, decided on it; nothing if it was dropped already.</summary>
    public void Withdraw(Entry entry)
    {
        var index = proposals.FindIndex(p => p.Entry.Hash.Equals(entry.Hash));
        if (index >= 0)
        {
            proposals.RemoveRange(index, proposals.Count - index);
        }
    }
}
