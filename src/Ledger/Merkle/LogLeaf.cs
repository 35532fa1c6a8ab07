using Ledger.Hashing;

namespace Ledger.Merkle;

/// <summary>
/// The leaf of the global Merkle log (docs/FORMAT.md §10.1): the leaf data of the entry at log
/// position i is its 32-byte entry hash (§4.2), so its leaf hash is, per RFC 9162 §2.1.1,
/// SHA-256(0x00 || entry hash). The entry's own prefix and canonical bytes are already bound
/// by the entry hash; hashing the 32 bytes keeps every leaf the same size and lets a proof
/// be checked from the entry hash alone.
/// </summary>
public static class LogLeaf
{
    public static byte[] Of(Hash entryHash) => MerkleHash.Leaf(entryHash.Bytes);

    /// <summary>
    /// The leaf hash of the entry whose hash is <paramref name="entryHash"/>, written to
    /// <paramref name="destination"/>: the verifier hashes a leaf per line without allocating.
    /// </summary>
    public static void Of(ReadOnlySpan<byte> entryHash, Span<byte> destination)
    {
        Invariant.Holds(entryHash.Length == Hash.Size, "a log leaf's data is a 32-byte entry hash");
        MerkleHash.Leaf(entryHash, destination);
    }
}
