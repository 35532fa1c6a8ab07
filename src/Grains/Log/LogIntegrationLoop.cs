using Microsoft.Extensions.Logging;

namespace Ledger.Grains.Log;

/// <summary>
/// Runs <see cref="LogIntegrator.RunOnceAsync"/> at once and then every poll interval, on the
/// given clock, until disposed. A database error is logged and retried on the next tick; a
/// broken invariant (a stored tree or checkpoint that does not check out) stops the loop, so
/// that nothing more is signed over state that cannot be trusted (STYLE.md 9).
/// </summary>
public sealed class LogIntegrationLoop : IAsyncDisposable
{
    readonly CancellationTokenSource stopping = new();
    readonly Task running;

    LogIntegrationLoop(LogIntegrator integrator, TimeProvider clock, ILogger logger)
    {
        running = Task.Run(() => RunAsync(integrator, clock, logger, stopping.Token));
    }

    public static LogIntegrationLoop Start(LogIntegrator integrator, TimeProvider clock, ILogger logger) => new(integrator, clock, logger);

    static async Task RunAsync(LogIntegrator integrator, TimeProvider clock, ILogger logger, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(integrator.Options.PollInterval, clock);
        try
        {
            do
            {
                try
                {
                    var outcome = await integrator.RunOnceAsync(stopping);
                    if (outcome.Decision == CheckpointDecision.Signed)
                    {
                        logger.LogDebug("signed the checkpoint of {TreeSize} entries", outcome.Latest!.TreeSize);
                    }
                }
                catch (InvariantViolationException e)
                {
                    logger.LogCritical(e, "the Merkle log stopped: {Message}", e.Message);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "integrating the Merkle log failed; retrying: {Message}", e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await running;
        stopping.Dispose();
    }
}
