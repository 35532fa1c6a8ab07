using System.Diagnostics;

namespace Ledger.Grains.LocalPostgres;

/// <summary>What a finished process printed (stderr after stdout) and its exit code.</summary>
sealed record ProcessResult(int ExitCode, string Output)
{
    public static async Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Our working folder may be one the postgres user cannot enter (/root).
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            throw new LocalClusterException($"cannot run {program}: {e.Message}");
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new ProcessResult(process.ExitCode, await output + await error);
    }

    /// <summary>
    /// The line of the output that best says what went wrong: PostgreSQL tools end with
    /// housekeeping ("removing data directory …", "Examine the log output."), so the last
    /// line naming an error wins over the last line.
    /// </summary>
    public string LastUsefulLine()
    {
        var lines = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.LastOrDefault(IsComplaint)
            ?? lines.LastOrDefault()
            ?? $"no output, exit code {ExitCode}";
    }

    /// <summary>Whether a line of a PostgreSQL tool's output, or of the server log, says that something went wrong.</summary>
    public static bool IsComplaint(string line) =>
        line.Contains("error", StringComparison.OrdinalIgnoreCase)
        || line.Contains("FATAL", StringComparison.Ordinal)
        || line.Contains("PANIC", StringComparison.Ordinal)
        || line.Contains("could not", StringComparison.Ordinal);
}
