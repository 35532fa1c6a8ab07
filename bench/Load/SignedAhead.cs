using System.Collections.Concurrent;
using System.Diagnostics;
using Ledger.Client;
using Ledger.Rules;

namespace Ledger.Bench.Load;

/// <summary>
/// A command signed and encoded as it is posted. A disbursement request names its project: its
/// cycle goes on with the approvals and the payment once its answer names the disbursement.
/// </summary>
public sealed record SignedStep(string Type, byte[] Request, string? CycleProject);

/// <summary>
/// What one client sends, in the order its seeded random draws it (<see cref="LoadWorkload"/>):
/// a points award, a crowdfunding payment, or the request that opens a disbursement cycle; or,
/// for batches, awards only, as the coordinator's bulk awards after an event are. The
/// warm-up's steps are signed as they are sent; the window's are signed ahead of it by
/// <see cref="SigningAhead"/>, and taken from here while it lasts.
/// </summary>
public sealed class ClientScript(LoadWorkload workload, int index, Random random, LedgerClient signer, bool awardsOnly)
{
    readonly Lock draw = new();
    readonly ConcurrentQueue<SignedStep> ahead = new();
    long awards;

    public int AheadCount => ahead.Count;

    /// <summary>The next step drawn, signed now.</summary>
    public SignedStep Next()
    {
        UnsignedCommand command;
        string? cycleProject = null;
        lock (draw)
        {
            var choice = random.NextDouble();
            if (awardsOnly || choice < LoadWorkload.AwardShare)
            {
                command = workload.Award(random, $"{index}/{awards++}");
            }
            else if (choice < LoadWorkload.AwardShare + LoadWorkload.PaymentShare)
            {
                command = workload.Payment(random);
            }
            else
            {
                cycleProject = workload.Project(random);
                command = workload.RequestDisbursement(cycleProject);
            }
        }
        return Sign(command, cycleProject);
    }

    /// <summary>A command signed now, as LedgerClient posts it: the canonical JSON of the signed command.</summary>
    public SignedStep Sign(UnsignedCommand command, string? cycleProject = null) =>
        new(command.Type, LedgerClient.Encode(signer.Sign(command.Signer, command.Type, command.Body)), cycleProject);

    /// <summary>Draws the next step, signs it now and keeps it for the window.</summary>
    public void SignOneAhead() => ahead.Enqueue(Next());

    /// <returns>The oldest step signed ahead; null when none is left.</returns>
    public SignedStep? TakeSignedAhead() => ahead.TryDequeue(out var step) ? step : null;
}

/// <summary>
/// Issue 16 item 5: every client's commands for the measured window are signed before it opens,
/// so that the window measures the server and not the generator's Ed25519 signing on the same
/// cores. A command carries the time it was signed, and the server takes it only within
/// <see cref="Authorization.IssueWindow"/> of its own clock (FORMAT.md §8): signing starts at
/// most <see cref="MaxAge"/> before the window's end, so that the last command of the window is
/// still well inside it. Open loop, the window's commands are known: rate × seconds. Closed
/// loop, they are estimated from the warm-up — twice the acknowledged rate of its last seconds —
/// and topped up every second until the window opens. Not signed ahead, and counted by the
/// client: a cycle's approvals and payment, which name the disbursement its request's answer
/// gives, and whatever a client sends after its signed commands ran out.
/// </summary>
public static class SigningAhead
{
    /// <summary>The oldest a command signed ahead may be when the window ends: a minute inside the issue window.</summary>
    public static readonly TimeSpan MaxAge = Authorization.IssueWindow - TimeSpan.FromMinutes(1);

    /// <summary>The longest window whose commands can all be signed ahead with a minute to sign them.</summary>
    public static readonly TimeSpan LongestWindow = MaxAge - TimeSpan.FromMinutes(1);

    /// <summary>Closed loop: the window's commands, over the warm-up's recent acknowledged rate times the window.</summary>
    const double ClosedLoopHeadroom = 2.0;

    /// <summary>The warm-up's last seconds over which the closed loop's rate is taken (longer when signing took longer).</summary>
    const int RateSeconds = 5;

    /// <summary>Signs ahead from when it may (<see cref="MaxAge"/>) until the window opens, on every core.</summary>
    /// <param name="acknowledged">The commands acknowledged so far, all clients together.</param>
    /// <returns>The steps signed ahead.</returns>
    public static async Task<long> RunAsync(IReadOnlyList<ClientScript> scripts, Func<long> acknowledged, double? rate, int seconds,
        long measureFrom, long endAt)
    {
        var signFrom = endAt - (long)(MaxAge.TotalSeconds * Stopwatch.Frequency);
        var untilThen = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), signFrom);
        if (untilThen > TimeSpan.Zero)
        {
            await Task.Delay(untilThen);
        }
        var recent = new Queue<(long At, long Acknowledged)>();
        long signed = 0;
        long target = 0;
        while (Stopwatch.GetTimestamp() < measureFrom)
        {
            var now = Stopwatch.GetTimestamp();
            recent.Enqueue((now, acknowledged()));
            while (recent.Count > 2 && Stopwatch.GetElapsedTime(recent.Peek().At, now).TotalSeconds > RateSeconds)
            {
                recent.Dequeue();
            }
            var (from, to) = (recent.Peek(), recent.Last());
            var windowCommands = rate is { } perSecond
                ? perSecond * seconds
                : to.At > from.At ? ClosedLoopHeadroom * (to.Acknowledged - from.Acknowledged) / Stopwatch.GetElapsedTime(from.At, to.At).TotalSeconds * seconds : 0;
            target = Math.Max(target, (long)Math.Ceiling(windowCommands / scripts.Count) + 1);
            var perClient = target;
            await Task.Run(() => Parallel.ForEach(scripts, script =>
            {
                // Stops at the window's opening, topped up or not: signing in the window is what this avoids.
                while (script.AheadCount < perClient && Stopwatch.GetTimestamp() < measureFrom)
                {
                    script.SignOneAhead();
                    Interlocked.Increment(ref signed);
                }
            }));
            var nextSecond = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Math.Min(measureFrom, Stopwatch.GetTimestamp() + Stopwatch.Frequency));
            if (nextSecond > TimeSpan.Zero)
            {
                await Task.Delay(nextSecond);
            }
        }
        return signed;
    }
}
