using System.Diagnostics;
using System.Net;
using Ledger.Grains.Hosting;

namespace Ledger.Tests.Support;

/// <summary>
/// The real server, started as `dotnet Api.dll` in its own process on a free port, the way a
/// person starts it. Readiness is read from its own "Now listening on" line, not waited for.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    readonly Process process;
    readonly List<string> output = [];

    ServerProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Everything the server printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output);
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.On(IPAddress.Loopback)}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString());
        // Its own silo port, so that servers of several tests on this machine never meet.
        start.ArgumentList.Add("--Silo:Port");
        start.ArgumentList.Add(FreePort.On(IPAddress.Loopback).ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The child must not inherit the test's own connection settings unless asked to.
        start.Environment.Remove("ConnectionStrings__Ledger");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = new Process { StartInfo = start };
        var server = new ServerProcess(process, address);
        var listening = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (server.output)
            {
                server.output.Add(line);
            }
            if (line.Contains("Now listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult(true);
            }
        }
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetResult(false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Bounded only so that a hung start fails the test instead of the run (the 90 s).
        var started = await listening.Task.WaitAsync(TimeSpan.FromSeconds(90));
        if (!started)
        {
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"the server exited with code {process.ExitCode}:\n{server.Output}");
        }
        return server;
    }

    /// <summary>Runs the server to completion (for start-up failures) and returns its exit code.</summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        RunToExitInAsync(AppContext.BaseDirectory, environment, arguments);

    /// <summary>Runs the server to completion in <paramref name="workingFolder"/> and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitInAsync(string workingFolder, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingFolder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Api.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>Ends the process at once, as a crash or `kill -9` would: nothing is flushed or shut down.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>Stops the server as Ctrl+C or a service manager would (SIGTERM) and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        process.Dispose();
    }
}
