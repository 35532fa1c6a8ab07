using System.Diagnostics;
using System.Globalization;
using System.Net;
using Ledger.Client;
using Ledger.Grains.Hosting;

namespace Ledger.Bench.Chaos;

/// <summary>
/// One server process of the cluster, started as a person starts it (`dotnet Api.dll`, which
/// is beside the bench's own assembly since the bench references src/Api) on loopback ports
/// of its own, and started again after it was killed: the same data folder, new free HTTP and
/// silo ports. Its output goes to a log file; readiness is its own "Now listening on" line.
/// The fault runner starts it with fast failure detection (<see cref="FastFailover"/>); the load
/// generator, as a process of its own so that its CPU time is the server's alone.
/// </summary>
/// <param name="settings">Further settings as arguments, e.g. ["--Log:CheckpointIntervalSeconds", "1"].</param>
public sealed class ServerNode(string name, string dataFolder, string connectionString, string logFile, IReadOnlyList<string> settings) : IAsyncDisposable
{
    // Bounded so that a hung start fails the run instead of stalling it.
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    // Longer than a command may take (the database deadline, then a grain call's response
    // timeout): past it the client counts no answer and sends the command again.
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    readonly StreamWriter log = new(logFile, append: false) { AutoFlush = true };
    // Every HttpClient this node had: a client still waiting on the old address keeps its own
    // until the end, when all are disposed.
    readonly List<HttpClient> https = [];
    Process? process;
    bool killed;
    bool disposed;

    public string Name => name;

    public string LogFile => logFile;

    /// <summary>The client of the node's current address; a dead node's refuses connections at once.</summary>
    public LedgerClient Client { get; private set; } = null!;

    public int SiloPort { get; private set; }

    public int ProcessId => process?.Id ?? 0;

    /// <summary>Times the process ended without being killed or stopped by the runner.</summary>
    public int UnexpectedExits { get; private set; }

    public bool IsRunning => process is { HasExited: false };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.On(IPAddress.Loopback)}");
        SiloPort = FreePort.On(IPAddress.Loopback);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "Api.dll"),
            "--urls", address.ToString(),
            "--Silo:Port", SiloPort.ToString(CultureInfo.InvariantCulture),
            "--data", dataFolder,
            // Request logs would cost more than some commands; readiness is the lifetime's line.
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information",
            .. settings,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ConnectionStrings__Ledger"] = connectionString;
        var started = new Process { StartInfo = start, EnableRaisingEvents = true };
        var listening = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }
            Write(line);
            if (line.Contains("Now listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult(true);
            }
        }
        started.OutputDataReceived += (_, e) => Collect(e.Data);
        started.ErrorDataReceived += (_, e) => Collect(e.Data);
        started.Exited += (_, _) =>
        {
            listening.TrySetResult(false);
            Write($"chaos: {name} (pid {started.Id}) exited{(killed ? " (killed or stopped by the runner)" : " BY ITSELF")}");
            if (!killed)
            {
                UnexpectedExits++;
            }
        };
        Write($"chaos: starting {name} on {address} with silo port {SiloPort}");
        killed = false;
        started.Start();
        process?.Dispose();
        process = started;
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        bool listens;
        try
        {
            listens = await listening.Task.WaitAsync(StartTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new ChaosSetupException($"server {name} was not listening {StartTimeout.TotalSeconds:F0} s after it started (its output: {logFile})");
        }
        if (!listens)
        {
            throw new ChaosSetupException($"server {name} exited with code {started.ExitCode} while starting (its output: {logFile})");
        }
        var http = new HttpClient { BaseAddress = address, Timeout = RequestTimeout };
        lock (https)
        {
            https.Add(http);
        }
        Client = new LedgerClient(http, TimeProvider.System);
    }

    /// <summary>kill -9: nothing is flushed or shut down, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (process is not { HasExited: false } running)
        {
            return;
        }
        killed = true;
        running.Kill();
        await running.WaitForExitAsync();
    }

    /// <summary>Stops the process as a service manager would (SIGTERM), killing it if it does not exit in time.</summary>
    /// <returns>Whether it stopped by itself.</returns>
    public async Task<bool> StopAsync()
    {
        if (process is not { HasExited: false } running)
        {
            return true;
        }
        killed = true;
        using (var term = Process.Start("kill", ["-TERM", running.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }
        try
        {
            await running.WaitForExitAsync().WaitAsync(StopTimeout);
            return true;
        }
        catch (TimeoutException)
        {
            await KillAsync();
            return false;
        }
    }

    /// <summary>Kills the process if it still runs: whatever happened, the runner leaves nothing behind.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
        lock (https)
        {
            foreach (var http in https)
            {
                http.Dispose();
            }
        }
        lock (log)
        {
            disposed = true;
            log.Dispose();
        }
    }

    /// <summary>A line of the log; lines that arrive after the end (the exit of a killed process) are dropped.</summary>
    void Write(string line)
    {
        lock (log)
        {
            if (!disposed)
            {
                log.WriteLine(line);
            }
        }
    }
}

/// <summary>The run could not be set up or a fault could not be recovered from: one line that says why.</summary>
public sealed class ChaosSetupException(string message) : Exception(message);
