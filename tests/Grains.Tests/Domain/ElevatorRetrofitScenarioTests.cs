using System.Text.Json.Nodes;
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

namespace Ledger.Tests.Domain;

/// <summary>
/// The scenario of the seeds (issue 4), end to end on real PostgreSQL and exact to the fen:
/// a 6-storey building with 12 households retrofits an elevator for 600,000 yuan — the
/// government 40%, social capital 30%, residents 20% split by floor, self-raised 10% — and
/// pays the contractor by milestone, every payment signed by three parties; a volunteer
/// earns points and redeems them for a property-fee reduction.
/// </summary>
public sealed class ElevatorRetrofitScenarioTests
{
    const string ProjectId = "b3-elevator";
    const long ContractFen = 60_000_000;

    static readonly IReadOnlyList<string> Households =
        [.. Enumerable.Range(1, 6).SelectMany(floor => new[] { $"b3-{floor}01", $"b3-{floor}02" })];

    // Shares by floor, weight = floor number, Σweights = 2 × (1 + … + 6) = 42. Floor f gets
    // ⌊12,000,000 × f ÷ 42⌋ fen, and the 6 fen left over go to the largest remainders
    // (12,000,000 × f mod 42 = 12f mod 42: floor 3 → 36, floor 6 → 30, floor 2 → 24): both
    // households of floors 3, 6 and 2 get one fen more. Each floor's two shares sum to 2 × these:
    // 285,714 + 571,429 + 857,143 + 1,142,857 + 1,428,571 + 1,714,286 = 6,000,000; × 2 = 12,000,000.
    static readonly long[] ShareByFloorFen = [285_714, 571_429, 857_143, 1_142_857, 1_428_571, 1_714_286];

    [Fact]
    public async Task AnElevatorRetrofitIsFundedAndPaidByMilestoneExactToTheFen()
    {
        await using var domain = await DomainOnHost.CreateAsync(Households);
        var c = domain.Community;
        var host = domain.Host;

        await c.AcceptAsync(host, c.Officer, ProjectCommandTypes.OpenProject, new JsonObject
        {
            ["projectId"] = ProjectId,
            ["name"] = "3号楼加装电梯",
            ["community"] = "幸福里社区",
            ["contractPriceFen"] = ContractFen,
            ["fundingPlan"] = new JsonObject
            {
                ["GovernmentSubsidy"] = 24_000_000,
                ["SocialCapital"] = 18_000_000,
                ["ResidentCrowdfunding"] = 12_000_000,
                ["SelfRaised"] = 6_000_000,
            },
            ["warrantyMonths"] = 24,
        });
        foreach (var (source, fen) in new[] { ("GovernmentSubsidy", 24_000_000L), ("SocialCapital", 18_000_000L), ("SelfRaised", 6_000_000L) })
        {
            await c.AcceptAsync(host, c.Officer, ProjectCommandTypes.RecordReceipt, new JsonObject
            {
                ["projectId"] = ProjectId,
                ["source"] = source,
                ["amountFen"] = fen,
                ["documentHash"] = Document($"{source} letter").ToString(),
            });
        }
        await c.AcceptAsync(host, c.Officer, ProjectCommandTypes.StartCampaign, new JsonObject
        {
            ["projectId"] = ProjectId,
            ["targetFen"] = 12_000_000,
            ["rule"] = "ByFloor",
            ["households"] = new JsonArray(Households.Select(h => (JsonNode)new JsonObject { ["householdId"] = h, ["floor"] = FloorOf(h) }).ToArray()),
        });
        foreach (var household in Households)
        {
            // The top floors pay in two instalments, the others at once.
            var share = ShareByFloorFen[FloorOf(household) - 1];
            var instalments = FloorOf(household) >= 5 ? new[] { share / 2, share - share / 2 } : [share];
            foreach (var amount in instalments)
            {
                var paid = await c.AcceptAsync(host, c.Residents[household], ProjectCommandTypes.PayShare, new JsonObject
                {
                    ["projectId"] = ProjectId,
                    ["householdId"] = household,
                    ["amountFen"] = amount,
                });
                Assert.Equal([HouseholdRules.StreamOf(household), ProjectRules.StreamOf(ProjectId)], paid.Entries.Select(e => e.Stream));
            }
        }

        var project = await ProjectAsync(domain);
        Assert.Equal(24_000_000, project.ReceivedFen(FundingSource.GovernmentSubsidy));
        Assert.Equal(18_000_000, project.ReceivedFen(FundingSource.SocialCapital));
        Assert.Equal(12_000_000, project.ReceivedFen(FundingSource.ResidentCrowdfunding));
        Assert.Equal(6_000_000, project.ReceivedFen(FundingSource.SelfRaised));
        Assert.Equal(ContractFen, project.AvailableFen);
        foreach (var household in Households)
        {
            var share = ShareByFloorFen[FloorOf(household) - 1];
            Assert.Equal(share, project.Campaign!.SharesFen[household]);
            Assert.Equal(share, project.ContributionsFen[household]);
            var state = (HouseholdState)await host.ReadStateAsync(HouseholdRules.StreamOf(household), default);
            Assert.Equal(share, state.ContributionsFen[ProjectId]);
        }

        await AttestAsync(domain, Milestone.ProgressVerified);
        await DisburseAsync(domain, Tranche.Progress, 20_000_000);
        await DisburseAsync(domain, Tranche.Progress, 16_000_000);
        await AttestAsync(domain, Milestone.AcceptancePassed);
        await DisburseAsync(domain, Tranche.Acceptance, 18_000_000);
        var acceptedAt = (await ProjectAsync(domain)).Milestones[Milestone.AcceptancePassed].ReachedAt!.Value;
        domain.Clock.Set(acceptedAt.AddMonths(24));
        await AttestAsync(domain, Milestone.WarrantyExpired);
        await DisburseAsync(domain, Tranche.Warranty, 6_000_000);
        await c.AcceptAsync(host, c.Officer, ProjectCommandTypes.CloseProject, new JsonObject { ["projectId"] = ProjectId });

        project = await ProjectAsync(domain);
        Assert.Equal(ProjectStatus.Closed, project.Status);
        Assert.Equal(36_000_000, project.PaidFen(Tranche.Progress));
        Assert.Equal(18_000_000, project.PaidFen(Tranche.Acceptance));
        Assert.Equal(6_000_000, project.PaidFen(Tranche.Warranty));
        Assert.Equal(ContractFen, project.TotalPaidFen);
        Assert.Equal(0, project.AvailableFen);
        Assert.All(project.Disbursements.Values, d =>
        {
            Assert.Equal(DisbursementStatus.Paid, d.Status);
            Assert.Equal(c.Officer.PersonId, d.RequestedBy);
            Assert.Equal(c.Cashier.PersonId, d.PaidBy);
            Assert.Equal(new[] { c.Manager.PersonId, c.OwnerRepresentative.PersonId, c.Supervisor.PersonId }.Order(), d.Approvals.Values.Order());
        });

        // Volunteer points, redeemed for a property-fee reduction.
        var volunteer = Households[0];
        await c.AcceptAsync(host, c.Coordinator, CatalogCommandTypes.AddCatalogItem, new JsonObject
        {
            ["itemId"] = "fee-50",
            ["name"] = "物业费减免50元",
            ["kind"] = "PropertyFeeReduction",
            ["pricePoints"] = 500,
            ["stock"] = 100,
        });
        await c.AcceptAsync(host, c.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = volunteer,
            ["activity"] = "VolunteerService",
            ["quantity"] = 8,
            ["points"] = 800,
            ["reference"] = "elevator-site-guide-2026-05",
        });
        var reserved = await c.AcceptAsync(host, c.Residents[volunteer], HouseholdCommandTypes.ReserveRedemption, new JsonObject
        {
            ["householdId"] = volunteer,
            ["itemId"] = "fee-50",
            ["quantity"] = 1,
        });
        await c.AcceptAsync(host, c.Coordinator, HouseholdCommandTypes.FulfilRedemption, new JsonObject
        {
            ["householdId"] = volunteer,
            ["redemptionId"] = reserved.Entries[0].Sequence,
        });
        var points = (HouseholdState)await host.ReadStateAsync(HouseholdRules.StreamOf(volunteer), default);
        Assert.Equal(800, points.AwardedPoints);
        Assert.Equal(500, points.SpentPoints);
        Assert.Equal(300, points.BalancePoints);
        var catalog = (CatalogState)await host.ReadStateAsync(CatalogRules.Stream, default);
        Assert.Equal(99, catalog.Items["fee-50"].Stock);
    }

    static async Task AttestAsync(DomainOnHost domain, Milestone milestone)
    {
        var c = domain.Community;
        foreach (var (person, role) in new[] { (c.Manager, "ProjectManager"), (c.Supervisor, "ConstructionSupervisor") })
        {
            await c.AcceptAsync(domain.Host, person, ProjectCommandTypes.AttestMilestone, new JsonObject
            {
                ["projectId"] = ProjectId,
                ["milestone"] = milestone.ToString(),
                ["role"] = role,
                ["evidenceHash"] = Document($"{milestone} report").ToString(),
            });
        }
    }

    /// <summary>Requested by one finance officer, signed by the three parties, paid by another officer.</summary>
    static async Task DisburseAsync(DomainOnHost domain, Tranche tranche, long amountFen)
    {
        var c = domain.Community;
        var requested = await c.AcceptAsync(domain.Host, c.Officer, ProjectCommandTypes.RequestDisbursement, new JsonObject
        {
            ["projectId"] = ProjectId,
            ["tranche"] = tranche.ToString(),
            ["amountFen"] = amountFen,
            ["payee"] = "上海某电梯工程有限公司",
            ["invoiceHash"] = Document($"invoice {tranche} {amountFen}").ToString(),
        });
        var id = requested.Entries.Single().Sequence;
        foreach (var (person, role) in new[] { (c.OwnerRepresentative, "OwnerRepresentative"), (c.Supervisor, "ConstructionSupervisor"), (c.Manager, "ProjectManager") })
        {
            // Approvals come through the other server process as well: the database arbitrates.
            await c.AcceptAsync(role == "ConstructionSupervisor" ? domain.OtherHost : domain.Host, person, ProjectCommandTypes.ApproveDisbursement,
                new JsonObject { ["projectId"] = ProjectId, ["disbursementId"] = id, ["role"] = role });
        }
        await c.AcceptAsync(domain.Host, c.Cashier, ProjectCommandTypes.PayDisbursement, new JsonObject
        {
            ["projectId"] = ProjectId,
            ["disbursementId"] = id,
            ["bankReference"] = $"ICBC-{id:D6}",
        });
    }

    static async Task<ProjectState> ProjectAsync(DomainOnHost domain) =>
        (ProjectState)await domain.Host.ReadStateAsync(ProjectRules.StreamOf(ProjectId), default);

    static int FloorOf(string household) => household[3] - '0';

    static Hash Document(string name) => Hash.Of([], System.Text.Encoding.UTF8.GetBytes(name));
}
