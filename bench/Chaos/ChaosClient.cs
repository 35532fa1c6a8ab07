using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Ledger.Bench.Load;
using Ledger.Client;
using Ledger.Entries;

namespace Ledger.Bench.Chaos;

/// <summary>Every answer of the run, by "status code" (e.g. "503 StorageUnavailable"), and every attempt that got none, by exception type.</summary>
public sealed class AnswerTally
{
    public ConcurrentDictionary<string, int> Answers { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> NoAnswers { get; } = new(StringComparer.Ordinal);

    public int Count(HttpStatusCode status) => Answers.Where(a => a.Key.StartsWith($"{(int)status} ", StringComparison.Ordinal)).Sum(a => a.Value);

    public void Add(LedgerResponse response) =>
        Answers.AddOrUpdate($"{(int)response.Status} {(response.IsSuccess ? "acknowledged" : response.Code ?? "(no code)")}", 1, (_, n) => n + 1);

    public void Add(Exception noAnswer) => NoAnswers.AddOrUpdate(noAnswer.GetType().Name, 1, (_, n) => n + 1);
}

/// <summary>A command acknowledged to the client: who sent it under which idempotency key, and where the acknowledgement says it is.</summary>
public sealed record AcknowledgedCommand(string PersonId, string IdempotencyKey, Acknowledgement Acknowledgement);

/// <summary>
/// One of the C clients: signs a seeded mix of points awards over many households and
/// crowdfunding payments (<see cref="LoadWorkload"/>), sends each to either process, and sends
/// the same signed command again — to the other process, after a short back-off — while it
/// gets no answer, a 503 or a 409 Conflict (docs/API.md "Idempotency and retries"), a bounded
/// number of times. Stops between commands when told to.
/// </summary>
public sealed class ChaosClient(int index, string runId, IReadOnlyList<ServerNode> nodes, LoadWorkload workload, Random random, AnswerTally tally)
{
    /// <summary>The share of payments in the mix; the rest are awards.</summary>
    public const double PaymentShare = 0.1;

    /// <summary>Attempts per command: with the back-off below, more than a minute, longer than any fault of the run lasts.</summary>
    public const int MaxAttempts = 60;

    static readonly TimeSpan LongestBackOff = TimeSpan.FromSeconds(1.6);

    long sent;

    public List<AcknowledgedCommand> Acknowledged { get; } = [];

    /// <summary>Commands still unanswered after <see cref="MaxAttempts"/>, or answered with a final refusal, by "status code".</summary>
    public Dictionary<string, int> Unacknowledged { get; } = new(StringComparer.Ordinal);

    public long Sent => sent;

    /// <summary>The longest a command of this client took from its first attempt to its acknowledgement, retries included.</summary>
    public TimeSpan LongestToAcknowledgement { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var command = random.NextDouble() < PaymentShare
                ? workload.Payment(random)
                : workload.Award(random, $"{index}/{sent}");
            // Signing needs no address: any node's client signs.
            var signed = nodes[0].Client.Sign(command.Signer, command.Type, command.Body, idempotencyKey: $"{runId}/{index}/{sent}");
            sent++;
            await SendAsync(signed);
        }
    }

    async Task SendAsync(SignedCommand signed)
    {
        var target = random.Next(nodes.Count);
        var first = Stopwatch.GetTimestamp();
        LedgerResponse? response = null;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            response = null;
            try
            {
                response = await nodes[target].Client.PostAsync(signed);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                tally.Add(e);
            }
            if (response is not null)
            {
                tally.Add(response);
                if (response.IsSuccess)
                {
                    var at = Stopwatch.GetTimestamp();
                    Acknowledged.Add(new AcknowledgedCommand(signed.Command.PersonId, signed.Command.IdempotencyKey,
                        Acknowledgement.Read(signed.Command.Type, at, response.Body)));
                    LongestToAcknowledgement = TimeSpan.FromTicks(Math.Max(LongestToAcknowledgement.Ticks, Stopwatch.GetElapsedTime(first, at).Ticks));
                    return;
                }
                if (!IsRetried(response))
                {
                    Count($"{(int)response.Status} {response.Code ?? "(no code)"}");
                    return;
                }
            }
            target = (target + 1) % nodes.Count;
            await Task.Delay(BackOff(attempt));
        }
        Count(response is null ? "never answered" : $"{(int)response.Status} {response.Code} on every attempt");
    }

    /// <summary>The answers docs/API.md says to send the same command again on.</summary>
    static bool IsRetried(LedgerResponse response) =>
        response.Status == HttpStatusCode.ServiceUnavailable || response is { Status: HttpStatusCode.Conflict, Code: "Conflict" };

    /// <summary>Doubling from 50 ms: the other process usually answers at once; a restart or a declaration of death takes seconds.</summary>
    static TimeSpan BackOff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(50 * Math.Pow(2, attempt), LongestBackOff.TotalMilliseconds));

    void Count(string outcome) => Unacknowledged[outcome] = Unacknowledged.GetValueOrDefault(outcome) + 1;
}
