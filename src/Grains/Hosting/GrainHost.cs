using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Storage;
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Registry;

namespace Ledger.Grains.Hosting;

/// <summary>
/// Hosts one single-writer grain per stream in this process (DESIGN.md 8): activates a
/// grain on first use, gives each one call at a time, deactivates idle grains and keeps at
/// most <see cref="GrainHostOptions.MaxActiveGrains"/>. Several hosts, in several processes,
/// may share one database: PostgreSQL arbitrates (DESIGN.md 7), and a host that lost a race
/// catches up and decides again.
/// </summary>
public sealed class GrainHost : IAsyncDisposable
{
    static ReadOnlySpan<byte> RequestHashPrefix => "CommunityLedger/v1/request\n"u8;

    readonly EntryStore store;
    readonly TimeProvider clock;
    readonly GrainHostOptions options;
    readonly object gate = new();
    readonly Dictionary<string, LinkedListNode<Activation>> active = new(StringComparer.Ordinal);
    // Most recently used first; eviction walks from the end.
    readonly LinkedList<Activation> recency = new();
    readonly StreamGrain registry = new(RegistryRules.Stream);
    readonly GroupCommitter committer;
    readonly ITimer sweeper;

    public GrainHost(EntryStore store, TimeProvider clock, GrainHostOptions? options = null)
    {
        this.store = store;
        this.clock = clock;
        this.options = options ?? new GrainHostOptions();
        committer = new GroupCommitter(store);
        sweeper = clock.CreateTimer(_ => DeactivateIdle(), null, this.options.SweepEvery, this.options.SweepEvery);
    }

    /// <summary>Grains in memory, not counting the registry's, which is always active.</summary>
    public int ActiveGrainCount
    {
        get
        {
            lock (gate)
            {
                return active.Count;
            }
        }
    }

    /// <summary>
    /// Takes a signed command: authenticates it outside any turn, returns the first result of
    /// a retried one, then, holding the turns of every stream it writes (in a fixed order),
    /// decides, appends in one transaction and applies. Acknowledges only after the commit.
    /// </summary>
    public async Task<CommandOutcome> ExecuteAsync(SignedCommand signed, CancellationToken cancellationToken)
    {
        var command = signed.Command;
        if (Commands.Find(command.Type) is not { } rule)
        {
            return new CommandOutcome.Refused(ResultCode.UnknownCommandType, $"there is no command {command.Type}");
        }
        IReadOnlyList<string> streams;
        try
        {
            streams = Commands.StreamsOf(rule, command);
        }
        catch (FormatException e)
        {
            return new CommandOutcome.Refused(ResultCode.MalformedCommand, e.Message);
        }
        if (await AuthenticateAsync(signed, cancellationToken) is { } unauthenticated)
        {
            return CommandOutcome.From(unauthenticated);
        }
        var receipt = new CommandReceipt(command.PersonId, command.IdempotencyKey, RequestHash(command));
        for (var attempt = 0; attempt < options.MaxAttempts; attempt++)
        {
            switch (await TryOnceAsync(rule, signed, streams, receipt, cancellationToken))
            {
                case CommandOutcome.Accepted accepted:
                    return accepted;
                // A retried command is usually refused by the state its first acceptance made
                // (an award's reference is used, a share is paid): its receipt turns the
                // refusal into the first result. The receipt is only read on this path, so an
                // accepted command costs no extra read.
                case CommandOutcome.Refused refused:
                    return await EarlierResultAsync(command, receipt, cancellationToken) ?? refused;
                case null when await EarlierResultAsync(command, receipt, cancellationToken) is { } earlier:
                    return earlier;
            }
        }
        return new CommandOutcome.Refused(ResultCode.Conflict,
            $"the streams {string.Join(", ", streams)} kept changing under {options.MaxAttempts} attempts: try again");
    }

    /// <summary>The current state of a stream, caught up with the store.</summary>
    public async Task<StreamState> ReadStateAsync(string stream, CancellationToken cancellationToken)
    {
        var grain = Pin(stream);
        try
        {
            await grain.TakeTurnAsync(cancellationToken);
            try
            {
                grain.Stale = true;
                await grain.CatchUpAsync(store, cancellationToken);
                return grain.State;
            }
            finally
            {
                grain.EndTurn();
            }
        }
        finally
        {
            Unpin(grain);
        }
    }

    /// <summary>Deactivates grains idle for longer than <see cref="GrainHostOptions.IdleAfter"/>.</summary>
    public void DeactivateIdle()
    {
        var idleBefore = clock.GetUtcNow().UtcTicks - options.IdleAfter.Ticks;
        lock (gate)
        {
            for (var node = recency.Last; node is not null;)
            {
                var previous = node.Previous;
                if (node.Value.Pins == 0 && node.Value.Grain.LastUsedTicks < idleBefore)
                {
                    Deactivate(node);
                }
                node = previous;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await sweeper.DisposeAsync();
        await committer.DisposeAsync();
    }

    /// <summary>
    /// The first result of an earlier command with this person's idempotency key: replayed if
    /// it was the same request, refused if the key was used for another; null if none was accepted.
    /// </summary>
    async Task<CommandOutcome?> EarlierResultAsync(Command command, CommandReceipt receipt, CancellationToken cancellationToken) =>
        await store.FindReceiptAsync(command.PersonId, command.IdempotencyKey, cancellationToken) switch
        {
            null => null,
            var earlier when earlier.RequestHash.Equals(receipt.RequestHash) =>
                new CommandOutcome.Accepted(earlier.Entries.Select(Acknowledge).ToList(), Replayed: true),
            _ => new CommandOutcome.Refused(ResultCode.IdempotencyKeyReused, $"idempotency key \"{command.IdempotencyKey}\" was used for another request"),
        };

    /// <returns>The outcome, or null when a conflict calls for another attempt.</returns>
    async Task<CommandOutcome?> TryOnceAsync(CommandRule rule, SignedCommand signed, IReadOnlyList<string> streams,
        CommandReceipt receipt, CancellationToken cancellationToken)
    {
        var grains = streams.Select(Pin).ToList();
        var taken = 0;
        try
        {
            foreach (var grain in grains)
            {
                await grain.TakeTurnAsync(cancellationToken);
                taken++;
            }
            var now = LedgerTime.Truncate(clock.GetUtcNow());
            var (decision, registryState) = await DecideAsync(rule, signed.Command, grains, now, cancellationToken);
            if (decision is Decision.Refuse)
            {
                // Another process may have written since this host last read: an acceptance
                // is checked by the database (sequence and registry guards), but a refusal
                // is final only when decided on the streams as they stand.
                registry.Stale = true;
                grains.ForEach(g => g.Stale = true);
                (decision, registryState) = await DecideAsync(rule, signed.Command, grains, now, cancellationToken);
                if (decision is Decision.Refuse refusal)
                {
                    return CommandOutcome.From(refusal);
                }
            }
            var entries = EntryChain.Link(((Decision.Accept)decision).Entries, grains.ToDictionary(g => g.Stream, g => g.Head), signed, now);
            AppendResult result;
            try
            {
                result = await committer.AppendAsync(entries, new AppendCondition(receipt, registryState.Sequence));
            }
            catch
            {
                // An uncertain write: the entries may or may not have committed. Drop the
                // grains' state so that nothing is served from a view that may be wrong.
                foreach (var grain in grains)
                {
                    grain.Stale = true;
                }
                throw;
            }
            switch (result)
            {
                case AppendResult.Appended appended:
                    foreach (var entry in entries)
                    {
                        grains.Single(g => g.Stream == entry.Stream).Apply(entry);
                    }
                    return new CommandOutcome.Accepted(
                        entries.Select((e, i) => new Acknowledgement(e.Stream, e.Sequence, e.Hash, appended.LogPositions[i])).ToList(),
                        Replayed: false);
                case AppendResult.SequenceConflict:
                    foreach (var grain in grains)
                    {
                        grain.Stale = true;
                    }
                    return null;
                case AppendResult.RegistryChanged:
                    registry.Stale = true;
                    return null;
                case AppendResult.ReceiptExists:
                    return null;
                default:
                    throw new InvalidOperationException($"unexpected append result {result}");
            }
        }
        finally
        {
            for (var i = 0; i < taken; i++)
            {
                grains[i].EndTurn();
            }
            foreach (var grain in grains)
            {
                Unpin(grain);
            }
        }
    }

    /// <summary>Decides within the grains' turns, on their states caught up with the store.</summary>
    async Task<(Decision Decision, RegistryState Registry)> DecideAsync(CommandRule rule, Command command,
        List<StreamGrain> grains, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var grain in grains)
        {
            await grain.CatchUpAsync(store, cancellationToken);
        }
        var registryState = grains.Contains(registry) ? (RegistryState)registry.State : await CurrentRegistryAsync(cancellationToken);
        var context = new DecisionContext(registryState, grains.ToDictionary(g => g.Stream, g => g.State), command, now);
        return (Commands.Decide(rule, context), registryState);
    }

    /// <summary>
    /// Checks the signature against the registry, catching the registry up once when the key
    /// is unknown (another process may have registered it).
    /// </summary>
    async Task<Decision.Refuse?> AuthenticateAsync(SignedCommand signed, CancellationToken cancellationToken)
    {
        var refusal = Authorization.Authenticate(await CurrentRegistryAsync(cancellationToken), signed);
        if (refusal?.Code != ResultCode.UnknownKey)
        {
            return refusal;
        }
        registry.Stale = true;
        return Authorization.Authenticate(await CurrentRegistryAsync(cancellationToken), signed);
    }

    async Task<RegistryState> CurrentRegistryAsync(CancellationToken cancellationToken)
    {
        if (!registry.Stale)
        {
            return (RegistryState)registry.State;
        }
        await registry.TakeTurnAsync(cancellationToken);
        try
        {
            await registry.CatchUpAsync(store, cancellationToken);
            return (RegistryState)registry.State;
        }
        finally
        {
            registry.EndTurn();
        }
    }

    static Hash RequestHash(Command command) =>
        Hash.Of(RequestHashPrefix, CanonicalJson.Encode(new JsonObject
        {
            ["body"] = JsonNode.Parse(command.Body.GetRawText()),
            ["type"] = command.Type,
        }));

    static Acknowledgement Acknowledge(StoredEntry stored) =>
        new(stored.Entry.Stream, stored.Entry.Sequence, stored.Entry.Hash, stored.LogPosition);

    /// <summary>Activates the stream's grain if needed and keeps it from deactivation until unpinned.</summary>
    StreamGrain Pin(string stream)
    {
        if (stream == RegistryRules.Stream)
        {
            return registry;
        }
        lock (gate)
        {
            if (active.TryGetValue(stream, out var node))
            {
                recency.Remove(node);
                recency.AddFirst(node);
            }
            else
            {
                node = recency.AddFirst(new Activation(new StreamGrain(stream)));
                active.Add(stream, node);
                EvictBeyondCap();
            }
            node.Value.Pins++;
            node.Value.Grain.LastUsedTicks = clock.GetUtcNow().UtcTicks;
            return node.Value.Grain;
        }
    }

    void Unpin(StreamGrain grain)
    {
        if (grain == registry)
        {
            return;
        }
        lock (gate)
        {
            var node = active[grain.Stream];
            Invariant.Holds(node.Value.Pins > 0, "a grain is unpinned once per pin");
            node.Value.Pins--;
        }
    }

    void EvictBeyondCap()
    {
        for (var node = recency.Last; node is not null && active.Count > options.MaxActiveGrains;)
        {
            var previous = node.Previous;
            if (node.Value.Pins == 0)
            {
                Deactivate(node);
            }
            node = previous;
        }
    }

    void Deactivate(LinkedListNode<Activation> node)
    {
        Invariant.Holds(node.Value.Pins == 0 && !node.Value.Grain.InTurn, "only an unused grain is deactivated");
        recency.Remove(node);
        active.Remove(node.Value.Grain.Stream);
    }

    /// <summary>A grain in memory and how many calls are using it.</summary>
    sealed class Activation(StreamGrain grain)
    {
        public StreamGrain Grain { get; } = grain;

        public int Pins { get; set; }
    }
}
