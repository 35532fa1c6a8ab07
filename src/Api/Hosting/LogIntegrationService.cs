using Ledger.Grains.Log;

namespace Ledger.Api.Hosting;

/// <summary>
/// Runs <see cref="LogIntegrator.RunOnceAsync"/> at once and then every poll interval while the
/// server runs. A database error is logged and retried on the next tick; a broken invariant (a
/// stored tree or checkpoint that does not check out) stops the loop, so that nothing more is
/// signed over state that cannot be trusted (STYLE.md 9), and /health says so. On stop, every
/// entry accepted is put under a signed checkpoint, submitted to the witnesses.
/// </summary>
public sealed class LogIntegrationService(LedgerStartup startup, WitnessCosigner witnesses, TimeProvider clock, ILogger<LogIntegrator> logger) : BackgroundService
{
    long coveredAtUtcTicks = clock.GetUtcNow().UtcTicks;
    volatile string? stoppedBecause;

    volatile string? notSigningBecause;

    /// <summary>Why the last tick signed nothing though the log had grown beyond the latest checkpoint; null if it was covered or signed.</summary>
    public string? NotSigningBecause => notSigningBecause;

    /// <summary>Why the loop stopped on a broken invariant; null while it runs (or stopped with the server).</summary>
    public string? StoppedBecause => stoppedBecause;

    /// <summary>
    /// When the log was last seen entirely under a signed checkpoint (whoever signed it); the
    /// start of the server until the first tick. An idle log stays covered: its age is not the
    /// latest checkpoint's, which is only signed when the log grows.
    /// </summary>
    public DateTimeOffset CoveredAt => new(Interlocked.Read(ref coveredAtUtcTicks), TimeSpan.Zero);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var integrator = startup.Log;
        using var timer = new PeriodicTimer(integrator.Options.PollInterval, clock);
        try
        {
            do
            {
                try
                {
                    var outcome = await integrator.RunOnceAsync(stoppingToken);
                    if (outcome.Decision == CheckpointDecision.Signed)
                    {
                        logger.LogDebug("signed the checkpoint of {TreeSize} entries", outcome.Latest!.TreeSize);
                    }
                    if (outcome.Covered)
                    {
                        Interlocked.Exchange(ref coveredAtUtcTicks, clock.GetUtcNow().UtcTicks);
                    }
                    notSigningBecause = outcome.Decision switch
                    {
                        CheckpointDecision.NotNamed when !outcome.Covered =>
                            $"this server's log key {integrator.VerifierKey} is not the one the registry names for the log (NameLogKey): it integrates but does not sign",
                        CheckpointDecision.NotTheLogKey when !outcome.Covered => "this server holds no log key: another process signs",
                        _ => null,
                    };
                }
                catch (InvariantViolationException e)
                {
                    logger.LogCritical(e, "the Merkle log stopped: {Message}", e.Message);
                    stoppedBecause = e.Message;
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "integrating the Merkle log failed; retrying: {Message}", e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (stoppedBecause is not null)
        {
            return;
        }
        try
        {
            // A server that stops leaves every entry it accepted under a signed checkpoint
            // (Kestrel, started last, has stopped first: no entry is accepted after this).
            await startup.Log.IntegrateAndSignNowAsync(cancellationToken);
            // … and has the witnesses cosign it, waiting Witness:ExportWaitSeconds at most.
            await witnesses.CosignLatestNowAsync(startup.Database.DataSource, cancellationToken);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "the last checkpoint could not be signed: {Message}", e.Message);
        }
    }
}
