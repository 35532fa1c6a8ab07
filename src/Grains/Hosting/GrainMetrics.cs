using System.Diagnostics.Metrics;

namespace Ledger.Grains.Hosting;

/// <summary>
/// What the grains read and keep, as counters of the meter <see cref="MeterName"/>, each
/// measurement tagged with the grain's type ("grain": project, household, catalog, registry):
/// whether snapshots spare the activations their replays shows in how many entries the grains read.
/// The group committer's two (transactions, commands awaiting their commit) are the silo's, untagged.
/// </summary>
public sealed class GrainMetrics
{
    public const string MeterName = "Ledger.Grains";

    public GrainMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        EntriesRead = meter.CreateCounter<long>("ledger.grain.entries_read", "{entry}",
            "Entries the stream grains read from the store to catch their replicas up.");
        SnapshotsRestored = meter.CreateCounter<long>("ledger.grain.snapshots_restored", "{snapshot}",
            "Activations that started their stream from its snapshot.");
        SnapshotsDiscarded = meter.CreateCounter<long>("ledger.grain.snapshots_discarded", "{snapshot}",
            "Snapshots that did not check out against their digest or the stored entries, and were replayed instead.");
        SnapshotsWritten = meter.CreateCounter<long>("ledger.grain.snapshots_written", "{snapshot}",
            "Snapshots the stream grains wrote.");
        PipelineWaits = meter.CreateCounter<long>("ledger.grain.pipeline_waits", "{wait}",
            "Times a stream grain let its commands in flight commit before deciding the next: to make a refusal final, "
            + "for a command under a key in flight, or to read a stream another wrote.");
        CommitTransactions = meter.CreateCounter<long>("ledger.grain.commit_transactions", "{transaction}",
            "Transactions the group committer ran, tagged committed: true or false (refused, and halved or answered).");
        CommandsAwaitingCommit = meter.CreateUpDownCounter<long>("ledger.grain.commands_awaiting_commit", "{command}",
            "Commands handed to the group committer and not yet answered: decided, their acknowledgement waiting for the commit.");
    }

    /// <summary>The tag naming the grain's type.</summary>
    public static KeyValuePair<string, object?> Grain(GrainType type) => new("grain", type.ToString());

    public Counter<long> EntriesRead { get; }

    public Counter<long> SnapshotsRestored { get; }

    public Counter<long> SnapshotsDiscarded { get; }

    public Counter<long> SnapshotsWritten { get; }

    public Counter<long> PipelineWaits { get; }

    public Counter<long> CommitTransactions { get; }

    public UpDownCounter<long> CommandsAwaitingCommit { get; }
}
