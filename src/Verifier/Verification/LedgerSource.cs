namespace Ledger.Verifier.Verification;

/// <summary>One entry as a source holds it: its log position, its bytes and, if the source stores one, its hash.</summary>
/// <param name="Unterminated">An export's last line, which the file ends in without its line feed (docs/FORMAT.md §9.1).</param>
public sealed record SourcedEntry(long LogPosition, byte[] Bytes, byte[]? StoredHash, bool Unterminated = false);

/// <summary>What an export's manifest claims (docs/FORMAT.md §9): checked against the entries, never trusted.</summary>
public sealed record Manifest(
    int Format,
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

    /// <summary>After <see cref="Entries"/>: the signed checkpoints the source holds, in the order it holds them.</summary>
    IReadOnlyList<SourcedCheckpoint> Checkpoints();
}

/// <summary>One signed checkpoint as a source holds it: the tree size it claims and the note exactly as signed.</summary>
public sealed record SourcedCheckpoint(long TreeSize, string Note);

/// <summary>The input cannot be read at all (exit code 2), as opposed to read and found wrong.</summary>
public sealed class UnreadableInputException(string message, Exception? inner = null) : Exception(message, inner);
