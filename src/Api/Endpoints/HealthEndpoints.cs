using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Rules.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ledger.Api.Endpoints;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", GetHealth)
            .WithName("GetHealth")
            .WithSummary("Whether the server, its database and its Merkle log are healthy, with their versions.")
            .WithDescription("200 when every check passes (status \"ok\") or one is only degraded (status \"degraded\"); "
                + "503 with the code Unhealthy and the failing checks (database, log, checkpoint, cluster) otherwise. Never 500.")
            .WithTags("Health")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    static async Task<Results<Ok<Health>, ProblemHttpResult>> GetHealth(HealthCheckService checks, LedgerDatabase database, LedgerGrains grains,
        LogIntegrationService log, CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(cancellationToken);
        if (report.Status == HealthStatus.Unhealthy)
        {
            var failing = report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).ToList();
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, Problems.Unhealthy,
                string.Join("; ", failing.Select(e => $"{e.Key}: {e.Value.Description}")),
                details: new Dictionary<string, object?>
                {
                    ["failing"] = failing.Select(e => e.Key).ToList(),
                    ["checks"] = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
                });
        }
        var registry = (RegistryState)await grains.ReadStateAsync(RegistryRules.Stream, cancellationToken);
        return TypedResults.Ok(new Health(report.Status == HealthStatus.Healthy ? "ok" : "degraded",
            database.ServerVersion, database.SchemaVersion, FormatVersion.Current,
            (long)report.Entries[HealthCheckNames.Database].Data[HealthCheckNames.LogSize],
            !registry.IsOpen ? "notOpen" : registry.IsTrial ? "trial" : "production",
            log.NotSigningBecause));
    }
}
