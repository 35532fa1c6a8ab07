using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Storage;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Concurrency;
using Orleans.Storage;

namespace Ledger.Grains.Hosting;

/// <summary>
/// The single writer of one stream (DESIGN.md 8): Orleans keeps one activation of it in the
/// cluster, and the commands it coordinates are decided one after another on its state. They are
/// pipelined (docs/STORAGE.md "A busy stream pipelined"): each is decided on the tentative state
/// the earlier ones left while those still commit, and acknowledged only once its own entries,
/// and so every entry it was decided on, are committed. It also writes the other streams of those commands (a project
/// writes its households' streams for PayShare and refunds, the catalog a household's for a
/// redemption), through replicas of theirs that it keeps. Every replica may be behind the
/// store, and PostgreSQL arbitrates: an append decided on a stale replica takes a position
/// already taken, nothing is written, and the grain catches up and decides again. No grain
/// calls another while deciding, so no two grains ever wait on each other (docs/GRAINS.md).
/// It keeps a snapshot of its own stream, a cache it checks before use (docs/GRAINS.md "Snapshots").
/// </summary>
[Reentrant]
internal abstract class StreamGrain(EntryStore store, GroupCommitter committer, RegistryCache registry,
    TimeProvider clock, IOptions<GrainOptions> options, GrainMetrics metrics, ILogger<StreamGrain> logger) : Grain, IStreamGrain
{
    readonly Dictionary<string, StreamReplica> replicas = new(StringComparer.Ordinal);

    /// <summary>
    /// One decision at a time, in the order the calls came: the grain is reentrant so that
    /// commands are decided while earlier ones commit, but each is decided on the tentative
    /// state all earlier decisions left, and handed to the committer in that order.
    /// </summary>
    readonly SemaphoreSlim deciding = new(1, 1);

    /// <summary>The commands handed to the committer and not yet settled, in the order decided.</summary>
    readonly List<Proposal> inFlight = [];

    /// <summary>True while a snapshot is being written: reentrant calls never write two at once.</summary>
    bool snapshotting;

    /// <summary>The snapshot row as last read or written; its ETag is the row's version.</summary>
    readonly GrainState<StreamSnapshot> snapshot = new(new StreamSnapshot());

    /// <summary>The sequence of the snapshot last used or written (or tried): −1 for none.</summary>
    long snapshotSequence = -1;

    /// <summary>This grain's stream id, from its key.</summary>
    protected abstract string Stream { get; }

    /// <summary>
    /// The snapshot's row is named by the grain's type as well as its key: the provider keys
    /// rows by key and the name given here, and a project and a household may share an id.
    /// </summary>
    string SnapshotName => this.GetGrainId().Type.ToString()!;

    KeyValuePair<string, object?> GrainTag => GrainMetrics.Grain(this.GetGrainId().Type);

    IGrainStorage Snapshots => ServiceProvider.GetRequiredKeyedService<IGrainStorage>(LedgerSilo.SnapshotStorage);

    /// <summary>
    /// Starts this grain's own replica from its snapshot, when there is one that checks out.
    /// Read here rather than through Orleans' [PersistentState], which would fail the
    /// activation when the row cannot be read: a cache must never stop the grain.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Snapshots.ReadStateAsync(SnapshotName, this.GetGrainId(), snapshot, cancellationToken);
            if (snapshot is { RecordExists: true, State.Sequence: < 0 })
            {
                // A row whose payload could not be read (SnapshotSerializer logged why).
                Discarded(snapshot.State, "its row cannot be read");
            }
            else if (snapshot.State is { Sequence: >= 0 } kept && await CheckedAsync(kept, cancellationToken) is { } restored)
            {
                Replica(Stream).Restore(restored.State, restored.Head);
                snapshotSequence = kept.Sequence;
                metrics.SnapshotsRestored.Add(1, GrainTag);
            }
        }
        // Whatever failed (the database, the provider): the stream is read from the entries instead.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "{Stream}: the snapshot could not be read; the stream is replayed from its first entry", Stream);
        }
    }

    /// <returns>The snapshot's state and its head entry as stored; null (logged) when it does not check out.</returns>
    async Task<(StreamState State, Entry Head)?> CheckedAsync(StreamSnapshot kept, CancellationToken cancellationToken)
    {
        if (!StateSnapshot.Digest(kept.State).Bytes.SequenceEqual(kept.StateDigest))
        {
            return Discarded(kept, "its state does not match its digest");
        }
        StreamState state;
        try
        {
            state = StateSnapshot.Decode(Stream, kept.State);
        }
        catch (FormatException e)
        {
            return Discarded(kept, e.Message);
        }
        if (state.Sequence != kept.Sequence)
        {
            return Discarded(kept, $"its state ends at #{state.Sequence}");
        }
        // One indexed read: the snapshot is of this stream's history only if the entry stored at
        // its sequence is the one it ends at (entries are never updated or deleted, 0001).
        var stored = await store.ReadStreamAsync(Stream, kept.Sequence, limit: 1, cancellationToken);
        if (stored is not [var head] || head.Entry.Sequence != kept.Sequence || !head.Entry.Hash.Bytes.SequenceEqual(kept.HeadHash))
        {
            return Discarded(kept, $"the stored entry #{kept.Sequence} is not the one it ends at");
        }
        return (state, head.Entry);
    }

    (StreamState, Entry)? Discarded(StreamSnapshot kept, string reason)
    {
        logger.LogWarning("{Stream}: the snapshot at #{Sequence} is discarded ({Reason}); the stream is replayed from its first entry",
            Stream, kept.Sequence, reason);
        metrics.SnapshotsDiscarded.Add(1, GrainTag);
        return null;
    }

    /// <summary>
    /// Writes a snapshot when deactivated, if the stream moved by a tenth of
    /// <see cref="GrainOptions.SnapshotEvery"/> since the last one: replaying a few entries costs
    /// less than writing a row, and most streams a busy day touches (a household awarded once)
    /// would otherwise each cost a write when collected.
    /// </summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        SnapshotAsync(every: Math.Max(1, options.Value.SnapshotEvery / 10), cancellationToken);

    /// <summary>
    /// Writes the own replica's snapshot once it has applied <paramref name="every"/> entries
    /// beyond the last snapshot. A failure is logged and otherwise ignored: a snapshot is a
    /// cache (DESIGN.md 8), and the next one is tried after as many entries again.
    /// </summary>
    async Task SnapshotAsync(long every, CancellationToken cancellationToken)
    {
        if (snapshotting || !replicas.TryGetValue(Stream, out var own) || own.Head is not { } head || own.State.Sequence - snapshotSequence < every)
        {
            return;
        }
        snapshotting = true;
        snapshotSequence = own.State.Sequence;
        var state = StateSnapshot.Encode(own.State);
        snapshot.State = new StreamSnapshot
        {
            Sequence = own.State.Sequence,
            HeadHash = head.Hash.Bytes.ToArray(),
            State = state,
            StateDigest = StateSnapshot.Digest(state).Bytes.ToArray(),
        };
        try
        {
            await Snapshots.WriteStateAsync(SnapshotName, this.GetGrainId(), snapshot, cancellationToken);
            metrics.SnapshotsWritten.Add(1, GrainTag);
        }
        // Whatever failed (the database, a version conflict with another activation's write):
        // the entries are the source of truth, and this grain goes on without the snapshot.
        catch (Exception e)
        {
            logger.LogWarning(e, "{Stream}: the snapshot at #{Sequence} was not written", Stream, snapshotSequence);
        }
        finally
        {
            snapshotting = false;
        }
    }

    public async Task<CommandOutcome> Execute(Immutable<SignedCommand> command)
    {
        try
        {
            var outcome = await ExecuteAsync(command.Value);
            await SnapshotAsync(options.Value.SnapshotEvery, CancellationToken.None);
            return outcome;
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning(e, "{Stream}: the database failed during a command: {Message}", Stream, e.Message);
            throw new StorageUnavailableException();
        }
    }

    async Task<CommandOutcome> ExecuteAsync(SignedCommand signed)
    {
        var command = signed.Command;
        var rule = Commands.Find(command.Type) ?? throw new ArgumentException($"no command {command.Type}", nameof(signed));
        var streams = Commands.StreamsOf(rule, command);
        Invariant.Holds(Coordinator.Of(streams) == Stream, $"{command.Type} is decided by the grain of {Coordinator.Of(streams)}, not {Stream}");
        var receipt = new CommandReceipt(command.PersonId, command.IdempotencyKey, CommandReceipt.RequestHashOf(command));
        for (var attempt = 0; attempt < options.Value.MaxAttempts; attempt++)
        {
            switch (await TryOnceAsync(rule, signed, streams, receipt))
            {
                case CommandOutcome.Accepted accepted:
                    return accepted;
                // A retried command is usually refused by the state its first acceptance made
                // (an award's reference is used, a share is paid): its receipt turns the
                // refusal into the first result. The receipt is read only then and when the
                // append finds it taken, so an accepted command costs no extra read.
                case CommandOutcome.Refused refused:
                    return await EarlierResultAsync(command, receipt) ?? refused;
            }
        }
        return new CommandOutcome.Refused(ResultCode.Conflict,
            $"the streams {string.Join(", ", streams)} kept changing under {options.Value.MaxAttempts} attempts: try again");
    }

    public async Task<StreamHead> Head()
    {
        await deciding.WaitAsync();
        try
        {
            await DrainAsync();
            var replica = Replica(Stream);
            replica.Stale = true;
            metrics.EntriesRead.Add(await replica.CatchUpAsync(store, CancellationToken.None), GrainTag);
            return new StreamHead(replica.State.Sequence, replica.Head?.Hash ?? Hashing.Hash.Zero);
        }
        finally
        {
            deciding.Release();
        }
    }

    public Task StreamWritten(long sequence)
    {
        if (replicas.TryGetValue(Stream, out var own) && own.State.Sequence < sequence)
        {
            own.Stale = true;
        }
        return Task.CompletedTask;
    }

    /// <returns>The outcome, or null when a conflict calls for another attempt.</returns>
    async Task<CommandOutcome?> TryOnceAsync(CommandRule rule, SignedCommand signed, IReadOnlyList<string> streams, CommandReceipt receipt)
    {
        Proposal proposal;
        await deciding.WaitAsync();
        try
        {
            (var proposed, var refused) = await ProposeAsync(rule, signed, streams, receipt);
            if (refused is not null)
            {
                return refused;
            }
            proposal = proposed!;
        }
        finally
        {
            deciding.Release();
        }
        AppendResult result;
        try
        {
            result = await proposal.Commit;
        }
        catch
        {
            // An uncertain write: the entries may or may not have committed. Nothing is decided
            // on them, or on what was decided on them, before the store is read again.
            Settle(proposal, result: null);
            throw;
        }
        Settle(proposal, result);
        var entries = proposal.Entries;
        switch (result)
        {
            case AppendResult.Appended appended:
                if (Stream == RegistryRules.Stream)
                {
                    await registry.AppliedAsync(entries, CancellationToken.None);
                }
                foreach (var other in proposal.Written.Skip(1))
                {
                    await Coordinator.GrainOf(GrainFactory, other.Stream).StreamWritten(entries.Last(e => e.Stream == other.Stream).Sequence);
                }
                return new CommandOutcome.Accepted(
                    entries.Select((e, i) => new Acknowledgement(e.Stream, e.Sequence, e.Hash, appended.LogPositions[i])).ToList(),
                    Replayed: false);
            case AppendResult.SequenceConflict:
                return null;
            case AppendResult.RegistryChanged:
                registry.MarkStale();
                return null;
            // The key's receipt is taken: this command, or another under its key, was accepted
            // (through another process, say). Another stream's conflict says nothing of that.
            case AppendResult.ReceiptExists:
                return await EarlierResultAsync(signed.Command, receipt);
            case AppendResult.RecordedTimeWentBack:
                return await ClockBehindLogAsync(proposal.RecordedAt);
            default:
                throw new InvalidOperationException($"unexpected append result {result}");
        }
    }

    /// <summary>
    /// Decides the command on the tentative state (the committed entries and the proposals in
    /// flight) and hands its entries to the committer, in decision order, under the
    /// <see cref="deciding"/> turn.
    /// </summary>
    /// <returns>The proposal in flight, or else the final refusal.</returns>
    async Task<(Proposal? Proposal, CommandOutcome.Refused? Refusal)> ProposeAsync(CommandRule rule, SignedCommand signed, IReadOnlyList<string> streams, CommandReceipt receipt)
    {
        // Own stream first, so that dropping other replicas never drops one this command holds.
        var written = streams.OrderBy(s => s == Stream ? 0 : 1).Select(Replica).ToList();
        // A command whose key is still in flight waits for it: its receipt, or the state it
        // made, then gives the first result (idempotency as if they had come one by one).
        if (inFlight.Any(p => p.Receipt.PersonId == receipt.PersonId && p.Receipt.IdempotencyKey == receipt.IdempotencyKey))
        {
            await DrainAsync();
        }
        // The other streams have writers of their own (a household's grain awards points to
        // it): read what they wrote since, rather than deciding on a replica an append would
        // find stale. One short read per other stream; a conflict costs the whole group commit.
        // A replica with proposals in flight is not read (the store may hold them unsettled):
        // if its grain wrote meanwhile, the database refuses the append and it is decided again.
        foreach (var other in written.Skip(1).Where(r => !r.HasProposals))
        {
            other.Stale = true;
        }
        var now = LedgerTime.Truncate(clock.GetUtcNow());
        var (decision, registryState) = await DecideAsync(rule, signed.Command, written, now);
        if (decision is Decision.Refuse)
        {
            // A refusal is final only when decided on the streams as they stand: not on
            // proposals still in flight (one may yet fail), nor on replicas another grain or
            // process may have written since (an acceptance is checked by the database's
            // sequence and registry guards, a refusal by nothing). So the proposals are settled
            // first, the pipeline waiting, and the streams read again.
            await DrainAsync();
            registry.MarkStale();
            written.ForEach(r => r.Stale = true);
            (decision, registryState) = await DecideAsync(rule, signed.Command, written, now);
            if (decision is Decision.Refuse refusal)
            {
                return (null, CommandOutcome.From(refusal));
            }
        }
        var entries = EntryChain.Link(((Decision.Accept)decision).Entries, written.ToDictionary(r => r.Stream, r => r.TentativeHead), signed, now);
        // Every later proposal links to this one through the grain's own stream, so the
        // database's chain link refuses it whenever this one is not committed (docs/STORAGE.md
        // "A busy stream pipelined"); every command a grain coordinates writes its stream.
        Invariant.Holds(entries.Any(e => e.Stream == Stream), $"{signed.Command.Type} writes the stream of the grain that decides it, {Stream}");
        var commit = committer.AppendAsync(entries, new AppendCondition(receipt, registryState.Sequence));
        foreach (var entry in entries)
        {
            written.Single(r => r.Stream == entry.Stream).Propose(entry);
        }
        var proposal = new Proposal(entries, written, receipt, now, commit);
        inFlight.Add(proposal);
        return (proposal, null);
    }

    /// <summary>
    /// Takes a proposal's answer (null: an uncertain write) into the replicas. Committed, it
    /// settles once every proposal before it has (a later command's commit implies the
    /// earlier's, by the chain link, so only the order of the answers can differ). Not
    /// committed, it and every proposal after it are withdrawn: each was decided on a state that
    /// did not happen, and the database refuses it for the same reason (or the committer, on its
    /// behalf); each is then decided again on the state as it stands.
    /// </summary>
    void Settle(Proposal proposal, AppendResult? result)
    {
        var committed = result is AppendResult.Appended;
        var index = inFlight.IndexOf(proposal);
        if (index < 0)
        {
            // Withdrawn after an earlier proposal's uncertain write, which did commit after
            // all: its entries are in the store, not in the replicas. Withdrawn and refused, it
            // says nothing of the store that its predecessor's answer did not.
            if (committed)
            {
                proposal.Written.ForEach(r => r.Stale = true);
            }
            return;
        }
        // A conflict means the store has entries these replicas lack; after an uncertain write,
        // it may or may not have these: either way nothing is decided on them before a read.
        if (result is null or AppendResult.SequenceConflict)
        {
            proposal.Written.ForEach(r => r.Stale = true);
        }
        if (committed)
        {
            proposal.Committed = true;
            while (inFlight is [{ Committed: true } first, ..])
            {
                inFlight.RemoveAt(0);
                foreach (var entry in first.Entries)
                {
                    first.Written.Single(r => r.Stream == entry.Stream).Settle(entry);
                }
                first.Settled.SetResult();
            }
            return;
        }
        var withdrawn = inFlight[index..];
        inFlight.RemoveRange(index, withdrawn.Count);
        foreach (var dropped in withdrawn)
        {
            foreach (var entry in dropped.Entries)
            {
                dropped.Written.Single(r => r.Stream == entry.Stream).Withdraw(entry);
            }
            if (dropped.Committed)
            {
                dropped.Written.ForEach(r => r.Stale = true);
            }
            dropped.Settled.SetResult();
        }
    }

    /// <summary>Waits until every proposal in flight is settled or withdrawn.</summary>
    async Task DrainAsync()
    {
        if (inFlight.Count > 0)
        {
            metrics.PipelineWaits.Add(1, GrainTag);
        }
        await Task.WhenAll(inFlight.Select(p => p.Settled.Task).ToList());
        Invariant.Holds(inFlight.Count == 0, $"{Stream}: nothing is proposed while the pipeline drains");
    }

    /// <summary>
    /// After the database refused entries stamped at <paramref name="stampedAt"/> as going back
    /// along the log (FORMAT.md §4.5): null, to decide again with a fresh clock reading, when
    /// that reading keeps up with the log (the command only waited too long between its reading
    /// and its commit); else this process's clock is behind the log, and every command it
    /// stamps would be refused alike until the clock is set right.
    /// </summary>
    async Task<CommandOutcome?> ClockBehindLogAsync(DateTimeOffset stampedAt)
    {
        var greatest = await store.GreatestRecordedAtAsync(CancellationToken.None);
        var now = LedgerTime.Truncate(clock.GetUtcNow());
        if (!RecordedTimeOrder.GoesBack(greatest, now))
        {
            return null;
        }
        logger.LogWarning("{Stream}: this server's clock reads {Now}, more than {Skew} behind the greatest recorded time of the log, {Greatest} "
            + "(a command stamped {StampedAt} was refused): it writes nothing until its clock is set right", Stream,
            LedgerTime.Format(now), RecordedTimeOrder.MaxSkew, LedgerTime.Format(greatest!.Value), LedgerTime.Format(stampedAt));
        return new CommandOutcome.Refused(ResultCode.ClockBehindLog,
            $"this server's clock is more than {RecordedTimeOrder.MaxSkew.TotalSeconds:0} s behind the ledger's latest recorded time: "
            + "send the same command again, to another server or later; it is written at most once");
    }

    /// <summary>Decides on the written streams' tentative states, their replicas caught up with the store.</summary>
    async Task<(Decision Decision, RegistryState Registry)> DecideAsync(CommandRule rule, Command command,
        List<StreamReplica> written, DateTimeOffset now)
    {
        if (written.Any(r => r.Stale && r.HasProposals))
        {
            await DrainAsync();
        }
        foreach (var replica in written)
        {
            metrics.EntriesRead.Add(await replica.CatchUpAsync(store, CancellationToken.None), GrainTag);
        }
        // The registry's own commands are decided on the registry grain's replica, which is
        // the registry as it stands; every other command on this process's registry cache,
        // which the registry guard of the append checks.
        var registryState = written.Find(r => r.Stream == RegistryRules.Stream) is { } own
            ? (RegistryState)own.TentativeState
            : await registry.CurrentAsync(CancellationToken.None);
        var context = new DecisionContext(registryState, written.ToDictionary(r => r.Stream, r => r.TentativeState), command, now);
        return (Commands.Decide(rule, context), registryState);
    }

    /// <summary>
    /// The first result of an earlier command with this person's idempotency key: replayed if
    /// it was the same request, refused if the key was used for another; null if none was accepted.
    /// </summary>
    async Task<CommandOutcome?> EarlierResultAsync(Command command, CommandReceipt receipt) =>
        await store.FindReceiptAsync(command.PersonId, command.IdempotencyKey, CancellationToken.None) switch
        {
            null => null,
            var earlier when earlier.RequestHash.Equals(receipt.RequestHash) =>
                new CommandOutcome.Accepted(earlier.Entries.Select(s => new Acknowledgement(s.Entry.Stream, s.Entry.Sequence, s.Entry.Hash, s.LogPosition)).ToList(), Replayed: true),
            _ => new CommandOutcome.Refused(ResultCode.IdempotencyKeyReused, $"idempotency key \"{command.IdempotencyKey}\" was used for another request"),
        };

    StreamReplica Replica(string stream)
    {
        if (!replicas.TryGetValue(stream, out var replica))
        {
            if (replicas.Count >= options.Value.MaxReplicas)
            {
                // The other streams' replicas are a cache of the store: dropped, they are read
                // again when next written. This grain's own stays, and so do those with proposals in flight.
                foreach (var other in replicas.Where(r => r.Key != Stream && !r.Value.HasProposals).Select(r => r.Key).ToList())
                {
                    replicas.Remove(other);
                }
            }
            replica = new StreamReplica(stream);
            replicas.Add(stream, replica);
        }
        return replica;
    }

    /// <summary>A command's entries handed to the committer: proposed on the replicas it writes until its commit is settled.</summary>
    /// <param name="written">The replicas of the streams it writes, the grain's own first.</param>
    /// <param name="recordedAt">The clock reading its entries carry.</param>
    /// <param name="commit">The committer's answer.</param>
    sealed class Proposal(IReadOnlyList<Entry> entries, List<StreamReplica> written, CommandReceipt receipt,
        DateTimeOffset recordedAt, Task<AppendResult> commit)
    {
        public IReadOnlyList<Entry> Entries { get; } = entries;

        public List<StreamReplica> Written { get; } = written;

        public CommandReceipt Receipt { get; } = receipt;

        public DateTimeOffset RecordedAt { get; } = recordedAt;

        public Task<AppendResult> Commit { get; } = commit;

        /// <summary>Committed, and waiting for the proposals before it to settle.</summary>
        public bool Committed { get; set; }

        /// <summary>Completed once settled or withdrawn; its waiters run after the settling turn.</summary>
        public TaskCompletionSource Settled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

internal sealed class ProjectGrain(EntryStore store, GroupCommitter committer, RegistryCache registry, TimeProvider clock,
    IOptions<GrainOptions> options, GrainMetrics metrics, ILogger<StreamGrain> logger)
    : StreamGrain(store, committer, registry, clock, options, metrics, logger), IProjectGrain
{
    protected override string Stream => ProjectRules.StreamOf(this.GetPrimaryKeyString());
}

internal sealed class HouseholdGrain(EntryStore store, GroupCommitter committer, RegistryCache registry, TimeProvider clock,
    IOptions<GrainOptions> options, GrainMetrics metrics, ILogger<StreamGrain> logger)
    : StreamGrain(store, committer, registry, clock, options, metrics, logger), IHouseholdGrain
{
    protected override string Stream => HouseholdRules.StreamOf(this.GetPrimaryKeyString());
}

internal sealed class CatalogGrain(EntryStore store, GroupCommitter committer, RegistryCache registry, TimeProvider clock,
    IOptions<GrainOptions> options, GrainMetrics metrics, ILogger<StreamGrain> logger)
    : StreamGrain(store, committer, registry, clock, options, metrics, logger), ICatalogGrain
{
    protected override string Stream => CatalogRules.Stream;
}

internal sealed class RegistryGrain(EntryStore store, GroupCommitter committer, RegistryCache registry, TimeProvider clock,
    IOptions<GrainOptions> options, GrainMetrics metrics, ILogger<StreamGrain> logger)
    : StreamGrain(store, committer, registry, clock, options, metrics, logger), IRegistryGrain
{
    protected override string Stream => RegistryRules.Stream;
}
