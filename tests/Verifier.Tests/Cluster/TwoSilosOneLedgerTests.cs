using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Tests.Domain;
using Ledger.Tests.Hosting;
using Ledger.Verifier.Verification;

namespace Ledger.Tests.Cluster;

/// <summary>
/// Issue 14: two silos of one cluster on one database, each reached as its own server's API
/// reaches it. The sequence that made the old server answer 500 until it dropped its copy of a
/// project, and a thousand concurrent commands over one project, one catalog and their
/// households through both silos, leave one linear history that the verifier finds valid.
/// </summary>
public sealed class TwoSilosOneLedgerTests
{
    const string ProjectId = "lift-b7";

    static readonly IReadOnlyList<string> Households = [.. Enumerable.Range(1, 12).Select(i => $"t-{i:D2}")];

    [Fact]
    public async Task PaymentsThroughEitherSiloBetweenAwardsAreAcceptedEveryTime()
    {
        await using var domain = await DomainOnHost.CreateAsync(Households);
        await domain.Community.OpenProjectWithFlatCampaignAsync(domain.Host, ProjectId, "7号楼加装电梯", Households);
        var c = domain.Community;
        var household = Households[0];
        // PayShare through A, then B, then an award through A; then payments through A and B in turn.
        var steps = new List<(LedgerGrains Through, SignedCommand Command)>
        {
            (domain.Host, Payment(c, household, 0)),
            (domain.OtherHost, Payment(c, household, 1)),
            (domain.Host, Award(c, household, 0)),
        };
        for (var i = 2; i < 12; i++)
        {
            steps.Add((i % 2 == 0 ? domain.Host : domain.OtherHost, Payment(c, household, i)));
            steps.Add((i % 3 == 0 ? domain.OtherHost : domain.Host, Award(c, household, i)));
        }

        foreach (var (through, command) in steps)
        {
            Assert.IsType<CommandOutcome.Accepted>(await through.ExecuteAsync(command, default));
        }

        var project = (ProjectState)await domain.OtherHost.ReadStateAsync(ProjectRules.StreamOf(ProjectId), default);
        var state = (HouseholdState)await domain.Host.ReadStateAsync(HouseholdRules.StreamOf(household), default);
        Assert.Equal(12 * 1_000, project.ContributionsFen[household]);
        Assert.Equal(12 * 1_000, state.ContributionsFen[ProjectId]);
        Assert.Equal(11 * 10, state.AwardedPoints);
        AssertValid(domain);
    }

    [Fact]
    public async Task AThousandConcurrentCommandsThroughBothSilosLeaveOneValidHistory()
    {
        await using var domain = await DomainOnHost.CreateAsync(Households);
        await domain.Community.OpenProjectWithFlatCampaignAsync(domain.Host, ProjectId, "7号楼加装电梯", Households);
        var c = domain.Community;
        await c.AcceptAsync(domain.Host, c.Coordinator, CatalogCommandTypes.AddCatalogItem, new JsonObject
        {
            ["itemId"] = "haircut", ["name"] = "理发", ["kind"] = "HouseholdService", ["pricePoints"] = 10,
        });
        var commands = new List<SignedCommand>();
        for (var i = 0; i < 1_000; i++)
        {
            var household = Households[i % Households.Count];
            commands.Add((i % 4) switch
            {
                0 => Payment(c, household, i),
                1 or 2 => Award(c, household, i),
                _ => c.Sign(c.Residents[household], HouseholdCommandTypes.ReserveRedemption,
                    new JsonObject { ["householdId"] = household, ["itemId"] = "haircut", ["quantity"] = 1 }, $"reserve-{i}"),
            });
        }

        var outcomes = await Task.WhenAll(commands.Select((command, i) => ClientRetry.ExecuteAsync(i % 2 == 0 ? domain.Host : domain.OtherHost, command)));
        // Sent again, every command gets its first result and writes nothing.
        var again = await Task.WhenAll(commands.Select((command, i) => ClientRetry.ExecuteAsync(i % 2 == 0 ? domain.OtherHost : domain.Host, command)));

        // Only a reservation that found too few points may be refused.
        Assert.All(outcomes.Select((o, i) => (o, i)).Where(x => x.o is CommandOutcome.Refused), x =>
        {
            Assert.Equal(HouseholdCommandTypes.ReserveRedemption, commands[x.i].Command.Type);
            Assert.Equal(ResultCode.InsufficientPoints, ((CommandOutcome.Refused)x.o).Code);
        });
        var accepted = outcomes.OfType<CommandOutcome.Accepted>().ToList();
        Assert.All(accepted, a => Assert.False(a.Replayed));
        for (var i = 0; i < commands.Count; i++)
        {
            if (outcomes[i] is CommandOutcome.Accepted first)
            {
                var replayed = Assert.IsType<CommandOutcome.Accepted>(again[i]);
                Assert.True(replayed.Replayed);
                Assert.Equal(first.Entries, replayed.Entries);
            }
        }
        // Every acknowledged entry is in the ledger where it was acknowledged, and nothing else is.
        var stored = (await domain.ReadAllAsync()).ToDictionary(s => s.LogPosition);
        var acknowledged = accepted.SelectMany(a => a.Entries).ToList();
        Assert.Equal(acknowledged.Count, acknowledged.Select(e => e.LogPosition).Distinct().Count());
        foreach (var entry in acknowledged)
        {
            var at = stored[entry.LogPosition].Entry;
            Assert.Equal((entry.Stream, entry.Sequence, entry.Hash), (at.Stream, at.Sequence, at.Hash));
        }
        Assert.Equal(acknowledged.Count, stored.Values.Count(s => commands.Any(c => c.Command.IdempotencyKey == s.Entry.SignedCommand.Command.IdempotencyKey
            && c.Command.PersonId == s.Entry.SignedCommand.Command.PersonId)));
        AssertValid(domain);
    }

    static void AssertValid(DomainOnHost domain)
    {
        var report = Audit.Run(new DatabaseSource(domain.ConnectionString), RegistryOnHost.Registrar.KeyId);
        Assert.True(report.Valid, string.Join("\n", report.Findings));
    }

    static SignedCommand Payment(Community c, string household, int i) =>
        c.Sign(c.Residents[household], ProjectCommandTypes.PayShare, new JsonObject
        {
            ["projectId"] = ProjectId, ["householdId"] = household, ["amountFen"] = 1_000, ["reference"] = $"payment-{i}",
        }, $"payment-{i}");

    static SignedCommand Award(Community c, string household, int i) =>
        c.Sign(c.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = household, ["activity"] = "VolunteerService", ["quantity"] = 1, ["points"] = 10, ["reference"] = $"award-{i}",
        }, $"award-{i}");
}
