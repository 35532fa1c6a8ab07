namespace Ledger.Merkle;

/// <summary>
/// An append-only RFC 9162 Merkle tree held in memory: every perfect subtree's hash is kept,
/// so the root at any earlier size and any proof cost O(log n) hashes (<see cref="MerkleNodes"/>).
/// Each level is one contiguous array of 32-byte hashes that grows by doubling: 64 to 128 bytes
/// of memory per leaf in all. An array holds under 2^31 bytes, which caps the tree just below
/// 2^26 (67 million) leaves.
/// </summary>
public sealed class MerkleTree : IMerkleNodes
{
    // levels[l] holds, left to right, the hashes of the (Size >> l) complete subtrees at level l;
    // its length grows by doubling, so only the first (Size >> l) slots are meaningful.
    readonly List<byte[]> levels = [];

    // The tree's right edge, which hashes what each leaf completes; Store keeps every node it reports.
    readonly CompactRange edge = new();
    readonly CompactRange.NodeAppended store;

    public MerkleTree() => store = Store;

    /// <summary>The number of leaves appended so far.</summary>
    public long Size => edge.Size;

    /// <summary>
    /// Appends one leaf hash (<see cref="LogLeaf"/> of the entry) and hashes every subtree
    /// this leaf completes (<see cref="CompactRange.Append"/>).
    /// </summary>
    public void Append(ReadOnlySpan<byte> leafHash) => edge.Append(leafHash, store);

    /// <inheritdoc/>
    public byte[] Node(int level, long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (level >= levels.Count || index >= Size >> level)
        {
            throw new ArgumentOutOfRangeException(
                nameof(index), $"no complete subtree at level {level}, index {index} in a tree of {Size} leaves");
        }
        return Slot(level, index).ToArray();
    }

    /// <summary>MTH(D[0:treeSize]) for any treeSize up to <see cref="Size"/> (RFC 9162 §2.1.1).</summary>
    public byte[] Root(long treeSize)
    {
        ThrowIfBeyondSize(treeSize);
        return MerkleNodes.Root(this, treeSize);
    }

    /// <summary>PATH(leafIndex, D[0:treeSize]) (RFC 9162 §2.1.3.1).</summary>
    public byte[][] InclusionProof(long leafIndex, long treeSize)
    {
        ThrowIfBeyondSize(treeSize);
        return MerkleNodes.InclusionProof(this, leafIndex, treeSize);
    }

    /// <summary>PROOF(size1, D[0:size2]) (RFC 9162 §2.1.4.1).</summary>
    public byte[][] ConsistencyProof(long size1, long size2)
    {
        ThrowIfBeyondSize(size2);
        return MerkleNodes.ConsistencyProof(this, size1, size2);
    }

    void ThrowIfBeyondSize(long treeSize) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThan(treeSize, Size, nameof(treeSize));

    ReadOnlySpan<byte> Slot(int level, long index) =>
        levels[level].AsSpan(checked((int)(index * MerkleHash.SizeBytes)), MerkleHash.SizeBytes);

    void Store(int level, long index, ReadOnlySpan<byte> hash)
    {
        if (level == levels.Count)
        {
            levels.Add(new byte[MerkleHash.SizeBytes]);
        }
        int end = checked((int)((index + 1) * MerkleHash.SizeBytes));
        if (end > levels[level].Length)
        {
            byte[] grown = levels[level];
            int doubled = (int)Math.Min(2L * grown.Length, Array.MaxLength);
            Array.Resize(ref grown, Math.Max(end, doubled));
            levels[level] = grown;
        }
        hash.CopyTo(levels[level].AsSpan(end - MerkleHash.SizeBytes));
    }
}
