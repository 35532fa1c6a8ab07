using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Tests.Support;
using Npgsql;

namespace Ledger.Tests.Storage;

public sealed class SchemaTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task MigratingAnEmptyDatabaseReachesTheLatestVersionAndMigratingAgainChangesNothing()
    {
        Assert.Equal(Schema.LatestVersion, await Schema.MigrateAsync(database.DataSource, default));
        Assert.Equal(Schema.LatestVersion, await Schema.MigrateAsync(database.DataSource, default));

        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(Schema.LatestVersion, await Schema.CurrentVersionAsync(connection, default));
        await using var count = new NpgsqlCommand("SELECT count(*) FROM schema_migration", connection);
        Assert.Equal((long)Schema.Migrations.Count, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task ServersStartingTogetherMigrateOnce()
    {
        var other = new TestDatabase();
        await other.InitializeAsync();
        try
        {
            var versions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Schema.MigrateAsync(other.DataSource, default)));

            Assert.All(versions, v => Assert.Equal(Schema.LatestVersion, v));
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task ADatabaseFromANewerServerIsRefused()
    {
        var newer = new TestDatabase();
        await newer.InitializeAsync();
        try
        {
            await Schema.MigrateAsync(newer.DataSource, default);
            await using (var command = newer.DataSource.CreateCommand(
                $"INSERT INTO schema_migration (version, name) VALUES ({Schema.LatestVersion + 1}, 'from the future')"))
            {
                await command.ExecuteNonQueryAsync();
            }

            var error = await Assert.ThrowsAsync<SchemaTooNewException>(() => Schema.MigrateAsync(newer.DataSource, default));
            Assert.Contains("upgrade the server", error.Message);
        }
        finally
        {
            await newer.DisposeAsync();
        }
    }

    [Fact]
    public async Task ALedgerWrittenBeforeTheLeanerIndexesKeepsItsChainsAndHashesThroughTheirMigration()
    {
        var older = new TestDatabase();
        await older.InitializeAsync();
        try
        {
            // 0007 is the last schema with the chain's foreign key and the B-tree on hashes.
            Assert.Equal(7, await Schema.MigrateAsync(older.DataSource, 7, default));
            var store = new EntryStore(older.DataSource);
            var chain = SampleEntries.Chain("project/before-0008", 3);
            Assert.IsType<AppendResult.Appended>(await store.AppendAsync(chain.Take(2).ToList(), default));

            Assert.Equal(Schema.LatestVersion, await Schema.MigrateAsync(older.DataSource, default));

            var forked = SampleEntries.Chain("project/before-0008", 3, "forked");
            Assert.IsType<AppendResult.SequenceConflict>(await store.AppendAsync([forked[2]], default));
            Assert.IsType<AppendResult.Appended>(await store.AppendAsync([chain[2]], default));
            Assert.Equal(("project/before-0008", 0L), await new MerkleLog(older.DataSource).LocateAsync(chain[0].Hash, default));
        }
        finally
        {
            await older.DisposeAsync();
        }
    }

    [Fact]
    public void MigrationsAreNumberedWithoutGapsAndCommented()
    {
        Assert.Equal(Enumerable.Range(1, Schema.Migrations.Count), Schema.Migrations.Select(m => m.Version));
        Assert.All(Schema.Migrations, m => Assert.StartsWith("--", m.Sql.TrimStart()));
    }
}
