using Ledger.Merkle;
using static Ledger.Merkle.MerkleProofResult;

namespace Ledger.Tests.Merkle;

/// <summary>Each refusal names the first check it broke, in the order of <see cref="MerkleProofResult"/>.</summary>
public class MerkleProofTests
{
    static readonly MerkleTree Tree = BuildTree();

    static MerkleTree BuildTree()
    {
        var tree = new MerkleTree();
        foreach (byte[] leaf in MerkleVectors.Leaves)
        {
            tree.Append(MerkleHash.Leaf(leaf));
        }
        return tree;
    }

    static MerkleProofResult Inclusion(long leafIndex, long treeSize, byte[][] proof) =>
        MerkleProof.VerifyInclusion(leafIndex, treeSize, Tree.Node(0, 5), proof, Tree.Root(8));

    static byte[][] Flipped(byte[][] proof, int element)
    {
        byte[][] copy = [.. proof.Select(hash => (byte[])hash.Clone())];
        copy[element][0] ^= 0x01;
        return copy;
    }

    [Fact]
    public void InclusionRefusalsNameTheirReason()
    {
        byte[][] proof = Tree.InclusionProof(5, 8);

        Assert.Equal(Valid, Inclusion(5, 8, proof));
        Assert.Equal(NegativeIndexOrSize, Inclusion(-5, 8, proof));
        Assert.Equal(LeafIndexNotBelowTreeSize, Inclusion(8, 8, proof));
        Assert.Equal(LeafIndexNotBelowTreeSize, Inclusion(0, 0, []));
        Assert.Equal(WrongHashLength, Inclusion(5, 8, [.. proof, new byte[31]]));
        Assert.Equal(WrongProofLength, Inclusion(5, 8, proof[..^1]));
        Assert.Equal(WrongProofLength, Inclusion(5, 8, [.. proof, proof[0]]));
        Assert.Equal(RootMismatch, Inclusion(5, 8, Flipped(proof, 1)));
        Assert.Equal(RootMismatch, Inclusion(4, 8, proof));
    }

    [Fact]
    public void ConsistencyRefusalsNameTheirReason()
    {
        byte[] root6 = Tree.Root(6);
        byte[] root8 = Tree.Root(8);
        byte[][] proof = Tree.ConsistencyProof(6, 8);

        Assert.Equal(Valid, MerkleProof.VerifyConsistency(6, 8, proof, root6, root8));
        Assert.Equal(NegativeIndexOrSize, MerkleProof.VerifyConsistency(6, -8, proof, root6, root8));
        Assert.Equal(FirstSizeIsZero, MerkleProof.VerifyConsistency(0, 8, proof, root6, root8));
        Assert.Equal(FirstSizeIsZero, MerkleProof.VerifyConsistency(0, 0, [], MerkleHash.EmptyRoot(), MerkleHash.EmptyRoot()));
        Assert.Equal(FirstSizeAboveSecondSize, MerkleProof.VerifyConsistency(8, 6, proof, root8, root6));
        Assert.Equal(WrongHashLength, MerkleProof.VerifyConsistency(6, 8, proof, root6, root8[1..]));
        Assert.Equal(WrongProofLength, MerkleProof.VerifyConsistency(6, 8, [], root6, root8));
        Assert.Equal(WrongProofLength, MerkleProof.VerifyConsistency(8, 8, [root8], root8, root8));
        Assert.Equal(FirstRootMismatch, MerkleProof.VerifyConsistency(6, 8, proof, root8, root6));
        Assert.Equal(FirstRootMismatch, MerkleProof.VerifyConsistency(6, 8, Flipped(proof, 0), root6, root8));
        // proof[1] covers leaves 6 and 7, which only the second tree has.
        Assert.Equal(SecondRootMismatch, MerkleProof.VerifyConsistency(6, 8, Flipped(proof, 1), root6, root8));
        Assert.Equal(SecondRootMismatch, MerkleProof.VerifyConsistency(8, 8, [], root6, root8));
    }
}
