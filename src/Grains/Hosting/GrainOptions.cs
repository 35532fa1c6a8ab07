namespace Ledger.Grains.Hosting;

/// <summary>How the grains run (configuration section "Grains").</summary>
public sealed record GrainOptions
{
    /// <summary>Decide-and-append attempts per command before a conflict is reported.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// Replicas of other streams a grain keeps (a project's of its households, the catalog's of
    /// the households that redeem) before it drops them to read them again when needed.
    /// </summary>
    public int MaxReplicas { get; set; } = 10_000;

    /// <summary>
    /// A grain writes a snapshot of its stream after applying this many entries since its last
    /// one (and when deactivated, if it applied a tenth of this many): an activation then reads at most about
    /// this many entries beyond the snapshot (docs/GRAINS.md "Snapshots").
    /// </summary>
    public int SnapshotEvery { get; set; } = 100;

    /// <summary>
    /// Grains whose place in the cluster a silo keeps in its grain directory cache, least
    /// recently used dropped first; 0: none. Orleans keeps an entry for every grain it has looked
    /// up, deactivated ones included, about 240 bytes each, up to 1,000,000 by default: a silo
    /// that touched 10^6 households once would hold some 230 MiB of addresses of grains long gone.
    /// </summary>
    public int DirectoryCacheSize { get; set; } = 100_000;

    /// <summary>A grain unused for this long is deactivated by Orleans' activation collector.</summary>
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromMinutes(10);
}
