using System.Security.Cryptography;
using System.Text;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Merkle;
using Ledger.Signing;
using Ledger.Tests.Storage;
using Ledger.Tests.Support;
using Npgsql;

namespace Ledger.Tests.Log;

/// <summary>Keys, entries and whole-log checks shared by the Merkle log tests.</summary>
public static class LogFixtures
{
    public const string Origin = "test.community-ledger/log";

    /// <summary>The log key of the tests, derived from a name so every run signs the same bytes.</summary>
    public static NoteSigner Signer { get; } = SignerNamed(Origin, "log key");

    public static NoteSigner SignerNamed(string origin, string keyName) =>
        new(origin, SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes("test " + keyName))));

    /// <summary>A fresh database of its own, migrated: these tests count every row of the log tables.</summary>
    public static async Task<OwnDatabase> NewDatabaseAsync()
    {
        var migrated = new MigratedDatabase();
        await migrated.InitializeAsync();
        return new OwnDatabase(migrated);
    }

    /// <summary>
    /// Appends the registry entry that names <paramref name="signer"/>'s key the log key (after
    /// <paramref name="previous"/>, the registry's entry before): one entry, at the next log position.
    /// </summary>
    public static async Task<Entry> NameLogKeyAsync(EntryStore store, NoteSigner? signer = null, Entry? previous = null)
    {
        var named = SampleEntries.LogKeyNamed((signer ?? Signer).VerifierKey, previous);
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([named], default));
        return named;
    }

    /// <summary>Appends <paramref name="count"/> entries spread over <paramref name="streamCount"/> streams, one entry of each per transaction.</summary>
    public static async Task AppendAsync(EntryStore store, int count, string label, int streamCount = 3)
    {
        var streams = Enumerable.Range(0, streamCount)
            .Select(i => SampleEntries.Chain($"household/{label}-{i}", (count + streamCount - 1) / streamCount, label))
            .ToList();
        var written = 0;
        for (var sequence = 0; written < count; sequence++)
        {
            var batch = streams.Select(chain => chain[sequence]).Take(count - written).ToList();
            Assert.IsType<AppendResult.Appended>(await store.AppendAsync(batch, default));
            written += batch.Count;
        }
    }

    /// <summary>Entry hashes in log order, as the entry table has them.</summary>
    public static async Task<List<byte[]>> EntryHashesAsync(NpgsqlDataSource dataSource) =>
        await ColumnAsync(dataSource, "SELECT hash FROM entry ORDER BY log_position");

    /// <summary>The in-memory tree of the entry table: the model the stored tree must equal.</summary>
    public static async Task<MerkleTree> ModelTreeAsync(NpgsqlDataSource dataSource)
    {
        var tree = new MerkleTree();
        foreach (var hash in await EntryHashesAsync(dataSource))
        {
            tree.Append(MerkleHash.Leaf(hash));
        }
        return tree;
    }

    /// <summary>
    /// The stored log is the entry table, exactly: one leaf per entry at its log position, with
    /// no gap and nothing doubled; every perfect subtree stored once and none beyond; the head
    /// at the log's size; and the same root as the in-memory tree of the entries.
    /// </summary>
    public static async Task AssertLogIsTheEntryTableAsync(NpgsqlDataSource dataSource)
    {
        var entries = await EntryHashesAsync(dataSource);
        long n = entries.Count;
        Assert.Equal(n, await ScalarAsync(dataSource, "SELECT size FROM log_head"));
        Assert.Equal(n, await ScalarAsync(dataSource, "SELECT size FROM merkle_head"));
        Assert.Equal(Enumerable.Range(0, entries.Count).Select(i => (long)i),
            await LongsAsync(dataSource, "SELECT log_position FROM entry ORDER BY log_position"));
        Assert.Equal(Enumerable.Range(0, entries.Count).Select(i => (long)i),
            await LongsAsync(dataSource, "SELECT idx FROM merkle_node WHERE level = 0 ORDER BY idx"));
        var leaves = await ColumnAsync(dataSource, "SELECT hash FROM merkle_node WHERE level = 0 ORDER BY idx");
        Assert.Equal(entries.Select(h => Convert.ToHexStringLower(MerkleHash.Leaf(h))), leaves.Select(Convert.ToHexStringLower));
        // Σ floor(n / 2^level): every complete subtree, once.
        long expectedNodes = 0;
        for (var level = 0; n >> level != 0; level++)
        {
            expectedNodes += n >> level;
            Assert.Equal(n >> level, await ScalarAsync(dataSource, $"SELECT count(*) FROM merkle_node WHERE level = {level}"));
        }
        Assert.Equal(expectedNodes, await ScalarAsync(dataSource, "SELECT count(*) FROM merkle_node"));
        if (n > 0)
        {
            var model = await ModelTreeAsync(dataSource);
            Assert.Equal(model.Root(n), await new MerkleLog(dataSource).RootAsync(n, default));
        }
    }

    /// <summary>Reads a stored checkpoint's note the way a verifier does: signature under the log key, then the body.</summary>
    public static Checkpoint VerifiedBody(string note, NoteVerifierKey key)
    {
        var verification = SignedNote.Verify(Encoding.UTF8.GetBytes(note), [key]);
        Assert.True(verification.IsValid, verification.Result.ToString());
        var body = Checkpoint.Parse(verification.Note.Text);
        Assert.True(body.IsValid, body.Result.ToString());
        return body.Checkpoint;
    }

    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    static async Task<List<long>> LongsAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<long>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetInt64(0));
        }
        return values;
    }

    static async Task<List<byte[]>> ColumnAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<byte[]>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<byte[]>(0));
        }
        return values;
    }
}

/// <summary>One test's own migrated database, dropped when the test is done with it.</summary>
public sealed class OwnDatabase(MigratedDatabase migrated) : IAsyncDisposable
{
    public EntryStore Store => migrated.Store;

    public NpgsqlDataSource DataSource => migrated.Database.DataSource;

    /// <summary>The superuser connection string, for data sources that stand for other server processes.</summary>
    public string ConnectionString => migrated.Database.ConnectionString;

    public async ValueTask DisposeAsync() => await migrated.DisposeAsync();
}
