using System.Diagnostics;
using System.Globalization;

namespace Ledger.Bench.Load;

/// <summary>Shares of all cores over the measured window; null where not measurable here.</summary>
/// <param name="Wall">The window's length, to turn a share of all cores into CPU time.</param>
/// <param name="Process">This process: the generator.</param>
/// <param name="Server">The server's process, when it runs on this machine as a process of ours.</param>
/// <param name="Others">The busiest other programs by name (a shared machine's other work), largest first.</param>
/// <param name="JitMethods">Methods this process's JIT compiled in the window (tiering up included).</param>
/// <param name="JitTime">The time its JIT spent compiling them.</param>
/// <param name="Gc">This process's allocations and collections in the window (server and generator when in-process).</param>
public sealed record CpuUse(TimeSpan Wall, double? MachineBusy, double? MachineIowait, double Process, double? Server, double? Database,
    IReadOnlyList<(string Name, double Share)> Others, long JitMethods, TimeSpan JitTime, GcUse Gc)
{
    /// <summary>The CPU time a share of all cores stands for over the window.</summary>
    public TimeSpan? Time(double? share) => share is { } s ? Wall * (s * Environment.ProcessorCount) : null;
}

/// <summary>Bytes allocated, collections by generation and the time the collector paused the process.</summary>
public readonly record struct GcUse(long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
{
    public static GcUse Now() => new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public static GcUse operator -(GcUse end, GcUse start) =>
        new(end.AllocatedBytes - start.AllocatedBytes, end.Gen0 - start.Gen0, end.Gen1 - start.Gen1, end.Gen2 - start.Gen2, end.Paused - start.Paused);
}

/// <summary>One process's line of /proc/PID/stat: its parent, its name, its own CPU ticks and those of its reaped children.</summary>
public readonly record struct ProcessTicks(int ParentId, string Name, long Ticks, long ChildrenTicks);

/// <summary>
/// CPU time of the whole machine (Linux /proc/stat, in clock ticks) and of every process
/// (/proc/PID/stat), at one moment. Between two samples they say whether the run was bound by
/// the cores or by waiting (for the disk, the database, the network); how much this process
/// (the generator) took; how much the server's process took; how much the
/// local PostgreSQL server took (its postmaster and every process it started); and, on a
/// machine shared with other work, who else was busy. Elsewhere than Linux, only this process.
/// </summary>
public sealed record CpuSample(long At, long? MachineBusyTicks, long? MachineIdleTicks, long? MachineIowaitTicks, TimeSpan ProcessTime,
    IReadOnlyDictionary<int, ProcessTicks> Processes, long JitMethods, TimeSpan JitTime, GcUse Gc)
{
    // USER_HZ, the unit of /proc/*/stat times: 100 on every Linux architecture .NET runs on (proc(5)).
    const double ClockTicksPerSecond = 100;

    public static CpuSample Take()
    {
        using var process = Process.GetCurrentProcess();
        var (busy, idle, iowait) = ReadMachine();
        return new CpuSample(Stopwatch.GetTimestamp(), busy, idle, iowait, process.TotalProcessorTime, ReadProcesses(),
            System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime(), GcUse.Now());
    }

    /// <summary>Shares of all cores between two samples.</summary>
    /// <param name="serverProcessId">The server's process; null when it is not a process of ours.</param>
    /// <param name="postmasterProcessId">The local PostgreSQL server's postmaster; null when it is not on this machine.</param>
    public static CpuUse Between(CpuSample start, CpuSample end, int? serverProcessId, int? postmasterProcessId)
    {
        var wall = Stopwatch.GetElapsedTime(start.At, end.At);
        var coreTicks = wall.TotalSeconds * ClockTicksPerSecond * Environment.ProcessorCount;
        var process = (end.ProcessTime - start.ProcessTime) / (wall * Environment.ProcessorCount);
        double? database = postmasterProcessId is { } postmaster && end.Processes.ContainsKey(postmaster)
            ? (DatabaseTicks(end, postmaster) - DatabaseTicks(start, postmaster)) / coreTicks
            : null;
        double? server = serverProcessId is { } pid && start.Processes.TryGetValue(pid, out var serverFrom) && end.Processes.TryGetValue(pid, out var serverTo)
            ? (serverTo.Ticks - serverFrom.Ticks) / coreTicks
            : null;
        // A process that started in the window spent all its time in it; one that ended in it is missed.
        var others = end.Processes
            .Where(p => p.Key != Environment.ProcessId && p.Key != serverProcessId && p.Key != postmasterProcessId && p.Value.ParentId != postmasterProcessId)
            .Select(p => (p.Value.Name, Ticks: p.Value.Ticks - (start.Processes.TryGetValue(p.Key, out var before) && before.Name == p.Value.Name ? before.Ticks : 0)))
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Share: g.Sum(p => p.Ticks) / coreTicks))
            .Where(p => p.Share >= 0.01)
            .OrderByDescending(p => p.Share)
            .Take(3)
            .ToList();
        var jitMethods = end.JitMethods - start.JitMethods;
        var jitTime = end.JitTime - start.JitTime;
        var gc = end.Gc - start.Gc;
        if (start.MachineBusyTicks is not { } busy0 || end.MachineBusyTicks is not { } busy1)
        {
            return new CpuUse(wall, null, null, process, server, database, others, jitMethods, jitTime, gc);
        }
        var iowait = (end.MachineIowaitTicks - start.MachineIowaitTicks)!.Value;
        double total = busy1 - busy0 + (end.MachineIdleTicks - start.MachineIdleTicks)!.Value + iowait;
        return total <= 0
            ? new CpuUse(wall, null, null, process, server, database, others, jitMethods, jitTime, gc)
            : new CpuUse(wall, (busy1 - busy0) / total, iowait / total, process, server, database, others, jitMethods, jitTime, gc);
    }

    /// <summary>The postmaster's own time, the time of the children it has reaped, and the time of its living children (backends, WAL writer, checkpointer…).</summary>
    static long DatabaseTicks(CpuSample sample, int postmaster) =>
        sample.Processes.TryGetValue(postmaster, out var own)
            ? own.Ticks + own.ChildrenTicks + sample.Processes.Values.Where(p => p.ParentId == postmaster).Sum(p => p.Ticks)
            : 0;

    /// <summary>The first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal …" (proc(5)).</summary>
    static (long? Busy, long? Idle, long? Iowait) ReadMachine()
    {
        const string stat = "/proc/stat";
        if (!File.Exists(stat))
        {
            return (null, null, null);
        }
        var fields = File.ReadLines(stat).First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9 || fields[0] != "cpu")
        {
            return (null, null, null);
        }
        var ticks = fields[1..9].Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user + nice + system + irq + softirq + steal are busy; idle and iowait are not.
        return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7], ticks[3], ticks[4]);
    }

    /// <summary>Every process's parent, name and CPU ticks: fields 4, 2 and 14–17 of /proc/PID/stat.</summary>
    static Dictionary<int, ProcessTicks> ReadProcesses()
    {
        var processes = new Dictionary<int, ProcessTicks>();
        if (!Directory.Exists("/proc"))
        {
            return processes;
        }
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // It ended while we looked.
            }
            // The name (field 2) is in parentheses and may hold spaces and parentheses: fields resume after the last ')'.
            var open = text.IndexOf('(');
            var close = text.LastIndexOf(')');
            var fields = text[(close + 2)..].Split(' ');
            long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
            processes[pid] = new ProcessTicks((int)Field(4), text[(open + 1)..close], Field(14) + Field(15), Field(16) + Field(17));
        }
        return processes;
    }
}
