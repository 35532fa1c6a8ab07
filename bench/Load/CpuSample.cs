using System.Diagnostics;
using System.Globalization;

namespace Ledger.Bench.Load;

/// <summary>Shares of all cores over the measured window; null where not measurable here.</summary>
public sealed record CpuUse(double? MachineBusy, double? MachineIowait, double Process, double? Database);

/// <summary>
/// CPU time of the whole machine (Linux /proc/stat, in clock ticks) and of this process, at one
/// moment. Between two samples they say whether the run was bound by the cores or by waiting
/// (for the disk, the database, the network), and how much of it this process took — with an
/// in-process server, the server and the generator together — and of the local PostgreSQL
/// server (its postmaster and every process it started), when it runs on this machine. On a
/// machine shared with other work, busy minus those two is everyone else.
/// </summary>
public readonly record struct CpuSample(long At, long? MachineBusyTicks, long? MachineIdleTicks, long? MachineIowaitTicks, TimeSpan ProcessTime,
    TimeSpan? DatabaseTime)
{
    // USER_HZ, the unit of /proc/*/stat times: 100 on every Linux architecture .NET runs on (proc(5)).
    const double ClockTicksPerSecond = 100;

    /// <param name="postmasterProcessId">The local PostgreSQL server's postmaster; null when it is not on this machine.</param>
    public static CpuSample Take(int? postmasterProcessId)
    {
        using var process = Process.GetCurrentProcess();
        var (busy, idle, iowait) = ReadMachine();
        return new CpuSample(Stopwatch.GetTimestamp(), busy, idle, iowait, process.TotalProcessorTime,
            postmasterProcessId is { } postmaster ? ReadDatabase(postmaster) : null);
    }

    /// <summary>Shares of all cores between two samples: busy and iowait on the machine, this process, PostgreSQL.</summary>
    public static CpuUse Between(CpuSample start, CpuSample end)
    {
        var cores = Stopwatch.GetElapsedTime(start.At, end.At) * Environment.ProcessorCount;
        var process = (end.ProcessTime - start.ProcessTime) / cores;
        var database = end.DatabaseTime - start.DatabaseTime is { } time ? time / cores : (double?)null;
        if (start.MachineBusyTicks is not { } busy0 || end.MachineBusyTicks is not { } busy1)
        {
            return new CpuUse(null, null, process, database);
        }
        var iowait = (end.MachineIowaitTicks - start.MachineIowaitTicks)!.Value;
        double total = busy1 - busy0 + (end.MachineIdleTicks - start.MachineIdleTicks)!.Value + iowait;
        return total <= 0 ? new CpuUse(null, null, process, database) : new CpuUse((busy1 - busy0) / total, iowait / total, process, database);
    }

    /// <summary>
    /// The postmaster's own time, the time of the children it has reaped, and the time of its
    /// living children (backends, WAL writer, checkpointer…): fields 14–17 and 4 of /proc/PID/stat.
    /// </summary>
    static TimeSpan? ReadDatabase(int postmaster)
    {
        if (Stat(postmaster) is not { } own)
        {
            return null;
        }
        long ticks = own.UserTicks + own.SystemTicks + own.ChildrenTicks;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Stat(pid) is { } child && child.ParentId == postmaster)
            {
                ticks += child.UserTicks + child.SystemTicks;
            }
        }
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    /// <summary>The parent and the CPU ticks of a process; null if it has gone.</summary>
    static (int ParentId, long UserTicks, long SystemTicks, long ChildrenTicks)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return ((int)Field(4), Field(14), Field(15), Field(16) + Field(17));
    }

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
}
