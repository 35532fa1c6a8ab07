namespace Ledger.Checkpoints;

/// <summary>
/// The outcome of reading a checkpoint body (<see cref="Checkpoint.Parse"/>), in the order the
/// checks run, line by line (STYLE.md 8). Shown to users and auditors: never renumber.
/// </summary>
public enum CheckpointResult
{
    Valid = 0,

    /// <summary>The text holds a control character other than newline, or a lone surrogate: it cannot be a note text.</summary>
    NotNoteText = 1,

    /// <summary>The last line does not end with a newline.</summary>
    MissingFinalNewline = 2,

    /// <summary>Fewer than the three lines origin, tree size and root hash (tlog-checkpoint.md "Note text").</summary>
    TooFewLines = 3,

    /// <summary>The origin line is empty (tlog-checkpoint.md "Note text" 1).</summary>
    EmptyOrigin = 4,

    /// <summary>The tree size line is empty or holds anything but ASCII digits: no sign, no space (tlog-checkpoint.md "Note text" 2).</summary>
    TreeSizeNotDecimal = 5,

    /// <summary>The tree size has a leading zero (only the empty tree is written "0").</summary>
    TreeSizeLeadingZero = 6,

    /// <summary>The tree size exceeds 2^63 − 1, the largest size the ledger's tree can hold.</summary>
    TreeSizeTooLarge = 7,

    /// <summary>The root hash line is empty or not canonical standard padded base64 (RFC 4648 §4).</summary>
    RootHashNotBase64 = 8,

    /// <summary>The root hash is not 32 bytes, the size of an RFC 6962 SHA-256 tree head.</summary>
    RootHashNot32Bytes = 9,

    /// <summary>An extension line is empty: extension lines, if any, MUST be non-empty (tlog-checkpoint.md "Note text" 4).</summary>
    EmptyExtensionLine = 10,
}
