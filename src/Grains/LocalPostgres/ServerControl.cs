using System.Text.RegularExpressions;

namespace Ledger.Grains.LocalPostgres;

/// <summary>
/// pg_ctl on a cluster folder: whether its server is running, starting it so that it outlives
/// this process, and stopping it; when a start fails, the reason from the server log.
/// </summary>
static class ServerControl
{
    // pg_ctl -w waits for the server to report "ready". Its default of 60 s can be too short
    // for crash recovery after a killed process on a slow disk; a start that takes longer
    // than this is better reported than waited on forever.
    const int StartTimeoutSeconds = 300;

    /// <summary>The server log of the cluster in <paramref name="clusterFolder"/>.</summary>
    public static string LogFile(string clusterFolder) => Path.Combine(clusterFolder, "server.log");

    public static async Task<bool> IsRunningAsync(PostgresCommands commands, string clusterFolder, CancellationToken cancellationToken)
    {
        var result = await commands.RunAsync("pg_ctl", ["status", "--pgdata", clusterFolder], cancellationToken);
        return result.ExitCode switch
        {
            0 => true,
            // 3 is "no server running", also when a killed server left a stale postmaster.pid
            // (pg_ctl checks that the pid is alive); the postmaster itself clears that file.
            3 => false,
            _ => throw new LocalClusterException($"pg_ctl status failed on {clusterFolder}: {result.LastUsefulLine()}"),
        };
    }

    public static async Task StartAsync(PostgresCommands commands, string clusterFolder, CancellationToken cancellationToken)
    {
        var logFile = LogFile(clusterFolder);
        // -l: pg_ctl redirects the server's output (and stdin from /dev/null), so the server
        // keeps none of our pipes open and survives this process.
        var result = await commands.RunAsync("pg_ctl",
            ["start", "--pgdata", clusterFolder, "--log", logFile, "--wait", $"--timeout={StartTimeoutSeconds}"],
            cancellationToken);
        if (result.ExitCode != 0)
        {
            // pg_ctl only says "could not start server / Examine the log output": the reason
            // (port in use, incompatible version, permissions) is in the server log.
            throw new LocalClusterException(
                $"PostgreSQL in {clusterFolder} did not start: {FirstComplaintOfLastStart(logFile)} (server log: {logFile})");
        }
    }

    /// <summary>
    /// Stops the server with <c>pg_ctl stop -m <paramref name="mode"/></c> (fast: rolls back
    /// open transactions, keeps committed ones; immediate: as a crash would); does nothing if
    /// it is not running.
    /// </summary>
    public static async Task StopAsync(PostgresCommands commands, string clusterFolder, CancellationToken cancellationToken, string mode = "fast")
    {
        if (!await IsRunningAsync(commands, clusterFolder, cancellationToken))
        {
            return;
        }
        var result = await commands.RunAsync("pg_ctl",
            ["stop", "--pgdata", clusterFolder, "--mode", mode, "--wait"], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new LocalClusterException(
                $"pg_ctl stop failed: {result.LastUsefulLine()} (server log: {LogFile(clusterFolder)})");
        }
    }

    /// <summary>
    /// The first line of the last start attempt in the server log that complains: the
    /// cause comes first, its consequences ("FATAL: could not create any TCP/IP sockets"
    /// after "could not bind … Address already in use") after it.
    /// </summary>
    static string FirstComplaintOfLastStart(string logFile)
    {
        List<string> lines;
        try
        {
            lines = File.ReadLines(logFile).TakeLast(100).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read the server log ({e.Message})";
        }
        var lastStart = lines.FindLastIndex(line => line.Contains("starting PostgreSQL", StringComparison.Ordinal));
        var complaint = lines.Skip(Math.Max(lastStart, 0)).FirstOrDefault(ProcessResult.IsComplaint) ?? lines.LastOrDefault() ?? "the server log is empty";
        // Drop log_line_prefix's "2026-01-01 12:00:00.000 UTC [1234] ".
        return Regex.Replace(complaint, @"^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[\d+\] ", "");
    }
}
