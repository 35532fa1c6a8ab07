using Ledger.Checkpoints;

namespace Ledger.Api.Hosting;

/// <summary>
/// While the server runs, has each new checkpoint cosigned by the configured witnesses
/// (<see cref="WitnessCosigner"/>, docs/WITNESS.md). A witness that fails is tried again on a
/// later tick, after a pause that doubles up to a minute: a witness down never holds up the log.
/// </summary>
public sealed class WitnessSubmissionService(WitnessCosigner cosigner, LedgerStartup startup, TimeProvider clock, ILogger<WitnessSubmissionService> logger)
    : BackgroundService
{
    static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(1);

    // Per witness that failed: when to try it again, and the pause that led there.
    readonly Dictionary<CosignatureVerifierKey, (DateTimeOffset At, TimeSpan Pause)> retries = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cosigner.HasWitnesses)
        {
            return;
        }
        using var timer = new PeriodicTimer(Tick, clock);
        try
        {
            do
            {
                try
                {
                    await SubmitLatestAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "submitting the latest checkpoint to the witnesses failed; retrying: {Message}", e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: the newest checkpoint to each witness that has not cosigned it and is not pausing. Tests call it.</summary>
    public async Task SubmitLatestAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var failed = await cosigner.SubmitLatestAsync(startup.Database.DataSource, key => Pausing(key, now), cancellationToken);
        // Tests call this while the loop runs.
        lock (retries)
        {
            Remember(failed, now);
        }
    }

    bool Pausing(CosignatureVerifierKey key, DateTimeOffset now)
    {
        lock (retries)
        {
            return retries.TryGetValue(key, out var retry) && retry.At > now;
        }
    }

    void Remember(IReadOnlyList<CosignatureVerifierKey> failed, DateTimeOffset now)
    {
        foreach (var key in retries.Keys.Except(failed).ToList())
        {
            if (retries[key].At <= now)
            {
                retries.Remove(key);
            }
        }
        foreach (var key in failed)
        {
            var pause = retries.TryGetValue(key, out var last) ? TimeSpan.FromTicks(Math.Min(last.Pause.Ticks * 2, LongestPause.Ticks)) : Tick;
            retries[key] = (now + pause, pause);
        }
    }
}
