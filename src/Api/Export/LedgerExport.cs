using Ledger.Api.Hosting;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ledger.Bodies;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Hashing;
using Ledger.Rules.Registry;

namespace Ledger.Api.Export;

/// <summary>One stream in an export's manifest: how many entries it has and the hash of its last.</summary>
public sealed record ExportedStream(long Entries, Hash HeadHash);

/// <summary>
/// The manifest of an export (docs/FORMAT.md §9): what the entries file holds, so that a
/// reader can check it without trusting the writer — counts, heads, and the file's SHA-256.
/// </summary>
public sealed record ExportManifest(
    string RootPublicKey,
    string RootKeyId,
    long LogSize,
    long EntryCount,
    IReadOnlyDictionary<string, ExportedStream> Streams,
    Hash EntriesSha256,
    string? LogVerifierKey = null)
{
    /// <summary>The export format version, member "format"; independent of the entry format.</summary>
    public const int Format = 1;

    /// <summary>The manifest file's bytes: the canonical JSON (§2) of the manifest, then one line feed.</summary>
    public byte[] ToBytes()
    {
        var streams = new JsonObject();
        foreach (var (stream, head) in Streams.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            streams[stream] = new JsonObject { ["entries"] = head.Entries, ["headHash"] = head.HeadHash.ToString() };
        }
        var manifest = new JsonObject
        {
            ["entriesSha256"] = EntriesSha256.ToString(),
            ["entryCount"] = EntryCount,
            ["format"] = Format,
            ["logSize"] = LogSize,
            ["rootKeyId"] = RootKeyId,
            ["rootPublicKey"] = RootPublicKey,
            ["streamCount"] = Streams.Count,
            ["streams"] = streams,
        };
        if (LogVerifierKey is not null)
        {
            manifest["logVerifierKey"] = LogVerifierKey;
        }
        var json = CanonicalJson.Encode(manifest);
        return [.. json, (byte)'\n'];
    }
}

/// <summary>The log cannot be exported as it stands (an unopened registry): nothing useful was written.</summary>
public sealed class ExportException(string message) : Exception(message);

/// <summary>
/// Writes an export of the whole ledger (docs/FORMAT.md §9): <c>entries.jsonl</c>, every entry
/// of the global log in log order, one per line, exactly as hashed; <c>checkpoints.jsonl</c>,
/// the Merkle log's signed checkpoints over those entries; and <c>manifest.json</c>, written
/// last, naming the root key, the log key, the counts, every stream's head and the entries
/// file's SHA-256. The log is read once, page by page, and each line is written as it is read:
/// memory holds one page and one (count, head) per stream, whatever the size of the log.
/// </summary>
public static class LedgerExport
{
    public const string ManifestFileName = "manifest.json";
    public const string EntriesFileName = "entries.jsonl";
    public const string CheckpointsFileName = "checkpoints.jsonl";

    /// <summary>
    /// How many entries an export holds, decided when it starts. The log is integrated first and,
    /// when <paramref name="log"/> holds the log key, a checkpoint signed over everything
    /// committed; if a checkpoint then covers the whole integrated log, the export is exactly its
    /// tree, so that an honest export lies entirely under its newest checkpoint (the verifier
    /// reports entries beyond it, docs/VERIFIER.md) and entries committed since wait for the next
    /// export. Otherwise (this process does not hold the log key and its holder has not signed
    /// yet, or no log is given) every committed entry is exported, and the verifier says which
    /// no checkpoint covers. The checkpoint is then submitted to <paramref name="witnesses"/>, and
    /// the export waits for their cosignatures (bounded, docs/WITNESS.md), so that its newest
    /// checkpoint carries them.
    /// </summary>
    public static async Task<long> ExportedLogSizeAsync(LedgerDatabase database, LogIntegrator? log, WitnessCosigner? witnesses, CancellationToken cancellationToken)
    {
        if (log is null || await log.IntegrateAndSignNowAsync(cancellationToken) is not { Covered: true, Latest: { } latest })
        {
            return await database.Entries.LogSizeAsync(cancellationToken);
        }
        if (witnesses is not null)
        {
            await witnesses.CosignLatestNowAsync(database.DataSource, cancellationToken);
        }
        return latest.TreeSize;
    }

    /// <summary>
    /// Writes the entries file to <paramref name="destination"/>: the log's first
    /// <paramref name="logSize"/> entries (a log grows only at its end, in commit order, so this
    /// prefix is what the log was when it had that size).
    /// </summary>
    /// <returns>The manifest of what was written.</returns>
    /// <exception cref="ExportException">The registry is not open: the log has no root key.</exception>
    public static async Task<ExportManifest> WriteEntriesAsync(EntryStore store, long logSize, Stream destination, CancellationToken cancellationToken)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var streams = new Dictionary<string, ExportedStream>(StringComparer.Ordinal);
        string? rootPublicKey = null;
        string? rootKeyId = null;
        long count = 0;
        if (logSize > 0)
        {
            await foreach (var stored in store.ReadAllAsync(0, cancellationToken))
            {
                var entry = stored.Entry;
                Invariant.Holds(stored.LogPosition == count, $"the export reads log position {count} in order");
                // The chain is asserted again on the way out (STYLE.md 9): an export is what an
                // auditor trusts least and checks most, and it is never written broken.
                var previous = streams.GetValueOrDefault(entry.Stream);
                Invariant.Holds(entry.Sequence == (previous?.Entries ?? 0) && entry.PreviousHash.Equals(previous?.HeadHash ?? Hash.Zero),
                    $"entry {entry.Stream}#{entry.Sequence} follows its stream's previous entry");
                if (entry.Stream == RegistryRules.Stream && entry.Sequence == 0)
                {
                    var body = entry.BodyAs<RegistryOpenedBody>();
                    rootPublicKey = body.PublicKey.Value;
                    rootKeyId = body.KeyId.Value;
                }
                var line = entry.CanonicalBytes.ToArray();
                sha256.AppendData(line);
                sha256.AppendData("\n"u8);
                await destination.WriteAsync(line, cancellationToken);
                await destination.WriteAsync(NewLine, cancellationToken);
                streams[entry.Stream] = new ExportedStream(entry.Sequence + 1, entry.Hash);
                count++;
                if (count == logSize)
                {
                    break;
                }
            }
        }
        Invariant.Holds(count == logSize, $"the export holds the {logSize} entries the log had when it started");
        if (rootPublicKey is null || rootKeyId is null)
        {
            throw new ExportException("the registry is not open, so the ledger has no root key: start the server once, then export");
        }
        return new ExportManifest(rootPublicKey, rootKeyId, logSize, count, streams, Hash.FromBytes(sha256.GetHashAndReset()));
    }

    /// <summary>
    /// Writes the checkpoints file to <paramref name="destination"/>: every stored checkpoint of
    /// at most <paramref name="logSize"/> entries (so that each one's root can be recomputed
    /// from the exported entries), in tree-size order, one canonical JSON object
    /// <c>{"note":…,"treeSize":…}</c> per line.
    /// </summary>
    /// <returns>The log's verifier key (C2SP vkey text), or null if the log has none yet.</returns>
    public static async Task<string?> WriteCheckpointsAsync(MerkleLog log, long logSize, Stream destination, CancellationToken cancellationToken)
    {
        // The key first: every checkpoint read after it was signed by it (log_key is written once).
        var verifierKey = await log.VerifierKeyAsync(cancellationToken);
        long previous = 0;
        await foreach (var checkpoint in log.ReadCheckpointsAsync(logSize, cancellationToken))
        {
            Invariant.Holds(checkpoint.TreeSize > previous, "exported checkpoints are in growing tree-size order");
            previous = checkpoint.TreeSize;
            var line = CanonicalJson.Encode(new JsonObject { ["note"] = checkpoint.Note, ["treeSize"] = checkpoint.TreeSize });
            await destination.WriteAsync(line, cancellationToken);
            await destination.WriteAsync(NewLine, cancellationToken);
        }
        Invariant.Holds(previous == 0 || verifierKey is not null, "a log with checkpoints has a key");
        return verifierKey;
    }

    /// <summary>Writes the three files into <paramref name="directory"/>, which must exist; the manifest last.</summary>
    /// <param name="log">The log's integrator, to sign a checkpoint over every entry first (<see cref="ExportedLogSizeAsync"/>); null to sign nothing.</param>
    /// <param name="witnesses">The witnesses to have that checkpoint cosigned by; null for none.</param>
    public static async Task<ExportManifest> WriteDirectoryAsync(LedgerDatabase database, LogIntegrator? log, WitnessCosigner? witnesses, string directory,
        CancellationToken cancellationToken)
    {
        var logSize = await ExportedLogSizeAsync(database, log, witnesses, cancellationToken);
        ExportManifest manifest;
        await using (var entries = NewFile(Path.Combine(directory, EntriesFileName)))
        {
            manifest = await WriteEntriesAsync(database.Entries, logSize, entries, cancellationToken);
        }
        await using (var checkpoints = NewFile(Path.Combine(directory, CheckpointsFileName)))
        {
            manifest = manifest with
            {
                LogVerifierKey = await WriteCheckpointsAsync(new MerkleLog(database.DataSource), manifest.LogSize, checkpoints, cancellationToken),
            };
        }
        await using (var manifestFile = NewFile(Path.Combine(directory, ManifestFileName)))
        {
            await manifestFile.WriteAsync(manifest.ToBytes(), cancellationToken);
        }
        return manifest;
    }

    /// <summary>Writes a zip of the three files (entries, checkpoints, then the manifest) to <paramref name="destination"/>, which stays open.</summary>
    /// <param name="log">As for <see cref="WriteDirectoryAsync"/>.</param>
    /// <param name="witnesses">As for <see cref="WriteDirectoryAsync"/>.</param>
    public static async Task<ExportManifest> WriteZipAsync(LedgerDatabase database, LogIntegrator? log, WitnessCosigner? witnesses, Stream destination,
        DateTimeOffset writtenAt, CancellationToken cancellationToken)
    {
        var logSize = await ExportedLogSizeAsync(database, log, witnesses, cancellationToken);
        await using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        var entriesFile = zip.CreateEntry(EntriesFileName, CompressionLevel.Optimal);
        entriesFile.LastWriteTime = writtenAt;
        ExportManifest manifest;
        await using (var entries = await entriesFile.OpenAsync(cancellationToken))
        {
            manifest = await WriteEntriesAsync(database.Entries, logSize, entries, cancellationToken);
        }
        var checkpointsFile = zip.CreateEntry(CheckpointsFileName, CompressionLevel.Optimal);
        checkpointsFile.LastWriteTime = writtenAt;
        await using (var checkpoints = await checkpointsFile.OpenAsync(cancellationToken))
        {
            manifest = manifest with
            {
                LogVerifierKey = await WriteCheckpointsAsync(new MerkleLog(database.DataSource), manifest.LogSize, checkpoints, cancellationToken),
            };
        }
        var manifestFile = zip.CreateEntry(ManifestFileName, CompressionLevel.Optimal);
        manifestFile.LastWriteTime = writtenAt;
        await using (var manifestStream = await manifestFile.OpenAsync(cancellationToken))
        {
            await manifestStream.WriteAsync(manifest.ToBytes(), cancellationToken);
        }
        return manifest;
    }

    static FileStream NewFile(string path) => new(path, PrivateFileOptions(FileAccess.Write, FileOptions.Asynchronous));

    /// <summary>
    /// A new file readable by its owner only (0600) from the moment it exists: an export holds
    /// every household's stream, which the API shows to their residents and to auditors only.
    /// </summary>
    public static FileStreamOptions PrivateFileOptions(FileAccess access, FileOptions options)
    {
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = access, BufferSize = 1 << 16, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return fileOptions;
    }

    static readonly byte[] NewLine = "\n"u8.ToArray();
}
