using System.Security.Cryptography;
using System.Text.Json;
using Ledger.Entries;
using Ledger.Grains.Storage;
using Ledger.Tests.Support;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Tests.Storage;

/// <summary>
/// What the database itself refuses on the entry table, whoever writes to it and without
/// EntryStore's help (0001_entries.sql, and 0008_leaner_entry_indexes.sql, which moved the
/// chain link from a foreign key to a statement trigger and the hash's uniqueness to a hash
/// index): rows are inserted here by plain SQL, and each refusal must carry the SQLSTATE and
/// constraint that StorageErrors reads, and write nothing.
/// </summary>
public sealed class EntryGuardTests(MigratedDatabase migrated) : IClassFixture<MigratedDatabase>
{
    readonly EntryStore store = migrated.Store;

    [Fact]
    public async Task ASecondEntryAtATakenStreamPositionIsAFork()
    {
        var chain = await AppendedChainAsync("household/guard-fork", 2);

        var error = await RefusedAsync(Row("household/guard-fork", 1, chain[0].Hash.Bytes.ToArray()));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.Equal("entry_pk", error.ConstraintName);
        Assert.True(StorageErrors.IsSequenceConflict(error));
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("other-stream")]
    [InlineData("earlier")]
    [InlineData("too-far")]
    [InlineData("empty-stream")]
    public async Task AnEntryThatDoesNotLinkToThePreviousEntryOfItsStreamIsABrokenLink(string link)
    {
        var stream = "household/guard-link-" + link;
        var mine = await AppendedChainAsync(stream, 3);
        var other = await AppendedChainAsync(stream + "-other", 3);
        var row = link switch
        {
            // A hash no entry has.
            "unknown" => Row(stream, 3, RandomHash()),
            // The right sequence's hash, but in another stream.
            "other-stream" => Row(stream, 3, other[2].Hash.Bytes.ToArray()),
            // An entry of its stream, but not the one before it.
            "earlier" => Row(stream, 3, mine[1].Hash.Bytes.ToArray()),
            // Its stream's head, but a sequence number skipped.
            "too-far" => Row(stream, 4, mine[2].Hash.Bytes.ToArray()),
            // A stream with no entry 0.
            _ => Row(stream + "-empty", 1, mine[0].Hash.Bytes.ToArray()),
        };

        var error = await RefusedAsync(row);

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
        Assert.Equal("entry_links_to_previous", error.ConstraintName);
        Assert.True(StorageErrors.IsSequenceConflict(error));
        Assert.Equal("the entry does not link to the stream's committed head", StorageErrors.Describe(error));
    }

    [Fact]
    public async Task ABrokenLinkLaterInAStatementRefusesTheWholeStatement()
    {
        var first = Row("household/guard-statement", 0, new byte[32]);
        var linked = Row("household/guard-statement", 1, first.Hash);
        var broken = Row("household/guard-statement", 2, RandomHash());

        var error = await RefusedAsync(first, linked, broken);

        Assert.Equal("entry_links_to_previous", error.ConstraintName);
        Assert.Empty(await store.ReadStreamAsync("household/guard-statement", 0, default));
    }

    [Fact]
    public async Task EntriesLinkedWithinOneStatementAreAccepted()
    {
        var first = Row("household/guard-together", 0, new byte[32]);
        var second = Row("household/guard-together", 1, first.Hash);

        // Rolled back: the rows take log positions without advancing the log head.
        await using var connection = await migrated.Database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = InsertCommand(connection, [first, second], transaction);

        Assert.Equal(2, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task AHashAlreadyInTheLogIsRefusedAtAnyOtherPosition()
    {
        var taken = (await AppendedChainAsync("household/guard-hash", 1))[0];

        var error = await RefusedAsync(Row("household/guard-hash-copy", 0, new byte[32]) with { Hash = taken.Hash.Bytes.ToArray() });

        Assert.Equal(PostgresErrorCodes.ExclusionViolation, error.SqlState);
        Assert.Equal("entry_hash_unique", error.ConstraintName);
        // Not a conflict a writer retries: only a broken writer or tampering repeats a hash.
        Assert.False(StorageErrors.IsSequenceConflict(error));
    }

    [Fact]
    public async Task AnEntryIsLookedUpByItsHashThroughAnIndex()
    {
        await using var connection = await migrated.Database.DataSource.OpenConnectionAsync();
        // On a small table the planner rightly prefers a scan; what is asserted is that an
        // index answers the lookup when the table is large.
        await using (var noScan = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await noScan.ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand("EXPLAIN (FORMAT JSON) SELECT stream_id, sequence FROM entry WHERE hash = $1", connection);
        explain.Parameters.Add(new() { Value = RandomHash() });

        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);

        Assert.Contains("entry_hash_unique", IndexesIn(plan.RootElement[0].GetProperty("Plan")));
    }

    static IEnumerable<string> IndexesIn(JsonElement node) =>
        (node.TryGetProperty("Index Name", out var index) ? [index.GetString()!] : Array.Empty<string>())
            .Concat(node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().SelectMany(IndexesIn) : []);

    async Task<IReadOnlyList<Entry>> AppendedChainAsync(string stream, int count)
    {
        var chain = SampleEntries.Chain(stream, count);
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync(chain, default));
        return chain;
    }

    /// <summary>Inserts the rows in one statement, expects a refusal, and checks that nothing was written.</summary>
    async Task<PostgresException> RefusedAsync(params RawRow[] rows)
    {
        var before = await CountEntriesAsync();
        await using var connection = await migrated.Database.DataSource.OpenConnectionAsync();
        await using var command = InsertCommand(connection, rows);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(before, await CountEntriesAsync());
        return error;
    }

    async Task<long> CountEntriesAsync()
    {
        await using var count = migrated.Database.DataSource.CreateCommand("SELECT count(*) FROM entry");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    static NpgsqlCommand InsertCommand(NpgsqlConnection connection, IReadOnlyList<RawRow> rows, NpgsqlTransaction? transaction = null)
    {
        // At the next log positions, as an append would, and recorded when the sample entries
        // are, so that only the guard under test can refuse the rows.
        var command = new NpgsqlCommand("""
            INSERT INTO entry (log_position, stream_id, sequence, hash, previous_hash, entry_type, canonical, recorded_at)
            SELECT (SELECT size FROM log_head) + row.ordinal - 1, row.stream_id, row.sequence, row.hash, row.previous_hash,
                   'NoteRecorded', '{}'::bytea, $5
            FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::bytea[]) WITH ORDINALITY AS row(stream_id, sequence, hash, previous_hash, ordinal)
            """, connection, transaction);
        command.Parameters.Add(new() { Value = rows.Select(r => r.Stream).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Sequence).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Hash).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.PreviousHash).ToArray() });
        command.Parameters.Add(new() { Value = SampleEntries.Start.UtcDateTime });
        return command;
    }

    static RawRow Row(string stream, long sequence, byte[] previousHash) => new(stream, sequence, RandomHash(), previousHash);

    static byte[] RandomHash() => RandomNumberGenerator.GetBytes(32);

    sealed record RawRow(string Stream, long Sequence, byte[] Hash, byte[] PreviousHash);
}
