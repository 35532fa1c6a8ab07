using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Client;
using Ledger.Rules.Projects;

namespace Ledger.Tests.Views;

/// <summary>
/// Through real HTTP against real PostgreSQL (docs/API.md "Bank statements", docs/BANK.md): a
/// statement matched against a project without a write, a malformed one answered with its line
/// and column, and a reconciliation signed, refused a fen off, countersigned and shown in the
/// project view. The server runs on the real clock, so periods are chosen around today.
/// </summary>
public sealed class BankReconciliationTests(ApiServer api) : IClassFixture<ApiServer>
{
    static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    async Task<string> OpenWithReceiptAsync(string projectId)
    {
        Assert.True((await api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, Commands.CommandRefusalTests.OpenProject(projectId))).IsSuccess);
        Assert.True((await api.Client.SendAsync(api.Officer, ProjectCommandTypes.RecordReceipt, new JsonObject
        {
            ["projectId"] = projectId, ["source"] = "GovernmentSubsidy", ["amountFen"] = 400_000, ["documentHash"] = new string('a', 64), ["reference"] = "GOV-1",
        })).IsSuccess);
        return projectId;
    }

    /// <summary>POSTs a statement with a signed read by <paramref name="reader"/>.</summary>
    async Task<(HttpStatusCode Status, JsonElement Body)> MatchAsync(string target, string statement, PersonKey reader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(statement, Encoding.UTF8, "text/csv") };
        request.Headers.Authorization = new AuthenticationHeaderValue(LedgerClient.AuthorizationScheme, api.Client.ReadAuthorization(reader, "POST", target));
        using var response = await api.Client.Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>Yesterday to tomorrow in China Standard Time: today's entries fall inside, whenever the test runs.</summary>
    static (string From, string To) AroundToday()
    {
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(ChinaStandardTime).DateTime);
        return (ReconciliationPeriod.Format(today.AddDays(-1)), ReconciliationPeriod.Format(today.AddDays(1)));
    }

    [Fact]
    public async Task StatementIsMatchedWithoutAWrite()
    {
        var projectId = await OpenWithReceiptAsync("bank-match");
        var (from, to) = AroundToday();
        var statement = $"date,amount,counterparty,reference,balance\n{from},4000.00,财政所,GOV-1,4000.00\n{from},0.35,银行,INTEREST,4000.35\n";
        var before = await api.LogSizeAsync();

        var (status, body) = await MatchAsync($"/v1/projects/{projectId}/statement-match?fromDate={from}&toDate={to}", statement, api.Officer);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(before, await api.LogSizeAsync());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(statement))), body.GetProperty("statementHash").GetString());
        Assert.Equal(400_035, body.GetProperty("statementClosingBalanceFen").GetInt64());
        Assert.Equal(400_000, body.GetProperty("ledgerClosingBalanceFen").GetInt64());
        Assert.False(body.GetProperty("balancesAgree").GetBoolean());
        Assert.Equal(1, body.GetProperty("matched")[0].GetProperty("entry").GetProperty("entrySequence").GetInt64());
        Assert.Equal("INTEREST", body.GetProperty("unmatchedLines").EnumerateArray().Single().GetProperty("reference").GetString());
        Assert.Empty(body.GetProperty("unmatchedEntries").EnumerateArray());
    }

    [Fact]
    public async Task MalformedStatementIs400WithItsLineAndColumn()
    {
        var projectId = await OpenWithReceiptAsync("bank-malformed");
        var (from, to) = AroundToday();

        var (status, body) = await MatchAsync($"/v1/projects/{projectId}/statement-match?fromDate={from}&toDate={to}",
            $"date,amount,counterparty,reference,balance\n{from},4000.0,财政所,GOV-1,4000.00\n", api.Officer);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MalformedStatement", body.GetProperty("code").GetString());
        Assert.Equal((2, 2), (body.GetProperty("line").GetInt32(), body.GetProperty("column").GetInt32()));
    }

    [Fact]
    public async Task StatementMatchIsNotForResidents()
    {
        var (from, to) = AroundToday();

        var (status, body) = await MatchAsync($"/v1/projects/bank-match/statement-match?fromDate={from}&toDate={to}",
            "date,amount,counterparty,reference,balance\n", api.ResidentA);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("RoleMissing", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ReconciliationIsRefusedAFenOffThenSignedCountersignedAndShown()
    {
        var projectId = await OpenWithReceiptAsync("bank-reconciled");
        // A period that ended before the project was opened: its balance is 0.
        JsonObject Body(long closingBalanceFen) => new()
        {
            ["projectId"] = projectId, ["fromDate"] = "2020-01-01", ["toDate"] = "2020-03-31", ["closingBalanceFen"] = closingBalanceFen,
            ["statementHash"] = new string('c', 64), ["matchedCount"] = 0, ["unmatchedStatementCount"] = 0, ["unmatchedLedgerCount"] = 0,
        };

        var refused = await api.Client.SendAsync(api.Officer, ProjectCommandTypes.SignReconciliation, Body(1));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("ReconciliationBalanceMismatch", refused.Code);
        var signed = await api.Client.SendAsync(api.Officer, ProjectCommandTypes.SignReconciliation, Body(0));
        Assert.True(signed.IsSuccess);
        var countersigned = await api.Client.SendAsync(api.ResidentSupervisor, ProjectCommandTypes.CountersignReconciliation,
            new JsonObject { ["projectId"] = projectId, ["reconciliationId"] = 2 });
        Assert.True(countersigned.IsSuccess);

        var view = (await api.Client.GetAsync($"/v1/projects/{projectId}")).Body;
        var last = view.GetProperty("lastReconciled");
        Assert.Equal(2, last.GetProperty("reconciliationId").GetInt64());
        Assert.Equal("2020-03-31", last.GetProperty("toDate").GetString());
        Assert.Equal(0, last.GetProperty("closingBalanceFen").GetInt64());
        Assert.Equal(api.ResidentSupervisor.PersonId, last.GetProperty("countersignedBy").GetString());
        Assert.Single(view.GetProperty("reconciliations").EnumerateArray());
    }
}
