using Ledger.Grains.Storage;
using Ledger.Tests.Support;
using Npgsql;

namespace Ledger.Tests.Storage;

public sealed class EntryStoreTests(MigratedDatabase migrated) : IClassFixture<MigratedDatabase>
{
    readonly EntryStore store = migrated.Store;

    [Fact]
    public async Task AStreamAppendedOneEntryAtATimeReadsBackInOrder()
    {
        var chain = SampleEntries.Chain("project/read-back", 5);
        foreach (var entry in chain)
        {
            Assert.IsType<AppendResult.Appended>(await store.AppendAsync([entry], default));
        }

        var read = await store.ReadStreamAsync("project/read-back", 0, default);

        Assert.Equal(chain.Select(e => e.Hash), read.Select(s => s.Entry.Hash));
        Assert.Equal(chain.Select(e => e.CanonicalBytes.ToArray()), read.Select(s => s.Entry.CanonicalBytes.ToArray()));
    }

    [Fact]
    public async Task AStreamCanBeReadFromASequenceNumber()
    {
        var chain = SampleEntries.Chain("project/read-from", 4);
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync(chain, default));

        var read = await store.ReadStreamAsync("project/read-from", 2, default);

        Assert.Equal([2L, 3L], read.Select(s => s.Entry.Sequence));
    }

    [Fact]
    public async Task ATakenSequenceNumberIsATypedConflictAndWritesNothing()
    {
        var first = SampleEntries.Next("household/taken", null, "first");
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([first], default));
        var sizeBefore = await store.LogSizeAsync(default);

        var result = await store.AppendAsync([SampleEntries.Next("household/taken", null, "second")], default);

        var conflict = Assert.IsType<AppendResult.SequenceConflict>(result);
        Assert.Equal("household/taken", conflict.Stream);
        Assert.Equal(sizeBefore, await store.LogSizeAsync(default));
        Assert.Single(await store.ReadStreamAsync("household/taken", 0, default));
    }

    [Fact]
    public async Task AnEntryThatSkipsASequenceNumberIsAConflict()
    {
        var chain = SampleEntries.Chain("household/skip", 3);
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([chain[0]], default));

        Assert.IsType<AppendResult.SequenceConflict>(await store.AppendAsync([chain[2]], default));
        Assert.Single(await store.ReadStreamAsync("household/skip", 0, default));
    }

    [Fact]
    public async Task AnEntryLinkedToAnotherHeadIsAConflict()
    {
        var mine = SampleEntries.Chain("household/fork", 2, "mine");
        var theirs = SampleEntries.Chain("household/fork", 2, "theirs");
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([mine[0]], default));

        // Sequence 1 is free, but it links to a head that was never committed: a fork.
        Assert.IsType<AppendResult.SequenceConflict>(await store.AppendAsync([theirs[1]], default));
        Assert.Single(await store.ReadStreamAsync("household/fork", 0, default));
    }

    [Fact]
    public async Task ABatchOverSeveralStreamsIsWrittenWholeOrNotAtAll()
    {
        var household = SampleEntries.Next("household/atomic", null);
        var project = SampleEntries.Next("project/atomic", null);
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([project], default));
        var sizeBefore = await store.LogSizeAsync(default);

        // The project side conflicts, so the household side must not be written either.
        var result = await store.AppendAsync([household, SampleEntries.Next("project/atomic", null, "again")], default);

        Assert.IsType<AppendResult.SequenceConflict>(result);
        Assert.Empty(await store.ReadStreamAsync("household/atomic", 0, default));
        Assert.Equal(sizeBefore, await store.LogSizeAsync(default));

        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([household, SampleEntries.Next("project/atomic", project)], default));
        Assert.Single(await store.ReadStreamAsync("household/atomic", 0, default));
        Assert.Equal(2, (await store.ReadStreamAsync("project/atomic", 0, default)).Count);
    }

    [Fact]
    public async Task AllEntriesReadInCommitOrderWithContiguousPositions()
    {
        var sizeBefore = await store.LogSizeAsync(default);
        var a = SampleEntries.Chain("project/order-a", 3);
        var b = SampleEntries.Chain("project/order-b", 3);
        var appended = new List<(long Position, Ledger.Entries.Entry Entry)>();
        for (var i = 0; i < 3; i++)
        {
            var result = Assert.IsType<AppendResult.Appended>(await store.AppendAsync([b[i], a[i]], default));
            appended.Add((result.LogPositions[0], b[i]));
            appended.Add((result.LogPositions[1], a[i]));
        }

        var all = new List<StoredEntry>();
        await foreach (var stored in store.ReadAllAsync(sizeBefore, default))
        {
            all.Add(stored);
        }

        Assert.Equal(Enumerable.Range(0, 6).Select(i => sizeBefore + i), all.Select(s => s.LogPosition));
        Assert.Equal(appended.Select(x => x.Entry.Hash), all.Select(s => s.Entry.Hash));
        Assert.Equal(appended.Select(x => x.Position), all.Select(s => s.LogPosition));
    }

    [Theory]
    [InlineData("UPDATE entry SET entry_type = 'Changed'")]
    [InlineData("DELETE FROM entry")]
    [InlineData("TRUNCATE entry CASCADE")]
    [InlineData("UPDATE log_head SET size = 0")]
    [InlineData("DELETE FROM log_head")]
    public async Task TheDatabaseRefusesToChangeOrRemoveEntries(string sql)
    {
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync(SampleEntries.Chain("project/guarded-" + Math.Abs(sql.GetHashCode()) % 1000, 1), default));
        var countBefore = await CountEntriesAsync();

        await using var command = migrated.Database.DataSource.CreateCommand(sql);
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(StorageErrors.AppendOnlyViolation, error.SqlState);
        Assert.Equal(countBefore, await CountEntriesAsync());
    }

    [Theory]
    [InlineData("hash", "'\\x00'::bytea", "entry_hash_is_sha256")]
    [InlineData("previous_hash", "'\\x0102'::bytea", "entry_previous_hash_is_sha256")]
    [InlineData("sequence", "-1", "entry_sequence_not_negative")]
    [InlineData("stream_id", "'Project/x'", "entry_stream_id_spelling")]
    [InlineData("entry_type", "'lowercase'", "entry_type_spelling")]
    public async Task TheDatabaseChecksWhatItCanKnowAboutAnEntry(string column, string value, string constraint)
    {
        var values = new Dictionary<string, string>
        {
            ["log_position"] = "1000000",
            ["stream_id"] = "'project/raw'",
            ["sequence"] = "1",
            ["hash"] = "sha256('x'::bytea)",
            ["previous_hash"] = "'\\x" + new string('0', 64) + "'::bytea",
            ["entry_type"] = "'NoteRecorded'",
            ["canonical"] = "'{}'::bytea",
            ["recorded_at"] = "now()",
        };
        values[column] = value;
        await using var command = migrated.Database.DataSource.CreateCommand(
            $"INSERT INTO entry ({string.Join(", ", values.Keys)}) VALUES ({string.Join(", ", values.Values)})");

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(constraint, error.ConstraintName);
    }

    async Task<long> CountEntriesAsync()
    {
        await using var command = migrated.Database.DataSource.CreateCommand("SELECT count(*) FROM entry");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
