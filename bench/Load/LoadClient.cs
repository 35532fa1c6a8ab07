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
/// seeded random choices, and its own records, merged when every client has stopped.
/// Stops by time: no command is sent that is due after the end.
/// </summary>
public sealed class LoadClient(int index, LedgerClient client, LoadWorkload workload, Random random, Pacer pacer, long measureFrom, long endAt)
{
    long awards;
    long lastAnsweredAt;
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

    /// <summary>Refusals by "status code" and transport failures by exception type.</summary>
    public Dictionary<string, int> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Stopwatch ticks spent signing: the generator's own Ed25519 work, on the same cores as an in-process server.</summary>
    public long SigningTicks { get; private set; }

    public async Task RunAsync()
    {
        while (!stopped)
        {
            var choice = random.NextDouble();
            if (choice < LoadWorkload.AwardShare)
            {
                await SendAsync(workload.Award(random, $"{index}/{awards++}"));
            }
            else if (choice < LoadWorkload.AwardShare + LoadWorkload.PaymentShare)
            {
                await SendAsync(workload.Payment(random));
            }
            else
            {
                await DisbursementCycleAsync();
            }
        }
    }

    /// <summary>Request, three approvals, payment: each step waits for the one before; a refused step ends the cycle.</summary>
    async Task DisbursementCycleAsync()
    {
        var project = workload.Project(random);
        if (await SendAsync(workload.RequestDisbursement(project)) is not { IsSuccess: true } requested)
        {
            return;
        }
        var disbursementId = LoadWorkload.DisbursementIdOf(requested.Body);
        foreach (var approval in workload.Approvals(project, disbursementId))
        {
            if (await SendAsync(approval) is not { IsSuccess: true })
            {
                return;
            }
        }
        await SendAsync(workload.PayDisbursement(project, disbursementId));
    }

    /// <returns>The answer; null if the run is over or the request failed without one.</returns>
    async Task<LedgerResponse?> SendAsync(UnsignedCommand command)
    {
        var due = pacer.NextDue();
        if (due >= endAt)
        {
            stopped = true;
            return null;
        }
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        // A client still busy with its previous command when this one fell due was late by
        // the server's doing: count from the due time. A client that was idle and woke late
        // was late by the timer's (about a millisecond): count from the send.
        var signing = Stopwatch.GetTimestamp();
        var signed = client.Sign(command.Signer, command.Type, command.Body);
        var signedAt = Stopwatch.GetTimestamp();
        SigningTicks += signedAt - signing;
        var late = lastAnsweredAt > due;
        if (late && due >= measureFrom)
        {
            Late++;
        }
        var sentAt = late ? due : signedAt;
        LedgerResponse? response = null;
        try
        {
            response = await client.PostAsync(signed);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            Count(e.GetType().Name);
        }
        var answeredAt = lastAnsweredAt = Stopwatch.GetTimestamp();
        if (response is { IsSuccess: true })
        {
            Acknowledgements.Add(Acknowledgement.Read(command.Type, answeredAt, response.Body));
        }
        else if (response is not null)
        {
            Count($"{(int)response.Status} {response.Code ?? "(no code)"}");
        }
        Samples.Add(new Sample(command.Type, sentAt, answeredAt, response is { IsSuccess: true }));
        return response;
    }

    void Count(string error) => Errors[error] = Errors.GetValueOrDefault(error) + 1;
}
