using System.Text.Json.Nodes;
using Ledger.Grains.Hosting;
using Ledger.Rules.Households;
using Ledger.Tests.Domain;

namespace Ledger.Tests.Hosting;

/// <summary>
/// Grains are activated on first use, deactivated when idle, and never more than the cap
/// stay in memory; a deactivated grain comes back with its state read from the store.
/// </summary>
public sealed class GrainLifecycleTests
{
    static readonly IReadOnlyList<string> Households = [.. Enumerable.Range(1, 50).Select(i => $"g-{i:D2}")];

    [Fact]
    public async Task NoMoreGrainsThanTheCapStayInMemoryAndEvictedOnesComeBackWithTheirState()
    {
        await using var domain = await DomainOnHost.CreateAsync(Households, new GrainHostOptions { MaxActiveGrains = 10 });
        var c = domain.Community;

        for (var round = 0; round < 2; round++)
        {
            foreach (var household in Households)
            {
                await c.AcceptAsync(domain.Host, Award(c, household, $"round-{round}"));
                Assert.InRange(domain.Host.ActiveGrainCount, 1, 10);
            }
        }

        foreach (var household in Households)
        {
            var state = (HouseholdState)await domain.Host.ReadStateAsync(HouseholdRules.StreamOf(household), default);
            Assert.Equal(20, state.AwardedPoints);
        }
        Assert.Equal(10, domain.Host.ActiveGrainCount);
    }

    [Fact]
    public async Task GrainsIdleLongerThanTheLimitAreDeactivatedAndOthersStay()
    {
        var options = new GrainHostOptions { IdleAfter = TimeSpan.FromMinutes(10) };
        await using var domain = await DomainOnHost.CreateAsync(Households.Take(3).ToList(), options);
        var c = domain.Community;
        await c.AcceptAsync(domain.Host, Award(c, Households[0], "early"));
        await c.AcceptAsync(domain.Host, Award(c, Households[1], "early"));
        domain.Clock.Advance(TimeSpan.FromMinutes(6));
        await c.AcceptAsync(domain.Host, Award(c, Households[2], "later"));
        Assert.Equal(3, domain.Host.ActiveGrainCount);

        domain.Clock.Advance(TimeSpan.FromMinutes(5));
        domain.Host.DeactivateIdle();

        Assert.Equal(1, domain.Host.ActiveGrainCount);
        await c.AcceptAsync(domain.Host, Award(c, Households[0], "after-deactivation"));
        var state = (HouseholdState)await domain.Host.ReadStateAsync(HouseholdRules.StreamOf(Households[0]), default);
        Assert.Equal(20, state.AwardedPoints);
    }

    static Ledger.Entries.SignedCommand Award(Community c, string household, string reference) =>
        c.Sign(c.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = household,
            ["activity"] = "VolunteerService",
            ["quantity"] = 1,
            ["points"] = 10,
            ["reference"] = reference,
        });
}
