using Ledger.Grains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Hosting;

/// <summary>The names of the checks behind GET /health, as its problem body names them.</summary>
public static class HealthCheckNames
{
    public const string Database = "database";
    public const string Log = "log";
    public const string Checkpoint = "checkpoint";
    public const string Cluster = "cluster";

    /// <summary>The database check's data: entries in the global log, read as its probe.</summary>
    public const string LogSize = "logSize";
}

/// <summary>
/// The database answers a read of the log's size within <c>Health:TimeoutMilliseconds</c>. The
/// wait is cut there whatever Npgsql does with the cancellation, so /health answers in time
/// even with a hung server. Why it failed goes to the log, not to the answer.
/// </summary>
sealed class DatabaseHealthCheck(LedgerDatabase database, IOptions<HealthSettings> settings, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Value.TimeoutMilliseconds);
        try
        {
            var logSize = await database.Entries.LogSizeAsync(deadline.Token).WaitAsync(deadline.Token);
            return HealthCheckResult.Healthy(data: new Dictionary<string, object> { [HealthCheckNames.LogSize] = logSize });
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(e, "health: the database did not answer: {Message}", e.Message);
            return HealthCheckResult.Unhealthy($"the database did not answer within {settings.Value.TimeoutMilliseconds} ms");
        }
    }
}

/// <summary>The Merkle log's loop runs: it stops only on a broken invariant, which needs an operator.</summary>
sealed class LogLoopHealthCheck(LogIntegrationService loop) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(loop.StoppedBecause is null
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the Merkle log stopped on a broken invariant: nothing more is signed (the server log says why)"));
}

/// <summary>
/// Entries wait for a signed checkpoint no longer than the configured bounds: degraded beyond
/// <c>Health:CheckpointDegradedAfterSeconds</c>, unhealthy beyond <c>Health:CheckpointUnhealthyAfterSeconds</c>.
/// </summary>
sealed class CheckpointHealthCheck(LogIntegrationService loop, IOptions<HealthSettings> settings, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var waited = clock.GetUtcNow() - loop.CoveredAt;
        var message = $"entries have waited {waited.TotalSeconds:0} s for a signed checkpoint";
        return Task.FromResult(
            waited > TimeSpan.FromSeconds(settings.Value.CheckpointUnhealthyAfterSeconds) ? HealthCheckResult.Unhealthy(message)
            : waited > TimeSpan.FromSeconds(settings.Value.CheckpointDegradedAfterSeconds) ? HealthCheckResult.Degraded(message)
            : HealthCheckResult.Healthy());
    }
}

/// <summary>
/// This process's silo is an active member of the cluster (Orleans' membership, as this silo
/// last read it): while it is joining, shutting down or declared dead by the others, the
/// commands this process receives cannot reach their grains.
/// </summary>
sealed class ClusterHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"this process's silo is {status} in the cluster's membership, not Active"));
    }
}
