using System.Security.Cryptography;
using System.Text;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Ledger.Signing;
using Ledger.Tests.Support;
using Npgsql;

namespace Ledger.Tests.Log;

/// <summary>
/// Migration 0007: the witnesses' cosignature lines are kept beside the log's note, which stays
/// exactly as signed, and a checkpoint is read as the note followed by them (FORMAT.md §10.7);
/// the database refuses a line that is not the witness's, and any change to one kept.
/// </summary>
public sealed class WitnessCosignatureStorageTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-05-01T08:00:00.000Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ACheckpointIsReadWithItsCosignatureLinesInTheOrderOfTheWitnessesKeysAndEachOnce()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        var integrator = new LogIntegrator(database.DataSource, LogFixtures.Signer, new ManualClock(Now));
        await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 3, "cosigned");
        var signed = (await integrator.IntegrateAndSignNowAsync(default)).Latest!;
        var log = new MerkleLog(database.DataSource);
        using var firstKey = SigningKey.FromSeed(SHA256.HashData("storage witness one"u8));
        using var secondKey = SigningKey.FromSeed(SHA256.HashData("storage witness two"u8));
        var witnesses = new[] { new CosignatureSigner("witness.example/one", firstKey), new CosignatureSigner("witness.example/two", secondKey) }
            .OrderBy(w => w.VerifierKey.Format(), StringComparer.Ordinal).ToList();
        var text = SignedNote.Parse(Encoding.UTF8.GetBytes(signed.Note)).Note!.Text;

        foreach (var witness in witnesses.AsEnumerable().Reverse())
        {
            await log.AddCosignatureAsync(4, witness.VerifierKey.Format(), witness.SignatureLine(text, 1_780_000_000), Now, default);
        }
        await log.AddCosignatureAsync(4, witnesses[0].VerifierKey.Format(), witnesses[0].SignatureLine(text, 1_780_000_001), Now, default);

        var read = (await log.LatestCheckpointAsync(default))!;
        Assert.Equal(signed.Note + string.Concat(witnesses.Select(w => w.SignatureLine(text, 1_780_000_000))), read.Note);
        Assert.Equal(read.Note, (await log.CheckpointAsync(4, default))!.Note);
        Assert.Equal(witnesses.Select(w => w.VerifierKey.Format()).ToHashSet(), await log.CosignersAsync(4, default));
        var note = SignedNote.Parse(Encoding.UTF8.GetBytes(read.Note)).Note!;
        Assert.True(note.Verify([LogFixtures.Signer.VerifierKey]).IsValid);
        Assert.Equal(2, Cosignature.CountWitnesses(Cosignature.Verify(note, witnesses.Select(w => w.VerifierKey))));
    }

    [Fact]
    public async Task TheDatabaseRefusesALineNotByTheWitnessAndAnyChangeToOneKept()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        var integrator = new LogIntegrator(database.DataSource, LogFixtures.Signer, new ManualClock(Now));
        await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 2, "refused");
        var signed = (await integrator.IntegrateAndSignNowAsync(default)).Latest!;
        var log = new MerkleLog(database.DataSource);
        using var key = SigningKey.FromSeed(SHA256.HashData("storage witness"u8));
        var witness = new CosignatureSigner("witness.example/one", key);
        var other = new CosignatureSigner("witness.example/other", key);
        var text = SignedNote.Parse(Encoding.UTF8.GetBytes(signed.Note)).Note!.Text;

        await Assert.ThrowsAsync<PostgresException>(() =>
            log.AddCosignatureAsync(3, witness.VerifierKey.Format(), other.SignatureLine(text, 1), Now, default));
        await Assert.ThrowsAsync<PostgresException>(() =>
            log.AddCosignatureAsync(3, witness.VerifierKey.Format(), witness.SignatureLine(text, 1).TrimEnd('\n'), Now, default));
        await Assert.ThrowsAsync<PostgresException>(() =>
            log.AddCosignatureAsync(99, witness.VerifierKey.Format(), witness.SignatureLine(text, 1), Now, default));
        await log.AddCosignatureAsync(3, witness.VerifierKey.Format(), witness.SignatureLine(text, 1), Now, default);
        foreach (var change in new[] { "UPDATE witness_cosignature SET received_at = now()", "DELETE FROM witness_cosignature", "TRUNCATE witness_cosignature" })
        {
            await using var command = database.DataSource.CreateCommand(change);
            await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        }
        Assert.Equal(signed.Note + witness.SignatureLine(text, 1), (await log.LatestCheckpointAsync(default))!.Note);
    }
}
