using System.Numerics;

namespace Ledger.Merkle;

/// <summary>
/// Roots, inclusion proofs and consistency proofs of RFC 9162 §2.1 assembled from stored
/// perfect-subtree hashes. The RFC defines them by recursion over D[0:k] and D[k:n], k the
/// largest power of two below n; the recursion is walked from the top, and every range it
/// needs a hash for is tiled by at most log2(n) perfect subtrees, so a proof reads O(log n)
/// nodes and never hashes a leaf. (transparency-dev/merkle's proof and compact packages take
/// the same approach.)
/// </summary>
public static class MerkleNodes
{
    /// <summary>MTH(D[0:treeSize]) (RFC 9162 §2.1.1).</summary>
    public static byte[] Root(this IMerkleNodes nodes, long treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        return treeSize == 0 ? MerkleHash.EmptyRoot() : RangeRoot(nodes, 0, treeSize);
    }

    /// <summary>
    /// PATH(leafIndex, D[0:treeSize]) (RFC 9162 §2.1.3.1): the inclusion proof of one leaf,
    /// ordered from the leaf's sibling up to the child of the root.
    /// </summary>
    public static byte[][] InclusionProof(this IMerkleNodes nodes, long leafIndex, long treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, treeSize);

        // Top-down walk of PATH(m, D[start : start + count]); siblings are found root first.
        var path = new List<byte[]>();
        long start = 0;
        long count = treeSize;
        while (count > 1)
        {
            long k = LargestPowerOfTwoBelow(count);
            if (leafIndex < start + k)
            {
                path.Add(RangeRoot(nodes, start + k, count - k));
                count = k;
            }
            else
            {
                path.Add(RangeRoot(nodes, start, k));
                start += k;
                count -= k;
            }
        }
        path.Reverse();
        return [.. path];
    }

    /// <summary>
    /// PROOF(size1, D[0:size2]) (RFC 9162 §2.1.4.1): the consistency proof that the tree of
    /// size2 extends the tree of size1, ordered from the lowest subtree upward. Empty when the
    /// sizes are equal.
    /// </summary>
    public static byte[][] ConsistencyProof(this IMerkleNodes nodes, long size1, long size2)
    {
        // RFC 9162 §2.1.4 defines the proof only for 0 < m; every tree is consistent with the
        // empty one, so there is nothing to prove.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);

        // Top-down walk of SUBPROOF(m, D[start : start + count], b), where m counts the leaves
        // of the first tree inside the current range and b says whether the verifier already
        // knows MTH(D[start : start + m]): it does while start is 0, that hash being the first root.
        var proof = new List<byte[]>();
        long start = 0;
        long m = size1;
        long count = size2;
        bool firstRootIsKnown = true;
        while (m < count)
        {
            long k = LargestPowerOfTwoBelow(count);
            if (m <= k)
            {
                proof.Add(RangeRoot(nodes, start + k, count - k));
                count = k;
            }
            else
            {
                proof.Add(RangeRoot(nodes, start, k));
                start += k;
                m -= k;
                count -= k;
                firstRootIsKnown = false;
            }
        }
        // SUBPROOF(m, D[m], false) = {MTH(D[m])}. Here m == count, which only the m <= k branch
        // can bring about by setting count to k, a power of two: this is one stored node.
        if (!firstRootIsKnown)
        {
            proof.Add(RangeRoot(nodes, start, m));
        }
        proof.Reverse();
        return [.. proof];
    }

    /// <summary>
    /// MTH(D[start : start + count]), count ≥ 1, for the ranges the RFC 9162 recursion visits:
    /// start is a multiple of the largest power of two in count, so the range is tiled by one
    /// perfect subtree per set bit of count, largest on the left. Folding the tiles from the
    /// right reproduces the RFC's split at the largest power of two below the range size.
    /// </summary>
    static byte[] RangeRoot(IMerkleNodes nodes, long start, long count)
    {
        long end = start + count;
        int level = BitOperations.TrailingZeroCount(count);
        end -= 1L << level;
        byte[] root = nodes.Node(level, end >> level);
        for (level++; count >> level != 0; level++)
        {
            if (((count >> level) & 1) == 1)
            {
                end -= 1L << level;
                root = MerkleHash.Node(nodes.Node(level, end >> level), root);
            }
        }
        return root;
    }

    /// <summary>The largest power of two strictly below n, for n ≥ 2 (RFC 9162 §2.1.1's k).</summary>
    static long LargestPowerOfTwoBelow(long n) =>
        1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));
}
