using System.Diagnostics;

namespace Ledger.Tests.Cli;

/// <summary>The real verifier, run as `dotnet Verifier.dll ARGUMENTS` from the test's output folder, as a person runs it; and the registrar's tool the same way.</summary>
public static class VerifierProcess
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments) => RunAsync("Verifier.dll", arguments);

    public static Task<(int ExitCode, string Output, string Error)> RunRegistrarAsync(params string[] arguments) => RunAsync("Registrar.dll", arguments);

    static async Task<(int ExitCode, string Output, string Error)> RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // Bounded only so that a hung verifier fails the test instead of the run.
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await output, await error);
    }
}
