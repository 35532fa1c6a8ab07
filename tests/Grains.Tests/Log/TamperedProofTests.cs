using System.Text;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Ledger.Merkle;
using Ledger.Tests.Support;

namespace Ledger.Tests.Log;

/// <summary>
/// Issue 7 acceptance: flip one bit anywhere in a proof, a root or a checkpoint note as the
/// log serves them, and the check that a resident or an auditor runs rejects it.
/// </summary>
public sealed class TamperedProofTests
{
    [Fact]
    public async Task FlippingAnyBitOfAnInclusionProofItsLeafOrItsRootIsRejected()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.AppendAsync(database.Store, 45, "flip");
        await new LogIntegrator(database.DataSource, null, TimeProvider.System).IntegrateAsync(default);
        var proof = await new MerkleLog(database.DataSource).InclusionProofAsync(21, 45, default);
        Assert.Equal(MerkleProofResult.Valid, MerkleProof.VerifyInclusion(21, 45, proof.LeafHash, proof.Proof, proof.RootHash));

        var rejected = 0;
        foreach (var (element, flipped) in Flips([proof.LeafHash, proof.RootHash, .. proof.Proof]))
        {
            var leaf = element == 0 ? flipped : proof.LeafHash;
            var root = element == 1 ? flipped : proof.RootHash;
            var path = proof.Proof.Select((p, i) => element == i + 2 ? flipped : p).ToList();
            Assert.NotEqual(MerkleProofResult.Valid, MerkleProof.VerifyInclusion(21, 45, leaf, path, root));
            rejected++;
        }
        Assert.Equal((2 + proof.Proof.Count) * 256, rejected);
    }

    [Fact]
    public async Task FlippingAnyBitOfAConsistencyProofOrEitherRootIsRejected()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.AppendAsync(database.Store, 45, "flip");
        await new LogIntegrator(database.DataSource, null, TimeProvider.System).IntegrateAsync(default);
        var proof = await new MerkleLog(database.DataSource).ConsistencyProofAsync(13, 45, default);

        var rejected = 0;
        foreach (var (element, flipped) in Flips([proof.FromRootHash, proof.ToRootHash, .. proof.Proof]))
        {
            var from = element == 0 ? flipped : proof.FromRootHash;
            var to = element == 1 ? flipped : proof.ToRootHash;
            var path = proof.Proof.Select((p, i) => element == i + 2 ? flipped : p).ToList();
            Assert.NotEqual(MerkleProofResult.Valid, MerkleProof.VerifyConsistency(13, 45, path, from, to));
            rejected++;
        }
        Assert.Equal((2 + proof.Proof.Count) * 256, rejected);
    }

    [Fact]
    public async Task FlippingAnyBitOfASignedCheckpointNoteIsRejected()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 12, "flip");
        var checkpoint = (await new LogIntegrator(database.DataSource, LogFixtures.Signer, TimeProvider.System).IntegrateAndSignNowAsync(default)).Latest!;
        var note = Encoding.UTF8.GetBytes(checkpoint.Note);
        var key = LogFixtures.Signer.VerifierKey;
        Assert.True(SignedNote.Verify(note, [key]).IsValid);

        for (var bit = 0; bit < note.Length * 8; bit++)
        {
            var flipped = (byte[])note.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            // In the text, the signature no longer verifies; in a signature line, the key name,
            // key ID or signature no longer match the log key; elsewhere the note is malformed.
            Assert.False(SignedNote.Verify(flipped, [key]).IsValid, $"the note with bit {bit} flipped verifies");
        }
    }

    [Fact]
    public async Task ACheckpointVerifiesOnlyUnderTheLogKey()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 3, "keys");
        var note = Encoding.UTF8.GetBytes((await new LogIntegrator(database.DataSource, LogFixtures.Signer, TimeProvider.System)
            .IntegrateAndSignNowAsync(default)).Latest!.Note);

        var sameNameOtherKey = LogFixtures.SignerNamed(LogFixtures.Origin, "impostor").VerifierKey;
        var otherName = LogFixtures.SignerNamed("elsewhere/log", "log key").VerifierKey;
        Assert.Equal(NoteResult.NoSignatureByKnownKey, SignedNote.Verify(note, [sameNameOtherKey]).Result);
        Assert.Equal(NoteResult.NoSignatureByKnownKey, SignedNote.Verify(note, [otherName]).Result);
        Assert.Equal(NoteResult.Valid, SignedNote.Verify(note, [otherName, LogFixtures.Signer.VerifierKey]).Result);
    }

    /// <summary>Every single-bit corruption of every element: (element index, corrupted copy).</summary>
    static IEnumerable<(int Element, byte[] Flipped)> Flips(IReadOnlyList<byte[]> elements)
    {
        for (var element = 0; element < elements.Count; element++)
        {
            for (var bit = 0; bit < elements[element].Length * 8; bit++)
            {
                var flipped = (byte[])elements[element].Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                yield return (element, flipped);
            }
        }
    }
}
