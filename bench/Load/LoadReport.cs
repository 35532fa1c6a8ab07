using System.Diagnostics;
using System.Runtime.InteropServices;
using Ledger.Bench.Report;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

namespace Ledger.Bench.Load;

/// <summary>
/// A load run's headline figures: acknowledged commands per second and p99 latency in the
/// measured window, the server's CPU time per acknowledged command in it (null when the server
/// is not a process of ours) and one Ed25519 verify on one core in the same run, the longest
/// checkpoint lag, errors in the whole run, and the final checks.
/// </summary>
public sealed record LoadFigures(double CommandsPerSecond, double P99Milliseconds, TimeSpan? ServerCpuPerCommand, TimeSpan Ed25519VerifyOneCore,
    TimeSpan? CheckpointLagMax, long Errors, bool LedgerComplete, bool AuditValid);

/// <summary>
/// The figures of one run as markdown: throughput, latency percentiles, errors, checkpoint lag
/// and where the CPU went, with the machine they were measured on; then the same by command
/// type. Latency and throughput count the measured window only (commands sent in it; answers
/// received in it); errors count the whole run, warm-up included.
/// </summary>
public sealed class LoadReport(
    LoadOptions options,
    string target,
    string postgresVersion,
    IReadOnlyList<LoadClient> clients,
    long measureFrom,
    long endAt,
    CpuUse cpu,
    CheckpointLag lag,
    IReadOnlyDictionary<string, int> watchFailures,
    long signedAhead,
    double ed25519OneCore,
    RuntimeUse? serverRuntime)
{
    static readonly string[] CommandTypes =
    [
        HouseholdCommandTypes.AwardPoints, ProjectCommandTypes.PayShare, ProjectCommandTypes.RequestDisbursement,
        ProjectCommandTypes.ApproveDisbursement, ProjectCommandTypes.PayDisbursement,
    ];

    /// <summary>The headline figures, for the report table of every measurement (bench report); the ledger check and the audit are the caller's.</summary>
    public LoadFigures Figures()
    {
        var window = Stopwatch.GetElapsedTime(measureFrom, endAt);
        var milliseconds = SortedLatencies(Measured());
        return new LoadFigures(Acknowledged() / window.TotalSeconds, NearestRank.Percentile(milliseconds, 0.99), ServerCpuPerCommand(), Ed25519Verify,
            lag.Max, clients.Sum(c => c.Errors.Values.Sum()), LedgerComplete: false, AuditValid: false);
    }

    TimeSpan Ed25519Verify => TimeSpan.FromSeconds(1 / ed25519OneCore);

    TimeSpan? ServerCpuPerCommand() => cpu.Time(cpu.Server) is { } server && Acknowledged() is > 0 and var acknowledged ? server / acknowledged : null;

    List<Sample> Measured() => [.. clients.SelectMany(c => c.Samples).Where(s => s.SentAt >= measureFrom && s.SentAt < endAt)];

    int Acknowledged() => clients.SelectMany(c => c.Acknowledgements).Count(a => a.At >= measureFrom && a.At < endAt);

    public void Write(TextWriter output)
    {
        var window = Stopwatch.GetElapsedTime(measureFrom, endAt);
        var measured = Measured();
        var acknowledged = Acknowledged();
        var errors = clients.SelectMany(c => c.Errors).GroupBy(e => e.Key).Select(g => (Error: g.Key, Count: g.Sum(e => e.Value)))
            .OrderByDescending(e => e.Count).ToList();
        var sent = clients.Sum(c => c.Samples.Count);
        var signingInWindow = TimeSpan.FromSeconds(clients.Sum(c => c.SigningTicksInWindow) / (double)Stopwatch.Frequency);
        var sentSignedAhead = clients.Sum(c => c.SentSignedAhead);
        var households = clients.SelectMany(c => c.Acknowledgements).SelectMany(a => a.Entries)
            .Select(e => e.Stream).Where(s => s.StartsWith("household/load-", StringComparison.Ordinal)).Distinct().Count();

        output.WriteLine("| figure | measured |");
        output.WriteLine("|---|---|");
        output.WriteLine($"| machine | {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, PostgreSQL {postgresVersion} |");
        output.WriteLine($"| server | {target} |");
        output.WriteLine($"| load | {options.Clients} clients, {(options.Rate is { } rate ? $"open loop offered at {rate:N0} commands/s ({clients.Sum(c => c.Late) / (double)Math.Max(1, measured.Count):P0} of the window's commands sent late by a client still busy; {clients.Sum(c => c.Dropped):N0} warm-up commands still unsent at the window's start dropped)" : "closed loop")}"
            + (options.Batch is { } batch ? $" of batches of {batch} points awards (POST /v1/commands)" : "") + "; "
            + $"{window.TotalSeconds:N0} s measured after {options.WarmupSeconds} s of warm-up; seed {options.Seed} |");
        output.WriteLine($"| throughput | **{acknowledged / window.TotalSeconds:N0} acknowledged commands/s** ({acknowledged:N0} in the window) |");
        output.WriteLine($"| latency p50 / p95 / p99 / max | **{Latencies(measured)}** ms ({measured.Count:N0} commands sent in the window"
            + (options.Batch is { } size ? $", in {measured.Count / size:N0} batches: each command's is its batch's" : "") + ") |");
        output.WriteLine($"| errors (whole run) | {(errors.Count == 0 ? "none" : string.Join("; ", errors.Select(e => $"{e.Error}: {e.Count:N0}")))} of {sent:N0} sent |");
        output.WriteLine($"| checkpoint lag, last command | {Seconds(lag.LastCommand)} |");
        output.WriteLine($"| checkpoint lag, max / median | {Seconds(lag.Max)} / {Seconds(lag.Median)} over commands from the window on "
            + $"({lag.Checkpoints} new checkpoints seen, polled every {CheckpointWatch.PollInterval.TotalMilliseconds:N0} ms"
            + (options.CheckpointIntervalSeconds is { } interval ? $", server interval {interval} s" : "")
            + (lag.Uncovered > 0 ? $"; {lag.Uncovered:N0} never covered" : "")
            + (watchFailures.Count > 0 ? $"; failed polls: {string.Join(", ", watchFailures.Select(f => $"{f.Key} ×{f.Value}"))}" : "")
            + ") |");
        output.WriteLine($"| CPU, whole machine | {(cpu.MachineBusy is { } busy ? $"{busy:P0} busy, {cpu.MachineIowait:P0} iowait" : "not measured (no /proc/stat)")} of {Environment.ProcessorCount} cores |");
        output.WriteLine($"| CPU, the generator (this process) | {cpu.Process:P0} of {Environment.ProcessorCount} cores |");
        output.WriteLine(cpu.Server is { } server
            ? $"| CPU, the server's process | {server:P0} of {Environment.ProcessorCount} cores (/proc/PID/stat) |"
            : "| CPU, the server's process | not measured (a server at --url) |");
        var perCommand = ServerCpuPerCommand();
        output.WriteLine($"| server CPU per command | **{(perCommand is { } time ? $"{time.TotalMicroseconds:N0} µs" : "-")}** per acknowledged command in the window"
            + (perCommand is { } ratio ? $", {ratio / Ed25519Verify:N2} × one Ed25519 verify on one core ({Ed25519Verify.TotalMicroseconds:N1} µs, this run)" : $"; one Ed25519 verify on one core: {Ed25519Verify.TotalMicroseconds:N1} µs, this run")
            + (cpu.Time(cpu.Database) is { } databaseTime && acknowledged > 0 ? $"; PostgreSQL {(databaseTime / acknowledged).TotalMicroseconds:N0} µs more" : "") + " |");
        if (cpu.Database is { } database)
        {
            output.WriteLine($"| CPU, PostgreSQL | {database:P0} of {Environment.ProcessorCount} cores |");
        }
        if (cpu.MachineBusy is { } all)
        {
            // On a shared machine, what neither this process nor its database used: other work
            // skews every figure above. Against a server at --url, the server is among them.
            output.WriteLine($"| CPU, {(cpu.Database is null ? "other processes" : "everything else")} | {Math.Max(0, all - cpu.Process - (cpu.Server ?? 0) - (cpu.Database ?? 0)):P0} of {Environment.ProcessorCount} cores"
                + (cpu.Others.Count == 0 ? "" : $" ({string.Join(", ", cpu.Others.Select(o => $"{o.Name} {o.Share:P0}"))})") + " |");
        }
        var generator = new RuntimeUse(cpu.JitMethods, cpu.JitTime, cpu.Gc);
        string Jit(RuntimeUse use) => $"{use.JitMethods:N0} methods compiled in {use.JitTime.TotalSeconds:N1} s";
        string Memory(RuntimeUse use) => $"{(acknowledged == 0 ? "-" : $"{use.Gc.AllocatedBytes / 1024.0 / acknowledged:N1} KiB allocated per acknowledged command")}; "
            + $"{use.Gc.Gen0:N0} / {use.Gc.Gen1:N0} / {use.Gc.Gen2:N0} collections of generation 0 / 1 / 2, paused {use.Gc.Paused.TotalSeconds:N2} s";
        // The server's from its event counters, good to a second at either end of the window.
        output.WriteLine(serverRuntime is { } serverJit
            ? $"| JIT in the window | the server {Jit(serverJit)}; the generator {Jit(generator)} |"
            : $"| JIT in the window | the generator {Jit(generator)}; the server's not measured |");
        output.WriteLine(serverRuntime is { } serverUse
            ? $"| memory in the window | the server {Memory(serverUse)}; the generator {Memory(generator)} |"
            : $"| memory in the window | the generator {Memory(generator)}; the server's not measured |");
        output.WriteLine($"| signed ahead of the window | {sentSignedAhead:N0} of the {measured.Count:N0} commands sent in it ({signedAhead:N0} signed ahead); signed in it: "
            + $"{clients.Sum(c => c.SignedInWindowForCycles):N0} approvals and payments of disbursement cycles, which name the request's answer, "
            + $"and {clients.Sum(c => c.SignedInWindowRanOut):N0} by a client with none left signed ahead; {signingInWindow.TotalMilliseconds:N0} ms of signing in the window |");
        output.WriteLine($"| households awarded | {households:N0} distinct of {options.Households:N0}"
            + (options.Batch is null ? $"; payments and disbursements over {options.Projects} project(s)" : "; batches carry awards only") + " |");
        output.WriteLine();
        output.WriteLine("| command (window) | sent | acknowledged | p50 / p95 / p99 / max ms |");
        output.WriteLine("|---|---|---|---|");
        foreach (var type in CommandTypes)
        {
            var ofType = measured.Where(s => s.Type == type).ToList();
            output.WriteLine($"| {type} | {ofType.Count:N0} | {ofType.Count(s => s.Acknowledged):N0} | {Latencies(ofType)} |");
        }
    }

    /// <summary>Nearest-rank percentiles of the answer times, refusals included (a refusal is an answer too).</summary>
    static string Latencies(IReadOnlyList<Sample> samples)
    {
        if (samples.Count == 0)
        {
            return "-";
        }
        var sorted = SortedLatencies(samples);
        return $"{NearestRank.Percentile(sorted, 0.50):N1} / {NearestRank.Percentile(sorted, 0.95):N1} / {NearestRank.Percentile(sorted, 0.99):N1} / {sorted[^1]:N1}";
    }

    static double[] SortedLatencies(IReadOnlyList<Sample> samples) =>
        [.. samples.Select(s => Stopwatch.GetElapsedTime(s.SentAt, s.AnsweredAt).TotalMilliseconds).Order()];

    static string Seconds(TimeSpan? lag) => lag is { } value ? $"{value.TotalSeconds:N2} s" : "not covered";
}
