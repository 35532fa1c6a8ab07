using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Ledger.Bench.Load;

/// <summary>The runtime's own figures of a process: JIT and garbage collection, as totals since the watch began.</summary>
public readonly record struct RuntimeUse(long JitMethods, TimeSpan JitTime, GcUse Gc)
{
    public static RuntimeUse operator -(RuntimeUse end, RuntimeUse start) =>
        new(end.JitMethods - start.JitMethods, end.JitTime - start.JitTime, end.Gc - start.Gc);
}

/// <summary>
/// The server process's JIT and garbage collection, which its CPU time alone does not explain:
/// its System.Runtime event counters, read over EventPipe as dotnet-counters reads them, every
/// second. A sample is the totals of the counters received so far, so a window's figures are
/// good to a second at either end.
/// </summary>
public sealed class ServerRuntime : IAsyncDisposable
{
    readonly EventPipeSession session;
    readonly EventPipeEventSource source;
    readonly Task processing;
    readonly Lock totals = new();
    double allocatedBytes, gen0, gen1, gen2, pauseMilliseconds, jitMilliseconds, jitMethods;

    ServerRuntime(int processId)
    {
        session = new DiagnosticsClient(processId).StartEventPipeSession(
            [new EventPipeProvider("System.Runtime", EventLevel.Informational, 0, new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" })],
            requestRundown: false);
        source = new EventPipeEventSource(session.EventStream);
        source.Dynamic.All += Read;
        processing = Task.Run(source.Process);
    }

    /// <returns>The watch, or null if the process does not answer on its diagnostics port (then the report says so).</returns>
    public static ServerRuntime? TryStart(int processId)
    {
        try
        {
            return new ServerRuntime(processId);
        }
        catch (Exception e) when (e is ServerNotAvailableException or DiagnosticsClientException or UnsupportedCommandException)
        {
            return null;
        }
    }

    public RuntimeUse Sample()
    {
        lock (totals)
        {
            return new RuntimeUse((long)jitMethods, TimeSpan.FromMilliseconds(jitMilliseconds),
                new GcUse((long)allocatedBytes, (int)gen0, (int)gen1, (int)gen2, TimeSpan.FromMilliseconds(pauseMilliseconds)));
        }
    }

    /// <summary>An EventCounters event: incrementing counters carry "Increment" (since the last), the others "Mean" (the value now).</summary>
    void Read(TraceEvent traceEvent)
    {
        if (traceEvent.EventName != "EventCounters" || traceEvent.PayloadValue(0) is not IDictionary<string, object> { } wrapper
            || !wrapper.TryGetValue("Payload", out var inner) || inner is not IDictionary<string, object> payload)
        {
            return;
        }
        double Increment() => Convert.ToDouble(payload["Increment"], System.Globalization.CultureInfo.InvariantCulture);
        lock (totals)
        {
            switch (payload["Name"] as string)
            {
                case "alloc-rate": allocatedBytes += Increment(); break;
                case "gen-0-gc-count": gen0 += Increment(); break;
                case "gen-1-gc-count": gen1 += Increment(); break;
                case "gen-2-gc-count": gen2 += Increment(); break;
                case "total-pause-time-by-gc": pauseMilliseconds += Increment(); break;
                case "time-in-jit": jitMilliseconds += Increment(); break;
                case "methods-jitted-count": jitMethods = Convert.ToDouble(payload["Mean"], System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await session.StopAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException)
        {
            // The server has stopped: its stream has ended by itself.
        }
        await processing;
        source.Dispose();
        session.Dispose();
    }
}
