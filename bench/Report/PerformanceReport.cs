using System.Globalization;
using Ledger.Api.Endpoints;
using Ledger.Bench.Limits;
using Ledger.Bench.Load;
using Ledger.Bench.Log;
using Ledger.Bench.Memory;
using Ledger.Bench.Verifier;

namespace Ledger.Bench.Report;

/// <summary>What the report measures, and how big: the defaults are issue 8's sizes.</summary>
/// <param name="Runs">How many times each load is run, for a spread (min–median–max) of its figures.</param>
/// <param name="Batch">Commands per batch of the batch endpoint's load.</param>
public sealed record ReportOptions(int Clients, int Seconds, int WarmupSeconds, long VerifierEntries, long ProofEntries, long MemoryHouseholds, int Runs, int Batch)
{
    /// <summary>
    /// The batch load's clients, each with a batch in flight: the server runs a batch's commands
    /// up to <see cref="CommandBatchEndpoints.MaxCommandsAtOnce"/> at a time, so two batches keep
    /// it busy while one's answer and the next are on the wire; more only queue behind the
    /// server's limit (since it holds for all batches together: 8 clients of 100 had 6 of 4,500
    /// commands answered 503, against nearly all when the limit was per batch; bench load
    /// --batch 100 --clients 8 --seconds 5 --warmup 10, 2026-12-03, busy machine).
    /// </summary>
    public const int BatchClients = 2;

    public const string Usage = "usage: bench report [--clients N] [--seconds S] [--warmup S] [--runs N] [--batch N] [--verifier-entries N] [--proof-entries N] [--memory-households N]";

    /// <returns>The options, or a reason they are not usable.</returns>
    public static (ReportOptions? Options, string? Problem) Parse(string[] args)
    {
        var options = new ReportOptions(Clients: 64, Seconds: 20, WarmupSeconds: LoadOptions.DefaultWarmupSeconds,
            VerifierEntries: 1_000_000, ProofEntries: 10_000_000, MemoryHouseholds: 1_000_000, Runs: 1, Batch: 100);
        for (var i = 0; i < args.Length; i += 2)
        {
            long? value = i + 1 < args.Length && long.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
            ReportOptions? next = (args[i], value) switch
            {
                ("--clients", <= 4_096 and { } v) => options with { Clients = (int)v },
                // The window's commands are signed before it opens (SigningAhead).
                ("--seconds", { } v) when v <= SigningAhead.LongestWindow.TotalSeconds => options with { Seconds = (int)v },
                ("--warmup", <= 600 and { } v) => options with { WarmupSeconds = (int)v },
                ("--runs", <= 10 and { } v) => options with { Runs = (int)v },
                ("--batch", { } v) when v <= CommandBatchEndpoints.MaxCommands => options with { Batch = (int)v },
                ("--verifier-entries", <= 100_000_000 and { } v) => options with { VerifierEntries = v },
                ("--proof-entries", <= 60_000_000 and { } v) => options with { ProofEntries = v },
                ("--memory-households", <= 10_000_000 and { } v) => options with { MemoryHouseholds = v },
                _ => null,
            };
            if (next is null)
            {
                return (null, $"unexpected argument {args[i]}{(i + 1 < args.Length ? " " + args[i + 1] : "")}; {Usage}");
            }
            options = next;
        }
        return (options, null);
    }
}

/// <summary>
/// Issues 8 and 16 in one command: <c>dotnet run -c Release --project bench -- report</c>
/// measures this machine's limits, then every figure the issues name — signed commands through
/// HTTP at the peak and at 80 % of it with the server's CPU per command, the same commands in
/// batches (POST /v1/commands), closed loop, checkpoint lag under that load, the verifier in both depths, inclusion proofs at 10^7 leaves, and server memory
/// over 10^6 distinct households — printing each measurement's own tables as it goes, and ends
/// with one table of every figure next to the limit it is bounded by, from this run, its ratio
/// and its target. With --runs N each load runs N times and its figures show min–median–max,
/// the median set against the target. Targets are reported, met or not; the exit code is 1 only
/// when a check fails (an acknowledged command missing from the ledger, or a verifier
/// finding), 2 for bad arguments or a setup failure.
/// </summary>
public static class PerformanceReport
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var (options, problem) = ReportOptions.Parse(args);
        if (options is null)
        {
            error.WriteLine($"bench report: {problem}");
            return 2;
        }
        try
        {
            return await RunAsync(options, output);
        }
        catch (LoadSetupException e)
        {
            error.WriteLine($"bench report: {e.Message}");
            return 2;
        }
    }

    static async Task<int> RunAsync(ReportOptions options, TextWriter output)
    {
        var cancellationToken = CancellationToken.None;
        Section(output, "Limits of this machine");
        var limits = await LimitsReport.MeasureAsync(TimeSpan.FromSeconds(3), cancellationToken);
        limits.Write(output);

        // First after the limits, so that the working set it reports is its own and not what
        // the 10^7-leaf tree of the proofs left behind.
        Section(output, $"Server memory over {options.MemoryHouseholds:N0} distinct households");
        var memory = await HouseholdsTouched.MeasureAsync(options.MemoryHouseholds, HouseholdsTouched.DefaultIdleAfter,
            concurrency: 64, output, cancellationToken);

        Section(output, $"Verifier over {options.VerifierEntries:N0} entries{(options.Runs > 1 ? $", {options.Runs} audits at each depth" : "")}");
        var verifier = VerifierThroughput.Measure(options.VerifierEntries, households: 10_000, keepDirectory: null, options.Runs);
        var verifierFull = Spread.Of(verifier.SignaturesPerSecond);
        var verifierHashOnly = Spread.Of(verifier.HashOnlyPerSecond);
        output.WriteLine($"generated a ledger of {verifier.Entries:N0} entries and audited it: {verifierFull.Format(r => $"{r:N0}")} entries/s with signatures and rules, "
            + $"{verifierHashOnly.Format(r => $"{r:N0}")} entries/s hash-only; {(verifier.Valid ? "valid in both depths" : "FINDINGS")}");

        Section(output, $"Inclusion proofs at {options.ProofEntries:N0} leaves");
        var proofs = await LogProofs.MeasureAsync(options.ProofEntries, seed: 8, nodesOnly: true, output, cancellationToken);

        var peaks = new List<LoadFigures>();
        for (var run = 1; run <= options.Runs; run++)
        {
            Section(output, $"Load at the peak: {options.Clients} clients, closed loop{RunOf(run, options.Runs)}");
            peaks.Add(await LoadGenerator.MeasureAsync(LoadAt(options, rate: null), output));
        }
        var peak = Spread.Of(peaks.Select(p => p.CommandsPerSecond));
        var offered = Math.Round(0.8 * peak.Median);
        var eighties = new List<LoadFigures>();
        for (var run = 1; run <= options.Runs; run++)
        {
            Section(output, $"Load at 80 % of the {(options.Runs > 1 ? "median " : "")}peak: open loop at {offered:N0} commands/s{RunOf(run, options.Runs)}");
            eighties.Add(await LoadGenerator.MeasureAsync(LoadAt(options, offered), output));
        }
        var eightyP99 = Spread.Of(eighties.Select(e => e.P99Milliseconds));
        var eightyRate = Spread.Of(eighties.Select(e => e.CommandsPerSecond));
        var batches = new List<LoadFigures>();
        for (var run = 1; run <= options.Runs; run++)
        {
            Section(output, $"Load of batches: {ReportOptions.BatchClients} clients, closed loop, {options.Batch} points awards a batch{RunOf(run, options.Runs)}");
            batches.Add(await LoadGenerator.MeasureAsync(LoadAt(options, rate: null) with { Clients = ReportOptions.BatchClients, Batch = options.Batch }, output));
        }
        var batch = Spread.Of(batches.Select(b => b.CommandsPerSecond));

        Section(output, "Issues 8 and 16: every figure against its limit, same run");
        output.WriteLine(Machine.Describe(limits.PostgresVersion));
        output.WriteLine();
        output.WriteLine("| figure | measured | limit, same run | ratio | target | met |");
        output.WriteLine("|---|---:|---|---:|---|---|");
        void Row(string figure, string measured, string limit, double? ratio, string target, bool? met) =>
            output.WriteLine($"| {figure} | {measured} | {limit} | {(ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "")} | {target} | {met switch { true => "yes", false => "**no**", null => "" }} |");
        var ed25519 = $"Ed25519 verify, all cores: {limits.Ed25519AllCores:N0}/s";
        Row($"signed commands through HTTP, durably committed ({options.Clients} clients, closed loop, signed before the window)", peak.Format(r => $"{r:N0}/s"),
            ed25519, peak.Median / limits.Ed25519AllCores, "≥ 0.3", peak.Median >= 0.3 * limits.Ed25519AllCores);
        // Not a target: whether the database's durable commits, rather than the CPU, bound the commands.
        Row("the same against PostgreSQL's durable commits", $"{peak.Median:N0}/s",
            $"PostgreSQL single-row commits, best of 1/8/32 connections: {limits.PostgresSingleRowBest:N0}/s", peak.Median / limits.PostgresSingleRowBest, "", null);
        Row($"the batch endpoint, commands per second ({ReportOptions.BatchClients} clients, closed loop, batches of {options.Batch} points awards, signed before the window)",
            batch.Format(r => $"{r:N0}/s"), ed25519, batch.Median / limits.Ed25519AllCores, "≥ 0.6", batch.Median >= 0.6 * limits.Ed25519AllCores);
        Row($"p99 latency at 80 % of the peak (open loop, {offered:N0}/s offered; {eightyRate.Format(r => $"{r:N0}/s")} acknowledged)", eightyP99.Format(p => $"{p:N1} ms"),
            "", null, "≤ 50 ms", eightyP99.Median <= 50);
        if (peaks.All(p => p.ServerCpuPerCommand is not null))
        {
            // Each load run sets its server's CPU against the verify it measured just before.
            var cpuPerCommand = Spread.Of(peaks.Select(p => p.ServerCpuPerCommand!.Value.TotalMicroseconds));
            var verify = Spread.Of(peaks.Select(p => p.Ed25519VerifyOneCore.TotalMicroseconds));
            var ratio = Spread.Of(peaks.Select(p => p.ServerCpuPerCommand!.Value / p.Ed25519VerifyOneCore));
            Row("server CPU per command at the peak (the server's process, /proc/PID/stat, over acknowledged commands)", cpuPerCommand.Format(us => $"{us:N0} µs"),
                $"Ed25519 verify, one core, before each load: {verify.Format(us => $"{us:N1} µs")}", ratio.Median, "≤ 3", ratio.Median <= 3);
        }
        var lags = peaks.Select(p => p.CheckpointLagMax).ToList();
        var lag = lags.Contains(null) ? null : Spread.Of(lags.Select(l => l!.Value.TotalSeconds));
        Row("checkpoint lag under the peak load, longest", lag?.Format(l => $"{l:N2} s") ?? "not covered", "", null, "≤ 2 s", lag is { } longest && longest.Median <= 2);
        Row($"verifier with signatures, {verifier.Entries:N0} entries", verifierFull.Format(r => $"{r:N0} entries/s"), ed25519,
            verifierFull.Median / limits.Ed25519AllCores, "≥ 0.8", verifierFull.Median >= 0.8 * limits.Ed25519AllCores);
        Row($"verifier, hash-only, {verifier.Entries:N0} entries", verifierHashOnly.Format(r => $"{r:N0} entries/s"),
            $"SHA-256 of {Sha256Rate.InputBytes} bytes, all cores: {limits.Sha256AllCores:N0}/s", verifierHashOnly.Median / limits.Sha256AllCores, "≥ 0.3",
            verifierHashOnly.Median >= 0.3 * limits.Sha256AllCores);
        Row($"inclusion proof from PostgreSQL at {proofs.TreeSize:N0} leaves, p50 (p99)", $"{proofs.StoredP50Milliseconds:0.000} ms ({proofs.StoredP99Milliseconds:0.000} ms)",
            $"the same proof in memory, p50: {proofs.InMemoryP50Milliseconds:0.000} ms", null, "≤ 1 ms", proofs.StoredP50Milliseconds <= 1);
        var heapGrowth = (double)memory.HeapBytesAtEnd / memory.HeapBytesAtCapFilled;
        Row($"server memory over {memory.Households:N0} distinct households (grains idle {memory.IdleAfter.TotalSeconds:N0} s collected): managed heap at the end / when collection began",
            $"{Mebibytes(memory.HeapBytesAtEnd)} / {Mebibytes(memory.HeapBytesAtCapFilled)}; peak {memory.PeakActiveGrains:N0} grains, peak working set of the process {Mebibytes(memory.PeakWorkingSetBytes)}",
            "", heapGrowth, "bounded (≤ 1.25)", heapGrowth <= 1.25);
        var checks = new[] { ("peak load", peaks), ("load at 80 %", eighties), ("load of batches", batches) };
        foreach (var (name, runs) in checks)
        {
            var found = runs.Count(r => r.LedgerComplete);
            var valid = runs.Count(r => r.AuditValid);
            Row($"{name}{(runs.Count > 1 ? $", {runs.Count} runs" : "")}: every acknowledged command in the ledger; verifier clean",
                runs.Count == 1 ? $"{(found == 1 ? "all found" : "MISSING")}; {(valid == 1 ? "valid" : "FINDINGS")}" : $"all found in {found} of {runs.Count}; valid in {valid} of {runs.Count}",
                "", null, "all, clean", found == runs.Count && valid == runs.Count);
        }
        Row("synthetic export: verifier clean in both depths", verifier.Valid ? "valid" : "FINDINGS", "", null, "clean", verifier.Valid);
        return checks.All(c => c.Item2.All(r => r.LedgerComplete && r.AuditValid)) && verifier.Valid ? 0 : 1;
    }

    static string RunOf(int run, int runs) => runs > 1 ? $", run {run} of {runs}" : "";

    static LoadOptions LoadAt(ReportOptions options, double? rate) =>
        new(Url: null, DataFolder: null, options.Clients, options.Seconds, options.WarmupSeconds, Households: 10_000, Projects: 10, rate,
            CheckpointIntervalSeconds: null, Seed: 8);

    static void Section(TextWriter output, string title)
    {
        output.WriteLine();
        output.WriteLine($"## {title}");
        output.WriteLine();
        output.Flush();
    }

    static string Mebibytes(long bytes) => $"{bytes / (1024.0 * 1024):N1} MiB";
}

/// <summary>A figure over one or more runs: the median is what a target is set against; the spread shows how far runs on a shared machine move.</summary>
public sealed record Spread(double Min, double Median, double Max, int Runs)
{
    public static Spread Of(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return new Spread(sorted[0], NearestRank.Percentile(sorted, 0.5), sorted[^1], sorted.Length);
    }

    /// <summary>The median, and with more than one run its min–median–max.</summary>
    public string Format(Func<double, string> format) =>
        Runs == 1 ? format(Median) : $"{format(Median)} (min–median–max over {Runs} runs: {format(Min)}–{format(Median)}–{format(Max)})";
}
