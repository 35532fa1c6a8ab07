using Ledger.Entries;
using Ledger.Grains.Storage;
using Ledger.Rules.Registry;

namespace Ledger.Grains.Hosting;

/// <summary>
/// This process's copy of the registry (people, roles, keys), which every command is
/// authenticated and authorized against. One per process rather than a call to the registry
/// grain per command: the registry is read by every command and written by few. It may be
/// behind another process's registry write; an append then fails its registry guard
/// (EntryStore, 0001_entries.sql) and the caller refreshes it and decides again, and an
/// unknown key refreshes it once before the command is refused.
/// </summary>
public sealed class RegistryCache(EntryStore store)
{
    readonly SemaphoreSlim turn = new(1, 1);
    readonly StreamReplica replica = new(RegistryRules.Stream);
    volatile RegistryState? current;

    /// <summary>The registry as last read, read first if it never was or was marked stale.</summary>
    public async Task<RegistryState> CurrentAsync(CancellationToken cancellationToken) =>
        current ?? await RefreshAsync(cancellationToken);

    /// <summary>Marks the copy as possibly behind: the next read catches it up with the store.</summary>
    public void MarkStale() => current = null;

    /// <summary>Catches up with the store and returns the registry as it now stands.</summary>
    public async Task<RegistryState> RefreshAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            replica.Stale = true;
            await replica.CatchUpAsync(store, cancellationToken);
            var state = (RegistryState)replica.State;
            current = state;
            return state;
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Applies registry entries this process has just committed.</summary>
    internal async Task AppliedAsync(IEnumerable<Entry> committed, CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            foreach (var entry in committed)
            {
                if (replica.Head is { } head ? entry.Follows(head) : entry.Sequence == 0)
                {
                    replica.Apply(entry);
                }
                else
                {
                    replica.Stale = true;
                }
            }
            current = replica.Stale ? null : (RegistryState)replica.State;
        }
        finally
        {
            turn.Release();
        }
    }
}
