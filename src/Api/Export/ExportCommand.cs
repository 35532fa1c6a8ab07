using System.ComponentModel.DataAnnotations;
using Ledger.Api.Hosting;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Ledger.Grains.LocalPostgres;
using Ledger.Grains.Storage;
using Ledger.Signing;
using Npgsql;

namespace Ledger.Api.Export;

/// <summary>
/// <c>export OUT_DIR [--data DIR]</c>: opens the database as the server would (the configured
/// connection string, else the local cluster in the data folder) without serving HTTP, and
/// writes an export directory (docs/FORMAT.md §9), after signing a checkpoint over every entry
/// with the data folder's log key if it holds the log's, and having the witnesses cosign it
/// (docs/WITNESS.md). Exit codes: 0 written; 1 the database
/// cannot be read; 2 OUT_DIR cannot be used (checked before the database is opened).
/// </summary>
public static class ExportCommand
{
    public const int Written = 0;
    public const int Failed = 1;
    public const int BadOutputFolder = 2;

    /// <param name="witnesses">The witnesses to have the checkpoint signed here cosigned by (the environment's, as the server's); none if null.</param>
    public static async Task<int> RunAsync(string outputFolder, string dataFolder, string? connectionString,
        TextWriter output, TextWriter error, CancellationToken cancellationToken = default, WitnessSettings? witnesses = null)
    {
        witnesses ??= new WitnessSettings();
        var invalid = new List<ValidationResult>();
        if (!Validator.TryValidateObject(witnesses, new ValidationContext(witnesses), invalid, validateAllProperties: true))
        {
            error.WriteLine($"ledger export: {string.Join("; ", invalid.Select(r => r.ErrorMessage))}");
            return Failed;
        }
        var folder = Path.GetFullPath(outputFolder);
        if (Prepare(folder) is { } problem)
        {
            error.WriteLine($"ledger export: {problem}");
            return BadOutputFolder;
        }
        try
        {
            await using var database = await LedgerDatabase.OpenAsync(connectionString, dataFolder, cancellationToken);
            using var logKey = LogKeyOf(dataFolder);
            // A witness that does not cosign in time is named on standard error.
            using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true)
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
            using var cosigner = new WitnessCosigner(witnesses, TimeProvider.System, loggers.CreateLogger("ledger export"));
            var manifest = await LedgerExport.WriteDirectoryAsync(database, await LogSignerAsync(database, logKey, cancellationToken), cosigner, folder,
                cancellationToken);
            output.WriteLine($"exported {manifest.EntryCount} entries of {manifest.Streams.Count} streams to {folder}; root key fingerprint {manifest.RootKeyId}");
            return Written;
        }
        catch (Exception e) when (e is LocalClusterException or SchemaTooNewException or NpgsqlException or ExportException
            or IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or InvariantViolationException)
        {
            // One line that says what went wrong, not a stack trace: a damaged log key file, or a
            // Merkle log that does not check out (nothing is signed over it), included.
            error.WriteLine($"ledger export: {e.Message}");
            return Failed;
        }
    }

    /// <summary>The log key in the data folder (keys/log.json, docs/FORMAT.md §10.3), if the folder holds one; never made here.</summary>
    static SigningKey? LogKeyOf(string dataFolder)
    {
        var path = Path.Combine(dataFolder, "keys", LedgerStartup.LogKeyFileName);
        return File.Exists(path) ? KeyFile.Decode(File.ReadAllBytes(path), path).Key : null;
    }

    /// <summary>
    /// A signer of the log's checkpoints with the data folder's log key, under the origin the
    /// database records for it, so that the export can sign a checkpoint over every entry as
    /// the server would (the log's lock keeps it from signing at once with a running server).
    /// Null if the folder holds no key or the log records none; a key that is not the recorded
    /// one signs nothing (the integrator checks), and the export then holds what is committed.
    /// </summary>
    static async Task<LogIntegrator?> LogSignerAsync(LedgerDatabase database, SigningKey? logKey, CancellationToken cancellationToken)
    {
        if (logKey is null || await new MerkleLog(database.DataSource).VerifierKeyAsync(cancellationToken) is not { } recorded
            || NoteVerifierKey.Parse(recorded).Key is not { } recordedKey)
        {
            return null;
        }
        return new LogIntegrator(database.DataSource, new NoteSigner(recordedKey.Name, logKey), TimeProvider.System);
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
