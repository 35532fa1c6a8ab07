// The body of a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint), section "Note text":
//
//   <origin>\n
//   <tree size, ASCII decimal, no leading zeros>\n
//   <base64 of the RFC 6962 root hash>\n
//   [<extension line>\n]...
//
// It is signed as a C2SP signed note (SignedNote); this file knows nothing of signatures.
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Ledger.Merkle;

namespace Ledger.Checkpoints;

/// <summary>
/// A log's tree head at one size: origin, tree size and the RFC 6962 (SHA-256) root hash,
/// with optional opaque extension lines, which the spec does not recommend.
/// </summary>
public sealed class Checkpoint
{
    const char Newline = NoteEncoding.Newline;

    readonly byte[] rootHash;

    Checkpoint(string origin, long treeSize, byte[] rootHash, IReadOnlyList<string> extensionLines)
    {
        Origin = origin;
        TreeSize = treeSize;
        this.rootHash = rootHash;
        ExtensionLines = extensionLines;
    }

    /// <summary>The log's identity, e.g. <c>example.com/log42</c>. The spec only recommends that form, so any non-empty line is accepted.</summary>
    public string Origin { get; }

    public long TreeSize { get; }

    /// <summary>The 32-byte RFC 6962 Merkle tree hash at <see cref="TreeSize"/>.</summary>
    public ReadOnlySpan<byte> RootHash => rootHash;

    public IReadOnlyList<string> ExtensionLines { get; }

    /// <exception cref="ArgumentException">A line is empty or holds a newline or control character, the size
    /// is negative, or the root is not 32 bytes: the log builds checkpoints from its own state, so
    /// these are bugs in the caller.</exception>
    public static Checkpoint Create(string origin, long treeSize, ReadOnlySpan<byte> rootHash, params IReadOnlyList<string> extensionLines)
    {
        if (!IsLine(origin))
        {
            throw new ArgumentException("The origin is one non-empty line without control characters.", nameof(origin));
        }
        if (treeSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(treeSize), treeSize, "A tree size is not negative.");
        }
        if (rootHash.Length != MerkleHash.SizeBytes)
        {
            throw new ArgumentException($"A root hash is {MerkleHash.SizeBytes} bytes, not {rootHash.Length}.", nameof(rootHash));
        }
        if (!extensionLines.All(IsLine))
        {
            throw new ArgumentException("Each extension line is non-empty, without newlines or control characters.", nameof(extensionLines));
        }

        var checkpoint = new Checkpoint(origin, treeSize, rootHash.ToArray(), [.. extensionLines]);
        // Read back what we would sign (STYLE.md 9).
        CheckpointParse readBack = Parse(checkpoint.Format());
        Invariant.Holds(readBack.IsValid && readBack.Checkpoint.Format() == checkpoint.Format(),
            "a checkpoint body reads back as itself");
        return checkpoint;
    }

    static bool IsLine(string line) =>
        line.Length > 0 && !line.Contains(Newline) && NoteEncoding.IsNoteText(line);

    /// <summary>The note text to sign: one line each for origin, size, root hash and every extension, each ending in a newline.</summary>
    public string Format()
    {
        var body = new StringBuilder()
            .Append(Origin).Append(Newline)
            .Append(TreeSize.ToString(CultureInfo.InvariantCulture)).Append(Newline)
            .Append(Convert.ToBase64String(rootHash)).Append(Newline);
        foreach (string extension in ExtensionLines)
        {
            body.Append(extension).Append(Newline);
        }
        return body.ToString();
    }

    public override string ToString() => Format();

    /// <summary>
    /// Reads a checkpoint body, usually <see cref="SignedNote.Text"/> of a note that verified.
    /// Bad input is a result, never an exception.
    /// </summary>
    public static CheckpointParse Parse(string text)
    {
        if (!NoteEncoding.IsNoteText(text))
        {
            return new(CheckpointResult.NotNoteText, null);
        }
        if (!text.EndsWith(Newline))
        {
            return new(CheckpointResult.MissingFinalNewline, null);
        }
        // "a sequence of at least three non-empty lines, separated by newlines" (tlog-checkpoint.md
        // "Note text"); the note text itself ends with a newline (signed-note.md "Format").
        string[] lines = text[..^1].Split(Newline);
        if (lines.Length < 3)
        {
            return new(CheckpointResult.TooFewLines, null);
        }

        string origin = lines[0];
        if (origin.Length == 0)
        {
            return new(CheckpointResult.EmptyOrigin, null);
        }

        string size = lines[1];
        if (size.Length == 0 || !size.All(char.IsAsciiDigit))
        {
            return new(CheckpointResult.TreeSizeNotDecimal, null);
        }
        // "with no leading zeroes (unless the tree is empty, in which case the tree size is 0)".
        if (size.Length > 1 && size[0] == '0')
        {
            return new(CheckpointResult.TreeSizeLeadingZero, null);
        }
        if (!long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out long treeSize))
        {
            return new(CheckpointResult.TreeSizeTooLarge, null);
        }

        // Stricter than transparency-dev/formats, which takes a hash of any length: the ledger's
        // tree is RFC 6962 with SHA-256, so a root is 32 bytes, and only its canonical base64.
        if (!NoteEncoding.TryDecodeBase64(lines[2], out byte[] root))
        {
            return new(CheckpointResult.RootHashNotBase64, null);
        }
        if (root.Length != MerkleHash.SizeBytes)
        {
            return new(CheckpointResult.RootHashNot32Bytes, null);
        }

        string[] extensions = lines[3..];
        if (extensions.Any(line => line.Length == 0))
        {
            return new(CheckpointResult.EmptyExtensionLine, null);
        }
        return new(CheckpointResult.Valid, new Checkpoint(origin, treeSize, root, extensions));
    }
}

/// <summary>The result of <see cref="Checkpoint.Parse"/>: a reason, and the checkpoint when it is <see cref="CheckpointResult.Valid"/>.</summary>
public readonly record struct CheckpointParse(CheckpointResult Result, Checkpoint? Checkpoint)
{
    [MemberNotNullWhen(true, nameof(Checkpoint))]
    public bool IsValid => Result == CheckpointResult.Valid;
}
