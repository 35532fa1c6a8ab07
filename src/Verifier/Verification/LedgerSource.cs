namespace Ledger.Verifier.Verification;

/// <summary>One entry as a source holds it: its log position, its bytes and, if the source stores one, its hash.</summary>
/// <param name="Unterminated">An export's last line, which the file ends in without its line feed (docs/FORMAT.md §9.1).</param>
/// <param name="Overlong">A line longer than <see cref="SourceLimits.MaxLineBytes"/>: its bytes are not kept (Bytes is empty), only its length and entry hash.</param>
public sealed record SourcedEntry(long LogPosition, byte[] Bytes, byte[]? StoredHash, bool Unterminated = false, OverlongLine? Overlong = null);

/// <summary>What is kept of a line too long to be an entry: its length, and its entry hash (FORMAT.md §4.2), which is still its leaf in the log.</summary>
public sealed record OverlongLine(long Length, byte[] EntryHash)
{
    public string Problem => $"the line is {Length} bytes, longer than the {SourceLimits.MaxLineBytes} bytes an entry may be (docs/VERIFIER.md)";
}

/// <summary>
/// The bounds that keep an audit's memory bounded whatever it reads (issue 15): no line, manifest
/// or checkpoint is held whole beyond these, and no batch of lines beyond its byte budget.
/// </summary>
public static class SourceLimits
{
    /// <summary>
    /// The longest line read as an entry. A command is at most 1 MiB (the server's
    /// MaxCommandBytes), and its entry carries the command and a body made from it; 4 MiB leaves room.
    /// </summary>
    public const int MaxLineBytes = 4 << 20;

    /// <summary>The largest manifest read: one member per stream, about 150 bytes each, so some 400,000 streams.</summary>
    public const int MaxManifestBytes = 64 << 20;

    /// <summary>The longest line of checkpoints.jsonl read: a signed note is a few hundred bytes, with a witness cosignature or two.</summary>
    public const int MaxCheckpointLineBytes = 64 << 10;
}

/// <summary>What an export's manifest claims (docs/FORMAT.md §9): checked against the entries, never trusted.</summary>
public sealed record Manifest(
    long Format,
    string RootPublicKey,
    string RootKeyId,
    long LogSize,
    long EntryCount,
    long StreamCount,
    IReadOnlyDictionary<string, (long Entries, string HeadHash)> Streams,
    string EntriesSha256,
    string? LogVerifierKey);

/// <summary>
/// Where the entries come from: an export directory, or a database read in one read-only
/// transaction. The two real implementations are why this is an interface (STYLE.md 3).
/// </summary>
public interface ILedgerSource
{
    /// <summary>A description for the report: the folder or the database.</summary>
    string Description { get; }

    /// <summary>The manifest, if the source has one.</summary>
    Manifest? Manifest { get; }

    /// <summary>How many entries the source will yield, for progress.</summary>
    long EntryCountHint { get; }

    /// <summary>Every entry in global log order.</summary>
    IEnumerable<SourcedEntry> Entries();

    /// <summary>After <see cref="Entries"/>: the SHA-256 of what was read, if the source is a file to checksum.</summary>
    string? ReadChecksum { get; }

    /// <summary>After <see cref="Entries"/>: the log's verifier key the source names (docs/FORMAT.md §10.3), if any: checked against a pinned one, never trusted alone.</summary>
    string? LogVerifierKey { get; }

    /// <summary>
    /// Whether the source is the live log, still growing (a database), rather than a finished
    /// export: its newest entries wait for the next checkpoint (FORMAT.md §10.3, a second or so),
    /// so entries beyond the newest are counted, not a finding.
    /// </summary>
    bool IsLive { get; }

    /// <summary>Why the manifest could not be read as it must be (not canonical, not a manifest …), if it could not; the audit reports it.</summary>
    string? ManifestProblem { get; }

    /// <summary>After <see cref="Entries"/>: the signed checkpoints the source holds, in the order it holds them, read as they are enumerated.</summary>
    IEnumerable<SourcedCheckpoint> Checkpoints();
}

/// <summary>One signed checkpoint as a source holds it: the tree size it claims and the note exactly as signed.</summary>
/// <param name="Problem">Why the line holding it is not a checkpoint line (docs/FORMAT.md §9.2); the audit reports it and checks nothing else of it.</param>
public sealed record SourcedCheckpoint(long TreeSize, string Note, string? Problem = null);

/// <summary>The input cannot be read at all (exit code 2), as opposed to read and found wrong.</summary>
public sealed class UnreadableInputException(string message, Exception? inner = null) : Exception(message, inner);
