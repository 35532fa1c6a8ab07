namespace Ledger.Merkle;

/// <summary>
/// Stored hashes of perfect subtrees, from which roots and proofs are assembled
/// (<see cref="MerkleNodes"/>): the in-memory <see cref="MerkleTree"/>, the database's node
/// table (Grains, StoredMerkleNodes), which serves each proof in O(log n) reads, and a tree's
/// right edge (<see cref="CompactRange"/>), which holds just what its root needs.
/// </summary>
public interface IMerkleNodes
{
    /// <summary>
    /// The hash of the perfect subtree at <paramref name="level"/> and <paramref name="index"/>:
    /// MTH(D[index·2^level : (index + 1)·2^level]) in RFC 9162 §2.1.1 notation, so level 0
    /// holds the leaf hashes. Only subtrees whose leaves have all been appended are asked for.
    /// </summary>
    byte[] Node(int level, long index);
}
