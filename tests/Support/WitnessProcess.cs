using System.Diagnostics;
using System.Globalization;
using System.Net;
using Ledger.Grains.Hosting;
using System.Text;

namespace Ledger.Tests.Support;

/// <summary>
/// The witness (src/Witness) as a person runs it: `dotnet Witness.dll serve` in a process of its
/// own, on a free port. Readiness is read from its own "serving" line, not waited for. Test
/// projects that use it reference src/Witness, so that Witness.dll sits beside them.
/// </summary>
public sealed class WitnessProcess : IAsyncDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();

    WitnessProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>`witness init`: returns its exit code and what it printed.</summary>
    public static Task<(int ExitCode, string Output, string Error)> InitAsync(string stateFolder, string name) =>
        RunToExitAsync("init", "--name", name, "--state", stateFolder);

    public static async Task<(int ExitCode, string Output, string Error)> RunToExitAsync(params string[] arguments)
    {
        using var process = Process.Start(Start(arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout, await stderr);
    }

    public static async Task<WitnessProcess> ServeAsync(string stateFolder, string logOrigin, string logVerifierKey)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.On(IPAddress.Loopback).ToString(CultureInfo.InvariantCulture)}");
        var process = new Process { StartInfo = Start("serve", "--state", stateFolder, "--log", $"{logOrigin}={logVerifierKey}", "--listen", address.ToString()) };
        var witness = new WitnessProcess(process, address);
        var serving = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (witness.output)
            {
                witness.output.AppendLine(line);
            }
            if (line.StartsWith("witness ", StringComparison.Ordinal) && line.Contains(" serving ", StringComparison.Ordinal))
            {
                serving.TrySetResult(true);
            }
        }
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => serving.TrySetResult(false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Bounded only so that a hung start fails the test instead of the run.
        if (!await serving.Task.WaitAsync(TimeSpan.FromSeconds(60)))
        {
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"the witness exited with code {process.ExitCode}:\n{witness.Output}");
        }
        return witness;
    }

    /// <summary>POST /add-checkpoint: the status, the content type and the body.</summary>
    public async Task<(HttpStatusCode Status, string? ContentType, string Body)> AddCheckpointAsync(string body)
    {
        using var response = await Http.PostAsync("/add-checkpoint", new ByteArrayContent(Encoding.UTF8.GetBytes(body)));
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Ends the process at once, as a crash or `kill -9` would.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    static ProcessStartInfo Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Witness.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }
}
