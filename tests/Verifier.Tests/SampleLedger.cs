using System.Text.Json.Nodes;
using Ledger.Hashing;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Tests.Domain;

namespace Ledger.Tests;

/// <summary>
/// A small, complete ledger written through the grain host into a real database: a façade
/// repair with receipts, a flat campaign paid by three households, a milestone, a
/// disbursement with its three approvals and its payment, and points redeemed.
/// </summary>
public static class SampleLedger
{
    public const string ProjectId = "facade-2";

    public static readonly IReadOnlyList<string> Households = ["b2-101", "b2-102", "b2-201"];

    public static async Task<DomainOnHost> BuildAsync()
    {
        var domain = await DomainOnHost.CreateAsync(Households);
        var c = domain.Community;
        var host = domain.Host;
        await c.AcceptAsync(host, c.Officer, ProjectCommandTypes.OpenProject, new JsonObject
        {
            ["projectId"] = ProjectId,
            ["name"] = "2号楼外墙修缮",
            ["community"] = "幸福里社区",
            ["contractPriceFen"] = 3_000_000,
            ["fundingPlan"] = new JsonObject
            {
                ["GovernmentSubsidy"] = 1_200_000,
                ["SocialCapital"] = 900_000,
                ["ResidentCrowdfunding"] = 600_000,
                ["SelfRaised"] = 300_000,
            },
            ["warrantyMonths"] = 12,
        });
        foreach (var (source, fen) in new[] { ("GovernmentSubsidy", 1_200_000L), ("SocialCapital", 900_000L), ("SelfRaised", 300_000L) })
        {
            await c.AcceptAsync(host, c.Officer, ProjectCommandTypes.RecordReceipt, new JsonObject
            {
                ["projectId"] = ProjectId,
                ["source"] = source,
                ["amountFen"] = fen,
                ["documentHash"] = Document(source).ToString(),
            });
        }
        await c.AcceptAsync(host, c.Officer, ProjectCommandTypes.StartCampaign, new JsonObject
        {
            ["projectId"] = ProjectId,
            ["targetFen"] = 600_000,
            ["rule"] = "Flat",
            ["households"] = new JsonArray(Households.Select(h => (JsonNode)new JsonObject { ["householdId"] = h }).ToArray()),
        });
        foreach (var household in Households)
        {
            await c.AcceptAsync(host, c.Residents[household], ProjectCommandTypes.PayShare,
                new JsonObject { ["projectId"] = ProjectId, ["householdId"] = household, ["amountFen"] = 200_000 });
        }
        foreach (var (person, role) in new[] { (c.Manager, "ProjectManager"), (c.Supervisor, "ConstructionSupervisor") })
        {
            await c.AcceptAsync(host, person, ProjectCommandTypes.AttestMilestone, new JsonObject
            {
                ["projectId"] = ProjectId,
                ["milestone"] = "ProgressVerified",
                ["role"] = role,
                ["evidenceHash"] = Document("inspection report").ToString(),
            });
        }
        var requested = await c.AcceptAsync(host, c.Officer, ProjectCommandTypes.RequestDisbursement, new JsonObject
        {
            ["projectId"] = ProjectId,
            ["tranche"] = "Progress",
            ["amountFen"] = 1_800_000,
            ["payee"] = "某建筑装饰工程公司",
            ["invoiceHash"] = Document("invoice 1").ToString(),
        });
        var id = requested.Entries[0].Sequence;
        foreach (var (person, role) in new[] { (c.OwnerRepresentative, "OwnerRepresentative"), (c.Supervisor, "ConstructionSupervisor"), (c.Manager, "ProjectManager") })
        {
            await c.AcceptAsync(host, person, ProjectCommandTypes.ApproveDisbursement,
                new JsonObject { ["projectId"] = ProjectId, ["disbursementId"] = id, ["role"] = role });
        }
        await c.AcceptAsync(host, c.Cashier, ProjectCommandTypes.PayDisbursement,
            new JsonObject { ["projectId"] = ProjectId, ["disbursementId"] = id, ["bankReference"] = "ICBC-000001" });
        await c.AcceptAsync(host, c.Coordinator, CatalogCommandTypes.AddCatalogItem, new JsonObject
        {
            ["itemId"] = "fee-20",
            ["name"] = "物业费减免20元",
            ["kind"] = "PropertyFeeReduction",
            ["pricePoints"] = 200,
            ["stock"] = 10,
        });
        await c.AcceptAsync(host, c.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = Households[0],
            ["activity"] = "VolunteerService",
            ["quantity"] = 3,
            ["points"] = 300,
            ["reference"] = "facade-site-patrol",
        });
        await c.AcceptAsync(host, c.Residents[Households[0]], HouseholdCommandTypes.ReserveRedemption,
            new JsonObject { ["householdId"] = Households[0], ["itemId"] = "fee-20", ["quantity"] = 1 });
        return domain;
    }

    static Hash Document(string name) => Hash.Of([], System.Text.Encoding.UTF8.GetBytes(name));
}
