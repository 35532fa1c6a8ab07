using System.Text;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Merkle;
using Ledger.Tests.Support;
using Npgsql;

namespace Ledger.Tests.Log;

/// <summary>
/// Issue 7 item 3: checkpoints are signed only when the log has grown and at most once per
/// interval, only by the log's key, only at growing sizes, and never two that are inconsistent;
/// the database itself refuses to rewrite or shrink any of it.
/// </summary>
public sealed class CheckpointSigningTests
{
    static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-05-01T08:00:00.000Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ACheckpointIsSignedOnlyWhenTheTreeHasGrownAndTheIntervalHasPassed()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        var clock = new ManualClock(Start);
        var integrator = new LogIntegrator(database.DataSource, LogFixtures.Signer, clock, new LogIntegratorOptions { CheckpointInterval = TimeSpan.FromSeconds(5) });

        Assert.Equal(CheckpointDecision.NotGrown, (await integrator.RunOnceAsync(default)).Decision);
        await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 2, "first");
        var first = await integrator.RunOnceAsync(default);
        Assert.Equal(CheckpointDecision.Signed, first.Decision);
        Assert.Equal(3, first.Latest!.TreeSize);
        Assert.Equal(Start, first.Latest.SignedAt);

        Assert.Equal(CheckpointDecision.NotGrown, (await integrator.RunOnceAsync(default)).Decision);
        await LogFixtures.AppendAsync(database.Store, 2, "second");
        clock.Advance(TimeSpan.FromSeconds(4.999));
        var early = await integrator.RunOnceAsync(default);
        Assert.Equal(CheckpointDecision.NotDue, early.Decision);
        Assert.Equal(3, early.Latest!.TreeSize);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var due = await integrator.RunOnceAsync(default);
        Assert.Equal(CheckpointDecision.Signed, due.Decision);
        Assert.Equal(5, due.Latest!.TreeSize);

        // Signing now ignores the interval, never the growth.
        await LogFixtures.AppendAsync(database.Store, 1, "third");
        Assert.Equal(CheckpointDecision.Signed, (await integrator.IntegrateAndSignNowAsync(default)).Decision);
        Assert.Equal(CheckpointDecision.NotGrown, (await integrator.IntegrateAndSignNowAsync(default)).Decision);

        var log = new MerkleLog(database.DataSource);
        var stored = await log.ReadCheckpointsAsync(long.MaxValue, default).ToListAsync();
        Assert.Equal([3L, 5L, 6L], stored.Select(c => c.TreeSize));
        var model = await LogFixtures.ModelTreeAsync(database.DataSource);
        foreach (var checkpoint in stored)
        {
            var body = LogFixtures.VerifiedBody(checkpoint.Note, LogFixtures.Signer.VerifierKey);
            Assert.Equal(LogFixtures.Origin, body.Origin);
            Assert.Equal(checkpoint.TreeSize, body.TreeSize);
            Assert.Equal(model.Root(checkpoint.TreeSize), body.RootHash.ToArray());
            Assert.Equal(model.Root(checkpoint.TreeSize), checkpoint.RootHash);
        }
        Assert.Equal(LogFixtures.Signer.VerifierKey.Format(), await log.VerifierKeyAsync(default));
    }

    [Fact]
    public async Task TheCheckpointNoteIsATlogCheckpointSignedAsAC2spNoteByTheLogKey()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 3, "note");
        var integrator = new LogIntegrator(database.DataSource, LogFixtures.Signer, new ManualClock(Start));

        var note = (await integrator.IntegrateAndSignNowAsync(default)).Latest!.Note;

        // <origin>\n<size>\n<base64 root>\n\n— <key name> base64(key ID ‖ signature)\n
        var root = Convert.ToBase64String((await LogFixtures.ModelTreeAsync(database.DataSource)).Root(4));
        var signatureLine = $"\u2014 {LogFixtures.Origin} ";
        Assert.StartsWith($"{LogFixtures.Origin}\n4\n{root}\n\n{signatureLine}", note);
        Assert.EndsWith("\n", note);
        var signature = Convert.FromBase64String(note[(note.IndexOf(signatureLine, StringComparison.Ordinal) + signatureLine.Length)..^1]);
        Assert.Equal(4 + 64, signature.Length);
        Assert.Equal(LogFixtures.Signer.KeyId, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(signature));
        // The vkey names the same key: origin+keyid+base64(0x01 ‖ public key).
        var vkey = NoteVerifierKey.Parse(LogFixtures.Signer.VerifierKey.Format());
        Assert.True(vkey.IsValid);
        Assert.StartsWith($"{LogFixtures.Origin}+{LogFixtures.Signer.KeyId:x8}+", vkey.Key.Format());
    }

    [Fact]
    public async Task AnIntegratorHoldingAnotherKeyIntegratesButNeverSigns()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        var logKeyHolder = new LogIntegrator(database.DataSource, LogFixtures.Signer, new ManualClock(Start));
        var other = new LogIntegrator(database.DataSource, LogFixtures.SignerNamed(LogFixtures.Origin, "another key"), new ManualClock(Start));
        var keyless = new LogIntegrator(database.DataSource, null, new ManualClock(Start));
        Assert.Equal((LogFixtures.Signer.VerifierKey.Format(), true), await logKeyHolder.EnsureKeyRecordedAsync(default));
        Assert.Equal((LogFixtures.Signer.VerifierKey.Format(), false), await other.EnsureKeyRecordedAsync(default));

        await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 8, "others");
        Assert.Equal(CheckpointDecision.NotNamed, (await other.IntegrateAndSignNowAsync(default)).Decision);
        Assert.Equal(CheckpointDecision.NotTheLogKey, (await keyless.IntegrateAndSignNowAsync(default)).Decision);

        Assert.Equal(9, await LogFixtures.ScalarAsync(database.DataSource, "SELECT size FROM merkle_head"));
        Assert.Equal(0, await LogFixtures.ScalarAsync(database.DataSource, "SELECT count(*) FROM checkpoint"));
        Assert.Equal(CheckpointDecision.Signed, (await logKeyHolder.SignCheckpointAsync(ignoreInterval: true, default)).Decision);
    }

    [Fact]
    public async Task AnIntegratorWhoseKeyIsNotNamedIntegratesButSignsOnlyOnceTheRegistryNamesIt()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        var integrator = new LogIntegrator(database.DataSource, LogFixtures.Signer, new ManualClock(Start));
        await LogFixtures.AppendAsync(database.Store, 4, "unnamed");

        Assert.Equal(CheckpointDecision.NotNamed, (await integrator.IntegrateAndSignNowAsync(default)).Decision);
        Assert.Equal(4, await LogFixtures.ScalarAsync(database.DataSource, "SELECT size FROM merkle_head"));
        await LogFixtures.NameLogKeyAsync(database.Store, LogFixtures.SignerNamed(LogFixtures.Origin, "another key"));
        Assert.Equal(CheckpointDecision.NotNamed, (await integrator.IntegrateAndSignNowAsync(default)).Decision);
        Assert.Equal(0, await LogFixtures.ScalarAsync(database.DataSource, "SELECT count(*) FROM checkpoint"));

        await using var named = await LogFixtures.NewDatabaseAsync();
        var namedIntegrator = new LogIntegrator(named.DataSource, LogFixtures.Signer, new ManualClock(Start));
        await LogFixtures.AppendAsync(named.Store, 4, "unnamed");
        await LogFixtures.NameLogKeyAsync(named.Store);
        Assert.Equal(5, (await namedIntegrator.IntegrateAndSignNowAsync(default)).Latest!.TreeSize);
    }

    [Fact]
    public async Task AfterTheRegistryNamesAnotherKeyTheOldKeySignsNoLargerTree()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        var next = LogFixtures.SignerNamed(LogFixtures.Origin, "next key");
        var old = new LogIntegrator(database.DataSource, LogFixtures.Signer, new ManualClock(Start));
        var rotated = new LogIntegrator(database.DataSource, next, new ManualClock(Start));
        var first = await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 2, "before");
        Assert.Equal(CheckpointDecision.Signed, (await old.IntegrateAndSignNowAsync(default)).Decision);

        await LogFixtures.NameLogKeyAsync(database.Store, next, previous: first);
        await LogFixtures.AppendAsync(database.Store, 2, "after");

        Assert.Equal(CheckpointDecision.NotNamed, (await old.IntegrateAndSignNowAsync(default)).Decision);
        var signed = await rotated.IntegrateAndSignNowAsync(default);
        Assert.Equal(CheckpointDecision.Signed, signed.Decision);
        Assert.Equal(6, LogFixtures.VerifiedBody(signed.Latest!.Note, next.VerifierKey).TreeSize);
    }

    [Fact]
    public async Task EveryPairOfStoredCheckpointsIsConsistent()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        var integrator = new LogIntegrator(database.DataSource, LogFixtures.Signer, new ManualClock(Start), new LogIntegratorOptions { BatchSize = 5 });
        await LogFixtures.NameLogKeyAsync(database.Store);
        foreach (var (count, i) in new[] { 0, 1, 2, 3, 5, 8, 13, 21, 34 }.Select((c, i) => (c, i)))
        {
            await LogFixtures.AppendAsync(database.Store, count, $"fib{i}");
            Assert.Equal(CheckpointDecision.Signed, (await integrator.IntegrateAndSignNowAsync(default)).Decision);
        }

        var log = new MerkleLog(database.DataSource);
        var checkpoints = (await log.ReadCheckpointsAsync(long.MaxValue, default).ToListAsync())
            .Select(c => LogFixtures.VerifiedBody(c.Note, LogFixtures.Signer.VerifierKey))
            .ToList();
        Assert.Equal([1L, 2L, 4L, 7L, 12L, 20L, 33L, 54L, 88L], checkpoints.Select(c => c.TreeSize));
        foreach (var first in checkpoints)
        {
            foreach (var second in checkpoints.Where(c => c.TreeSize >= first.TreeSize))
            {
                var proof = await log.ConsistencyProofAsync(first.TreeSize, second.TreeSize, default);
                Assert.Equal(MerkleProofResult.Valid,
                    MerkleProof.VerifyConsistency(first.TreeSize, second.TreeSize, proof.Proof, first.RootHash, second.RootHash));
            }
        }
    }

    [Fact]
    public async Task ANodeTableRewrittenBehindTheGuardIsNeverSigned()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        var integrator = new LogIntegrator(database.DataSource, LogFixtures.Signer, new ManualClock(Start));
        await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 5, "before");
        await integrator.IntegrateAndSignNowAsync(default);

        // A superuser drops the guard and rewrites the subtree of leaves 0–3, which the next
        // tree is built on: the new root no longer extends the signed one.
        await LogFixtures.ExecuteAsync(database.DataSource, """
            ALTER TABLE merkle_node DISABLE TRIGGER merkle_node_append_only;
            UPDATE merkle_node SET hash = sha256(hash) WHERE level = 2 AND idx = 0;
            ALTER TABLE merkle_node ENABLE TRIGGER merkle_node_append_only;
            """);
        await LogFixtures.AppendAsync(database.Store, 3, "after");

        var refusal = await Assert.ThrowsAsync<InvariantViolationException>(() => integrator.IntegrateAndSignNowAsync(default));
        Assert.Contains("consistent with the checkpoint of 6 leaves", refusal.Message);
        Assert.Equal(6, await LogFixtures.ScalarAsync(database.DataSource, "SELECT max(tree_size) FROM checkpoint"));
    }

    [Fact]
    public async Task AnEntryWhoseStoredHashIsNotItsBytesIsNeverIntegrated()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.AppendAsync(database.Store, 3, "forged");
        await LogFixtures.ExecuteAsync(database.DataSource, """
            ALTER TABLE entry DISABLE TRIGGER ALL;
            UPDATE entry SET hash = sha256(hash) WHERE log_position = 1;
            ALTER TABLE entry ENABLE TRIGGER ALL;
            """);

        var refusal = await Assert.ThrowsAsync<InvariantViolationException>(
            () => new LogIntegrator(database.DataSource, null, TimeProvider.System).IntegrateAsync(default));
        Assert.Contains("log position 1", refusal.Message);
        Assert.Equal(0, await LogFixtures.ScalarAsync(database.DataSource, "SELECT size FROM merkle_head"));
    }

    [Theory]
    [InlineData("UPDATE merkle_node SET hash = sha256(hash) WHERE level = 0 AND idx = 0")]
    [InlineData("DELETE FROM merkle_node WHERE level = 0 AND idx = 3")]
    [InlineData("TRUNCATE merkle_node")]
    [InlineData("UPDATE merkle_head SET size = 2")]
    [InlineData("DELETE FROM merkle_head")]
    [InlineData("UPDATE checkpoint SET signed_at = now()")]
    [InlineData("DELETE FROM checkpoint")]
    [InlineData("UPDATE log_key SET recorded_at = now()")]
    [InlineData("DELETE FROM log_key")]
    [InlineData("INSERT INTO checkpoint SELECT 3, root_hash, note, signed_at FROM checkpoint")]
    public async Task TheDatabaseRefusesToRewriteOrShrinkTheLog(string sql)
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 3, "guarded");
        await new LogIntegrator(database.DataSource, LogFixtures.Signer, new ManualClock(Start)).IntegrateAndSignNowAsync(default);

        var error = await Assert.ThrowsAsync<PostgresException>(() => LogFixtures.ExecuteAsync(database.DataSource, sql));

        Assert.Equal(StorageErrors.AppendOnlyViolation, error.SqlState);
    }

    [Theory]
    [InlineData(5, "4", "the size line does not say 5")]
    [InlineData(4, "4", "a root that is not the note's")]
    public async Task TheDatabaseRefusesACheckpointWhoseColumnsAreNotItsNote(long treeSize, string sizeLine, string why)
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.AppendAsync(database.Store, 5, "columns");
        await new LogIntegrator(database.DataSource, null, TimeProvider.System).IntegrateAsync(default);
        var root = new byte[32];
        var note = $"{LogFixtures.Origin}\n{sizeLine}\n{Convert.ToBase64String(treeSize == 4 ? Enumerable.Repeat((byte)1, 32).ToArray() : root)}\n\n\u2014 x AAAAAAA=\n";

        await using var command = database.DataSource.CreateCommand("INSERT INTO checkpoint VALUES ($1, $2, $3, now())");
        command.Parameters.Add(new() { Value = treeSize });
        command.Parameters.Add(new() { Value = root });
        command.Parameters.Add(new() { Value = note });
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.True(error.ConstraintName == "checkpoint_note_matches_columns", why);
    }

    [Fact]
    public async Task ACheckpointBeyondTheIntegratedTreeIsRefusedByTheDatabase()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.AppendAsync(database.Store, 2, "beyond");
        var root = Convert.ToBase64String(new byte[32]);

        var error = await Assert.ThrowsAsync<PostgresException>(() => LogFixtures.ExecuteAsync(database.DataSource,
            $"INSERT INTO checkpoint VALUES (2, '\\x{new string('0', 64)}', E'o\\n2\\n{root}\\n\\n\\u2014 x AAAAAAA=\\n', now())"));

        Assert.Equal(StorageErrors.AppendOnlyViolation, error.SqlState);
        Assert.Contains("beyond the integrated tree", error.MessageText);
    }
}
