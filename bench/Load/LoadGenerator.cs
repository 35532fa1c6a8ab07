using System.Diagnostics;
using System.Net;
using Ledger.Api.Demo;
using Ledger.Bench.Chaos;
using Ledger.Bench.Limits;
using Ledger.Client;
using Ledger.Grains.LocalPostgres;
using Ledger.Verifier.Verification;
using Npgsql;

namespace Ledger.Bench.Load;

/// <summary>
/// Issue 8 item 2 and issue 16 item 5, the end-to-end load generator:
/// <c>dotnet run -c Release --project bench -- load [--url URL --data DIR] [--clients N]
/// [--seconds S] [--warmup S] [--households H] [--projects P] [--rate R] [--checkpoint-interval S] [--seed N] [--batch B]</c>.
/// N concurrent clients send signed commands over HTTP on loopback for S seconds after a
/// warm-up (<see cref="LoadWorkload"/> says what), closed loop or, with --rate, open
/// loop at R commands per second; with --batch, closed loop, B points awards at a time in one
/// batch (POST /v1/commands), each acknowledged, refused and checked as a single command is, to a server process of its own (or the one at --url). The
/// window's commands are signed before it opens (<see cref="SigningAhead"/>), so that it
/// measures the server; the server's CPU time per command is read from its process and set
/// next to one Ed25519 verify on one core, measured first. Then every acknowledged command is
/// looked up in the ledger (stream, sequence, hash and log position) and the verifier audits
/// the whole ledger.
/// Prints a markdown table; exit code 0 when everything acknowledged is stored as
/// acknowledged and the verifier finds nothing, 1 otherwise, 2 for bad arguments or a
/// target that cannot be set up. Figures are reported, never asserted.
/// </summary>
public static class LoadGenerator
{
    public const int Valid = 0;
    public const int Findings = 1;
    public const int Unusable = 2;

    /// <summary>How long after the load the checkpoint watch waits for a checkpoint covering the last command.</summary>
    static readonly TimeSpan CoverageWait = TimeSpan.FromSeconds(30);

    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the one-core Ed25519 verify rate is measured, before the server starts.</summary>
    static readonly TimeSpan Ed25519Duration = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var (options, problem) = LoadOptions.Parse(args);
        if (options is null)
        {
            error.WriteLine($"bench load: {problem}");
            return Unusable;
        }
        try
        {
            var figures = await MeasureAsync(options, output);
            return figures.LedgerComplete && figures.AuditValid ? Valid : Findings;
        }
        catch (LoadSetupException e)
        {
            error.WriteLine($"bench load: {e.Message}");
            return Unusable;
        }
    }

    /// <summary>One run: sets up the target, loads it, checks and audits it, prints the report and returns its figures.</summary>
    /// <exception cref="LoadSetupException">The target cannot be set up or reached: one line that says why.</exception>
    public static async Task<LoadFigures> MeasureAsync(LoadOptions options, TextWriter output)
    {
        try
        {
            // Before the server starts: the rate of one core that its CPU per command is set against.
            var ed25519OneCore = Ed25519Rate.OneCore(Ed25519Duration);
            await using ILoadTarget target = options.Url is { } url
                ? new RemoteTarget(url, options.DataFolder!)
                : await ServerProcessTarget.StartAsync(options.CheckpointIntervalSeconds, output, CancellationToken.None);
            return await MeasureAsync(options, target, ed25519OneCore, output);
        }
        catch (Exception e) when (e is DemoException or LocalClusterException or NpgsqlException
            or HttpRequestException or UnreadableInputException or IOException or ChaosSetupException)
        {
            throw new LoadSetupException(e.Message);
        }
    }

    static async Task<LoadFigures> MeasureAsync(LoadOptions options, ILoadTarget target, double ed25519OneCore, TextWriter output)
    {
        using var http = new HttpClient { BaseAddress = target.Address, Timeout = RequestTimeout };
        var setupClient = new LedgerClient(http, TimeProvider.System);
        var health = await setupClient.GetAsync("/health");
        if (!health.IsSuccess)
        {
            throw new LoadSetupException($"{target.Address}health answered {(int)health.Status}");
        }
        var runId = $"load-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{options.Seed}";
        var workload = new LoadWorkload(LoadPeople.Load(target.KeysFolder), runId, options.Households, options.Projects);
        await workload.SetUpAsync(setupClient, CancellationToken.None);
        using var vkey = await http.GetAsync("/v1/log/vkey");
        var logKey = vkey.StatusCode == HttpStatusCode.OK ? await vkey.Content.ReadAsStringAsync() : null;
        var logSizeBefore = await LogSizeAsync(setupClient);
        output.WriteLine($"run {runId}: {options.Clients} clients, {(options.Rate is { } r ? $"open loop at {r:N0} commands/s" : "closed loop")}"
            + $"{(options.Batch is { } b ? $" of batches of {b} points awards" : "")}, "
            + $"{options.WarmupSeconds} s warm-up + {options.Seconds} s measured, {options.Households:N0} households, {options.Projects} projects, seed {options.Seed} …");

        using var stopWatching = new CancellationTokenSource();
        using var watchHttp = new HttpClient { BaseAddress = target.Address, Timeout = RequestTimeout };
        var watch = new CheckpointWatch(watchHttp);
        var watching = watch.RunAsync(stopWatching.Token);

        var postmaster = await target.DatabaseProcessIdAsync(CancellationToken.None);
        var serverRuntime = target.ServerProcessId is { } serverProcessId ? ServerRuntime.TryStart(serverProcessId) : null;
        var clients = new List<(LoadClient Client, ClientScript Script, HttpClient Http)>();
        var startAt = Stopwatch.GetTimestamp();
        var measureFrom = startAt + (long)options.WarmupSeconds * Stopwatch.Frequency;
        var endAt = measureFrom + (long)options.Seconds * Stopwatch.Frequency;
        for (var i = 0; i < options.Clients; i++)
        {
            // Each client its own HttpClient and so its own keep-alive connection.
            var clientHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = target.Address, Timeout = RequestTimeout };
            var ledgerClient = new LedgerClient(clientHttp, TimeProvider.System);
            var script = new ClientScript(workload, i, new Random(options.Seed + i), ledgerClient, awardsOnly: options.Batch is not null);
            clients.Add((new LoadClient(ledgerClient, workload, script, new Pacer(startAt, measureFrom, options.Rate, options.Clients, i), measureFrom, endAt, options.Batch),
                script, clientHttp));
        }
        var signingAhead = SigningAhead.RunAsync([.. clients.Select(c => c.Script)], () => clients.Sum(c => c.Client.AcknowledgedSoFar),
            options.Rate, options.Seconds, measureFrom, endAt);
        CpuSample? cpuFrom = null;
        RuntimeUse? serverFrom = null;
        var sampling = Task.Run(async () =>
        {
            var warmupLeft = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureFrom);
            if (warmupLeft > TimeSpan.Zero)
            {
                await Task.Delay(warmupLeft);
            }
            cpuFrom = CpuSample.Take();
            serverFrom = serverRuntime?.Sample();
        });
        await Task.WhenAll(clients.Select(c => Task.Run(c.Client.RunAsync)));
        var cpuTo = CpuSample.Take();
        var serverTo = serverRuntime?.Sample();
        await sampling;
        if (serverRuntime is not null)
        {
            await serverRuntime.DisposeAsync();
        }
        var signedAhead = await signingAhead;
        foreach (var (_, _, clientHttp) in clients)
        {
            clientHttp.Dispose();
        }

        var acknowledgements = clients.SelectMany(c => c.Client.Acknowledgements).ToList();
        if (acknowledgements.Count > 0)
        {
            output.WriteLine("load done; waiting for a checkpoint that covers the last acknowledged command …");
            await watch.WaitForCoverageAsync(acknowledgements.Max(a => a.LastLogPosition),
                Stopwatch.GetTimestamp() + (long)(CoverageWait.TotalSeconds * Stopwatch.Frequency));
        }
        await stopWatching.CancelAsync();
        await watching;
        var lag = watch.Lag([.. acknowledgements.Where(a => a.At >= measureFrom)]);
        var logSizeAfter = await LogSizeAsync(setupClient);

        output.WriteLine("checking every acknowledged command against the ledger …");
        var entries = acknowledgements.SelectMany(a => a.Entries).ToList();
        var check = LedgerCheck.Compare(acknowledgements, await target.ReadStoredAsync(entries, CancellationToken.None));
        output.WriteLine("auditing the ledger with the verifier …");
        var auditing = Stopwatch.StartNew();
        var audit = await target.StopAndAuditAsync(logKey, CancellationToken.None);
        var auditTime = auditing.Elapsed;

        var report = new LoadReport(options, target.Description, health.Body.GetProperty("postgresVersion").ToString(),
            clients.Select(c => c.Client).ToList(), measureFrom, endAt, CpuSample.Between(cpuFrom!, cpuTo, target.ServerProcessId, postmaster), lag, watch.Failures,
            signedAhead, ed25519OneCore, serverTo - serverFrom);
        output.WriteLine();
        report.Write(output);
        output.WriteLine();
        check.Write(output, logSizeAfter - logSizeBefore);
        output.WriteLine(audit.Valid
            ? $"verifier: VALID ({audit.EntryCount:N0} entries in {audit.StreamCount:N0} streams, {audit.CheckpointCount} checkpoints, "
                + $"root key {(audit.RootKeyPinned ? "pinned" : "not pinned")}, log key {(audit.LogKeyPinned ? "pinned" : "not pinned")}; {auditTime.TotalSeconds:N1} s)"
            : $"verifier: {audit.Findings.Count} finding(s)");
        foreach (var finding in audit.Findings.Take(20))
        {
            output.WriteLine($"  {finding}");
        }
        return report.Figures() with { LedgerComplete = check.Complete, AuditValid = audit.Valid };
    }

    static async Task<long> LogSizeAsync(LedgerClient client)
    {
        var health = await client.GetAsync("/health");
        return health.IsSuccess ? health.Body.GetProperty("logSize").GetInt64() : throw new LoadSetupException($"/health answered {(int)health.Status}");
    }
}
