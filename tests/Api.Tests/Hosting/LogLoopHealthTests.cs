using System.Net;
using System.Text.Json.Nodes;
using Ledger.Rules.Households;

namespace Ledger.Tests.Hosting;

/// <summary>
/// Issue 14: the Merkle log's loop stops on a broken invariant rather than sign over state that
/// cannot be trusted, and /health then says so (it used to keep saying ok).
/// </summary>
public sealed class LogLoopHealthTests(ApiServer api) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task ALogLoopStoppedOnABrokenInvariantMakesHealthA503NamingTheLog()
    {
        using var http = new HttpClient { BaseAddress = api.Server.Address };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        await api.Server.Log.IntegrateAndSignNowAsync(default);

        // A superuser rewrites the stored tree behind its guard: the next tree no longer extends
        // the signed one, which the loop finds when the log grows.
        await using (var tamper = api.Server.Database.DataSource.CreateCommand("""
            ALTER TABLE merkle_node DISABLE TRIGGER merkle_node_append_only;
            UPDATE merkle_node SET hash = sha256(hash);
            ALTER TABLE merkle_node ENABLE TRIGGER merkle_node_append_only;
            """))
        {
            await tamper.ExecuteNonQueryAsync();
        }
        var award = await api.Client.SendAsync(api.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = ApiServer.HouseholdA,
            ["activity"] = "WasteSorting",
            ["quantity"] = 1,
            ["points"] = 1,
            ["reference"] = "log-loop-health",
        });
        Assert.True(award.IsSuccess, award.Body.ToString());
        // Bounded only so that a loop that never stops fails the test instead of hanging it.
        await api.Server.LogLoop.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(60));

        using var health = await http.GetAsync("/health");

        var problem = await ErrorProblemTests.AssertProblemAsync(health, HttpStatusCode.ServiceUnavailable, "Unhealthy");
        Assert.Equal(["log"], problem.GetProperty("failing").EnumerateArray().Select(check => check.GetString()));
        Assert.Equal("Healthy", problem.GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal("Healthy", problem.GetProperty("checks").GetProperty("cluster").GetString());
        Assert.NotNull(api.Server.LogLoop.StoppedBecause);
    }
}
