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
/// A batch holds only commands authorized by the same registry state, whose entries on a stream
/// another command of the batch writes follow that command's (a busy grain's pipelined commands,
/// docs/STORAGE.md "A busy stream pipelined"), and a command that writes the registry goes alone:
/// the registry guard of an append then holds for every command in it. If a batch meets a
/// conflict, nothing of it was written; it is halved and each half appended again, until each
/// conflicting command is alone and gets its own answer.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    /// <summary>A batch holds at most this many entries.</summary>
    public const int MaxBatchEntries = 2_000;

    /// <summary>Streams whose last refused entry is kept before they are all forgotten: the database would refuse the same.</summary>
    const int MaxRefusedStreams = 10_000;

    readonly EntryStore store;
    readonly GrainMetrics metrics;

    /// <summary>
    /// The head each stream written by the last committed batch has now: a queued command
    /// decided before that commit on an older head of one of these streams is bound to
    /// conflict, and is answered so without spoiling (and halving) the next batch.
    /// </summary>
    readonly Dictionary<string, Entry> committedHeads = new(StringComparer.Ordinal);

    /// <summary>
    /// The last entry of each stream that a refused command proposed, until the stream is next
    /// written: a queued command linked to it was decided on a state that did not happen (a
    /// pipelined grain's later command), and is answered so without asking the database.
    /// </summary>
    readonly Dictionary<string, Entry> refusedTips = new(StringComparer.Ordinal);

    readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task loop;

    public GroupCommitter(EntryStore store, GrainMetrics metrics)
    {
        this.store = store;
        this.metrics = metrics;
        loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Appends one command's entries with the next batch; completes after its commit. Commands
    /// are taken in the order of these calls, so a grain that calls it in decision order has its
    /// commands committed in that order.
    /// </summary>
    public Task<AppendResult> AppendAsync(IReadOnlyList<Entry> entries, AppendCondition condition)
    {
        var pending = new Pending(new AppendRequest(entries, condition.Receipt), condition.RegistrySequence);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommitter));
        }
        metrics.CommandsAwaitingCommit.Add(1);
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
            // Each stream's last entry in the batch.
            var tips = new Dictionary<string, Entry>(StringComparer.Ordinal);
            if (RefusedAsStale(carried, tips))
            {
                carried = null;
                continue;
            }
            batch.Add(carried);
            entryCount += carried.Request.Entries.Count;
            AddTips(tips, carried);
            carried = null;
            while (!WritesRegistry(batch[0]) && entryCount < MaxBatchEntries && queue.Reader.TryRead(out var next))
            {
                if (RefusedAsStale(next, tips))
                {
                    continue;
                }
                // Two grains may have decided on the same head of a stream they both write (a
                // catalog shared by households' redemptions): such commands go in different
                // batches, so that the database refuses the later one alone. A command linked
                // to the batch's last entry of the stream (decided after it by the same grain)
                // goes with it.
                if (WritesRegistry(next) || next.RegistrySequence != batch[0].RegistrySequence
                    || !FollowsWithinBatch(next, tips))
                {
                    carried = next;
                    break;
                }
                batch.Add(next);
                entryCount += next.Request.Entries.Count;
                AddTips(tips, next);
            }
            await CommitAsync(batch);
        }
    }

    async Task CommitAsync(List<Pending> batch)
    {
        // A half of a refused batch may hold commands linked to one the first half had refused.
        var tips = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var kept = new List<Pending>(batch.Count);
        foreach (var pending in batch.Where(pending => !RefusedAsStale(pending, tips)))
        {
            kept.Add(pending);
            AddTips(tips, pending);
        }
        if (kept.Count == 0)
        {
            return;
        }
        batch = kept;
        try
        {
            var result = await store.AppendCommandsAsync(batch.Select(p => p.Request).ToList(), batch[0].RegistrySequence, CancellationToken.None);
            metrics.CommitTransactions.Add(1, new KeyValuePair<string, object?>("committed", result is BatchResult.Appended));
            if (result is BatchResult.Appended appended)
            {
                committedHeads.Clear();
                foreach (var entry in batch.SelectMany(p => p.Request.Entries))
                {
                    committedHeads[entry.Stream] = entry;
                    refusedTips.Remove(entry.Stream);
                }
                for (var i = 0; i < batch.Count; i++)
                {
                    Answer(batch[i], new AppendResult.Appended(appended.LogPositions[i]));
                }
                return;
            }
            var refused = (BatchResult.Refused)result;
            // The registry guard is the same for every command of a batch: all are refused alike.
            if (batch.Count == 1 || refused.Result is AppendResult.RegistryChanged)
            {
                foreach (var pending in batch)
                {
                    Refuse(pending, refused.Result);
                }
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
            // is told so, and its grains re-read the store before their next decision. Nothing is
            // remembered as refused: a command linked to these entries may still commit.
            foreach (var pending in batch.Where(p => !p.Result.Task.IsCompleted))
            {
                pending.Result.SetException(e);
                metrics.CommandsAwaitingCommit.Add(-1);
            }
        }
    }

    /// <summary>
    /// Answers a conflict, without asking the database, for a command whose entry takes a place
    /// the last batch filled (a sequence at or below that stream's committed head, or the next
    /// one linked to another entry), or is linked to an entry of a refused command that no
    /// entry of <paramref name="tips"/> (the batch being made) stands for. The database would
    /// refuse it the same way; a command that follows the head, or goes past it (another
    /// process wrote between), still goes to it.
    /// </summary>
    bool RefusedAsStale(Pending pending, Dictionary<string, Entry> tips)
    {
        foreach (var entry in pending.Request.Entries)
        {
            if (committedHeads.TryGetValue(entry.Stream, out var head)
                && (entry.Sequence <= head.Sequence || (entry.Sequence == head.Sequence + 1 && !entry.Follows(head))))
            {
                Refuse(pending, new AppendResult.SequenceConflict(entry.Stream,
                    $"#{entry.Sequence} was decided on a head this process has since moved to #{head.Sequence}"));
                return true;
            }
            if (refusedTips.TryGetValue(entry.Stream, out var refused) && entry.Follows(refused)
                && !(tips.TryGetValue(entry.Stream, out var tip) && entry.Follows(tip)))
            {
                Refuse(pending, new AppendResult.SequenceConflict(entry.Stream,
                    $"#{entry.Sequence} was decided on #{refused.Sequence} of a command that was not committed"));
                return true;
            }
        }
        return false;
    }

    /// <summary>Answers a command that was not written, remembering its entries as refused.</summary>
    void Refuse(Pending pending, AppendResult result)
    {
        if (refusedTips.Count >= MaxRefusedStreams)
        {
            refusedTips.Clear();
        }
        foreach (var entry in pending.Request.Entries)
        {
            refusedTips[entry.Stream] = entry;
        }
        Answer(pending, result);
    }

    void Answer(Pending pending, AppendResult result)
    {
        pending.Result.SetResult(result);
        metrics.CommandsAwaitingCommit.Add(-1);
    }

    /// <summary>Whether each entry of <paramref name="pending"/> on a stream of the batch follows the batch's last entry of it.</summary>
    static bool FollowsWithinBatch(Pending pending, Dictionary<string, Entry> tips)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return pending.Request.Entries.All(e => !seen.Add(e.Stream) || !tips.TryGetValue(e.Stream, out var tip) || e.Follows(tip));
    }

    static void AddTips(Dictionary<string, Entry> tips, Pending pending)
    {
        foreach (var entry in pending.Request.Entries)
        {
            tips[entry.Stream] = entry;
        }
    }

    static bool WritesRegistry(Pending pending) => pending.Request.Entries.Any(e => e.Stream == RegistryRules.Stream);

    sealed record Pending(AppendRequest Request, long? RegistrySequence)
    {
        public TaskCompletionSource<AppendResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
