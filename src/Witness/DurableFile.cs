using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

// The witness's durability rests on POSIX: owner-only file modes and fsync(2) of a folder.
[assembly: UnsupportedOSPlatform("windows")]

namespace Ledger.Witness;

/// <summary>
/// Files the witness writes so that what it answered survives a crash or a power cut: the
/// bytes synced to disk, then the rename, then the folder synced so that the new name is too
/// (rename(2) is atomic, but durable only once the directory is). Readable by the owner only
/// from the moment the file exists, and never with a byte-order mark: bytes are written as given.
/// </summary>
public static class DurableFile
{
    /// <summary>Writes a new file; an existing one is never overwritten.</summary>
    /// <exception cref="IOException">The file exists, or cannot be written.</exception>
    public static void CreateNew(string path, ReadOnlySpan<byte> bytes)
    {
        Write(path, FileMode.CreateNew, bytes);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/> atomically: a reader, or the next start after a crash, finds the old file or the new one, whole.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = path + TemporarySuffix;
        Write(temporary, FileMode.Create, bytes);
        File.Move(temporary, path, overwrite: true);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>The suffix of a file <see cref="Replace"/> had not renamed yet when the process stopped: never state, deleted at start.</summary>
    public const string TemporarySuffix = ".tmp";

    static void Write(string path, FileMode mode, ReadOnlySpan<byte> bytes)
    {
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using var file = new FileStream(path, options);
        file.Write(bytes);
        file.Flush(flushToDisk: true);
    }

    /// <summary>fsync(2) of a folder, which .NET offers no call for.</summary>
    static void SyncFolder(string folder)
    {
        const int ReadOnly = 0; // O_RDONLY: a folder opens read-only, and fsync(2) takes any descriptor
        int descriptor = open(folder, ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"{folder} cannot be opened to sync it", new Win32Exception(Marshal.GetLastPInvokeError()));
        }
        try
        {
            if (fsync(descriptor) != 0)
            {
                throw new IOException($"{folder} cannot be synced", new Win32Exception(Marshal.GetLastPInvokeError()));
            }
        }
        finally
        {
            _ = close(descriptor);
        }
    }

#pragma warning disable SYSLIB1054, CA2101 // three plain libc calls; LibraryImport would need unsafe code for nothing
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    static extern int fsync(int descriptor);

    [DllImport("libc", SetLastError = true)]
    static extern int close(int descriptor);
#pragma warning restore SYSLIB1054, CA2101
}
