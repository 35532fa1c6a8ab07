using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Ledger.Tests.Support;

/// <summary>
/// A silo of the ledger's grains on a real database, standing for one server process: several
/// on one database form one cluster through Orleans' membership table, as servers do.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    readonly IHost host;
    readonly LedgerDatabase database;

    TestSilo(IHost host, LedgerDatabase database)
    {
        this.host = host;
        this.database = database;
    }

    public LedgerGrains Grains => host.Services.GetRequiredService<LedgerGrains>();

    public IGrainFactory GrainFactory => host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => host.Services;

    /// <param name="clusterId">
    /// The cluster to join (Silo:ClusterId); silos of different clusters on one database each
    /// keep their own activations, so a command is decided by the grains of the silo it is sent to.
    /// </param>
    public static async Task<TestSilo> StartAsync(string connectionString, TimeProvider clock, Action<GrainOptions>? configure = null, string? clusterId = null)
    {
        // A small pool, as a server's would be: concurrent commands queue for connections.
        var pooled = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 20 }.ConnectionString;
        var database = await LedgerDatabase.OpenAsync(pooled, dataFolder: "", CancellationToken.None);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(clock);
        builder.Services.Configure<LedgerSiloOptions>(options =>
        {
            options.Port = 0;
            options.ClusterId = clusterId ?? options.ClusterId;
        });
        // A thousand commands queued at one grain (the registry's, whose appends commit one at
        // a time) on a loaded two-core CI machine can wait longer than Orleans' 30 s default.
        builder.Services.Configure<Orleans.Configuration.SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromMinutes(5));
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }
        builder.UseOrleans(silo => silo.AddLedgerGrains());
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, database);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        await database.DisposeAsync();
    }
}
