using System.Security.Cryptography;
using System.Text;
using Ledger.Checkpoints;

namespace Ledger.Witness;

/// <summary>
/// What the witness must never forget: per log, the newest checkpoint it cosigned, as the note it
/// answered with (the log's signature and its own cosignature), one file per log in
/// <c>DIR/logs/&lt;hex SHA-256 of the origin&gt;.note</c>, the name tlog-witness.md gives a log in
/// its monitoring URL. A checkpoint is cosigned only after its file is replaced and synced
/// (<see cref="DurableFile.Replace"/>), and one request at a time decides and persists
/// (tlog-witness.md: "checking the old size ... and persisting the new checkpoint must be
/// performed atomically"). A lock on <c>DIR/witness.lock</c> keeps a second process off the folder.
/// </summary>
public sealed class WitnessState : IDisposable
{
    const string LogsFolderName = "logs";
    const string NoteSuffix = ".note";
    const string LockFileName = "witness.lock";

    readonly string logsFolder;
    readonly FileStream folderLock;
    readonly Dictionary<string, CosignedCheckpoint> latest;
    readonly SemaphoreSlim oneAtATime = new(1, 1);

    WitnessState(string logsFolder, FileStream folderLock, Dictionary<string, CosignedCheckpoint> latest)
    {
        this.logsFolder = logsFolder;
        this.folderLock = folderLock;
        this.latest = latest;
    }

    /// <summary>Locks the folder and reads every log's newest cosigned checkpoint.</summary>
    /// <exception cref="IOException">Another witness process holds the folder, or it cannot be read.</exception>
    /// <exception cref="InvalidDataException">A state file is not what this witness wrote: it will not guess what it cosigned.</exception>
    public static WitnessState Open(string stateFolder)
    {
        var logsFolder = Path.Combine(stateFolder, LogsFolderName);
        Directory.CreateDirectory(logsFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        FileStream folderLock;
        try
        {
            folderLock = new FileStream(Path.Combine(stateFolder, LockFileName), new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException e)
        {
            throw new IOException($"{stateFolder} is in use by another witness process: {e.Message}", e);
        }
        try
        {
            var latest = new Dictionary<string, CosignedCheckpoint>(StringComparer.Ordinal);
            foreach (var path in Directory.EnumerateFiles(logsFolder))
            {
                if (path.EndsWith(DurableFile.TemporarySuffix, StringComparison.Ordinal))
                {
                    // Written but never renamed: nothing was answered with it.
                    File.Delete(path);
                    continue;
                }
                var (origin, checkpoint) = ReadStateFile(path);
                latest.Add(origin, checkpoint);
            }
            return new WitnessState(logsFolder, folderLock, latest);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    static (string Origin, CosignedCheckpoint Checkpoint) ReadStateFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var note = SignedNote.Parse(bytes);
        var checkpoint = note.IsValid ? Checkpoint.Parse(note.Note.Text) : default;
        if (!checkpoint.IsValid || Path.GetFileName(path) != FileName(checkpoint.Checkpoint.Origin))
        {
            throw new InvalidDataException($"{path} is not the newest checkpoint this witness cosigned for a log ({(note.IsValid ? checkpoint.Result : note.Result)})");
        }
        return (checkpoint.Checkpoint.Origin, new CosignedCheckpoint(checkpoint.Checkpoint.TreeSize, checkpoint.Checkpoint.RootHash.ToArray(), bytes));
    }

    /// <summary>The hex SHA-256 of the origin, lowercase (tlog-witness.md "Monitor Retrieval Mechanism").</summary>
    public static string OriginHash(string origin) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(origin)));

    static string FileName(string origin) => OriginHash(origin) + NoteSuffix;

    /// <summary>The newest checkpoint cosigned for the log whose origin hashes to <paramref name="originHash"/>, for monitors.</summary>
    public CosignedCheckpoint? LatestByOriginHash(string originHash)
    {
        lock (latest)
        {
            return latest.FirstOrDefault(l => OriginHash(l.Key) == originHash).Value;
        }
    }

    /// <summary>
    /// Runs <paramref name="decideAndSign"/> on the log's newest cosigned checkpoint, alone; if it
    /// returns a note to keep, stores it durably as the log's newest before returning, so the
    /// caller answers only with what is on disk.
    /// </summary>
    public async Task<T> UpdateAsync<T>(string origin, Func<CosignedCheckpoint?, (T Answer, CosignedCheckpoint? Keep)> decideAndSign, CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            CosignedCheckpoint? current;
            lock (latest)
            {
                current = latest.GetValueOrDefault(origin);
            }
            var (answer, keep) = decideAndSign(current);
            if (keep is not null)
            {
                DurableFile.Replace(Path.Combine(logsFolder, FileName(origin)), keep.Note);
                lock (latest)
                {
                    latest[origin] = keep;
                }
            }
            return answer;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    public void Dispose()
    {
        oneAtATime.Dispose();
        folderLock.Dispose();
    }
}
