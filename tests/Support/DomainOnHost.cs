using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Tests.Hosting;
using Ledger.Tests.Storage;
using Ledger.Tests.Support;
using Npgsql;

namespace Ledger.Tests.Domain;

/// <summary>
/// Two silos of one cluster, standing for two server processes, on one freshly migrated database,
/// with a community registered: the setting of every domain test on real PostgreSQL.
/// </summary>
public sealed class DomainOnHost : IAsyncDisposable
{
    readonly MigratedDatabase migrated;
    readonly NpgsqlDataSource reader;

    DomainOnHost(MigratedDatabase migrated, NpgsqlDataSource reader, ManualClock clock, TestSilo silo, TestSilo otherSilo)
    {
        this.migrated = migrated;
        this.reader = reader;
        Clock = clock;
        Store = new EntryStore(reader);
        Silo = silo;
        OtherSilo = otherSilo;
    }

    public TestSilo Silo { get; }

    public TestSilo OtherSilo { get; }

    public ManualClock Clock { get; }

    public EntryStore Store { get; }

    /// <summary>The grains as one server process's API reaches them.</summary>
    public LedgerGrains Host => Silo.Grains;

    /// <summary>The same cluster's grains as another process's API reaches them.</summary>
    public LedgerGrains OtherHost => OtherSilo.Grains;

    public Community Community { get; private set; } = null!;

    public NpgsqlDataSource Admin => migrated.Database.DataSource;

    /// <summary>The superuser connection string of the database, password included.</summary>
    public string ConnectionString => migrated.Database.ConnectionString;

    public static async Task<DomainOnHost> CreateAsync(IReadOnlyList<string> households)
    {
        var migrated = new MigratedDatabase();
        await migrated.InitializeAsync();
        var clock = new ManualClock(RegistryOnHost.Start);
        var silo = await TestSilo.StartAsync(migrated.Database.ConnectionString, clock);
        var otherSilo = await TestSilo.StartAsync(migrated.Database.ConnectionString, clock);
        var domain = new DomainOnHost(migrated, NpgsqlDataSource.Create(migrated.Database.ConnectionString), clock, silo, otherSilo);
        domain.Community = await Community.CreateAsync(domain.Host, domain.Clock, households);
        return domain;
    }

    public async Task<List<StoredEntry>> ReadAllAsync()
    {
        var all = new List<StoredEntry>();
        await foreach (var stored in Store.ReadAllAsync(0, default))
        {
            all.Add(stored);
        }
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await OtherSilo.DisposeAsync();
        await Silo.DisposeAsync();
        await reader.DisposeAsync();
        await migrated.DisposeAsync();
    }
}
