using Ledger.Grains.LocalPostgres;
using Ledger.Grains.Storage;
using Npgsql;

namespace Ledger.Api.Export;

/// <summary>
/// <c>export OUT_DIR [--data DIR]</c>: opens the database as the server would (the configured
/// connection string, else the local cluster in the data folder) without serving HTTP, and
/// writes an export directory (docs/FORMAT.md §9). Exit codes: 0 written; 1 the database
/// cannot be read; 2 OUT_DIR cannot be used (checked before the database is opened).
/// </summary>
public static class ExportCommand
{
    public const int Written = 0;
    public const int Failed = 1;
    public const int BadOutputFolder = 2;

    public static async Task<int> RunAsync(string outputFolder, string dataFolder, string? connectionString,
        TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var folder = Path.GetFullPath(outputFolder);
        if (Prepare(folder) is { } problem)
        {
            error.WriteLine($"ledger export: {problem}");
            return BadOutputFolder;
        }
        try
        {
            await using var database = await LedgerDatabase.OpenAsync(connectionString, dataFolder, cancellationToken);
            var manifest = await LedgerExport.WriteDirectoryAsync(database, folder, cancellationToken);
            output.WriteLine($"exported {manifest.EntryCount} entries of {manifest.Streams.Count} streams to {folder}; root key fingerprint {manifest.RootKeyId}");
            return Written;
        }
        catch (Exception e) when (e is LocalClusterException or SchemaTooNewException or NpgsqlException or ExportException
            or IOException or UnauthorizedAccessException)
        {
            // One line that says what went wrong, not a stack trace.
            error.WriteLine($"ledger export: {e.Message}");
            return Failed;
        }
    }

    /// <summary>Creates the folder if needed; a reason it cannot take an export, or null.</summary>
    static string? Prepare(string folder)
    {
        if (File.Exists(folder))
        {
            return $"{folder} is a file: name a new or empty folder";
        }
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            return $"{folder} is not empty: name a new or empty folder (an export never overwrites)";
        }
        try
        {
            Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
            {
                // The export's folder is its owner's alone (0700), as its files are (0600).
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            using (File.Create(Path.Combine(folder, ".write-test"), 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{folder} cannot be written: {e.Message}";
        }
        return null;
    }
}
