using System.Diagnostics;
using Ledger.Bench.Limits;
using Ledger.Grains.LocalPostgres;
using Npgsql;
using Orleans.Runtime;

namespace Ledger.Bench.Chaos;

/// <summary>A kill -9 of one process, or PostgreSQL stopped as a crash would stop it.</summary>
public enum FaultKind
{
    KillProcess,
    StopDatabase,
}

/// <summary>One fault, due <paramref name="AtSeconds"/> into the load.</summary>
/// <param name="Victim">The process killed (an index into the nodes); unused for the database.</param>
/// <param name="DownSeconds">How long the database stays down; unused for a kill.</param>
public sealed record Fault(double AtSeconds, FaultKind Kind, int Victim, double DownSeconds);

/// <summary>
/// The run's faults, drawn from its seed: K kills of a process chosen at random and one stop
/// of PostgreSQL (<c>pg_ctl stop -m immediate</c>), in a random order, one in each of K + 1
/// equal slots between 10 % and 85 % of the load. Each fault is recovered from before the
/// next: a killed process is started again (same data folder, new ports) once the membership
/// table says the other declared its silo dead, so the survivor has taken its grains over;
/// the database is started again after a few seconds. A fault whose slot has passed while the
/// previous one recovered comes at once.
/// </summary>
public sealed class FaultSchedule(IReadOnlyList<Fault> faults)
{
    // Bounded: with the short membership timings a killed silo is declared dead in seconds.
    static readonly TimeSpan DeathDeclarationTimeout = TimeSpan.FromSeconds(60);
    static readonly TimeSpan MembershipPoll = TimeSpan.FromMilliseconds(100);

    public IReadOnlyList<Fault> Faults => faults;

    public static FaultSchedule Plan(Random random, ChaosOptions options, int processes)
    {
        var slots = options.Kills + 1;
        var databaseSlot = random.Next(slots);
        var slotSeconds = options.Seconds * 0.75 / slots;
        return new FaultSchedule([.. Enumerable.Range(0, slots).Select(slot => new Fault(
            Math.Round(options.Seconds * 0.10 + slotSeconds * (slot + random.NextDouble()), 1),
            slot == databaseSlot ? FaultKind.StopDatabase : FaultKind.KillProcess,
            random.Next(processes),
            Math.Round(2 + random.NextDouble() * 3, 1)))]);
    }

    /// <summary>Brings each fault at its time and recovers from it, writing one line per fault.</summary>
    public async Task RunAsync(Machine.ScratchCluster database, IReadOnlyList<ServerNode> nodes, Stopwatch clock, TextWriter output,
        CancellationToken cancellationToken)
    {
        foreach (var fault in faults)
        {
            var due = TimeSpan.FromSeconds(fault.AtSeconds) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }
            var at = clock.Elapsed;
            if (fault.Kind == FaultKind.KillProcess)
            {
                var victim = nodes[fault.Victim];
                var (processId, siloPort) = (victim.ProcessId, victim.SiloPort);
                await victim.KillAsync();
                await WaitForDeathDeclarationAsync(database.Cluster.ConnectionString, siloPort, cancellationToken);
                var declared = clock.Elapsed;
                await victim.StartAsync(cancellationToken);
                output.WriteLine($"  t = {at.TotalSeconds,5:F1} s  kill -9 server {victim.Name} (pid {processId}); its silo declared dead "
                    + $"{(declared - at).TotalSeconds:F1} s later; started again {(clock.Elapsed - declared).TotalSeconds:F1} s after that (pid {victim.ProcessId})");
            }
            else
            {
                await database.Cluster.StopImmediatelyAsync(cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(fault.DownSeconds), cancellationToken);
                // Finds the stopped server and starts it: crash recovery from the WAL.
                await LocalCluster.StartAsync(database.Folder, cancellationToken);
                output.WriteLine($"  t = {at.TotalSeconds,5:F1} s  PostgreSQL stopped (pg_ctl stop -m immediate); started again "
                    + $"{(clock.Elapsed - at).TotalSeconds:F1} s later");
            }
            await RestartExitedAsync(nodes, clock, output, cancellationToken);
        }
    }

    /// <summary>A process that ended by itself is a finding (counted by its node), and is started again so the run goes on.</summary>
    public static async Task RestartExitedAsync(IReadOnlyList<ServerNode> nodes, Stopwatch clock, TextWriter output, CancellationToken cancellationToken)
    {
        foreach (var node in nodes.Where(n => !n.IsRunning))
        {
            output.WriteLine($"  t = {clock.Elapsed.TotalSeconds,5:F1} s  server {node.Name} exited by itself (see {node.LogFile}); starting it again");
            await node.StartAsync(cancellationToken);
        }
    }

    /// <summary>Until the membership table marks the silo on <paramref name="siloPort"/> dead: the survivor has declared it so.</summary>
    static async Task WaitForDeathDeclarationAsync(string connectionString, int siloPort, CancellationToken cancellationToken)
    {
        // Unpooled: a connection kept across the database's own stop would fail its next command.
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < DeathDeclarationTimeout)
        {
            await using (var connection = new NpgsqlConnection(unpooled))
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT status FROM orleansmembershiptable WHERE port = $1 ORDER BY generation DESC LIMIT 1", connection);
                command.Parameters.Add(new() { Value = siloPort });
                if (await command.ExecuteScalarAsync(cancellationToken) is int status && status == (int)SiloStatus.Dead)
                {
                    return;
                }
            }
            await Task.Delay(MembershipPoll, cancellationToken);
        }
        throw new ChaosSetupException($"the silo on port {siloPort} was killed but not declared dead within {DeathDeclarationTimeout.TotalSeconds:F0} s");
    }
}
