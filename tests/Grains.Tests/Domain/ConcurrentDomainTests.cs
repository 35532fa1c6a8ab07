using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Tests.Hosting;
using Npgsql;

namespace Ledger.Tests.Domain;

/// <summary>
/// Issue 4 under concurrency, on two grain hosts sharing one database: crowdfunding payments
/// keep both sides and the exact total; points never go below zero; a payment whose
/// connection dies inside its transaction leaves neither side.
/// </summary>
public sealed class ConcurrentDomainTests
{
    const string ProjectId = "fire-safety";

    static readonly IReadOnlyList<string> Households = [.. Enumerable.Range(1, 12).Select(i => $"h-{i:D2}")];

    [Fact]
    public async Task TwoHundredConcurrentPaymentsFromTwoHostsKeepBothSidesAndTheExactTotal()
    {
        await using var domain = await DomainOnHost.CreateAsync(Households);
        await domain.Community.OpenProjectWithFlatCampaignAsync(domain.Host, ProjectId, "消防设施改造", Households);
        const long amountFen = 1_000;
        var c = domain.Community;
        var payments = Enumerable.Range(0, 200)
            .Select(i => c.Sign(c.Residents[Households[i % Households.Count]], ProjectCommandTypes.PayShare, new JsonObject
            {
                ["projectId"] = ProjectId,
                ["householdId"] = Households[i % Households.Count],
                ["amountFen"] = amountFen,
                ["reference"] = $"payment-{i}",
            }))
            .ToList();

        var outcomes = await Task.WhenAll(payments.Select((p, i) => ClientRetry.ExecuteAsync(i % 2 == 0 ? domain.Host : domain.OtherHost, p)));

        Assert.All(outcomes, o => Assert.IsType<CommandOutcome.Accepted>(o));
        var all = await domain.ReadAllAsync();
        var householdSides = all.Where(s => s.Entry.Type == HouseholdEntryTypes.CrowdfundingPaid).ToList();
        var projectSides = all.Where(s => s.Entry.Type == ProjectEntryTypes.ContributionReceived).ToList();
        Assert.Equal(200, householdSides.Count);
        Assert.Equal(200, projectSides.Count);
        foreach (var householdSide in householdSides)
        {
            // Both sides of a payment carry one signed command and commit together, next to each other.
            var projectSide = Assert.Single(projectSides, p => p.LogPosition == householdSide.LogPosition + 1);
            Assert.Equal(householdSide.Entry.SignedCommand.Signature, projectSide.Entry.SignedCommand.Signature);
        }
        var project = (ProjectState)await domain.Host.ReadStateAsync(ProjectRules.StreamOf(ProjectId), default);
        Assert.Equal(200 * amountFen, project.ReceivedFen(FundingSource.ResidentCrowdfunding));
        foreach (var household in Households)
        {
            var state = (HouseholdState)await domain.OtherHost.ReadStateAsync(HouseholdRules.StreamOf(household), default);
            Assert.Equal(project.ContributionsFen[household], state.ContributionsFen[ProjectId]);
            Assert.Equal(householdSides.Count(s => s.Entry.Stream == HouseholdRules.StreamOf(household)) * amountFen, state.ContributionsFen[ProjectId]);
        }
    }

    [Fact]
    public async Task OneThousandConcurrentAwardsAndRedemptionsNeverDriveABalanceBelowZero()
    {
        var households = Households.Take(10).ToList();
        await using var domain = await DomainOnHost.CreateAsync(households);
        var c = domain.Community;
        await c.AcceptAsync(domain.Host, c.Coordinator, CatalogCommandTypes.AddCatalogItem, new JsonObject
        {
            ["itemId"] = "cinema",
            ["name"] = "电影票",
            ["kind"] = "Tickets",
            ["pricePoints"] = 10,
        });
        // Per household: 50 awards of 10 points and 50 reservations of 10 points, interleaved,
        // so that many reservations arrive before the awards that would cover them.
        var commands = new List<SignedCommand>();
        for (var round = 0; round < 50; round++)
        {
            foreach (var household in households)
            {
                commands.Add(c.Sign(c.Residents[household], HouseholdCommandTypes.ReserveRedemption,
                    new JsonObject { ["householdId"] = household, ["itemId"] = "cinema", ["quantity"] = 1 }));
                commands.Add(c.Sign(c.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
                {
                    ["householdId"] = household,
                    ["activity"] = "WasteSorting",
                    ["quantity"] = 1,
                    ["points"] = 10,
                    ["reference"] = $"sorting-{household}-{round}",
                }));
            }
        }

        var outcomes = await Task.WhenAll(commands.Select((command, i) => ClientRetry.ExecuteAsync(i % 2 == 0 ? domain.Host : domain.OtherHost, command)));

        Assert.Equal(1_000, outcomes.Length);
        var refusals = outcomes.OfType<CommandOutcome.Refused>().ToList();
        Assert.All(refusals, r => Assert.Equal(ResultCode.InsufficientPoints, r.Code));
        Assert.All(outcomes.Where((o, i) => commands[i].Command.Type == HouseholdCommandTypes.AwardPoints), o => Assert.IsType<CommandOutcome.Accepted>(o));
        // Replaying every entry in commit order applies the balance invariant after each one.
        var states = new Dictionary<string, StreamState>();
        foreach (var stored in await domain.ReadAllAsync())
        {
            states[stored.Entry.Stream] = (states.GetValueOrDefault(stored.Entry.Stream) ?? StreamState.Initial(stored.Entry.Stream)).Apply(stored.Entry);
        }
        foreach (var household in households)
        {
            var state = (HouseholdState)states[HouseholdRules.StreamOf(household)];
            Assert.Equal(500, state.AwardedPoints);
            Assert.InRange(state.BalancePoints, 0, 500);
            Assert.Equal(state.AwardedPoints - state.ReservedPoints, state.BalancePoints);
        }
        var accepted = outcomes.Count(o => o is CommandOutcome.Accepted);
        Assert.Equal(1_000 - refusals.Count, accepted);
    }

    [Fact]
    public async Task AConnectionKilledInsideAPaymentsTransactionLeavesNeitherSideWritten()
    {
        await using var domain = await DomainOnHost.CreateAsync(Households);
        await domain.Community.OpenProjectWithFlatCampaignAsync(domain.Host, ProjectId, "消防设施改造", Households);
        var c = domain.Community;
        var household = Households[0];
        var payment = c.Sign(c.Residents[household], ProjectCommandTypes.PayShare,
            new JsonObject { ["projectId"] = ProjectId, ["householdId"] = household, ["amountFen"] = 5_000 });
        // The server process's connection kills itself as soon as the household side is
        // inserted: inside the transaction, before the project side and the commit.
        await ExecuteSqlAsync(domain.Admin, """
            CREATE FUNCTION die_mid_payment() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_terminate_backend(pg_backend_pid());
                RETURN NEW;
            END $$;
            CREATE TRIGGER die_mid_payment AFTER INSERT ON entry FOR EACH ROW
                WHEN (NEW.entry_type = 'CrowdfundingPaid') EXECUTE FUNCTION die_mid_payment();
            """);
        var sizeBefore = await domain.Store.LogSizeAsync(default);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => domain.Host.ExecuteAsync(payment, default));

        Assert.Equal(sizeBefore, await domain.Store.LogSizeAsync(default));
        Assert.Empty(await domain.Store.ReadStreamAsync(HouseholdRules.StreamOf(household), 0, default));
        Assert.DoesNotContain(await domain.Store.ReadStreamAsync(ProjectRules.StreamOf(ProjectId), 0, default),
            s => s.Entry.Type == ProjectEntryTypes.ContributionReceived);

        // The client retries the same command once the database is well: it is written once, both sides.
        await ExecuteSqlAsync(domain.Admin, "DROP TRIGGER die_mid_payment ON entry");
        var retried = Assert.IsType<CommandOutcome.Accepted>(await domain.Host.ExecuteAsync(payment, default));
        Assert.False(retried.Replayed);
        Assert.Equal(2, retried.Entries.Count);
        var project = (ProjectState)await domain.Host.ReadStateAsync(ProjectRules.StreamOf(ProjectId), default);
        Assert.Equal(5_000, project.ContributionsFen[household]);
    }

    static async Task ExecuteSqlAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
