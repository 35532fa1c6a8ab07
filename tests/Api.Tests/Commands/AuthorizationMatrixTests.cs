using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Client;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Ledger.Signing;

namespace Ledger.Tests.Commands;

/// <summary>
/// The role × command matrix (docs/ENTRIES.md, src/Ledger/Rules/CommandRule.cs) through real
/// HTTP: every role tries every command, signed by a person who holds only that role, and is
/// refused with 403 RoleMissing exactly when the role may not give it. The matrix itself is
/// pinned to the table below, written from docs/ENTRIES.md, so changing who may give a
/// command fails here until the documentation's table is changed with it.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixTests.OnePersonPerRole community)
    : IClassFixture<AuthorizationMatrixTests.OnePersonPerRole>
{
    /// <summary>docs/ENTRIES.md, the "who" of every command.</summary>
    static readonly IReadOnlyDictionary<string, Role[]> Documented = new Dictionary<string, Role[]>
    {
        [RegistryCommandTypes.OpenRegistry] = [Role.Registrar],
        [RegistryCommandTypes.RegisterPerson] = [Role.Registrar],
        [RegistryCommandTypes.AddKey] = [Role.Registrar],
        [RegistryCommandTypes.RevokeKey] = [Role.Registrar],
        [RegistryCommandTypes.GrantRole] = [Role.Registrar],
        [RegistryCommandTypes.RevokeRole] = [Role.Registrar],
        [RegistryCommandTypes.NameLogKey] = [Role.Registrar],
        [RegistryCommandTypes.ProposePointsPolicy] = [Role.VolunteerCoordinator],
        [RegistryCommandTypes.ApprovePointsPolicy] = [Role.ResidentSupervisor],
        [RegistryCommandTypes.RecordFloorArea] = [Role.Registrar],
        [ProjectCommandTypes.OpenProject] = [Role.FinanceOfficer],
        [ProjectCommandTypes.RecordReceipt] = [Role.FinanceOfficer],
        [ProjectCommandTypes.StartCampaign] = [Role.FinanceOfficer],
        [ProjectCommandTypes.PayShare] = [Role.Resident],
        [ProjectCommandTypes.AttestMilestone] = [Role.ProjectManager, Role.ConstructionSupervisor],
        [ProjectCommandTypes.RequestDisbursement] = [Role.FinanceOfficer],
        [ProjectCommandTypes.ApproveDisbursement] = [Role.OwnerRepresentative, Role.ConstructionSupervisor, Role.ProjectManager],
        [ProjectCommandTypes.RejectDisbursement] = [Role.OwnerRepresentative, Role.ConstructionSupervisor, Role.ProjectManager],
        [ProjectCommandTypes.PayDisbursement] = [Role.FinanceOfficer],
        [ProjectCommandTypes.ProposeReversal] = [Role.FinanceOfficer],
        [ProjectCommandTypes.ApproveReversal] = [Role.ResidentSupervisor],
        [ProjectCommandTypes.CancelProject] = [Role.FinanceOfficer],
        [ProjectCommandTypes.CloseProject] = [Role.FinanceOfficer],
        [ProjectCommandTypes.SignReconciliation] = [Role.FinanceOfficer],
        [ProjectCommandTypes.CountersignReconciliation] = [Role.ResidentSupervisor],
        [ProjectCommandTypes.OpenVote] = [Role.OwnerRepresentative],
        [ProjectCommandTypes.CloseVote] = [Role.OwnerRepresentative],
        [HouseholdCommandTypes.CastBallot] = [Role.Resident],
        [HouseholdCommandTypes.AwardPoints] = [Role.VolunteerCoordinator],
        [HouseholdCommandTypes.ReserveRedemption] = [Role.Resident],
        [HouseholdCommandTypes.FulfilRedemption] = [Role.VolunteerCoordinator],
        [HouseholdCommandTypes.CancelRedemption] = [Role.VolunteerCoordinator, Role.Resident],
        [CatalogCommandTypes.AddCatalogItem] = [Role.VolunteerCoordinator],
        [CatalogCommandTypes.RestockCatalogItem] = [Role.VolunteerCoordinator],
        [CatalogCommandTypes.WithdrawCatalogItem] = [Role.VolunteerCoordinator],
    };

    const string Household = "matrix-home";
    const string UnopenedProject = "matrix-unopened";
    const string UnknownItem = "matrix-no-item";

    public static TheoryData<Role, string> EveryRoleAndCommand()
    {
        var rows = new TheoryData<Role, string>();
        foreach (var role in Enum.GetValues<Role>())
        {
            foreach (var rule in Rules.Commands.All)
            {
                rows.Add(role, rule.Type);
            }
        }
        return rows;
    }

    [Fact]
    public void TheCommandTableGivesEachCommandTheRolesDocsEntriesStates()
    {
        var actual = Rules.Commands.All.ToDictionary(r => r.Type, r => r.Roles.Order().ToArray());

        Assert.Equal(Documented.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (type, roles) in Documented)
        {
            Assert.True(roles.Order().SequenceEqual(actual[type]),
                $"{type}: docs/ENTRIES.md says {string.Join(", ", roles.Order())}; the command table says {string.Join(", ", actual[type])}");
        }
    }

    [Theory]
    [MemberData(nameof(EveryRoleAndCommand))]
    public async Task ARoleIsRefusedACommandExactlyWhenItMayNotGiveIt(Role role, string command)
    {
        var signer = community.Holder(role);
        var allowed = Rules.Commands.Find(command)!.Roles.Contains(role);
        var before = await community.Api.LogSizeAsync();

        var response = await community.Api.Client.SendAsync(signer, command, MinimalBody(command, role, signer));

        if (allowed)
        {
            Assert.False(response.Status == HttpStatusCode.Forbidden && response.Code == "RoleMissing",
                $"{role} may give {command}, but was refused: {response.Body}");
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.Status);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.Status);
            Assert.Equal("RoleMissing", response.Code);
            Assert.Equal(before, await community.Api.LogSizeAsync());
        }
    }

    public static TheoryData<Role> EveryRole() => new(Enum.GetValues<Role>());

    /// <summary>The same matrix through a batch (docs/API.md "Batches"): a role's every command in one request.</summary>
    [Theory]
    [MemberData(nameof(EveryRole))]
    public async Task InABatchARoleIsRefusedACommandExactlyWhenItMayNotGiveIt(Role role)
    {
        var signer = community.Holder(role);
        var rules = Rules.Commands.All.ToList();

        var results = await community.Api.Client.PostBatchAsync(
            [.. rules.Select(rule => community.Api.Client.Sign(signer, rule.Type, MinimalBody(rule.Type, role, signer)))]);

        Assert.Equal(rules.Count, results.Count);
        foreach (var (rule, response) in rules.Zip(results))
        {
            var refused = response.Status == HttpStatusCode.Forbidden && response.Code == "RoleMissing";
            Assert.True(refused != rule.Roles.Contains(role), $"{role} {rule.Type} in a batch: {response.Status} {response.Body}");
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.Status);
        }
    }

    /// <summary>
    /// A well-formed body that a permitted signer gets past the envelope with: mostly about a
    /// project, person, item or redemption that does not exist, so the rule refuses it and
    /// the matrix rows stay independent; the few that succeed touch nothing the others read.
    /// </summary>
    static JsonObject MinimalBody(string command, Role role, PersonKey signer)
    {
        var hash = new string('a', 64);
        var publicKey = Hex.Encode(signer.Key.PublicKey.Bytes);
        // Rules that take a role in the body check that the signer holds it: name the signer's own when it is one of them.
        string RoleAmong(params Role[] roles) => (roles.Contains(role) ? role : roles[0]).ToString();
        return command switch
        {
            RegistryCommandTypes.OpenRegistry => new() { ["registrarId"] = signer.PersonId, ["displayName"] = "again", ["publicKey"] = publicKey },
            RegistryCommandTypes.RegisterPerson => new()
            {
                ["personId"] = signer.PersonId, ["displayName"] = "twice", ["publicKey"] = publicKey, ["roles"] = new JsonArray("Auditor"),
            },
            RegistryCommandTypes.AddKey => new() { ["personId"] = "matrix-nobody", ["publicKey"] = new string('b', 64) },
            RegistryCommandTypes.RevokeKey => new() { ["personId"] = "matrix-nobody", ["keyId"] = new string('c', 32), ["reason"] = "matrix" },
            RegistryCommandTypes.GrantRole => new() { ["personId"] = "matrix-nobody", ["role"] = "Auditor" },
            RegistryCommandTypes.RevokeRole => new() { ["personId"] = "matrix-nobody", ["role"] = "Auditor" },
            RegistryCommandTypes.NameLogKey => new() { ["verifierKey"] = "matrix+00000000+AQ==" },
            // Taking effect in the past, and a version never proposed: both refused, the policy left as it is.
            RegistryCommandTypes.ProposePointsPolicy => new()
            {
                ["effectiveFrom"] = "2026-01-01T00:00:00.000Z",
                ["rates"] = new JsonArray(new JsonObject { ["activity"] = "WasteSorting", ["pointsPerUnit"] = 1, ["unit"] = "Day" }),
            },
            RegistryCommandTypes.ApprovePointsPolicy => new() { ["version"] = 99 },
            RegistryCommandTypes.RecordFloorArea => new() { ["householdId"] = Household, ["floorAreaHundredths"] = 9_000 },
            ProjectCommandTypes.OpenProject => CommandRefusalTests.OpenProject($"matrix-opened-{role}"),
            ProjectCommandTypes.RecordReceipt => Project(new() { ["source"] = "GovernmentSubsidy", ["amountFen"] = 1, ["documentHash"] = hash }),
            ProjectCommandTypes.StartCampaign => Project(new()
            {
                ["targetFen"] = 1, ["rule"] = "Flat", ["households"] = new JsonArray(new JsonObject { ["householdId"] = Household }),
            }),
            ProjectCommandTypes.PayShare => Project(new() { ["householdId"] = Household, ["amountFen"] = 1 }),
            ProjectCommandTypes.AttestMilestone => Project(new()
            {
                ["milestone"] = "ProgressVerified", ["role"] = RoleAmong(Role.ProjectManager, Role.ConstructionSupervisor), ["evidenceHash"] = hash,
            }),
            ProjectCommandTypes.RequestDisbursement => Project(new()
            {
                ["tranche"] = "Progress", ["amountFen"] = 1, ["payee"] = "matrix", ["invoiceHash"] = hash,
            }),
            ProjectCommandTypes.ApproveDisbursement => Project(new()
            {
                ["disbursementId"] = 1, ["role"] = RoleAmong(Role.OwnerRepresentative, Role.ConstructionSupervisor, Role.ProjectManager),
            }),
            ProjectCommandTypes.RejectDisbursement => Project(new()
            {
                ["disbursementId"] = 1, ["role"] = RoleAmong(Role.OwnerRepresentative, Role.ConstructionSupervisor, Role.ProjectManager),
                ["reason"] = "matrix",
            }),
            ProjectCommandTypes.PayDisbursement => Project(new() { ["disbursementId"] = 1, ["bankReference"] = "matrix" }),
            ProjectCommandTypes.ProposeReversal => Project(new() { ["entrySequence"] = 1, ["reason"] = "matrix" }),
            ProjectCommandTypes.ApproveReversal => Project(new() { ["reversalId"] = 1 }),
            ProjectCommandTypes.CancelProject => Project(new() { ["reason"] = "matrix", ["refunds"] = new JsonArray() }),
            ProjectCommandTypes.CloseProject => Project(new()),
            ProjectCommandTypes.SignReconciliation => Project(new()
            {
                ["fromDate"] = "2026-01-01", ["toDate"] = "2026-03-31", ["closingBalanceFen"] = 0, ["statementHash"] = hash,
                ["matchedCount"] = 0, ["unmatchedStatementCount"] = 0, ["unmatchedLedgerCount"] = 0,
            }),
            ProjectCommandTypes.CountersignReconciliation => Project(new() { ["reconciliationId"] = 1 }),
            ProjectCommandTypes.OpenVote => Project(new()
            {
                ["voteId"] = "matrix", ["question"] = "matrix", ["matter"] = "Other", ["households"] = new JsonArray(Household),
                ["opensAt"] = "2026-01-01T00:00:00.000Z", ["closesAt"] = "2099-01-01T00:00:00.000Z",
            }),
            ProjectCommandTypes.CloseVote => Project(new() { ["voteId"] = "matrix", ["households"] = new JsonArray(Household) }),
            HouseholdCommandTypes.CastBallot => new() { ["householdId"] = Household, ["projectId"] = UnopenedProject, ["voteId"] = "matrix", ["choice"] = "Agree" },
            HouseholdCommandTypes.AwardPoints => new()
            {
                ["householdId"] = Household, ["activity"] = "WasteSorting", ["quantity"] = 1, ["points"] = 1, ["reference"] = $"matrix-{role}",
            },
            HouseholdCommandTypes.ReserveRedemption => new() { ["householdId"] = Household, ["itemId"] = UnknownItem, ["quantity"] = 1 },
            HouseholdCommandTypes.FulfilRedemption => new() { ["householdId"] = Household, ["redemptionId"] = 99 },
            HouseholdCommandTypes.CancelRedemption => new() { ["householdId"] = Household, ["redemptionId"] = 99, ["reason"] = "matrix" },
            CatalogCommandTypes.AddCatalogItem => new() { ["itemId"] = $"matrix-{role}", ["name"] = "matrix", ["kind"] = "Goods", ["pricePoints"] = 1 },
            CatalogCommandTypes.RestockCatalogItem => new() { ["itemId"] = UnknownItem, ["quantity"] = 1 },
            CatalogCommandTypes.WithdrawCatalogItem => new() { ["itemId"] = UnknownItem },
            _ => throw new InvalidOperationException($"no minimal body for {command}: add one, and its row to the documented table"),
        };
    }

    static JsonObject Project(JsonObject body)
    {
        body["projectId"] = UnopenedProject;
        return body;
    }

    /// <summary>The API server with, for every role, one person who holds that role and no other.</summary>
    public sealed class OnePersonPerRole : IAsyncLifetime
    {
        readonly Dictionary<Role, PersonKey> holders = [];

        public ApiServer Api { get; } = new();

        public PersonKey Holder(Role role) => holders[role];

        public async Task InitializeAsync()
        {
            await Api.InitializeAsync();
            foreach (var role in Enum.GetValues<Role>())
            {
                var person = new PersonKey($"only-{role}", SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes($"matrix {role}"))));
                var body = new JsonObject
                {
                    ["personId"] = person.PersonId,
                    ["displayName"] = $"holds only {role}",
                    ["publicKey"] = Hex.Encode(person.Key.PublicKey.Bytes),
                    ["roles"] = new JsonArray(role.ToString()),
                };
                if (role == Role.Resident)
                {
                    body["householdId"] = Household;
                }
                var response = await Api.Client.SendAsync(Api.Registrar, RegistryCommandTypes.RegisterPerson, body);
                Assert.True(response.IsSuccess, response.Body.ToString());
                holders[role] = person;
            }
        }

        public Task DisposeAsync() => Api.DisposeAsync();
    }
}
