using Ledger.Grains.Storage;
using Ledger.Tests.Support;

namespace Ledger.Tests.Storage;

/// <summary>A test class's own database, brought to the latest schema by the production migrations.</summary>
public sealed class MigratedDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public EntryStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await Schema.MigrateAsync(Database.DataSource, CancellationToken.None);
        Store = new EntryStore(Database.DataSource);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}
