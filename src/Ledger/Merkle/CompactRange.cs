namespace Ledger.Merkle;

/// <summary>
/// The right edge of an RFC 9162 Merkle tree of <see cref="Size"/> leaves, its compact range
/// [0, Size): one perfect subtree per set bit of Size, the largest on the left. This is all an
/// append needs, since a new leaf only ever merges with subtrees on the edge, so both the
/// in-memory <see cref="MerkleTree"/> and the database's log (Grains, LogIntegrator) grow a
/// tree through it, and each perfect subtree is hashed once, when its last leaf arrives.
/// (transparency-dev/merkle's compact package keeps the same range.)
/// </summary>
public sealed class CompactRange : IMerkleNodes
{
    /// <summary>
    /// A node an append created: MTH(D[index·2^level : (index + 1)·2^level]) in RFC 9162
    /// §2.1.1 notation, level 0 being the leaf itself. The hash is valid only during the call.
    /// </summary>
    public delegate void NodeAppended(int level, long index, ReadOnlySpan<byte> hash);

    // A tree of at most 2^63 − 1 leaves has perfect subtrees on levels 0 … 62.
    const int Levels = 63;

    // The subtree of each level on the edge, one hash after another; a level's slot is
    // meaningful only while that bit of Size is set.
    readonly byte[] edge = new byte[Levels * MerkleHash.SizeBytes];

    /// <summary>The number of leaves in the tree.</summary>
    public long Size { get; private set; }

    /// <summary>
    /// The perfect subtrees of the compact range of a tree of <paramref name="size"/> leaves, as
    /// (level, index), largest first: the nodes to read to carry on from a stored tree.
    /// </summary>
    public static IEnumerable<(int Level, long Index)> Subtrees(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        for (int level = Levels - 1; level >= 0; level--)
        {
            if (((size >> level) & 1) == 1)
            {
                yield return (level, (size >> level) - 1);
            }
        }
    }

    /// <summary>The compact range of the tree of <paramref name="size"/> leaves whose perfect subtrees <paramref name="nodes"/> holds.</summary>
    public static CompactRange Of(long size, IMerkleNodes nodes)
    {
        var range = new CompactRange { Size = size };
        foreach (var (level, index) in Subtrees(size))
        {
            var hash = nodes.Node(level, index);
            Invariant.Holds(hash.Length == MerkleHash.SizeBytes, $"the subtree at level {level}, index {index} has a {MerkleHash.SizeBytes}-byte hash");
            hash.CopyTo(range.Slot(level));
        }
        return range;
    }

    /// <summary>
    /// Appends one leaf hash and hashes every perfect subtree it completes, one per trailing one
    /// bit of the new leaf's index, reporting the leaf and each new subtree, lowest first, to
    /// <paramref name="onNode"/>.
    /// </summary>
    public void Append(ReadOnlySpan<byte> leafHash, NodeAppended onNode)
    {
        if (leafHash.Length != MerkleHash.SizeBytes)
        {
            throw new ArgumentException(
                $"a leaf hash is {MerkleHash.SizeBytes} bytes, not {leafHash.Length}", nameof(leafHash));
        }
        long index = Size;
        long size = checked(index + 1);
        Span<byte> subtree = stackalloc byte[MerkleHash.SizeBytes];
        leafHash.CopyTo(subtree);
        onNode(0, index, subtree);
        int level = 0;
        for (; ((index >> level) & 1) == 1; level++)
        {
            // The hash is computed from a copy of its inputs, so it may overwrite its right child.
            MerkleHash.Node(Slot(level), subtree, subtree);
            onNode(level + 1, index >> (level + 1), subtree);
        }
        subtree.CopyTo(Slot(level));
        Size = size;
    }

    /// <summary>MTH(D[0:Size]) (RFC 9162 §2.1.1), which needs only the range's subtrees.</summary>
    public byte[] Root() => MerkleNodes.Root(this, Size);

    /// <summary>The hash of one of the range's subtrees (<see cref="Subtrees"/>); no other node is kept.</summary>
    public byte[] Node(int level, long index)
    {
        if (level is < 0 or >= Levels || ((Size >> level) & 1) == 0 || index != (Size >> level) - 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(index), $"level {level}, index {index} is not a subtree of the compact range of a tree of {Size} leaves");
        }
        return Slot(level).ToArray();
    }

    Span<byte> Slot(int level) => edge.AsSpan(level * MerkleHash.SizeBytes, MerkleHash.SizeBytes);
}
