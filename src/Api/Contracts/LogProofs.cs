namespace Ledger.Api.Contracts;

/// <summary>
/// The inclusion proof of one entry in the global Merkle log (docs/FORMAT.md §10.4): RFC 9162
/// §2.1.3 PATH(leafIndex, D[0:treeSize]). Check it against the root of a checkpoint note signed
/// at treeSize by the log key; the root here is the server's say-so, for convenience.
/// </summary>
/// <param name="LeafIndex">The entry's log position, its 0-based leaf index.</param>
/// <param name="TreeSize">The size of the tree the proof is for.</param>
/// <param name="EntryHash">The entry hash (docs/FORMAT.md §4.2), lowercase hex: the leaf's data.</param>
/// <param name="LeafHash">SHA-256(0x00 ‖ entry hash), lowercase hex.</param>
/// <param name="Proof">The sibling hashes from the leaf upward, lowercase hex.</param>
/// <param name="RootHash">The root of the tree of TreeSize leaves, lowercase hex (unsigned: trust the checkpoint's).</param>
/// <param name="Checkpoint">The signed checkpoint note at TreeSize, if one was signed at exactly that size; else null.</param>
public sealed record LogInclusionProof(
    long LeafIndex,
    long TreeSize,
    string EntryHash,
    string LeafHash,
    IReadOnlyList<string> Proof,
    string RootHash,
    string? Checkpoint);

/// <summary>
/// The consistency proof between two sizes of the global Merkle log (docs/FORMAT.md §10.4):
/// RFC 9162 §2.1.4 PROOF(from, D[0:to]).
/// </summary>
/// <param name="From">The first (smaller) tree size, at least 1.</param>
/// <param name="To">The second tree size.</param>
/// <param name="Proof">The proof's hashes, lowercase hex; empty when the sizes are equal.</param>
/// <param name="FromRootHash">The root at From, lowercase hex (unsigned: trust the checkpoint's).</param>
/// <param name="ToRootHash">The root at To, lowercase hex (unsigned: trust the checkpoint's).</param>
/// <param name="FromCheckpoint">The signed checkpoint note at From, if there is one; else null.</param>
/// <param name="ToCheckpoint">The signed checkpoint note at To, if there is one; else null.</param>
public sealed record LogConsistencyProof(
    long From,
    long To,
    IReadOnlyList<string> Proof,
    string FromRootHash,
    string ToRootHash,
    string? FromCheckpoint,
    string? ToCheckpoint);

/// <summary>
/// The offline bundle of one entry (docs/FORMAT.md §10.5): everything a resident needs to
/// check, without the server, that the entry is in the log the log key signed.
/// </summary>
/// <param name="Format">The bundle format version, 1.</param>
/// <param name="Entry">The entry exactly as hashed: its canonical JSON (docs/FORMAT.md §4.2) as a string.</param>
/// <param name="LeafIndex">The entry's log position, its leaf index.</param>
/// <param name="Checkpoint">The latest signed checkpoint note, exactly as signed.</param>
/// <param name="Proof">The inclusion proof of the leaf in the tree of the checkpoint's size, lowercase hex, from the leaf upward.</param>
/// <param name="LogVerifierKey">The log's verifier key in C2SP vkey text: origin+keyid+base64 key.</param>
public sealed record EntryBundle(
    int Format,
    string Entry,
    long LeafIndex,
    string Checkpoint,
    IReadOnlyList<string> Proof,
    string LogVerifierKey);
