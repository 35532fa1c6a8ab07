using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Client;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

namespace Ledger.Tests.Views;

/// <summary>
/// A real server (<see cref="ApiServer"/>) with a small history driven through the commands,
/// whose figures the view tests check to the fen:
///
/// project elevator-1, contract 1,000,000 fen (plan: government 400,000, social capital
/// 300,000, crowdfunding 200,000, self-raised 100,000):
///   #1 receipt GovernmentSubsidy 400,000 · #2 receipt SocialCapital 300,000
///   #3 campaign ByFloor, target 200,000: household A on floor 1 owes 50,000, B on floor 3 150,000
///   #4 A pays 50,000 · #5 B pays 100,000
///   #6, #7 ProgressVerified attested by the project manager and the construction supervisor
///   #8 disbursement of 500,000 from Progress, approved #9–#11 by all three, paid #12
///   #13 disbursement of 50,000 from Progress, approved #14 by the owner representative only
///   #15 receipt SelfRaised 10,000, reversed: proposed #16, approved #17
///   → received 850,000, paid 500,000, pending 50,000, available 300,000
/// project facade-2, opened and nothing else.
/// catalog: fee-cut (30 points, stock 5), tickets (10 points, unlimited), old-goods (withdrawn).
/// household A: 100 points awarded; 1 fee-cut reserved and fulfilled (30), 2 tickets reserved (20).
/// </summary>
public sealed class ViewScenario : IAsyncLifetime
{
    public const string ProjectId = "elevator-1";
    public const string OtherProjectId = "facade-2";
    public const long FirstDisbursement = 8;
    public const long SecondDisbursement = 13;
    public const long ReversedReceipt = 15;
    public const long Reversal = 16;
    public const long FeeCutRedemption = 2;
    public const long TicketsRedemption = 4;

    public ApiServer Api { get; } = new();

    public LedgerClient Client => Api.Client;

    public async Task InitializeAsync()
    {
        await Api.InitializeAsync();
        var project = ProjectRules.StreamOf(ProjectId);
        await SendAsync(Api.Officer, ProjectCommandTypes.OpenProject, Commands.CommandRefusalTests.OpenProject(ProjectId));
        await SendAsync(Api.Officer, ProjectCommandTypes.OpenProject, Commands.CommandRefusalTests.OpenProject(OtherProjectId));
        await SendAsync(Api.Officer, ProjectCommandTypes.RecordReceipt, Receipt("GovernmentSubsidy", 400_000, 'a'));
        await SendAsync(Api.Officer, ProjectCommandTypes.RecordReceipt, Receipt("SocialCapital", 300_000, 'b'));
        await SendAsync(Api.Officer, ProjectCommandTypes.StartCampaign, new JsonObject
        {
            ["projectId"] = ProjectId,
            ["targetFen"] = 200_000,
            ["rule"] = "ByFloor",
            ["households"] = new JsonArray(
                new JsonObject { ["householdId"] = ApiServer.HouseholdA, ["floor"] = 1 },
                new JsonObject { ["householdId"] = ApiServer.HouseholdB, ["floor"] = 3 }),
        });
        await SendAsync(Api.ResidentA, ProjectCommandTypes.PayShare, new JsonObject
        {
            ["projectId"] = ProjectId, ["householdId"] = ApiServer.HouseholdA, ["amountFen"] = 50_000, ["reference"] = "wx-0001",
        });
        await SendAsync(Api.ResidentB, ProjectCommandTypes.PayShare, new JsonObject
        {
            ["projectId"] = ProjectId, ["householdId"] = ApiServer.HouseholdB, ["amountFen"] = 100_000,
        });
        foreach (var (attester, role) in new[] { (Api.Manager, "ProjectManager"), (Api.Supervisor, "ConstructionSupervisor") })
        {
            await SendAsync(attester, ProjectCommandTypes.AttestMilestone, new JsonObject
            {
                ["projectId"] = ProjectId, ["milestone"] = "ProgressVerified", ["role"] = role, ["evidenceHash"] = new string('e', 64),
            });
        }
        Assert.Equal(FirstDisbursement, await RequestAsync(500_000));
        await ApproveAsync(FirstDisbursement, (Api.OwnerRepresentative, "OwnerRepresentative"), (Api.Supervisor, "ConstructionSupervisor"),
            (Api.Manager, "ProjectManager"));
        await SendAsync(Api.Cashier, ProjectCommandTypes.PayDisbursement, new JsonObject
        {
            ["projectId"] = ProjectId, ["disbursementId"] = FirstDisbursement, ["bankReference"] = "ICBC-2026-0001",
        });
        Assert.Equal(SecondDisbursement, await RequestAsync(50_000));
        await ApproveAsync(SecondDisbursement, (Api.OwnerRepresentative, "OwnerRepresentative"));
        var receipt = await SendAsync(Api.Officer, ProjectCommandTypes.RecordReceipt, Receipt("SelfRaised", 10_000, 'c'));
        Assert.Equal(ReversedReceipt, receipt.GetProperty("sequence").GetInt64());
        await SendAsync(Api.Officer, ProjectCommandTypes.ProposeReversal, new JsonObject
        {
            ["projectId"] = ProjectId, ["entrySequence"] = ReversedReceipt, ["reason"] = "recorded twice",
        });
        var approved = await SendAsync(Api.ResidentSupervisor, ProjectCommandTypes.ApproveReversal, new JsonObject
        {
            ["projectId"] = ProjectId, ["reversalId"] = Reversal,
        });
        Assert.Equal(project, approved.GetProperty("stream").GetString());
        Assert.Equal(17, approved.GetProperty("sequence").GetInt64());

        await SendAsync(Api.Coordinator, CatalogCommandTypes.AddCatalogItem, new JsonObject
        {
            ["itemId"] = "fee-cut", ["name"] = "物业费减免30元", ["kind"] = "PropertyFeeReduction", ["pricePoints"] = 30, ["stock"] = 5,
        });
        await SendAsync(Api.Coordinator, CatalogCommandTypes.AddCatalogItem, new JsonObject
        {
            ["itemId"] = "tickets", ["name"] = "电影票", ["kind"] = "Tickets", ["pricePoints"] = 10,
        });
        await SendAsync(Api.Coordinator, CatalogCommandTypes.AddCatalogItem, new JsonObject
        {
            ["itemId"] = "old-goods", ["name"] = "旧物", ["kind"] = "Goods", ["pricePoints"] = 5, ["stock"] = 1,
        });
        await SendAsync(Api.Coordinator, CatalogCommandTypes.WithdrawCatalogItem, new JsonObject { ["itemId"] = "old-goods" });
        await SendAsync(Api.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = ApiServer.HouseholdA, ["activity"] = "VolunteerService", ["quantity"] = 2, ["points"] = 100, ["reference"] = "vs-2026-01",
        });
        var feeCut = await SendAsync(Api.ResidentA, HouseholdCommandTypes.ReserveRedemption, new JsonObject
        {
            ["householdId"] = ApiServer.HouseholdA, ["itemId"] = "fee-cut", ["quantity"] = 1,
        });
        Assert.Equal(FeeCutRedemption, feeCut.GetProperty("sequence").GetInt64());
        await SendAsync(Api.Coordinator, HouseholdCommandTypes.FulfilRedemption, new JsonObject
        {
            ["householdId"] = ApiServer.HouseholdA, ["redemptionId"] = FeeCutRedemption,
        });
        var tickets = await SendAsync(Api.ResidentA, HouseholdCommandTypes.ReserveRedemption, new JsonObject
        {
            ["householdId"] = ApiServer.HouseholdA, ["itemId"] = "tickets", ["quantity"] = 2,
        });
        Assert.Equal(TicketsRedemption, tickets.GetProperty("sequence").GetInt64());
    }

    public Task DisposeAsync() => Api.DisposeAsync();

    /// <summary>Sends a command and insists that it is accepted; returns the acknowledgement.</summary>
    public async Task<JsonElement> SendAsync(PersonKey signer, string type, JsonObject body)
    {
        var response = await Client.SendAsync(signer, type, body);
        Assert.True(response.IsSuccess, $"{type}: {response.Body}");
        return response.Body;
    }

    async Task<long> RequestAsync(long amountFen) =>
        (await SendAsync(Api.Officer, ProjectCommandTypes.RequestDisbursement, new JsonObject
        {
            ["projectId"] = ProjectId, ["tranche"] = "Progress", ["amountFen"] = amountFen, ["payee"] = "幸福电梯有限公司",
            ["invoiceHash"] = new string('f', 64),
        })).GetProperty("sequence").GetInt64();

    async Task ApproveAsync(long disbursementId, params (PersonKey Approver, string Role)[] approvals)
    {
        foreach (var (approver, role) in approvals)
        {
            await SendAsync(approver, ProjectCommandTypes.ApproveDisbursement, new JsonObject
            {
                ["projectId"] = ProjectId, ["disbursementId"] = disbursementId, ["role"] = role,
            });
        }
    }

    static JsonObject Receipt(string source, long amountFen, char document) => new()
    {
        ["projectId"] = ProjectId, ["source"] = source, ["amountFen"] = amountFen, ["documentHash"] = new string(document, 64),
    };
}
