using System.Security.Cryptography;
using System.Text.Json;
using Ledger.Canonical;
using Ledger.Entries;

namespace Ledger.Verifier.Verification;

/// <summary>
/// An export directory (docs/FORMAT.md §9): manifest.json and entries.jsonl, one entry per line
/// exactly as hashed, and checkpoints.jsonl. All three are read as exactly as the entries are —
/// canonical JSON, lines ending in one line feed, no byte-order mark — and a file that is not
/// so is a finding, never a reason to stop. Files are streamed, and no line is held beyond
/// <see cref="SourceLimits"/>, so the memory an audit takes does not grow with what the files hold.
/// </summary>
public sealed class ExportSource : ILedgerSource
{
    readonly string entriesPath;
    readonly string checkpointsPath;
    string? readChecksum;

    public ExportSource(string directory)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        entriesPath = Path.Combine(directory, "entries.jsonl");
        checkpointsPath = Path.Combine(directory, "checkpoints.jsonl");
        if (!File.Exists(manifestPath) || !File.Exists(entriesPath))
        {
            throw new UnreadableInputException($"{directory} is not an export: it needs manifest.json and entries.jsonl");
        }
        Description = Path.GetFullPath(directory);
        try
        {
            (Manifest, ManifestProblem) = ReadManifest(manifestPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UnreadableInputException($"{manifestPath} could not be read: {e.Message}", e);
        }
    }

    public string Description { get; }

    public Manifest? Manifest { get; }

    public string? ManifestProblem { get; }

    public bool IsLive => false;

    public long EntryCountHint => Manifest?.EntryCount ?? 0;

    public string? ReadChecksum => readChecksum;

    public string? LogVerifierKey => Manifest?.LogVerifierKey;

    /// <summary>checkpoints.jsonl (docs/FORMAT.md §9.2): one canonical {"note", "treeSize"} per line; absent means none.</summary>
    public IEnumerable<SourcedCheckpoint> Checkpoints()
    {
        if (!File.Exists(checkpointsPath))
        {
            yield break;
        }
        long number = 0;
        foreach (var line in Lines(checkpointsPath, SourceLimits.MaxCheckpointLineBytes, fileHash: null))
        {
            number++;
            yield return ReadCheckpoint(line, number);
        }
    }

    public IEnumerable<SourcedEntry> Entries()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long position = 0;
        foreach (var line in Lines(entriesPath, SourceLimits.MaxLineBytes, sha))
        {
            // A last line without its line feed is still read, so that a cut file is reported
            // by the checks (a malformed entry, a manifest mismatch) rather than hidden; and it
            // is marked, since a file whose manifest was rewritten to match it is still not an
            // export (FORMAT.md §9.1: the last line ends with its line feed).
            yield return new SourcedEntry(position++, line.Bytes, null, line.Unterminated, line.Overlong);
        }
        readChecksum = Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>One line of a file, without its line feed; an overlong one without its bytes.</summary>
    readonly record struct Line(byte[] Bytes, bool Unterminated, OverlongLine? Overlong);

    /// <summary>
    /// The lines of a file, read 64 KiB at a time. A line longer than <paramref name="maxLineBytes"/>
    /// is not kept: only its length and its entry hash, computed as it streams by.
    /// </summary>
    static IEnumerable<Line> Lines(string path, int maxLineBytes, IncrementalHash? fileHash)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        // The start of a line that the previous buffer ended in.
        var pending = new MemoryStream();
        IncrementalHash? overlong = null;
        long overlongLength = 0;
        var buffer = new byte[1 << 16];
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            fileHash?.AppendData(buffer, 0, read);
            var start = 0;
            while (start < read)
            {
                // IndexOf compares many bytes at once: comparing them one by one took half the time of reading.
                var length = buffer.AsSpan(start, read - start).IndexOf((byte)'\n');
                var ends = length >= 0;
                var segment = buffer.AsSpan(start, ends ? length : read - start);
                start += segment.Length + (ends ? 1 : 0);
                if (overlong is null && pending.Length + segment.Length > maxLineBytes)
                {
                    overlong = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    overlong.AppendData(FormatVersion.EntryHashPrefix);
                    overlong.AppendData(pending.GetBuffer(), 0, (int)pending.Length);
                    overlongLength = pending.Length;
                    pending.SetLength(0);
                }
                if (overlong is not null)
                {
                    overlong.AppendData(segment);
                    overlongLength += segment.Length;
                }
                else if (!ends || pending.Length > 0)
                {
                    pending.Write(segment);
                }
                if (!ends)
                {
                    break;
                }
                if (overlong is not null)
                {
                    yield return new Line([], false, new OverlongLine(overlongLength, overlong.GetHashAndReset()));
                    overlong.Dispose();
                    overlong = null;
                }
                else if (pending.Length > 0)
                {
                    yield return new Line(pending.ToArray(), false, null);
                    pending.SetLength(0);
                }
                else
                {
                    yield return new Line(segment.ToArray(), false, null);
                }
            }
        }
        if (overlong is not null)
        {
            yield return new Line([], true, new OverlongLine(overlongLength, overlong.GetHashAndReset()));
            overlong.Dispose();
        }
        else if (pending.Length > 0)
        {
            yield return new Line(pending.ToArray(), true, null);
        }
    }

    static SourcedCheckpoint ReadCheckpoint(Line line, long number)
    {
        var where = $"checkpoints.jsonl line {number}";
        if (line.Overlong is { } overlong)
        {
            return new SourcedCheckpoint(0, "", $"{where} is {overlong.Length} bytes, longer than the {SourceLimits.MaxCheckpointLineBytes} bytes a checkpoint line may be");
        }
        if (line.Unterminated)
        {
            return new SourcedCheckpoint(0, "", $"{where} does not end with a line feed");
        }
        try
        {
            var fields = JsonFields.Of(CanonicalJson.ParseCanonical(line.Bytes), "checkpoint", "note", "treeSize");
            return new SourcedCheckpoint(fields.Integer("treeSize"), fields.String("note"));
        }
        catch (Exception e) when (e is FormatException or CanonicalFormException)
        {
            return new SourcedCheckpoint(0, "", $"{where} is not the canonical JSON of a checkpoint: {e.Message}");
        }
    }

    /// <summary>
    /// The manifest, and why it is not exactly a manifest if it is not: a manifest that parses
    /// but is not canonical (pretty-printed, a byte-order mark, CRLF) is still compared with the
    /// entries, and reported; one that does not parse is reported and compared with nothing.
    /// </summary>
    static (Manifest?, string?) ReadManifest(string path)
    {
        if (new FileInfo(path).Length > SourceLimits.MaxManifestBytes)
        {
            return (null, $"manifest.json is larger than the {SourceLimits.MaxManifestBytes} bytes a manifest may be");
        }
        var bytes = File.ReadAllBytes(path);
        string? problem = null;
        JsonElement json;
        try
        {
            if (bytes.Length == 0 || bytes[^1] != '\n')
            {
                throw new CanonicalFormException("it does not end with a line feed");
            }
            json = CanonicalJson.ParseCanonical(bytes.AsSpan(0, bytes.Length - 1));
        }
        catch (CanonicalFormException canonical)
        {
            problem = $"manifest.json is not canonical JSON followed by one line feed (docs/FORMAT.md §9): {canonical.Message}";
            try
            {
                json = CanonicalJson.Parse(bytes);
            }
            catch (CanonicalFormException)
            {
                return (null, problem);
            }
        }
        try
        {
            return (ManifestOf(json), problem);
        }
        catch (FormatException e)
        {
            return (null, $"manifest.json is not a manifest of format 1: {e.Message}");
        }
    }

    static Manifest ManifestOf(JsonElement json)
    {
        var fields = JsonFields.Of(json, "manifest",
            "entriesSha256", "entryCount", "format", "logSize", "logVerifierKey", "rootKeyId", "rootPublicKey", "streamCount", "streams");
        var streams = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (var stream in fields.Object("streams").EnumerateObject())
        {
            var head = JsonFields.Of(stream.Value, $"streams.{stream.Name}", "entries", "headHash");
            streams[stream.Name] = (head.Integer("entries"), head.String("headHash"));
        }
        return new Manifest(fields.Integer("format"), fields.String("rootPublicKey"), fields.String("rootKeyId"),
            fields.Integer("logSize"), fields.Integer("entryCount"), fields.Integer("streamCount"), streams, fields.String("entriesSha256"),
            fields.OptionalString("logVerifierKey"));
    }
}
