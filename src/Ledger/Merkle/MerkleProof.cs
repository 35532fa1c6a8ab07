using System.Numerics;
using static Ledger.Merkle.MerkleProofResult;

namespace Ledger.Merkle;

/// <summary>
/// Verification of RFC 9162 inclusion proofs (§2.1.3.2) and consistency proofs (§2.1.4.2),
/// which need only the proof, the sizes and the roots: no tree. Malformed input is a result,
/// never an exception. The length of a valid proof is fixed by the sizes and index, so it is
/// checked before any hashing, and each failure reports the first check it broke.
/// </summary>
public static class MerkleProof
{
    public static bool IsValid(this MerkleProofResult result) => result == Valid;

    /// <summary>Checks that <paramref name="proof"/> proves the leaf at <paramref name="leafIndex"/> is in the tree of <paramref name="treeSize"/> leaves with <paramref name="root"/>.</summary>
    public static MerkleProofResult VerifyInclusion(
        long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (leafIndex < 0 || treeSize < 0)
        {
            return NegativeIndexOrSize;
        }
        if (leafIndex >= treeSize)
        {
            return LeafIndexNotBelowTreeSize;
        }
        if (!IsHash(leafHash) || !IsHash(root) || !AllAreHashes(proof))
        {
            return WrongHashLength;
        }
        var (inner, border) = DecomposeInclusionPath(leafIndex, treeSize);
        if (proof.Count != inner + border)
        {
            return WrongProofLength;
        }
        byte[] computed = ChainInner(leafHash.ToArray(), proof, 0, inner, leafIndex);
        computed = ChainBorder(computed, proof, inner);
        return root.SequenceEqual(computed) ? Valid : RootMismatch;
    }

    /// <summary>Checks that <paramref name="proof"/> proves the tree of <paramref name="size2"/> leaves with <paramref name="root2"/> extends the tree of <paramref name="size1"/> leaves with <paramref name="root1"/>.</summary>
    public static MerkleProofResult VerifyConsistency(
        long size1, long size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        if (size1 < 0 || size2 < 0)
        {
            return NegativeIndexOrSize;
        }
        // RFC 9162 §2.1.4 proves consistency only from a non-empty tree; accepting an empty
        // proof from size 0 would vouch for any root at all (transparency-dev/merkle #236).
        if (size1 == 0)
        {
            return FirstSizeIsZero;
        }
        if (size1 > size2)
        {
            return FirstSizeAboveSecondSize;
        }
        if (!IsHash(root1) || !IsHash(root2) || !AllAreHashes(proof))
        {
            return WrongHashLength;
        }
        // PROOF(m, D[m]) = SUBPROOF(m, D[m], true) = {} (RFC 9162 §2.1.4.1).
        if (size1 == size2)
        {
            return proof.Count != 0 ? WrongProofLength
                : root1.SequenceEqual(root2) ? Valid
                : SecondRootMismatch;
        }

        // The proof is the inclusion path of the last leaf of the first tree in the second tree,
        // cut at the largest perfect subtree ending at size1 (level = trailing zeros of size1):
        // proof[0] is that subtree's hash, omitted when it is the whole first tree, because the
        // verifier holds it as root1 (RFC 9162 §2.1.4.2 step 2).
        var (inner, border) = DecomposeInclusionPath(size1 - 1, size2);
        int level = BitOperations.TrailingZeroCount(size1);
        inner -= level;
        bool firstTreeIsPerfect = size1 == 1L << level;
        int offset = firstTreeIsPerfect ? 0 : 1;
        if (proof.Count != offset + inner + border)
        {
            return WrongProofLength;
        }
        byte[] seed = firstTreeIsPerfect ? root1.ToArray() : proof[0];
        long indexAtLevel = (size1 - 1) >> level;

        // The first tree holds only the siblings on the left of the path; the second holds all.
        byte[] computed1 = ChainInnerLeftSiblings(seed, proof, offset, inner, indexAtLevel);
        computed1 = ChainBorder(computed1, proof, offset + inner);
        if (!root1.SequenceEqual(computed1))
        {
            return FirstRootMismatch;
        }
        byte[] computed2 = ChainInner(seed, proof, offset, inner, indexAtLevel);
        computed2 = ChainBorder(computed2, proof, offset + inner);
        return root2.SequenceEqual(computed2) ? Valid : SecondRootMismatch;
    }

    /// <summary>
    /// Splits the inclusion path of leaf <paramref name="index"/> in a tree of
    /// <paramref name="size"/> leaves where it meets the path of the last leaf, size − 1.
    /// Below (inner) the path lies inside a perfect subtree and has a sibling at every level,
    /// on the side given by that bit of the index. Above (border) the path runs along the
    /// right edge, where a level has a sibling, always on the left, only when that bit of the
    /// index is one: the levels RFC 9162 §2.1.3.2 step 4 skips by shifting while LSB(fn) is 0.
    /// </summary>
    static (int Inner, int Border) DecomposeInclusionPath(long index, long size)
    {
        int inner = 64 - BitOperations.LeadingZeroCount((ulong)(index ^ (size - 1)));
        int border = BitOperations.PopCount((ulong)(index >> inner));
        return (inner, border);
    }

    // RFC 9162 §2.1.3.2 step 4 below the split: the sibling is on the left iff the index bit is set.
    static byte[] ChainInner(byte[] seed, IReadOnlyList<byte[]> proof, int from, int count, long index)
    {
        for (int i = 0; i < count; i++)
        {
            seed = ((index >> i) & 1) == 1 ? MerkleHash.Node(proof[from + i], seed) : MerkleHash.Node(seed, proof[from + i]);
        }
        return seed;
    }

    // RFC 9162 §2.1.4.2 step 6: the first root is built only from siblings on the left.
    static byte[] ChainInnerLeftSiblings(byte[] seed, IReadOnlyList<byte[]> proof, int from, int count, long index)
    {
        for (int i = 0; i < count; i++)
        {
            if (((index >> i) & 1) == 1)
            {
                seed = MerkleHash.Node(proof[from + i], seed);
            }
        }
        return seed;
    }

    // Above the split every remaining sibling is on the left.
    static byte[] ChainBorder(byte[] seed, IReadOnlyList<byte[]> proof, int from)
    {
        for (int i = from; i < proof.Count; i++)
        {
            seed = MerkleHash.Node(proof[i], seed);
        }
        return seed;
    }

    static bool IsHash(ReadOnlySpan<byte> hash) => hash.Length == MerkleHash.SizeBytes;

    static bool AllAreHashes(IReadOnlyList<byte[]> proof) => proof.All(element => IsHash(element));
}
