using System.Security.Cryptography;
using Ledger.Merkle;

namespace Ledger.Tests.Merkle;

/// <summary>
/// The compact range (the right edge a tree grows from) against the whole in-memory tree, whose
/// roots the RFC 6962 vectors and the seeded cross-check pin.
/// </summary>
public class CompactRangeTests
{
    const int MaxTreeSize = 1_000;

    static readonly byte[][] LeafHashes =
        [.. Enumerable.Range(0, MaxTreeSize).Select(i => MerkleHash.Leaf(SHA256.HashData(BitConverter.GetBytes(i))))];

    static MerkleTree Tree(int size)
    {
        var tree = new MerkleTree();
        foreach (var leafHash in LeafHashes.Take(size))
        {
            tree.Append(leafHash);
        }
        return tree;
    }

    [Fact]
    public void TheRangeHasTheTreeRootAtEverySizeUpToAThousand()
    {
        var tree = Tree(MaxTreeSize);
        var range = new CompactRange();
        Assert.Equal(tree.Root(0), range.Root());
        for (int size = 1; size <= MaxTreeSize; size++)
        {
            var reported = new List<(int Level, long Index, byte[] Hash)>();
            range.Append(LeafHashes[size - 1], (level, index, hash) => reported.Add((level, index, hash.ToArray())));

            Assert.Equal(size, range.Size);
            Assert.Equal(tree.Root(size), range.Root());
            // The leaf and one new perfect subtree per trailing one bit of its index, lowest first.
            Assert.Equal(1 + System.Numerics.BitOperations.TrailingZeroCount(size), reported.Count);
            Assert.All(reported.Select((node, i) => (node, i)), n =>
            {
                Assert.Equal(n.i, n.node.Level);
                Assert.Equal((size >> n.i) - 1, n.node.Index);
                Assert.Equal(tree.Node(n.node.Level, n.node.Index), n.node.Hash);
            });
        }
    }

    [Fact]
    public void ARangeReadFromStoredSubtreesCarriesOnLikeTheTree()
    {
        var tree = Tree(130);
        for (int size = 0; size <= 100; size++)
        {
            var range = CompactRange.Of(size, tree);
            foreach (var leafHash in LeafHashes.Skip(size).Take(130 - size))
            {
                range.Append(leafHash, (_, _, _) => { });
            }
            Assert.Equal(tree.Root(130), range.Root());
        }
    }

    [Fact]
    public void TheSubtreesAreOnePerSetBitOfTheSizeLargestFirst()
    {
        // 13 = 0b1101: D[0:8], D[8:12] and D[12:13].
        Assert.Equal([(3, 0L), (2, 2L), (0, 12L)], CompactRange.Subtrees(13));
        Assert.Empty(CompactRange.Subtrees(0));
    }

    [Fact]
    public void OnlyTheRangesSubtreesAreServed()
    {
        var range = CompactRange.Of(13, Tree(13));

        Assert.Equal(Tree(8).Root(8), range.Node(3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => range.Node(1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => range.Node(0, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => range.Node(-1, 0));
    }

    [Fact]
    public void ALeafHashOfTheWrongLengthIsRefusedAndChangesNothing()
    {
        var range = CompactRange.Of(5, Tree(5));
        var nodes = 0;

        Assert.Throws<ArgumentException>(() => range.Append(new byte[31], (_, _, _) => nodes++));
        Assert.Equal(5, range.Size);
        Assert.Equal(0, nodes);
        Assert.Equal(Tree(5).Root(5), range.Root());
    }
}
