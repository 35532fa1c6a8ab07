using System.Threading.Channels;
using Ledger.Entries;
using Ledger.Grains.Storage;
using Ledger.Rules.Registry;

namespace Ledger.Grains.Hosting;

/// <summary>
/// Group commit (DESIGN.md "Known pitfalls": throughput comes from batching, not from more
/// connections). Grains hand their decided entries here instead of appending themselves;
/// one loop writes whatever has queued up in one transaction, while the next batch queues.
/// Each command keeps its own consecutive log positions and its own receipt, so the log reads
/// exactly as if the commands had been appended one by one, in queue order.
/// A batch holds only commands authorized by the same registry state, writing streams no other
/// command of the batch writes, and a command that writes the registry goes alone: the registry
/// guard of an append then holds for every command in it. If a batch meets a conflict, nothing
/// of it was written; it is halved and each half appended again, until each conflicting command
/// is alone and gets its own answer.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    /// <summary>A batch holds at most this many entries.</summary>
    public const int MaxBatchEntries = 2_000;

    readonly EntryStore store;

    /// <summary>
    /// The head each stream written by the last committed batch has now: a queued command
    /// decided before that commit on an older head of one of these streams is bound to
    /// conflict, and is answered so without spoiling (and halving) the next batch.
    /// </summary>
    readonly Dictionary<string, Entry> committedHeads = new(StringComparer.Ordinal);

    readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task loop;

    public GroupCommitter(EntryStore store)
    {
        this.store = store;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Appends one command's entries with the next batch; completes after its commit.</summary>
    public Task<AppendResult> AppendAsync(IReadOnlyList<Entry> entries, AppendCondition condition)
    {
        var pending = new Pending(new AppendRequest(entries, condition.Receipt), condition.RegistrySequence);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommitter));
        }
        return pending.Result.Task;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }

    async Task RunAsync()
    {
        Pending? carried = null;
        while (carried is not null || await queue.Reader.WaitToReadAsync())
        {
            var batch = new List<Pending>();
            var entryCount = 0;
            if (carried is null && !queue.Reader.TryRead(out carried))
            {
                continue;
            }
            if (RefusedAsStale(carried))
            {
                carried = null;
                continue;
            }
            batch.Add(carried);
            entryCount += carried.Request.Entries.Count;
            var streams = carried.Request.Entries.Select(e => e.Stream).ToHashSet(StringComparer.Ordinal);
            carried = null;
            while (!WritesRegistry(batch[0]) && entryCount < MaxBatchEntries && queue.Reader.TryRead(out var next))
            {
                if (RefusedAsStale(next))
                {
                    continue;
                }
                // Two grains may have decided on the same head of a stream they both write (a
                // catalog shared by households' redemptions): such commands go in different
                // batches, so that the database refuses the later one alone.
                if (WritesRegistry(next) || next.RegistrySequence != batch[0].RegistrySequence
                    || next.Request.Entries.Any(e => streams.Contains(e.Stream)))
                {
                    carried = next;
                    break;
                }
                batch.Add(next);
                entryCount += next.Request.Entries.Count;
                streams.UnionWith(next.Request.Entries.Select(e => e.Stream));
            }
            await CommitAsync(batch);
        }
    }

    async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            var result = await store.AppendCommandsAsync(batch.Select(p => p.Request).ToList(), batch[0].RegistrySequence, CancellationToken.None);
            if (result is BatchResult.Appended appended)
            {
                committedHeads.Clear();
                foreach (var entry in batch.SelectMany(p => p.Request.Entries))
                {
                    committedHeads[entry.Stream] = entry;
                }
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.SetResult(new AppendResult.Appended(appended.LogPositions[i]));
                }
                return;
            }
            var refused = (BatchResult.Refused)result;
            // The registry guard is the same for every command of a batch: all are refused alike.
            if (batch.Count == 1 || refused.Result is AppendResult.RegistryChanged)
            {
                batch.ForEach(pending => pending.Result.SetResult(refused.Result));
                return;
            }
            // Someone in the batch conflicts: halve it until the culprit is alone, so that the
            // others still commit in batches of their own (a few transactions, not one each),
            // and in queue order, the first half before the second.
            await CommitAsync(batch[..(batch.Count / 2)]);
            await CommitAsync(batch[(batch.Count / 2)..]);
        }
        catch (Exception e)
        {
            // An uncertain write: the batch may or may not have committed. Every command in it
            // is told so, and its grains re-read the store before their next decision.
            foreach (var pending in batch.Where(p => !p.Result.Task.IsCompleted))
            {
                pending.Result.SetException(e);
            }
        }
    }

    /// <summary>
    /// Answers a conflict, without asking the database, for a command whose entry takes a place
    /// the last batch filled: a sequence at or below that stream's committed head, or the next
    /// one linked to another entry. The database would refuse it the same way; a command that
    /// follows the head, or goes past it (another process wrote between), still goes to it.
    /// </summary>
    bool RefusedAsStale(Pending pending)
    {
        foreach (var entry in pending.Request.Entries)
        {
            if (committedHeads.TryGetValue(entry.Stream, out var head)
                && (entry.Sequence <= head.Sequence || (entry.Sequence == head.Sequence + 1 && !entry.Follows(head))))
            {
                pending.Result.SetResult(new AppendResult.SequenceConflict(entry.Stream,
                    $"#{entry.Sequence} was decided on a head this process has since moved to #{head.Sequence}"));
                return true;
            }
        }
        return false;
    }

    static bool WritesRegistry(Pending pending) => pending.Request.Entries.Any(e => e.Stream == RegistryRules.Stream);

    sealed record Pending(AppendRequest Request, long? RegistrySequence)
    {
        public TaskCompletionSource<AppendResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
