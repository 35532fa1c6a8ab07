using Ledger.Hashing;
using Ledger.Merkle;

namespace Ledger.Grains.Log;

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
}
