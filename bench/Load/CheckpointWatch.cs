using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Ledger.Bench.Load;

/// <summary>The checkpoint lag of the run: from a command's acknowledgement until a published checkpoint covers its log position.</summary>
/// <param name="LastCommand">The lag of the last command acknowledged; null if no checkpoint covered it in time.</param>
/// <param name="Max">The largest lag of any command acknowledged in the measured window, or after it.</param>
/// <param name="Median">The median of those lags.</param>
/// <param name="Uncovered">Commands that no checkpoint covered before the watch gave up.</param>
public sealed record CheckpointLag(TimeSpan? LastCommand, TimeSpan? Max, TimeSpan? Median, int Uncovered, int Checkpoints);

/// <summary>
/// Polls GET /v1/log/checkpoint (docs/FORMAT.md §10.3: a C2SP tlog-checkpoint whose second
/// line is the tree size) every <see cref="PollInterval"/> and notes when each new size was
/// first seen. A command at log position p is covered by the first checkpoint whose size
/// exceeds p; its lag is measured to within one poll interval.
/// </summary>
public sealed class CheckpointWatch(HttpClient http)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    readonly List<(long SeenAt, long TreeSize)> seen = [];
    readonly Lock gate = new();

    /// <summary>Failed polls, by status or exception type.</summary>
    public Dictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>Polls until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync("/v1/log/checkpoint", stop);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Note(Stopwatch.GetTimestamp(), TreeSizeOf(await response.Content.ReadAsStringAsync(stop)));
                }
                else if (response.StatusCode != HttpStatusCode.NotFound) // 404: none signed yet
                {
                    Failures[$"{(int)response.StatusCode}"] = Failures.GetValueOrDefault($"{(int)response.StatusCode}") + 1;
                }
                await Task.Delay(PollInterval, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException e)
            {
                Failures[e.GetType().Name] = Failures.GetValueOrDefault(e.GetType().Name) + 1;
            }
        }
    }

    /// <summary>Waits, at most until <paramref name="deadline"/> (a Stopwatch timestamp), for a checkpoint covering <paramref name="logPosition"/>.</summary>
    public async Task WaitForCoverageAsync(long logPosition, long deadline)
    {
        while (CoveredAt(logPosition) is null && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>When a checkpoint covering <paramref name="logPosition"/> was first seen; null if none yet.</summary>
    public long? CoveredAt(long logPosition)
    {
        lock (gate)
        {
            // Sizes only grow, so the first size beyond the position is found by bisection.
            int low = 0, high = seen.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (seen[middle].TreeSize > logPosition)
                {
                    high = middle;
                }
                else
                {
                    low = middle + 1;
                }
            }
            return low < seen.Count ? seen[low].SeenAt : null;
        }
    }

    /// <param name="acknowledgements">Every command acknowledged from the start of the measured window on.</param>
    public CheckpointLag Lag(IReadOnlyList<Acknowledgement> acknowledgements)
    {
        var lags = new List<TimeSpan>(acknowledgements.Count);
        var uncovered = 0;
        foreach (var acknowledgement in acknowledgements)
        {
            if (LagOf(acknowledgement) is { } lag)
            {
                lags.Add(lag);
            }
            else
            {
                uncovered++;
            }
        }
        lags.Sort();
        var last = acknowledgements.Count == 0 ? null : acknowledgements.MaxBy(a => a.At);
        int checkpoints;
        lock (gate)
        {
            checkpoints = seen.Count;
        }
        return new CheckpointLag(last is null ? null : LagOf(last), lags.Count == 0 ? null : lags[^1],
            lags.Count == 0 ? null : lags[lags.Count / 2], uncovered, checkpoints);
    }

    TimeSpan? LagOf(Acknowledgement acknowledgement) =>
        CoveredAt(acknowledgement.LastLogPosition) is { } coveredAt
            // A poll can see the covering checkpoint before the client has read its acknowledgement.
            ? coveredAt > acknowledgement.At ? Stopwatch.GetElapsedTime(acknowledgement.At, coveredAt) : TimeSpan.Zero
            : null;

    void Note(long at, long treeSize)
    {
        lock (gate)
        {
            if (seen.Count == 0 || treeSize > seen[^1].TreeSize)
            {
                seen.Add((at, treeSize));
            }
        }
    }

    /// <summary>The tree size: the second line of the checkpoint body (C2SP tlog-checkpoint).</summary>
    static long TreeSizeOf(string note)
    {
        var lines = note.Split('\n');
        return lines.Length > 1 && long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size
            : throw new FormatException($"a checkpoint whose second line is not a tree size: {note}");
    }
}
