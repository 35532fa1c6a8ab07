using System.Diagnostics;
using System.Text.Json;
using Ledger.Client;

namespace Ledger.Bench.Load;

/// <summary>Where one entry of an acknowledged command landed, as the acknowledgement says.</summary>
public readonly record struct AcknowledgedEntry(string Stream, long Sequence, string Hash, long LogPosition);

/// <summary>An acknowledged command: its type, when the acknowledgement arrived (a Stopwatch timestamp) and its entries.</summary>
public sealed record Acknowledgement(string Type, long At, IReadOnlyList<AcknowledgedEntry> Entries, bool Replayed)
{
    /// <summary>The last log position the command wrote: a checkpoint covers the command once its size exceeds this.</summary>
    public long LastLogPosition { get; } = Entries.Max(e => e.LogPosition);

    public static Acknowledgement Read(string type, long at, JsonElement body) =>
        new(type, at,
            [.. body.GetProperty("entries").EnumerateArray().Select(e => new AcknowledgedEntry(
                e.GetProperty("stream").GetString()!, e.GetProperty("sequence").GetInt64(), e.GetProperty("hash").GetString()!, e.GetProperty("logPosition").GetInt64()))],
            body.GetProperty("replayed").GetBoolean());
}

/// <summary>One command sent: its type, when it counts as sent and when its answer came (Stopwatch timestamps), and whether it was acknowledged.</summary>
public readonly record struct Sample(string Type, long SentAt, long AnsweredAt, bool Acknowledged);

/// <summary>
/// When a client sends its next command. Closed loop (no rate): at once, when the previous
/// answer arrives. Open loop (a rate R over N clients): client i's k-th command is due at
/// start + (k·N + i) / R, whether or not the server has kept up — so a slow server meets a
/// queue, as it would from independent users, and the latency counts from when the command
/// was due rather than when a busy client got round to it (the coordinated-omission
/// correction of wrk2 and HdrHistogram). Commands of the warm-up that are still unsent when
/// the measured window opens are dropped: a cold server falls behind while it warms up, and
/// that backlog would otherwise be measured as the window's latency.
/// </summary>
public sealed class Pacer(long startAt, long measureFrom, double? rate, int clients, int index)
{
    long sent;

    /// <summary>Warm-up commands dropped because they were still unsent when the window opened.</summary>
    public long Dropped { get; private set; }

    /// <summary>The Stopwatch timestamp at which the next command is due.</summary>
    public long NextDue()
    {
        if (rate is not { } perSecond)
        {
            return Stopwatch.GetTimestamp();
        }
        var interval = Stopwatch.Frequency / perSecond;
        var due = Due(sent, interval);
        if (due < measureFrom && Stopwatch.GetTimestamp() >= measureFrom)
        {
            // The first of this client's slots in the window.
            var first = Math.Max(sent, (long)Math.Ceiling(((measureFrom - startAt) / interval - index) / clients));
            Dropped += first - sent;
            sent = first;
            due = Due(sent, interval);
        }
        sent++;
        return due;
    }

    long Due(long slot, double interval) => startAt + (long)((slot * clients + index) * interval);
}

/// <summary>
/// One of the N concurrent clients: its own HttpClient (one keep-alive connection), its own
/// script of seeded random steps (<see cref="ClientScript"/>), and its own records, merged when
/// every client has stopped. In the window it sends the steps signed ahead of it. Stops by
/// time: no command is sent that is due after the end. With a batch size it sends that many
/// steps at a time as one batch, each counted as a command whose answer came with its batch's.
/// </summary>
/// <param name="batch">Commands per batch (POST /v1/commands); null to post each to its own route.</param>
public sealed class LoadClient(LedgerClient client, LoadWorkload workload, ClientScript script, Pacer pacer, long measureFrom, long endAt, int? batch)
{
    long lastAnsweredAt;
    long acknowledged;
    bool stopped;

    public List<Sample> Samples { get; } = [];

    /// <summary>
    /// Open loop: commands of the window that fell due while this client was still waiting for
    /// its previous answer. Many of them mean the N clients, not the server, limited the
    /// offered load: N must be well above the rate times the latency.
    /// </summary>
    public long Late { get; private set; }

    /// <summary>Open loop: warm-up commands this client dropped at the window's start (<see cref="Pacer"/>).</summary>
    public long Dropped => pacer.Dropped;

    public List<Acknowledgement> Acknowledgements { get; } = [];

    /// <summary>Acknowledgements so far, read while the client runs (the signer's estimate of the rate).</summary>
    public long AcknowledgedSoFar => Interlocked.Read(ref acknowledged);

    /// <summary>Refusals by "status code" and transport failures by exception type.</summary>
    public Dictionary<string, int> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Commands of the window signed ahead of it.</summary>
    public long SentSignedAhead { get; private set; }

    /// <summary>Commands of the window signed in it: a cycle's approvals and payment, which name the request's answer.</summary>
    public long SignedInWindowForCycles { get; private set; }

    /// <summary>Commands of the window signed in it because none was left signed ahead (all used, or none signed: a warm-up too short).</summary>
    public long SignedInWindowRanOut { get; private set; }

    /// <summary>Stopwatch ticks this client spent signing in the window: the generator's own Ed25519 work there.</summary>
    public long SigningTicksInWindow { get; private set; }

    public async Task RunAsync()
    {
        while (!stopped && batch is { } size)
        {
            await SendBatchAsync(size);
        }
        while (!stopped)
        {
            var (step, response) = await SendAsync(cycleCommand: null);
            if (step?.CycleProject is { } project && response is { IsSuccess: true } requested)
            {
                await ContinueCycleAsync(project, LoadWorkload.DisbursementIdOf(requested.Body));
            }
        }
    }

    /// <summary>After the request, three approvals, payment: each step waits for the one before; a refused step ends the cycle.</summary>
    async Task ContinueCycleAsync(string project, long disbursementId)
    {
        foreach (var approval in workload.Approvals(project, disbursementId))
        {
            if ((await SendAsync(approval)).Response is not { IsSuccess: true })
            {
                return;
            }
        }
        await SendAsync(workload.PayDisbursement(project, disbursementId));
    }

    /// <param name="cycleCommand">A cycle's next command, signed when due; null for the script's next step.</param>
    /// <returns>What was sent and its answer; a null step if the run is over, a null answer if the request failed without one.</returns>
    async Task<(SignedStep? Step, LedgerResponse? Response)> SendAsync(UnsignedCommand? cycleCommand)
    {
        var due = pacer.NextDue();
        if (due >= endAt)
        {
            stopped = true;
            return (null, null);
        }
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        var inWindow = due >= measureFrom;
        var step = Take(cycleCommand, inWindow);
        // A client still busy with its previous command when this one fell due was late by
        // the server's doing: count from the due time. A client that was idle and woke late
        // was late by the timer's (about a millisecond): count from the send.
        var late = lastAnsweredAt > due;
        if (late && inWindow)
        {
            Late++;
        }
        var sentAt = late ? due : Stopwatch.GetTimestamp();
        LedgerResponse? response = null;
        try
        {
            response = await client.PostRawAsync(step.Type, step.Request);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            Count(e.GetType().Name);
        }
        var answeredAt = lastAnsweredAt = Stopwatch.GetTimestamp();
        Record(step, response, sentAt, answeredAt);
        return (step, response);
    }

    /// <summary>
    /// One batch, closed loop: its steps taken as single commands take them, posted together,
    /// and each command's answer recorded as a single command's is. Each command's latency is
    /// its batch's, so that the percentiles over the window's commands are the batches'.
    /// </summary>
    async Task SendBatchAsync(int size)
    {
        var due = pacer.NextDue();
        if (due >= endAt)
        {
            stopped = true;
            return;
        }
        var inWindow = due >= measureFrom;
        var steps = Enumerable.Range(0, size).Select(_ => Take(cycleCommand: null, inWindow)).ToList();
        var sentAt = Stopwatch.GetTimestamp();
        IReadOnlyList<LedgerResponse?> responses;
        try
        {
            responses = await client.PostEncodedBatchAsync([.. steps.Select(s => s.Request)]);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            // Every command of the batch failed with it.
            steps.ForEach(_ => Count(e.GetType().Name));
            responses = new LedgerResponse?[steps.Count];
        }
        var answeredAt = Stopwatch.GetTimestamp();
        foreach (var (step, response) in steps.Zip(responses))
        {
            Record(step, response, sentAt, answeredAt);
        }
    }

    /// <summary>The next step to send: in the window one signed ahead while any is left, else signed now (and counted when in the window).</summary>
    /// <param name="cycleCommand">A cycle's next command, signed now; null for the script's next step.</param>
    SignedStep Take(UnsignedCommand? cycleCommand, bool inWindow)
    {
        if (inWindow && cycleCommand is null && script.TakeSignedAhead() is { } signedAhead)
        {
            SentSignedAhead++;
            return signedAhead;
        }
        var signing = Stopwatch.GetTimestamp();
        var step = cycleCommand is null ? script.Next() : script.Sign(cycleCommand);
        if (inWindow)
        {
            SigningTicksInWindow += Stopwatch.GetTimestamp() - signing;
            _ = cycleCommand is null ? SignedInWindowRanOut++ : SignedInWindowForCycles++;
        }
        return step;
    }

    /// <param name="response">Null when the request failed without an answer (counted by the caller).</param>
    void Record(SignedStep step, LedgerResponse? response, long sentAt, long answeredAt)
    {
        if (response is { IsSuccess: true })
        {
            Acknowledgements.Add(Acknowledgement.Read(step.Type, answeredAt, response.Body));
            Interlocked.Increment(ref acknowledged);
        }
        else if (response is not null)
        {
            Count($"{(int)response.Status} {response.Code ?? "(no code)"}");
        }
        Samples.Add(new Sample(step.Type, sentAt, answeredAt, response is { IsSuccess: true }));
    }

    void Count(string error) => Errors[error] = Errors.GetValueOrDefault(error) + 1;
}
