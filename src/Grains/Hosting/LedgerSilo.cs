using System.Net;
using Ledger.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
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
/// Makes a silo of the ledger (DESIGN.md 8): the stream grains, their services, and Orleans'
/// AdoNet membership on the ledger's own PostgreSQL (tables of 0004_orleans_clustering.sql),
/// so that every process on that database joins one cluster with one activation per stream.
/// </summary>
public static class LedgerSilo
{
    /// <param name="connectionString">The ledger database's, password included: the membership provider opens connections of its own.</param>
    public static ISiloBuilder AddLedgerGrains(this ISiloBuilder silo, string connectionString, LedgerSiloOptions siloOptions, TimeProvider clock)
    {
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        });
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = siloOptions.ClusterId;
            options.ServiceId = siloOptions.ClusterId;
        });
        // No gateway (port 0): the only clients are the APIs co-hosted with the silos.
        var address = IPAddress.Parse(siloOptions.Address);
        silo.ConfigureEndpoints(address, siloOptions.Port == 0 ? FreePort(address) : siloOptions.Port, gatewayPort: 0, listenOnAnyHostAddress: false);
        silo.Services.AddOptions<GrainOptions>();
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<GrainOptions>>((collection, grains) =>
        {
            collection.CollectionAge = grains.Value.IdleAfter;
            // Bounded memory whatever the number of streams touched: under memory pressure
            // Orleans deactivates the least recently used grains first.
            collection.EnableActivationSheddingOnMemoryPressure = true;
        });
        // The grains' own pool, disposed with the silo.
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        silo.Services.AddSingleton(services => new EntryStore(services.GetRequiredService<NpgsqlDataSource>()));
        silo.Services.AddSingleton(clock);
        silo.Services.AddSingleton<GroupCommitter>();
        silo.Services.AddSingleton<RegistryCache>();
        silo.Services.AddSingleton<LedgerGrains>();
        return silo;
    }

    /// <summary>
    /// A port free now (Orleans advertises its port in the membership table, so it must be known
    /// before the silo listens): for tests and tools that start several servers on one machine.
    /// </summary>
    static int FreePort(IPAddress address)
    {
        var listener = new System.Net.Sockets.TcpListener(address, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
