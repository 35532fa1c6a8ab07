using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Ledger.Grains.Hosting;

/// <summary>
/// What a stream grain keeps of its own stream in the grain storage named
/// <see cref="LedgerSilo.SnapshotStorage"/> (0005_orleans_grain_snapshots.sql): its folded state
/// and the entry it ends at, so that an activation reads it and only the entries after it. A
/// cache, never a source of truth (DESIGN.md 8): the grain uses it only when its digest holds
/// and the stored entry at its sequence has its head hash (docs/GRAINS.md "Snapshots").
/// </summary>
[GenerateSerializer]
internal sealed record StreamSnapshot
{
    /// <summary>The sequence of the last entry the state covers; −1 when there is no snapshot.</summary>
    [Id(0)]
    public long Sequence { get; init; } = -1;

    /// <summary>The hash of the entry at <see cref="Sequence"/>, checked against the store.</summary>
    [Id(1)]
    public byte[] HeadHash { get; init; } = [];

    /// <summary>The state's canonical JSON (<see cref="Rules.StateSnapshot"/>).</summary>
    [Id(2)]
    public byte[] State { get; init; } = [];

    /// <summary><see cref="Rules.StateSnapshot.Digest"/> of <see cref="State"/>.</summary>
    [Id(3)]
    public byte[] StateDigest { get; init; } = [];
}

/// <summary>
/// Orleans' serializer for snapshot rows, except that a row it cannot read reads as an empty
/// snapshot instead of failing (the grain then discards it). The provider still learns the
/// row's version, so the grain's next snapshot replaces the garbled one instead of conflicting
/// with it forever.
/// </summary>
internal sealed class SnapshotSerializer(Orleans.Serialization.Serializer serializer, ILogger<SnapshotSerializer> logger) : IGrainStorageSerializer
{
    readonly OrleansGrainStorageSerializer orleans = new(serializer);

    public BinaryData Serialize<T>(T? input) => orleans.Serialize(input);

    public T? Deserialize<T>(BinaryData input)
    {
        try
        {
            return orleans.Deserialize<T>(input);
        }
        // Whatever a garbled row makes the deserializer throw: a cache that cannot be read is dropped.
        catch (Exception e)
        {
            logger.LogWarning(e, "a grain snapshot row cannot be read");
            return default;
        }
    }
}
