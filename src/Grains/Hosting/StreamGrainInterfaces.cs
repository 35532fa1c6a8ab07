using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Rules.Catalog;
using Ledger.Rules.Registry;
using Orleans.Concurrency;

namespace Ledger.Grains.Hosting;

/// <summary>
/// The grain of one stream (DESIGN.md 8): the one activation in the cluster that decides the
/// commands that stream coordinates (docs/GRAINS.md says which), appends their entries and
/// keeps the stream's state.
/// </summary>
public interface IStreamGrain : IGrainWithStringKey
{
    /// <summary>Decides, appends and applies an authenticated command; acknowledges only after the commit.</summary>
    Task<CommandOutcome> Execute(Immutable<SignedCommand> command);

    /// <summary>The stream's head as this grain knows it, caught up with the store.</summary>
    Task<StreamHead> Head();

    /// <summary>
    /// Another grain has committed entries on this grain's stream up to <paramref name="sequence"/>
    /// (a project a household's payment, the catalog a household's redemption): this grain reads
    /// them before its next decision instead of learning of them from a refused append. One-way:
    /// the writer never waits on the grain it wrote to.
    /// </summary>
    [OneWay]
    Task StreamWritten(long sequence);
}

/// <summary>A project's grain, keyed by project id: its commands, PayShare and CancelProject's refunds included.</summary>
public interface IProjectGrain : IStreamGrain;

/// <summary>A household's grain, keyed by household id: points, and redemptions with the catalog.</summary>
public interface IHouseholdGrain : IStreamGrain;

/// <summary>The catalog's grain, keyed by <see cref="CatalogRules.Stream"/>.</summary>
public interface ICatalogGrain : IStreamGrain;

/// <summary>The registry's grain, keyed by <see cref="RegistryRules.Stream"/>.</summary>
public interface IRegistryGrain : IStreamGrain;

/// <summary>
/// Orleans carries a signed command between silos as its canonical JSON (FORMAT.md §6), parsed
/// again strictly where it is decided; within a silo, as <c>Immutable&lt;SignedCommand&gt;</c>,
/// it is passed as it is, neither copied nor encoded.
/// </summary>
[GenerateSerializer]
public struct SignedCommandSurrogate
{
    [Id(0)]
    public byte[] Json;
}

[RegisterConverter]
public sealed class SignedCommandSurrogateConverter : IConverter<SignedCommand, SignedCommandSurrogate>
{
    public SignedCommand ConvertFromSurrogate(in SignedCommandSurrogate surrogate) =>
        SignedCommand.FromJson(CanonicalJson.ParseCanonical(surrogate.Json));

    public SignedCommandSurrogate ConvertToSurrogate(in SignedCommand value) => new() { Json = CanonicalJson.Encode(value.ToJson()) };
}

/// <summary>A stream's last sequence number (−1 when empty) and the hash of its last entry.</summary>
[GenerateSerializer, Immutable]
public sealed record StreamHead(long Sequence, Hash Hash);

/// <summary>Orleans carries the core's <see cref="Hash"/> (which knows nothing of Orleans) as its 32 bytes.</summary>
[GenerateSerializer]
public struct HashSurrogate
{
    [Id(0)]
    public byte[] Bytes;
}

[RegisterConverter]
public sealed class HashSurrogateConverter : IConverter<Hash, HashSurrogate>
{
    public Hash ConvertFromSurrogate(in HashSurrogate surrogate) => Hash.FromBytes(surrogate.Bytes);

    public HashSurrogate ConvertToSurrogate(in Hash value) => new() { Bytes = value.Bytes.ToArray() };
}

/// <summary>Which grain decides a command, from the streams it writes (docs/GRAINS.md "Commands over several streams").</summary>
public static class Coordinator
{
    // Stream id prefixes (FORMAT.md §5).
    const string ProjectPrefix = "project/";
    const string HouseholdPrefix = "household/";

    /// <summary>
    /// The shared stream: the project when a project is written (PayShare, CancelProject's
    /// refunds), the catalog when the catalog is (redemptions), else the only stream. A project
    /// is shared by its households and the catalog by all of them, so their commands queue at
    /// one grain instead of racing each other for the shared stream; a household's stream is
    /// written by few.
    /// </summary>
    public static string Of(IReadOnlyList<string> streams) =>
        streams.FirstOrDefault(s => s.StartsWith(ProjectPrefix, StringComparison.Ordinal))
        ?? streams.FirstOrDefault(s => s == CatalogRules.Stream)
        ?? streams.Single();

    public static IStreamGrain GrainOf(IGrainFactory grains, string stream) => stream switch
    {
        RegistryRules.Stream => grains.GetGrain<IRegistryGrain>(stream),
        CatalogRules.Stream => grains.GetGrain<ICatalogGrain>(stream),
        _ when stream.StartsWith(ProjectPrefix, StringComparison.Ordinal) =>
            grains.GetGrain<IProjectGrain>(stream[ProjectPrefix.Length..]),
        _ when stream.StartsWith(HouseholdPrefix, StringComparison.Ordinal) =>
            grains.GetGrain<IHouseholdGrain>(stream[HouseholdPrefix.Length..]),
        _ => throw new ArgumentException($"no grain for stream \"{stream}\"", nameof(stream)),
    };
}
