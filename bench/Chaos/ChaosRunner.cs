using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Bench.Limits;
using Ledger.Bench.Load;
using Ledger.Client;
using Ledger.Grains.LocalPostgres;
using Ledger.Tests.Support;
using Ledger.Verifier.Verification;

namespace Ledger.Bench.Chaos;

/// <summary>
/// Issue 14 item 9, the fault runner:
/// <c>dotnet run -c Release --project bench -- chaos [--seed S] [--seconds N] [--kills K] [--clients C]</c>.
/// A throwaway PostgreSQL cluster and two server processes on it (an API and a silo each, on
/// loopback); the registrar of the first registers the demo community's people through HTTP and the load's
/// projects; then C clients send signed points awards and crowdfunding payments to either
/// process, retrying as docs/API.md says, while the seeded <see cref="FaultSchedule"/> kills a
/// process K times and stops PostgreSQL once. At the end, with the processes stopped: the
/// acknowledged commands missing from the ledger, the entries duplicated, the HTTP 5xx
/// answers, and the verifier's verdict on the database. Exit code 0 when nothing is missing or
/// duplicated, no 500 was answered and the verifier finds the ledger valid; 1 otherwise or when
/// the run could not be completed; 2 for bad arguments. Server logs are kept when it fails.
/// </summary>
public static class ChaosRunner
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var (options, problem) = ChaosOptions.Parse(args);
        if (options is null)
        {
            error.WriteLine(problem);
            return 2;
        }
        // Ctrl+C or a SIGTERM unwinds the run, so that every process it started is ended.
        using var interrupted = new CancellationTokenSource();
        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupted.Cancel();
        }
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        var logs = Path.Combine(Path.GetTempPath(), $"ledger-chaos-{Environment.ProcessId}");
        Directory.CreateDirectory(logs);
        var passed = false;
        try
        {
            passed = await RunAsync(options, logs, output, interrupted.Token);
            return passed ? 0 : 1;
        }
        catch (Exception e) when (e is ChaosSetupException or LoadSetupException or DemoException or LocalClusterException or OperationCanceledException)
        {
            error.WriteLine($"chaos: the run could not be completed: {(interrupted.IsCancellationRequested ? "interrupted" : e.Message)}");
            return 1;
        }
        finally
        {
            if (passed)
            {
                Directory.Delete(logs, recursive: true);
            }
            else
            {
                error.WriteLine($"chaos: the servers' output is kept in {logs}");
            }
        }
    }

    static async Task<bool> RunAsync(ChaosOptions options, string logs, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(Machine.Describe());
        output.WriteLine($"chaos: seed {options.Seed}, {options.Seconds} s of load, {options.Kills} kills, {options.Clients} clients "
            + $"(again: dotnet run -c Release --project bench -- chaos --seed {options.Seed} --seconds {options.Seconds} --kills {options.Kills} --clients {options.Clients})");
        var random = new Random(options.Seed);
        var runId = $"chaos-{options.Seed}";
        await using var database = await Machine.StartClusterAsync("chaos", cancellationToken);
        var connectionString = database.Cluster.ConnectionString;
        ServerNode[] nodes = [.. new[] { "a", "b" }.Select(name =>
            new ServerNode(name, Path.Combine(database.Folder, name), connectionString, Path.Combine(logs, $"{name}.log"),
                // Failure detection fast enough for a run of minutes.
                FastFailover.Arguments))];
        try
        {
            // One after the other: the first writes the registry's genesis with its registrar's key.
            foreach (var node in nodes)
            {
                await node.StartAsync(cancellationToken);
            }
            var registrar = PersonKey.Load(Path.Combine(database.Folder, nodes[0].Name, "keys", RegistryGenesis.RegistrarId + ".json"));
            var keysFolder = Path.Combine(database.Folder, DemoCommand.KeysFolderName);
            var demo = await new DemoCommunity(nodes[0].Client, registrar, keysFolder, TextWriter.Null).RegisterPeopleAsync(cancellationToken);
            var workload = new LoadWorkload(LoadPeople.Load(keysFolder), runId, ChaosOptions.Households, ChaosOptions.Projects);
            var setUp = await workload.SetUpAsync(nodes[1].Client, cancellationToken);
            output.WriteLine($"two server processes on PostgreSQL in {database.Folder}; registered the demo community's people ({demo.Accepted} commands) "
                + $"and {ChaosOptions.Projects} projects with campaigns ({setUp} commands)");

            var schedule = FaultSchedule.Plan(random, options, nodes.Length);
            var tally = new AnswerTally();
            var clients = Enumerable.Range(0, options.Clients)
                .Select(i => new ChaosClient(i, runId, nodes, workload, new Random(random.Next()), tally)).ToList();
            output.WriteLine($"load: awards over {ChaosOptions.Households:N0} households and PayShare ({ChaosClient.PaymentShare:P0}) to either process; faults:");
            var clock = Stopwatch.StartNew();
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var sending = clients.Select(c => Task.Run(() => c.RunAsync(stop.Token), CancellationToken.None)).ToList();
                try
                {
                    await schedule.RunAsync(database, nodes, clock, output, cancellationToken);
                    var rest = TimeSpan.FromSeconds(options.Seconds) - clock.Elapsed;
                    if (rest > TimeSpan.Zero)
                    {
                        await Task.Delay(rest, cancellationToken);
                    }
                    await FaultSchedule.RestartExitedAsync(nodes, clock, output, cancellationToken);
                }
                finally
                {
                    // Each client finishes the command in hand (its attempts are bounded), then stops.
                    await stop.CancelAsync();
                    await Task.WhenAll(sending);
                }
            }
            output.WriteLine($"load ended after {clock.Elapsed.TotalSeconds:F1} s");

            // Stopped before the checks, so that the ledger no longer moves under them.
            var stoppedCleanly = 0;
            foreach (var node in nodes)
            {
                stoppedCleanly += await node.StopAsync() ? 1 : 0;
            }
            var acknowledged = clients.SelectMany(c => c.Acknowledged).ToList();
            var check = await ChaosLedgerCheck.ReadAsync(connectionString, runId, acknowledged, cancellationToken);
            var audit = Audit.Run(new DatabaseSource(connectionString), registrar.KeyId);
            return Report(options, clients, tally, check, audit, nodes, stoppedCleanly, output);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    static bool Report(ChaosOptions options, List<ChaosClient> clients, AnswerTally tally, ChaosLedgerCheck check, AuditReport audit,
        IReadOnlyList<ServerNode> nodes, int stoppedCleanly, TextWriter output)
    {
        var unacknowledged = clients.SelectMany(c => c.Unacknowledged).GroupBy(u => u.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(u => u.Value), StringComparer.Ordinal);
        var answered500 = tally.Count(HttpStatusCode.InternalServerError);
        output.WriteLine();
        output.WriteLine("| figure | count |");
        output.WriteLine("|---|---:|");
        output.WriteLine($"| commands signed and sent (each until answered, at most {ChaosClient.MaxAttempts} attempts) | {clients.Sum(c => c.Sent):N0} |");
        output.WriteLine($"| acknowledged | {check.AcknowledgedCommands:N0} |");
        output.WriteLine($"| … of which a retry answered with the first result (`replayed`) | {check.ReplayedAcknowledgements:N0} |");
        output.WriteLine($"| longest from a command's first attempt to its acknowledgement | {clients.Max(c => c.LongestToAcknowledgement).TotalSeconds:F1} s |");
        foreach (var (outcome, count) in unacknowledged.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"| not acknowledged: {outcome} | {count:N0} |");
        }
        foreach (var (answer, count) in tally.Answers.Where(a => !a.Key.StartsWith("500 ", StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"| HTTP {answer} | {count:N0} |");
        }
        output.WriteLine($"| **HTTP 500** | {answered500:N0} |");
        foreach (var (failure, count) in tally.NoAnswers.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"| attempts without an answer ({failure}) | {count:N0} |");
        }
        output.WriteLine($"| processes that exited by themselves | {nodes.Sum(n => n.UnexpectedExits):N0} |");
        output.WriteLine($"| processes that did not stop on SIGTERM within a minute at the end | {nodes.Count - stoppedCleanly:N0} |");
        output.WriteLine($"| **acknowledged commands missing from the ledger** | {check.MissingCommands:N0} |");
        output.WriteLine($"| **entries duplicated** (a command's second entry on one stream) | {check.DuplicatedEntries:N0} |");
        output.WriteLine($"| entries of the run's commands whose acknowledgement never arrived | {check.UnacknowledgedEntries:N0} |");
        output.WriteLine($"| **verifier on the database** ({audit.EntryCount:N0} entries, {audit.StreamCount:N0} streams, {audit.CheckpointCount:N0} checkpoints) | {(audit.Valid ? "VALID" : $"INVALID, {audit.Findings.Count:N0} findings")} |");
        output.WriteLine();

        var failures = new List<string>();
        if (check.MissingCommands > 0)
        {
            failures.Add($"{check.MissingCommands} acknowledged commands missing");
            foreach (var entry in check.MissingEntries.Take(10))
            {
                output.WriteLine($"missing: {entry.Stream}#{entry.Sequence} {entry.Hash} at {entry.LogPosition}");
            }
        }
        if (check.DuplicatedEntries > 0)
        {
            failures.Add($"{check.DuplicatedEntries} entries duplicated");
        }
        if (answered500 > 0)
        {
            failures.Add($"{answered500} answers of HTTP 500");
        }
        if (!audit.Valid)
        {
            failures.Add("the verifier found the ledger invalid");
            foreach (var finding in audit.Findings.Take(10))
            {
                output.WriteLine($"finding: {finding}");
            }
        }
        output.WriteLine(failures.Count == 0
            ? $"chaos: PASSED (seed {options.Seed}): 0 missing, 0 duplicated, 0 HTTP 500, VALID"
            : $"chaos: FAILED (seed {options.Seed}): {string.Join("; ", failures)}");
        return failures.Count == 0;
    }
}
