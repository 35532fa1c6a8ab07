using Ledger.Grains.Hosting;
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

    TestSilo(IHost host)
    {
        this.host = host;
    }

    public LedgerGrains Grains => host.Services.GetRequiredService<LedgerGrains>();

    public IGrainFactory GrainFactory => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<TestSilo> StartAsync(string connectionString, TimeProvider clock, Action<GrainOptions>? configure = null)
    {
        // A small pool, as a server's would be: concurrent commands queue for connections.
        var pooled = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 20 }.ConnectionString;
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.AddLedgerGrains(pooled, new LedgerSiloOptions { Port = 0 }, clock));
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
