namespace Ledger.Merkle;

/// <summary>
/// The outcome of checking an inclusion or a consistency proof (<see cref="MerkleProof"/>),
/// in the order the checks run (STYLE.md 8). Stored and shown to users: never renumber.
/// </summary>
public enum MerkleProofResult
{
    Valid = 0,

    /// <summary>A leaf index or tree size below zero, including 64-bit unsigned values above long.MaxValue.</summary>
    NegativeIndexOrSize = 1,

    /// <summary>Inclusion: leaf_index ≥ tree_size (RFC 9162 §2.1.3.2 step 1), which covers the empty tree.</summary>
    LeafIndexNotBelowTreeSize = 2,

    /// <summary>Consistency from the empty tree: RFC 9162 §2.1.4 defines proofs only for 0 &lt; first.</summary>
    FirstSizeIsZero = 3,

    /// <summary>Consistency: first &gt; second, a tree that shrank.</summary>
    FirstSizeAboveSecondSize = 4,

    /// <summary>A leaf hash, root or proof element that is not 32 bytes, so not a SHA-256 output.</summary>
    WrongHashLength = 5,

    /// <summary>The proof has more or fewer elements than the sizes and index call for.</summary>
    WrongProofLength = 6,

    /// <summary>Inclusion: the root computed from the leaf and the proof differs from the given root.</summary>
    RootMismatch = 7,

    /// <summary>Consistency: the proof does not reproduce the first root.</summary>
    FirstRootMismatch = 8,

    /// <summary>Consistency: the proof does not reproduce the second root (with equal sizes: the roots differ).</summary>
    SecondRootMismatch = 9,
}
