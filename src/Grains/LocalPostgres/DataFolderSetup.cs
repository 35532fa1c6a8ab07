using System.Runtime.Versioning;

namespace Ledger.Grains.LocalPostgres;

/// <summary>
/// The data folder that holds the cluster and its password file: made, private, on every
/// start (and checked to be usable by the user PostgreSQL runs as), and the private files in it.
/// </summary>
static class DataFolderSetup
{
    [UnsupportedOSPlatform("windows")]
    public static async Task PrepareAsync(string dataFolder, PostgresCommands commands, CancellationToken cancellationToken)
    {
        // --data is the server's option for the folder (src/Api/Program.cs).
        var advice = "choose a folder such as /var/lib/ledger or /tmp/ledger (--data DIR)";
        // The folders still to be made, outermost first; the rest of the path exists.
        var missing = new List<string>();
        for (var folder = dataFolder; !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Insert(0, folder);
        }
        var existing = missing.Count == 0 ? dataFolder : Path.GetDirectoryName(missing[0])!;

        if (commands.RunsAsPostgresUser)
        {
            // Root can write anywhere, but the server runs as postgres, which must be able to
            // traverse every folder above its cluster: /root (mode 0700) is the usual trap.
            // `test -x` run as postgres asks access(2), which checks the whole path at once.
            // Checked on what exists before making anything, so a refusal leaves no trace.
            var result = await commands.RunAsync(commands.Test, ["-x", existing], cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new LocalClusterException(
                    $"data folder {dataFolder} is not writable/traversable by the postgres user (PostgreSQL runs as postgres when started as root): {advice}");
            }
        }

        try
        {
            foreach (var folder in missing)
            {
                // Private to us. When we are root, the postgres user may pass through (but
                // not list) to reach the cluster folder it owns. Set explicitly: mkdir's
                // mode is cut by the umask.
                Directory.CreateDirectory(folder);
                File.SetUnixFileMode(folder, commands.RunsAsPostgresUser
                    ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            // A probe rather than reading mode bits: it also catches read-only mounts, ACLs
            // and a folder owned by someone else.
            var probe = Path.Combine(dataFolder, $".write-probe-{Environment.ProcessId}");
            await File.WriteAllTextAsync(probe, "", cancellationToken);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalClusterException($"data folder {dataFolder} is not writable ({e.Message}): {advice}");
        }
    }

    [UnsupportedOSPlatform("windows")]
    public static void WritePrivateFile(string path, string contents)
    {
        // Created with mode 0600 from the start (no window where it is world-readable), in a
        // temporary file renamed over the target so a reader never sees half a password.
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        // No byte-order mark: initdb takes the file's first line as the password, mark and all,
        // and a tool that passes the file's text to Npgsql (the verifier's --database) failed to log in.
        using (var writer = new StreamWriter(temporary, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(contents);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
