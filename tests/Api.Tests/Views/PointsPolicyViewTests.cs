using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Registry;

namespace Ledger.Tests.Views;

/// <summary>
/// The points policy through HTTP (docs/ENTRIES.md "Points policy", docs/API.md): proposed
/// and approved through the command endpoint, readable by anyone at /v1/points-policy, and
/// each award in the household view with its activity, quantity and pricing version. The
/// server's clock is the real one, so the version approved here takes effect tomorrow: the
/// pricing itself is the pure rules' (tests/Ledger.Tests/Rules/Households/PointsPolicyTests.cs)
/// and the verifier's (the tamper suite).
/// </summary>
public sealed class PointsPolicyViewTests : IAsyncLifetime
{
    readonly ApiServer api = new();
    DateTimeOffset effectiveFrom;

    public async Task InitializeAsync()
    {
        await api.InitializeAsync();
        effectiveFrom = LedgerTime.Truncate(DateTimeOffset.UtcNow.AddDays(1));
    }

    public Task DisposeAsync() => api.DisposeAsync();

    JsonObject Proposal(DateTimeOffset from) => new()
    {
        ["effectiveFrom"] = LedgerTime.Format(from),
        ["rates"] = new JsonArray(
            new JsonObject { ["activity"] = "WasteSorting", ["pointsPerUnit"] = 1, ["unit"] = "Day", ["capPoints"] = 31, ["capPeriod"] = "Month" },
            new JsonObject { ["activity"] = "VolunteerService", ["pointsPerUnit"] = 10, ["unit"] = "Hour" }),
    };

    [Fact]
    public async Task AnApprovedVersionIsPublicAndAnAwardBeforeItTakesEffectNamesNoVersion()
    {
        var refused = await api.Client.SendAsync(api.Coordinator, RegistryCommandTypes.ProposePointsPolicy, Proposal(DateTimeOffset.UtcNow.AddDays(-1)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal(nameof(ResultCode.PolicyTakesEffectTooEarly), refused.Code);
        var proposed = await api.Client.SendAsync(api.Coordinator, RegistryCommandTypes.ProposePointsPolicy, Proposal(effectiveFrom));
        Assert.True(proposed.IsSuccess, proposed.Body.ToString());
        var notByCoordinator = await api.Client.SendAsync(api.Coordinator, RegistryCommandTypes.ApprovePointsPolicy, new JsonObject { ["version"] = 1 });
        Assert.Equal((HttpStatusCode.Forbidden, nameof(ResultCode.RoleMissing)), (notByCoordinator.Status, notByCoordinator.Code));
        var approved = await api.Client.SendAsync(api.ResidentSupervisor, RegistryCommandTypes.ApprovePointsPolicy, new JsonObject { ["version"] = 1 });
        Assert.True(approved.IsSuccess, approved.Body.ToString());
        Assert.Equal(RegistryRules.Stream, approved.Body.GetProperty("stream").GetString());
        var award = await api.Client.SendAsync(api.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = ApiServer.HouseholdA, ["activity"] = "WasteSorting", ["quantity"] = 3, ["points"] = 7, ["reference"] = "sorting-week-1",
        });
        Assert.True(award.IsSuccess, award.Body.ToString());

        var policy = await api.Client.GetAsync("/v1/points-policy");
        var household = await api.Client.GetAsync($"/v1/households/{ApiServer.HouseholdA}", api.ResidentA);

        Assert.Equal(HttpStatusCode.OK, policy.Status);
        Assert.Equal(JsonValueKind.Null, policy.Body.GetProperty("inForce").ValueKind);
        var version = Assert.Single(policy.Body.GetProperty("versions").EnumerateArray());
        Assert.Equal((1L, LedgerTime.Format(effectiveFrom), true, api.Coordinator.PersonId),
            (version.GetProperty("version").GetInt64(), version.GetProperty("effectiveFrom").GetString(), version.GetProperty("approved").GetBoolean(),
                version.GetProperty("proposedBy").GetString()));
        Assert.Equal(
            [("VolunteerService", 10L, "Hour", (long?)null, (string?)null), ("WasteSorting", 1L, "Day", 31L, "Month")],
            version.GetProperty("rates").EnumerateArray().Select(r => (r.GetProperty("activity").GetString(), r.GetProperty("pointsPerUnit").GetInt64(),
                r.GetProperty("unit").GetString(),
                r.GetProperty("capPoints").ValueKind == JsonValueKind.Null ? (long?)null : r.GetProperty("capPoints").GetInt64(),
                r.GetProperty("capPeriod").GetString())));
        var awarded = Assert.Single(household.Body.GetProperty("awards").EnumerateArray());
        Assert.Equal(("WasteSorting", 3L, 7L, JsonValueKind.Null),
            (awarded.GetProperty("activity").GetString(), awarded.GetProperty("quantity").GetInt64(), awarded.GetProperty("points").GetInt64(),
                awarded.GetProperty("policyVersion").ValueKind));
    }
}
