// The pure decision of add-checkpoint (src/Witness/CheckpointWitness.cs) on the cases the
// process tests do not reach: the empty tree, a proof from it, and the request's limits.
using System.Text;
using Ledger.Checkpoints;
using Ledger.Merkle;

namespace Ledger.Witness.Tests;

public sealed class CheckpointWitnessTests : IDisposable
{
    readonly TestLog log = new TestLog().GrowTo(4);

    public void Dispose() => log.Dispose();

    WitnessedLog Witnessed => new(log.Origin, [NoteVerifierKey.Parse(log.VerifierKey).Key!]);

    static AddCheckpointRequest Parse(string body)
    {
        var parse = AddCheckpointRequest.Parse(Encoding.UTF8.GetBytes(body));
        Assert.True(parse.IsValid, parse.Problem);
        return parse.Request;
    }

    [Fact]
    public void TheEmptyTreeIsCosignedOnlyWithTheRootOfTheEmptyString()
    {
        using var signing = Ledger.Signing.SigningKey.FromSeed(System.Security.Cryptography.SHA256.HashData("witness tests log key"u8));
        var wrongRoot = Encoding.UTF8.GetString(SignedNote.Sign(Checkpoint.Create(log.Origin, 0, new byte[32]).Format(), new NoteSigner(log.Origin, signing)));

        Assert.Equal(AddCheckpointResult.Cosigned, CheckpointWitness.Decide(Parse(log.Request(0, 0)), Witnessed, null));
        Assert.Equal(AddCheckpointResult.EmptyTreeRootWrong, CheckpointWitness.Decide(Parse(TestLog.Body(0, [], wrongRoot)), Witnessed, null));
    }

    [Fact]
    public void AProofFromTheEmptyTreeIsRefused()
    {
        var request = Parse(TestLog.Body(0, [MerkleHash.EmptyRoot()], log.Checkpoint(4)));

        Assert.Equal(AddCheckpointResult.ProofFromEmptyTree, CheckpointWitness.Decide(request, Witnessed, null));
    }

    [Fact]
    public void MoreThan63ProofLinesAreMalformed()
    {
        var tooMany = Enumerable.Repeat(new byte[32], AddCheckpointRequest.MaxProofLines + 1).ToList();
        var body = "old 1\n" + string.Concat(tooMany.Select(hash => Convert.ToBase64String(hash) + "\n")) + "\n" + log.Checkpoint(4);

        Assert.False(AddCheckpointRequest.Parse(Encoding.UTF8.GetBytes(body)).IsValid);
        Assert.Throws<ArgumentException>(() => AddCheckpointRequest.Format(1, tooMany, Encoding.UTF8.GetBytes(log.Checkpoint(4))));
        Assert.True(AddCheckpointRequest.Parse(Encoding.UTF8.GetBytes(TestLog.Body(1, Enumerable.Repeat(new byte[32], AddCheckpointRequest.MaxProofLines), log.Checkpoint(4)))).IsValid);
    }

    [Theory]
    [InlineData("old -1\n\n")]
    [InlineData("old 1 \n\n")]
    [InlineData("old 9223372036854775808\n\n")]
    [InlineData("old 1\r\n\n")]
    [InlineData("old 1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n\n")]
    [InlineData("old 1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n\n")]
    public void AHeadThatIsNotOldSizeAndCanonicalBase64HashesIsMalformed(string head)
    {
        Assert.False(AddCheckpointRequest.Parse(Encoding.UTF8.GetBytes(head + log.Checkpoint(4))).IsValid);
    }
}
