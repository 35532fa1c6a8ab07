using Ledger.Merkle;

namespace Ledger.Tests.Merkle;

public class MerkleTreeTests
{
    public static TheoryData<long> TreeSizes => [.. MerkleVectors.RootsByTreeSize.Keys.Order()];

    public static TheoryData<long, long> InclusionProofs => Pairs(MerkleVectors.InclusionProofs.Select(v => (v.LeafIndex, v.TreeSize)));

    public static TheoryData<long, long> ConsistencyProofs => Pairs(MerkleVectors.ConsistencyProofs.Select(v => (v.Size1, v.Size2)));

    static TheoryData<long, long> Pairs(IEnumerable<(long, long)> pairs)
    {
        var data = new TheoryData<long, long>();
        foreach (var (first, second) in pairs)
        {
            data.Add(first, second);
        }
        return data;
    }

    static MerkleTree ReferenceTree()
    {
        var tree = new MerkleTree();
        foreach (byte[] leaf in MerkleVectors.Leaves)
        {
            tree.Append(MerkleHash.Leaf(leaf));
        }
        return tree;
    }

    [Fact]
    public void LeafHashesOfTheReferenceLeavesMatch()
    {
        Assert.Equal(MerkleVectors.LeafHashes, MerkleVectors.Leaves.Select(leaf => MerkleHash.Leaf(leaf)));
    }

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void RootAtEverySizeMatchesTheReferenceRoot(long treeSize)
    {
        Assert.Equal(MerkleVectors.RootsByTreeSize[treeSize], ReferenceTree().Root(treeSize));
    }

    [Fact]
    public void EveryStoredSubtreeMatchesTheReferenceNodeHashes()
    {
        var tree = ReferenceTree();
        for (int level = 0; level < MerkleVectors.NodeHashesByLevel.Count; level++)
        {
            var expected = MerkleVectors.NodeHashesByLevel[level];
            Assert.Equal(expected, Enumerable.Range(0, expected.Count).Select(index => tree.Node(level, index)));
        }
    }

    [Theory]
    [MemberData(nameof(InclusionProofs))]
    public void InclusionProofIsTheReferencePathAndVerifies(long leafIndex, long treeSize)
    {
        var vector = MerkleVectors.InclusionProofs.Single(v => v.LeafIndex == leafIndex && v.TreeSize == treeSize);
        var tree = ReferenceTree();

        byte[][] proof = tree.InclusionProof(leafIndex, treeSize);

        Assert.Equal(vector.LeafHash, MerkleHash.Leaf(vector.Leaf));
        Assert.Equal(vector.Root, tree.Root(treeSize));
        Assert.Equal(vector.Path, proof);
        Assert.Equal(MerkleProofResult.Valid, MerkleProof.VerifyInclusion(leafIndex, treeSize, vector.LeafHash, proof, vector.Root));
    }

    [Theory]
    [MemberData(nameof(ConsistencyProofs))]
    public void ConsistencyProofIsTheReferencePathAndVerifies(long size1, long size2)
    {
        var vector = MerkleVectors.ConsistencyProofs.Single(v => v.Size1 == size1 && v.Size2 == size2);
        var tree = ReferenceTree();

        byte[][] proof = tree.ConsistencyProof(size1, size2);

        Assert.Equal(vector.Root1, tree.Root(size1));
        Assert.Equal(vector.Root2, tree.Root(size2));
        Assert.Equal(vector.Path, proof);
        Assert.Equal(MerkleProofResult.Valid, MerkleProof.VerifyConsistency(size1, size2, proof, vector.Root1, vector.Root2));
    }

    [Fact]
    public void AppendingSomethingOtherThanA32ByteHashIsRefused()
    {
        var tree = new MerkleTree();

        Assert.Throws<ArgumentException>(() => tree.Append(new byte[31]));
        Assert.Equal(0, tree.Size);
    }

    [Fact]
    public void SubtreesThatAreNotCompleteAreNotServed()
    {
        var tree = ReferenceTree();
        tree.Append(MerkleHash.Leaf([0x99]));

        // Nine leaves: complete subtrees number nine at level 0, four at 1, two at 2, one at 3.
        Assert.NotNull(tree.Node(0, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Node(0, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Node(1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Node(4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Node(-1, 0));
    }

    [Fact]
    public void ProofsBeyondTheTreeOrFromTheEmptyTreeAreRefused()
    {
        var tree = ReferenceTree();

        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Root(9));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InclusionProof(8, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InclusionProof(0, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InclusionProof(-1, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ConsistencyProof(0, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ConsistencyProof(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ConsistencyProof(1, 9));
    }
}
