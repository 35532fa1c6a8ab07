using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;

namespace Ledger.Tests.Views;

/// <summary>
/// Every view through real HTTP, its figures checked to the fen against the history that
/// <see cref="ViewScenario"/> drove through the commands (issue 5 "Views").
/// </summary>
public sealed class ViewTests(ViewScenario scenario) : IClassFixture<ViewScenario>
{
    ApiServer Api => scenario.Api;

    [Fact]
    public async Task TheProjectListShowsEveryOpenedProjectWithWhatIsAvailable()
    {
        var response = await scenario.Client.GetAsync("/v1/projects");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var projects = response.Body.EnumerateArray().ToList();
        Assert.Equal([ViewScenario.ProjectId, ViewScenario.OtherProjectId], projects.Select(p => p.GetProperty("projectId").GetString()));
        var elevator = projects[0];
        Assert.Equal("外墙修缮", elevator.GetProperty("name").GetString());
        Assert.Equal("幸福里社区", elevator.GetProperty("community").GetString());
        Assert.Equal("Open", elevator.GetProperty("status").GetString());
        Assert.Equal(1_000_000, elevator.GetProperty("contractPriceFen").GetInt64());
        Assert.Equal(300_000, elevator.GetProperty("availableFen").GetInt64());
        Assert.Equal(0, projects[1].GetProperty("availableFen").GetInt64());
    }

    [Fact]
    public async Task TheProjectViewShowsMoneyInBySourceAgainstPlanAndTheTotals()
    {
        var project = await ProjectAsync();

        Assert.Equal(17, project.GetProperty("sequence").GetInt64());
        Assert.Equal(30, project.GetProperty("residentShareCapPercent").GetInt32());
        Assert.Equal(12, project.GetProperty("warrantyMonths").GetInt32());
        var sources = project.GetProperty("fundingSources").EnumerateArray()
            .ToDictionary(s => s.GetProperty("source").GetString()!, s => (s.GetProperty("plannedFen").GetInt64(), s.GetProperty("receivedFen").GetInt64()));
        Assert.Equal(new Dictionary<string, (long, long)>
        {
            ["GovernmentSubsidy"] = (400_000, 400_000),
            ["SocialCapital"] = (300_000, 300_000),
            ["ResidentCrowdfunding"] = (200_000, 150_000),
            ["SelfRaised"] = (100_000, 0),
        }, sources);
        var totals = project.GetProperty("totals");
        Assert.Equal(850_000, totals.GetProperty("receivedFen").GetInt64());
        Assert.Equal(500_000, totals.GetProperty("paidFen").GetInt64());
        Assert.Equal(50_000, totals.GetProperty("pendingFen").GetInt64());
        Assert.Equal(300_000, totals.GetProperty("availableFen").GetInt64());
        var campaign = project.GetProperty("campaign");
        Assert.Equal(200_000, campaign.GetProperty("targetFen").GetInt64());
        Assert.Equal("ByFloor", campaign.GetProperty("rule").GetString());
        Assert.Equal(2, campaign.GetProperty("households").GetInt32());
        Assert.Equal(150_000, campaign.GetProperty("paidFen").GetInt64());
        Assert.False(campaign.TryGetProperty("shares", out _));
    }

    [Fact]
    public async Task TheProjectViewShowsEachTrancheWithItsCapMilestonePaidAndPending()
    {
        var project = await ProjectAsync();

        var tranches = project.GetProperty("tranches").EnumerateArray().Select(t => (
            t.GetProperty("tranche").GetString(), t.GetProperty("percent").GetInt32(), t.GetProperty("cumulativeCapFen").GetInt64(),
            t.GetProperty("milestone").GetString(), t.GetProperty("unlocked").GetBoolean(),
            t.GetProperty("paidFen").GetInt64(), t.GetProperty("pendingFen").GetInt64())).ToList();
        Assert.Equal(
        [
            ("Progress", 60, 600_000L, "ProgressVerified", true, 500_000L, 50_000L),
            ("Acceptance", 30, 900_000L, "AcceptancePassed", false, 0L, 0L),
            ("Warranty", 10, 1_000_000L, "WarrantyExpired", false, 0L, 0L),
        ], tranches);
        var milestones = project.GetProperty("milestones").EnumerateArray().ToList();
        Assert.Equal(["ProgressVerified", "AcceptancePassed", "WarrantyExpired"], milestones.Select(m => m.GetProperty("milestone").GetString()));
        Assert.Equal(new Dictionary<string, string> { ["ProjectManager"] = Api.Manager.PersonId, ["ConstructionSupervisor"] = Api.Supervisor.PersonId },
            milestones[0].GetProperty("attestedBy").Deserialize<Dictionary<string, string>>());
        Assert.True(LedgerTime.TryParse(milestones[0].GetProperty("reachedAt").GetString()!, out _));
        Assert.Equal(JsonValueKind.Null, milestones[1].GetProperty("reachedAt").ValueKind);
        Assert.Empty(milestones[1].GetProperty("attestedBy").EnumerateObject());
    }

    [Fact]
    public async Task TheProjectViewShowsWhoRequestedApprovedAndPaidEachDisbursement()
    {
        var project = await ProjectAsync();

        var disbursements = project.GetProperty("disbursements").EnumerateArray().ToList();
        Assert.Equal(2, disbursements.Count);
        var paid = disbursements[0];
        Assert.Equal(ViewScenario.FirstDisbursement, paid.GetProperty("disbursementId").GetInt64());
        Assert.Equal("Progress", paid.GetProperty("tranche").GetString());
        Assert.Equal(500_000, paid.GetProperty("amountFen").GetInt64());
        Assert.Equal("幸福电梯有限公司", paid.GetProperty("payee").GetString());
        Assert.Equal(new string('f', 64), paid.GetProperty("invoiceHash").GetString());
        Assert.Equal("Paid", paid.GetProperty("status").GetString());
        Assert.Equal(Api.Officer.PersonId, paid.GetProperty("requestedBy").GetString());
        Assert.Equal(new Dictionary<string, string>
        {
            ["OwnerRepresentative"] = Api.OwnerRepresentative.PersonId,
            ["ConstructionSupervisor"] = Api.Supervisor.PersonId,
            ["ProjectManager"] = Api.Manager.PersonId,
        }, paid.GetProperty("approvals").Deserialize<Dictionary<string, string>>());
        Assert.Empty(paid.GetProperty("approvalsMissing").EnumerateArray());
        Assert.Equal(Api.Cashier.PersonId, paid.GetProperty("paidBy").GetString());
        Assert.Equal("ICBC-2026-0001", paid.GetProperty("bankReference").GetString());
        Assert.Equal(12, paid.GetProperty("paidSequence").GetInt64());

        var pending = disbursements[1];
        Assert.Equal(ViewScenario.SecondDisbursement, pending.GetProperty("disbursementId").GetInt64());
        Assert.Equal("Pending", pending.GetProperty("status").GetString());
        Assert.Equal(["OwnerRepresentative"], pending.GetProperty("approvals").EnumerateObject().Select(a => a.Name));
        Assert.Equal(["ConstructionSupervisor", "ProjectManager"], pending.GetProperty("approvalsMissing").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("paidBy").ValueKind);
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("bankReference").ValueKind);
    }

    [Fact]
    public async Task TheProjectViewNamesTheStaffItNamesByIdAndNoOneElse()
    {
        var project = await ProjectAsync();

        // ApiServer registers everyone with their person id as their name.
        var staff = new[] { Api.Officer, Api.OwnerRepresentative, Api.Supervisor, Api.Manager, Api.Cashier }.Select(p => p.PersonId).Order(StringComparer.Ordinal);
        Assert.Equal(staff.ToDictionary(id => id, id => id), project.GetProperty("staffNames").Deserialize<Dictionary<string, string>>());
        Assert.DoesNotContain(Api.ResidentA.PersonId, project.GetProperty("staffNames").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task TheProjectViewShowsReceiptsWithTheirDocumentsAndTheReversals()
    {
        var project = await ProjectAsync();

        var receipts = project.GetProperty("receipts").EnumerateArray().Select(r => (
            r.GetProperty("sequence").GetInt64(), r.GetProperty("source").GetString(), r.GetProperty("amountFen").GetInt64(),
            r.GetProperty("documentHash").GetString(), r.GetProperty("reversed").GetBoolean())).ToList();
        Assert.Equal(
        [
            (1L, "GovernmentSubsidy", 400_000L, new string('a', 64), false),
            (2L, "SocialCapital", 300_000L, new string('b', 64), false),
            (ViewScenario.ReversedReceipt, "SelfRaised", 10_000L, new string('c', 64), true),
        ], receipts);
        var reversal = Assert.Single(project.GetProperty("reversals").EnumerateArray());
        Assert.Equal(ViewScenario.Reversal, reversal.GetProperty("reversalId").GetInt64());
        Assert.Equal("Receipt", reversal.GetProperty("kind").GetString());
        Assert.Equal(ViewScenario.ReversedReceipt, reversal.GetProperty("entrySequence").GetInt64());
        Assert.Equal(10_000, reversal.GetProperty("amountFen").GetInt64());
        Assert.Equal(Api.Officer.PersonId, reversal.GetProperty("proposedBy").GetString());
        Assert.True(reversal.GetProperty("approved").GetBoolean());
    }

    [Fact]
    public async Task AProjectNeverOpenedIs404AndAMalformedIdIs400()
    {
        var missing = await scenario.Client.GetAsync("/v1/projects/never-opened");
        var malformed = await scenario.Client.GetAsync("/v1/projects/-dash-first");

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("NotFound", missing.Code);
        Assert.Equal(404, missing.Body.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Equal("MalformedRequest", malformed.Code);
    }

    [Fact]
    public async Task AHouseholdSeesItsShareWhatItPaidWhatIsDueAndItsPoints()
    {
        var response = await scenario.Client.GetAsync($"/v1/households/{ApiServer.HouseholdA}", Api.ResidentA);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var household = response.Body;
        Assert.Equal(ApiServer.HouseholdA, household.GetProperty("householdId").GetString());
        Assert.Equal(4, household.GetProperty("sequence").GetInt64());
        var share = Assert.Single(household.GetProperty("shares").EnumerateArray());
        Assert.Equal(ViewScenario.ProjectId, share.GetProperty("projectId").GetString());
        Assert.Equal("Open", share.GetProperty("projectStatus").GetString());
        Assert.Equal(50_000, share.GetProperty("shareFen").GetInt64());
        Assert.Equal(50_000, share.GetProperty("paidFen").GetInt64());
        Assert.Equal(0, share.GetProperty("dueFen").GetInt64());
        var payment = Assert.Single(household.GetProperty("payments").EnumerateArray());
        Assert.Equal(0, payment.GetProperty("sequence").GetInt64());
        Assert.Equal("Payment", payment.GetProperty("kind").GetString());
        Assert.Equal(ViewScenario.ProjectId, payment.GetProperty("projectId").GetString());
        Assert.Equal(50_000, payment.GetProperty("amountFen").GetInt64());
        Assert.Equal("wx-0001", payment.GetProperty("reference").GetString());
        var points = household.GetProperty("points");
        Assert.Equal(100, points.GetProperty("awarded").GetInt64());
        Assert.Equal(20, points.GetProperty("reserved").GetInt64());
        Assert.Equal(30, points.GetProperty("spent").GetInt64());
        Assert.Equal(50, points.GetProperty("balance").GetInt64());
        var redemptions = household.GetProperty("redemptions").EnumerateArray().Select(r => (
            r.GetProperty("redemptionId").GetInt64(), r.GetProperty("itemId").GetString(), r.GetProperty("quantity").GetInt64(),
            r.GetProperty("points").GetInt64(), r.GetProperty("status").GetString())).ToList();
        Assert.Equal([(ViewScenario.FeeCutRedemption, "fee-cut", 1L, 30L, "Fulfilled"), (ViewScenario.TicketsRedemption, "tickets", 2L, 20L, "Reserved")],
            redemptions);
        Assert.Equal(["CrowdfundingPaid", "PointsAwarded", "RedemptionReserved", "RedemptionFulfilled", "RedemptionReserved"],
            household.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task AHouseholdThatPaidPartOfItsShareSeesWhatIsStillDue()
    {
        var response = await scenario.Client.GetAsync($"/v1/households/{ApiServer.HouseholdB}", Api.Auditor);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var share = Assert.Single(response.Body.GetProperty("shares").EnumerateArray());
        Assert.Equal(150_000, share.GetProperty("shareFen").GetInt64());
        Assert.Equal(100_000, share.GetProperty("paidFen").GetInt64());
        Assert.Equal(50_000, share.GetProperty("dueFen").GetInt64());
        Assert.Equal(0, response.Body.GetProperty("points").GetProperty("balance").GetInt64());
        Assert.Empty(response.Body.GetProperty("redemptions").EnumerateArray());
    }

    [Fact]
    public async Task AHouseholdTheLedgerKnowsNothingOfIs404()
    {
        var response = await scenario.Client.GetAsync("/v1/households/b9-999", Api.Auditor);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("NotFound", response.Code);
    }

    [Fact]
    public async Task TheCatalogShowsPricesStockAndWithdrawnItems()
    {
        var response = await scenario.Client.GetAsync("/v1/catalog");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var items = response.Body.EnumerateArray().Select(i => (
            i.GetProperty("itemId").GetString(), i.GetProperty("kind").GetString(), i.GetProperty("pricePoints").GetInt64(),
            i.GetProperty("stock").ValueKind == JsonValueKind.Null ? (long?)null : i.GetProperty("stock").GetInt64(),
            i.GetProperty("withdrawn").GetBoolean())).ToList();
        Assert.Equal(
        [
            ("fee-cut", "PropertyFeeReduction", 30L, 4L, false),
            ("old-goods", "Goods", 5L, 1L, true),
            ("tickets", "Tickets", 10L, null, false),
        ], items);
        Assert.Equal("物业费减免30元", response.Body[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task TheRegistryShowsEachPersonsRolesHouseholdKeysAndHistory()
    {
        var response = await scenario.Client.GetAsync("/v1/registry/people", Api.Auditor);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var people = response.Body.EnumerateArray().ToDictionary(p => p.GetProperty("personId").GetString()!);
        Assert.Equal(Api.People.Select(p => p.Person.PersonId).Order(StringComparer.Ordinal), people.Keys);
        var resident = people[Api.ResidentA.PersonId];
        Assert.Equal(["Resident"], resident.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(ApiServer.HouseholdA, resident.GetProperty("householdId").GetString());
        var key = Assert.Single(resident.GetProperty("keys").EnumerateArray());
        Assert.Equal(Api.ResidentA.KeyId, key.GetProperty("keyId").GetString());
        Assert.Equal(Hex.Encode(Api.ResidentA.Key.PublicKey.Bytes), key.GetProperty("publicKey").GetString());
        Assert.False(key.GetProperty("revoked").GetBoolean());
        var registered = Assert.Single(resident.GetProperty("history").EnumerateArray());
        Assert.Equal("PersonRegistered", registered.GetProperty("type").GetString());
        Assert.Equal(Api.Registrar.PersonId, registered.GetProperty("personId").GetString());
        Assert.Equal(["Registrar"], registered.GetProperty("signerRoles").EnumerateArray().Select(r => r.GetString()));
        var registrar = people[Api.Registrar.PersonId];
        Assert.Equal(JsonValueKind.Null, registrar.GetProperty("householdId").ValueKind);
        Assert.Equal("RegistryOpened", registrar.GetProperty("history")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task AStreamsEntriesAreServedExactlyAsHashedWithTheirSignersAndLinks()
    {
        var response = await scenario.Client.GetAsync($"/v1/entries?stream=project/{ViewScenario.ProjectId}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal($"project/{ViewScenario.ProjectId}", response.Body.GetProperty("stream").GetString());
        Assert.Equal(JsonValueKind.Null, response.Body.GetProperty("next").ValueKind);
        var entries = response.Body.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(18, entries.Count);
        var previousHash = new string('0', 64);
        var previousPosition = -1L;
        for (var sequence = 0; sequence < entries.Count; sequence++)
        {
            var view = entries[sequence];
            // The entry member re-encoded canonically is the stored entry: same hash, same facts.
            var entry = Entry.Parse(CanonicalJson.Encode(JsonNode.Parse(view.GetProperty("entry").GetRawText())!));
            Assert.Equal(sequence, view.GetProperty("sequence").GetInt64());
            Assert.Equal(entry.Hash.ToString(), view.GetProperty("hash").GetString());
            Assert.Equal(previousHash, view.GetProperty("previousHash").GetString());
            Assert.Equal(entry.Type, view.GetProperty("type").GetString());
            Assert.Equal(entry.SignedCommand.Command.PersonId, view.GetProperty("personId").GetString());
            Assert.Equal(entry.SignedCommand.Command.KeyId, view.GetProperty("keyId").GetString());
            Assert.Equal(Hex.Encode(entry.SignedCommand.Signature), view.GetProperty("signature").GetString());
            Assert.Equal(LedgerTime.Format(entry.RecordedAt), view.GetProperty("recordedAt").GetString());
            Assert.True(view.GetProperty("logPosition").GetInt64() > previousPosition);
            previousHash = entry.Hash.ToString();
            previousPosition = view.GetProperty("logPosition").GetInt64();
        }
        Assert.Equal(["FinanceOfficer"], entries[0].GetProperty("signerRoles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("ContributionReceived", entries[4].GetProperty("type").GetString());
        Assert.Equal(["Resident"], entries[4].GetProperty("signerRoles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheViewsAndTheirContracts()
    {
        var document = JsonDocument.Parse(await Api.Client.Http.GetStringAsync("/openapi/v1.json")).RootElement;

        var paths = document.GetProperty("paths");
        foreach (var (path, operation) in new[]
        {
            ("/v1/projects", "GetProjects"), ("/v1/projects/{projectId}", "GetProject"), ("/v1/households/{householdId}", "GetHousehold"),
            ("/v1/catalog", "GetCatalog"), ("/v1/points-policy", "GetPointsPolicy"), ("/v1/registry/people", "GetPeople"), ("/v1/registry/me", "GetSignedInPerson"),
            ("/v1/entries", "GetStreamEntries"),
        })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.Equal(operation, get.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(get.GetProperty("summary").GetString()));
        }
        var limit = paths.GetProperty("/v1/entries").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "limit");
        Assert.Contains("1 to 1000", limit.GetProperty("description").GetString());
        var totals = document.GetProperty("components").GetProperty("schemas").GetProperty("ProjectTotals");
        Assert.Contains("Received − paid − pending", totals.GetProperty("properties").GetProperty("availableFen").GetProperty("description").GetString());
    }

    async Task<JsonElement> ProjectAsync()
    {
        var response = await scenario.Client.GetAsync($"/v1/projects/{ViewScenario.ProjectId}");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Body;
    }
}
