using System.Net;
using Ledger.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Ledger.Grains.Hosting;

/// <summary>Where this process's silo listens and how it finds the others (configuration section "Silo").</summary>
public sealed record LedgerSiloOptions
{
    /// <summary>The cluster's name in the membership table: every process of one ledger shares it.</summary>
    public string ClusterId { get; set; } = "community-ledger";

    /// <summary>The port silos talk to each other on; each process of a cluster on one machine needs its own; 0 picks a free one.</summary>
    public int Port { get; set; } = 11111;

    /// <summary>The address other silos reach this one at.</summary>
    public string Address { get; set; } = "127.0.0.1";
}

/// <summary>
/// Makes a silo of the ledger (DESIGN.md 8): the stream grains, their services, Orleans'
/// AdoNet membership on the ledger's own PostgreSQL (tables of 0004_orleans_clustering.sql)
/// and the grains' snapshots in its AdoNet grain storage (0005_orleans_grain_snapshots.sql),
/// so that every process on that database joins one cluster with one activation per stream.
/// The host registers the opened <see cref="LedgerDatabase"/> (read when the silo starts) and
/// may configure <see cref="LedgerSiloOptions"/>, <see cref="GrainOptions"/> and a <see cref="TimeProvider"/>.
/// </summary>
public static class LedgerSilo
{
    /// <summary>The grain storage of the stream grains' snapshots (0005_orleans_grain_snapshots.sql).</summary>
    public const string SnapshotStorage = "snapshots";

    public static ISiloBuilder AddLedgerGrains(this ISiloBuilder silo)
    {
        silo.UseAdoNetClustering(options => options.Configure<LedgerDatabase>((clustering, database) =>
        {
            clustering.Invariant = "Npgsql";
            clustering.ConnectionString = database.ConnectionString;
        }));
        silo.AddAdoNetGrainStorage(SnapshotStorage, options => options.Configure<LedgerDatabase, SnapshotSerializer>((storage, database, serializer) =>
        {
            storage.Invariant = "Npgsql";
            storage.ConnectionString = database.ConnectionString;
            storage.GrainStorageSerializer = serializer;
        }));
        var services = silo.Services;
        services.AddOptions<LedgerSiloOptions>();
        services.AddOptions<ClusterOptions>().Configure<IOptions<LedgerSiloOptions>>((cluster, ledger) =>
        {
            cluster.ClusterId = ledger.Value.ClusterId;
            cluster.ServiceId = ledger.Value.ClusterId;
        });
        services.AddOptions<EndpointOptions>().Configure<IOptions<LedgerSiloOptions>>((endpoint, ledger) =>
        {
            var address = IPAddress.Parse(ledger.Value.Address);
            endpoint.AdvertisedIPAddress = address;
            endpoint.SiloPort = ledger.Value.Port == 0 ? FreePort.On(address) : ledger.Value.Port;
            // No gateway: the only clients are the APIs co-hosted with the silos.
            endpoint.GatewayPort = 0;
        });
        services.AddOptions<GrainOptions>();
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<GrainOptions>>((collection, grains) =>
        {
            collection.CollectionAge = grains.Value.IdleAfter;
            // Bounded memory whatever the number of streams touched: under memory pressure
            // Orleans deactivates the least recently used grains first.
            collection.EnableActivationSheddingOnMemoryPressure = true;
        });
        services.AddOptions<GrainDirectoryOptions>().Configure<IOptions<GrainOptions>>((directory, grains) =>
            directory.CacheSize = grains.Value.DirectoryCacheSize);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => provider.GetRequiredService<LedgerDatabase>().Entries);
        services.AddSingleton<SnapshotSerializer>();
        services.AddSingleton<GrainMetrics>();
        services.AddSingleton<GroupCommitter>();
        services.AddSingleton<RegistryCache>();
        services.AddSingleton<LedgerGrains>();
        return silo;
    }
}
