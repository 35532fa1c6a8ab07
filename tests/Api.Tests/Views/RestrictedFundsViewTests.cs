using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Client;
using Ledger.Rules.Projects;

namespace Ledger.Tests.Views;

/// <summary>
/// Restricted funds through real HTTP (docs/ENTRIES.md §"Restricted funds"): a project whose
/// subsidy pays equipment and installation only. Its view shows, for each payment, how much came
/// from which source, and for each source what it paid for; a request its permitted sources
/// cannot cover is a 422 with its code though the project holds enough in all.
/// </summary>
public sealed class RestrictedFundsViewTests(ApiServer api) : IClassFixture<ApiServer>
{
    /// <summary>
    /// Opened on 1,000,000 fen (plan 400,000 / 300,000 / 200,000 / 100,000); received: subsidy 400,000, social capital
    /// 300,000, self-raised 100,000. The subsidy pays equipment and installation, social capital anything, self-raised
    /// design and supervision; drawn in that order.
    /// </summary>
    async Task OpenFundedAtProgressAsync(string projectId)
    {
        var open = Commands.CommandRefusalTests.OpenProject(projectId);
        open["fundPolicy"] = JsonNode.Parse("""
            {"drawing":"InOrder","sources":[
              {"source":"GovernmentSubsidy","categories":["Equipment","Installation"]},
              {"source":"SocialCapital","categories":["Equipment","Installation","Design","Supervision","Other"]},
              {"source":"SelfRaised","categories":["Design","Supervision"]}]}
            """);
        await SendAsync(api.Officer, ProjectCommandTypes.OpenProject, open);
        foreach (var (source, amountFen, document) in new[] { ("GovernmentSubsidy", 400_000L, 'a'), ("SocialCapital", 300_000L, 'b'), ("SelfRaised", 100_000L, 'c') })
        {
            await SendAsync(api.Officer, ProjectCommandTypes.RecordReceipt, new JsonObject
            {
                ["projectId"] = projectId, ["source"] = source, ["amountFen"] = amountFen, ["documentHash"] = new string(document, 64),
            });
        }
        foreach (var (attester, role) in new[] { (api.Manager, "ProjectManager"), (api.Supervisor, "ConstructionSupervisor") })
        {
            await SendAsync(attester, ProjectCommandTypes.AttestMilestone, new JsonObject
            {
                ["projectId"] = projectId, ["milestone"] = "ProgressVerified", ["role"] = role, ["evidenceHash"] = new string('e', 64),
            });
        }
    }

    static JsonObject Request(string projectId, string category, long amountFen) => new()
    {
        ["projectId"] = projectId, ["tranche"] = "Progress", ["amountFen"] = amountFen, ["category"] = category,
        ["payee"] = "幸福电梯有限公司", ["invoiceHash"] = new string('f', 64),
    };

    [Fact]
    public async Task TheProjectViewShowsWhereEachPaymentsMoneyCameFromAndWhatEachSourcePaidFor()
    {
        await OpenFundedAtProgressAsync("restricted-view");
        // Equipment 450,000: the whole subsidy 400,000, then 50,000 of social capital; paid.
        var equipment = (await SendAsync(api.Officer, ProjectCommandTypes.RequestDisbursement, Request("restricted-view", "Equipment", 450_000)))
            .GetProperty("sequence").GetInt64();
        foreach (var (approver, role) in new[] { (api.OwnerRepresentative, "OwnerRepresentative"), (api.Supervisor, "ConstructionSupervisor"), (api.Manager, "ProjectManager") })
        {
            await SendAsync(approver, ProjectCommandTypes.ApproveDisbursement, new JsonObject
            {
                ["projectId"] = "restricted-view", ["disbursementId"] = equipment, ["role"] = role,
            });
        }
        await SendAsync(api.Cashier, ProjectCommandTypes.PayDisbursement, new JsonObject
        {
            ["projectId"] = "restricted-view", ["disbursementId"] = equipment, ["bankReference"] = "ICBC-2026-0101",
        });
        // Design 20,000: social capital, pending.
        await SendAsync(api.Officer, ProjectCommandTypes.RequestDisbursement, Request("restricted-view", "Design", 20_000));

        var response = await api.Client.GetAsync("/v1/projects/restricted-view");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var project = response.Body;

        Assert.Equal("InOrder", project.GetProperty("fundDrawing").GetString());
        var disbursements = project.GetProperty("disbursements").EnumerateArray().ToList();
        Assert.Equal("Equipment", disbursements[0].GetProperty("category").GetString());
        Assert.Equal(new Dictionary<string, long> { ["GovernmentSubsidy"] = 400_000, ["SocialCapital"] = 50_000 },
            disbursements[0].GetProperty("allocationFen").Deserialize<Dictionary<string, long>>());
        Assert.Equal(new Dictionary<string, long> { ["SocialCapital"] = 20_000 }, disbursements[1].GetProperty("allocationFen").Deserialize<Dictionary<string, long>>());
        var sources = project.GetProperty("fundingSources").EnumerateArray().ToDictionary(s => s.GetProperty("source").GetString()!);
        Assert.Equal(["Equipment", "Installation"], sources["GovernmentSubsidy"].GetProperty("permittedCategories").EnumerateArray().Select(c => c.GetString()));
        Assert.Empty(sources["ResidentCrowdfunding"].GetProperty("permittedCategories").EnumerateArray());
        Assert.Equal(70_000, sources["SocialCapital"].GetProperty("drawnFen").GetInt64()); // 50,000 paid + 20,000 pending
        Assert.Equal(new Dictionary<string, long> { ["Equipment"] = 50_000 }, sources["SocialCapital"].GetProperty("spentFen").Deserialize<Dictionary<string, long>>());
        Assert.Equal(new Dictionary<string, long> { ["Equipment"] = 400_000 }, sources["GovernmentSubsidy"].GetProperty("spentFen").Deserialize<Dictionary<string, long>>());
    }

    [Fact]
    public async Task ARequestItsPermittedSourcesCannotCoverIs422ThoughTheProjectHoldsEnough()
    {
        await OpenFundedAtProgressAsync("restricted-refusal");
        var before = await api.LogSizeAsync();

        // Design may be paid by social capital 300,000 and self-raised 100,000; 800,000 fen were received, the cap is 600,000.
        var refused = await api.Client.SendAsync(api.Officer, ProjectCommandTypes.RequestDisbursement, Request("restricted-refusal", "Design", 400_001));
        var missing = await api.Client.SendAsync(api.Officer, ProjectCommandTypes.RequestDisbursement, Request("restricted-refusal", "Furniture", 1));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "RestrictedFundsInsufficient"), (refused.Status, refused.Code));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "UnknownExpenseCategory"), (missing.Status, missing.Code));
        Assert.Equal(before, await api.LogSizeAsync());
        Assert.True((await api.Client.SendAsync(api.Officer, ProjectCommandTypes.RequestDisbursement, Request("restricted-refusal", "Design", 400_000))).IsSuccess);
    }

    async Task<JsonElement> SendAsync(PersonKey signer, string type, JsonObject body)
    {
        var response = await api.Client.SendAsync(signer, type, body);
        Assert.True(response.IsSuccess, $"{type}: {response.Body}");
        return response.Body;
    }
}
