using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Tests.Hosting;
using Ledger.Tests.Storage;
using Ledger.Tests.Support;
using Npgsql;

namespace Ledger.Tests.Domain;

/// <summary>
/// Two grain hosts, standing for two server processes, on one freshly migrated database,
/// with a community registered: the setting of every domain test on real PostgreSQL.
/// </summary>
public sealed class DomainOnHost : IAsyncDisposable
{
    readonly MigratedDatabase migrated;
    readonly NpgsqlDataSource thisProcess;
    readonly NpgsqlDataSource otherProcess;

    DomainOnHost(MigratedDatabase migrated, NpgsqlDataSource thisProcess, NpgsqlDataSource otherProcess, ManualClock clock, GrainHostOptions options)
    {
        this.migrated = migrated;
        this.thisProcess = thisProcess;
        this.otherProcess = otherProcess;
        Clock = clock;
        Store = new EntryStore(thisProcess);
        Host = new GrainHost(Store, clock, options);
        OtherHost = new GrainHost(new EntryStore(otherProcess), clock, options);
    }

    public ManualClock Clock { get; }

    public EntryStore Store { get; }

    public GrainHost Host { get; }

    public GrainHost OtherHost { get; }

    public Community Community { get; private set; } = null!;

    public NpgsqlDataSource Admin => migrated.Database.DataSource;

    /// <summary>The superuser connection string of the database, password included.</summary>
    public string ConnectionString => migrated.Database.ConnectionString;

    public static async Task<DomainOnHost> CreateAsync(IReadOnlyList<string> households, GrainHostOptions? options = null)
    {
        var migrated = new MigratedDatabase();
        await migrated.InitializeAsync();
        // Small pools, as a server's would be: concurrent commands queue for connections.
        var connectionString = new NpgsqlConnectionStringBuilder(migrated.Database.ConnectionString) { MaxPoolSize = 20 }.ConnectionString;
        var domain = new DomainOnHost(migrated, NpgsqlDataSource.Create(connectionString), NpgsqlDataSource.Create(connectionString),
            new ManualClock(RegistryOnHost.Start), options ?? new GrainHostOptions());
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
        await Host.DisposeAsync();
        await OtherHost.DisposeAsync();
        await thisProcess.DisposeAsync();
        await otherProcess.DisposeAsync();
        await migrated.DisposeAsync();
    }
}
