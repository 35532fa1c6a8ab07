using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Demo;
using Ledger.Client;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

namespace Ledger.Bench.Load;

/// <summary>A demo resident: the key that signs the household's payments.</summary>
public sealed record LoadResident(PersonKey Key, string HouseholdId, int Floor);

/// <summary>
/// The demo people whose keys sign the load (src/Api/Demo/DemoPeople.cs), read from the
/// demo's key files: the load registers nobody, so it runs unchanged against a server seeded
/// by <c>dotnet run --project src/Api -- demo</c>.
/// </summary>
public sealed record LoadPeople(
    PersonKey Coordinator,
    PersonKey Officer,
    PersonKey Cashier,
    PersonKey OwnerRepresentative,
    PersonKey Supervisor,
    PersonKey Manager,
    PersonKey Auditor,
    IReadOnlyList<LoadResident> Residents)
{
    /// <exception cref="LoadSetupException">A key file is missing: the demo was not seeded into that data folder.</exception>
    public static LoadPeople Load(string keysFolder)
    {
        PersonKey Key(DemoPerson person)
        {
            var path = DemoCommunity.KeyFile(keysFolder, person.PersonId);
            return File.Exists(path)
                ? PersonKey.Load(path)
                : throw new LoadSetupException($"{path} is missing: seed the demo into that data folder first (dotnet run --project src/Api -- demo --data DIR)");
        }
        var households = DemoPeople.Households.ToDictionary(h => h.Id, StringComparer.Ordinal);
        return new LoadPeople(Key(DemoPeople.Coordinator), Key(DemoPeople.Officer), Key(DemoPeople.Cashier),
            Key(DemoPeople.OwnerRepresentative), Key(DemoPeople.Supervisor), Key(DemoPeople.Manager), Key(DemoPeople.Auditor),
            [.. DemoPeople.Residents.Select(r => new LoadResident(Key(r), r.HouseholdId!, households[r.HouseholdId!].Floor))]);
    }
}

/// <summary>The load could not be set up: one line that says why.</summary>
public sealed class LoadSetupException(string message) : Exception(message);

/// <summary>One command to sign and send.</summary>
public sealed record UnsignedCommand(PersonKey Signer, string Type, JsonObject Body);

/// <summary>
/// What the load sends (issue 8 item 2): points awards spread over many households, most of
/// the load; crowdfunding payments by the demo residents; and disbursement cycles — request,
/// the three approvals (三方签字), payment. Payments and cycles go to P projects of the run's
/// own, each with a Flat campaign over the demo households that cannot run out and with
/// enough money received and its Progress tranche unlocked. A project is one stream, whose
/// commands the server commits one after another: with P = 1 it is the hot stream that
/// bounds a closed loop; a street office runs several projects at once. Each run opens its
/// projects under a fresh run id, so a run against a long-lived server never collides with an
/// earlier one. Every amount is far below what the projects hold: no command of the mix is
/// refused by a rule unless the server is wrong.
/// </summary>
public sealed class LoadWorkload(LoadPeople people, string runId, int households, int projects)
{
    /// <summary>Of what a client does next: a points award…</summary>
    public const double AwardShare = 0.90;

    /// <summary>…a crowdfunding payment, or else (the rest) a disbursement cycle of five commands.</summary>
    public const double PaymentShare = 0.08;

    public const long PaymentFen = 100;
    public const long DisbursementFen = 10_000;

    // The largest amount a command may carry (docs/ENTRIES.md): a 10^12 fen contract planned
    // 40/30/20/10. The campaign splits 2·10^11 fen over the 60 demo households, 3.3·10^9 fen
    // each: 3.3·10^7 payments of 100 fen before one household's share is paid. The Progress
    // tranche caps disbursements at 60 % of the contract, 6·10^7 cycles of 10,000 fen.
    const long ContractFen = 1_000_000_000_000;
    const long GovernmentFen = ContractFen / 10 * 4;
    const long SocialCapitalFen = ContractFen / 10 * 3;
    const long CrowdfundingFen = ContractFen / 10 * 2;
    const long SelfRaisedFen = ContractFen / 10;

    static readonly string[] Activities = ["VolunteerService", "WasteSorting", "CouncilParticipation", "ResourceDonation"];

    public LoadPeople People => people;

    /// <summary>The household that the <paramref name="index"/>-th award draws: load-0000000 … load-{H−1}.</summary>
    public static string HouseholdId(int index) => $"load-{index:D7}";

    public string ProjectId(int index) => $"{runId}-p{index}";

    /// <summary>A project drawn at random, for a payment or a disbursement cycle.</summary>
    public string Project(Random random) => ProjectId(random.Next(projects));

    /// <summary>
    /// Opens the projects, each with its Flat campaign over the demo households, every planned
    /// receipt but crowdfunding recorded, and the Progress milestone attested by both
    /// attesters, so that its Progress tranche is unlocked.
    /// </summary>
    /// <returns>The number of commands sent.</returns>
    public async Task<int> SetUpAsync(LedgerClient client, CancellationToken cancellationToken)
    {
        var commands = Enumerable.Range(0, projects).Select(ProjectId).SelectMany(project => new List<UnsignedCommand>
        {
            OpenProject(project),
            new(people.Officer, ProjectCommandTypes.StartCampaign, new JsonObject
            {
                ["households"] = new JsonArray([.. people.Residents.Select(r => (JsonNode)new JsonObject { ["floor"] = r.Floor, ["householdId"] = r.HouseholdId })]),
                ["projectId"] = project,
                ["rule"] = "Flat",
                ["targetFen"] = CrowdfundingFen,
            }),
            Receipt(project, "GovernmentSubsidy", GovernmentFen),
            Receipt(project, "SocialCapital", SocialCapitalFen),
            Receipt(project, "SelfRaised", SelfRaisedFen),
            Attest(project, people.Manager, Role.ProjectManager),
            Attest(project, people.Supervisor, Role.ConstructionSupervisor),
        }).ToList();
        foreach (var command in commands)
        {
            var response = await client.PostAsync(client.Sign(command.Signer, command.Type, command.Body), cancellationToken);
            if (!response.IsSuccess)
            {
                throw new LoadSetupException($"setting up the load, {command.Type} was refused: {(int)response.Status} {response.Code} {response.Body}");
            }
        }
        return commands.Count;
    }

    /// <param name="reference">Unique in the run: a household is awarded once per reference.</param>
    public UnsignedCommand Award(Random random, string reference) =>
        new(people.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["activity"] = Activities[random.Next(Activities.Length)],
            ["householdId"] = HouseholdId(random.Next(households)),
            ["points"] = 10,
            ["quantity"] = 1,
            ["reference"] = $"{runId}/{reference}",
        });

    public UnsignedCommand Payment(Random random)
    {
        var resident = people.Residents[random.Next(people.Residents.Count)];
        return new(resident.Key, ProjectCommandTypes.PayShare, new JsonObject
        {
            ["amountFen"] = PaymentFen,
            ["householdId"] = resident.HouseholdId,
            ["projectId"] = Project(random),
        });
    }

    public UnsignedCommand RequestDisbursement(string project) =>
        new(people.Officer, ProjectCommandTypes.RequestDisbursement, new JsonObject
        {
            ["amountFen"] = DisbursementFen,
            ["invoiceHash"] = DocumentHash($"{runId} invoice"),
            ["payee"] = "压测工程有限公司",
            ["projectId"] = project,
            ["tranche"] = "Progress",
        });

    /// <summary>The three approvals every payment needs, one per role, each by a different person.</summary>
    public IEnumerable<UnsignedCommand> Approvals(string project, long disbursementId) =>
        new[] { (people.OwnerRepresentative, Role.OwnerRepresentative), (people.Supervisor, Role.ConstructionSupervisor), (people.Manager, Role.ProjectManager) }
            .Select(approver => new UnsignedCommand(approver.Item1, ProjectCommandTypes.ApproveDisbursement, new JsonObject
            {
                ["disbursementId"] = disbursementId,
                ["projectId"] = project,
                ["role"] = approver.Item2.ToString(),
            }));

    /// <summary>Paid by the second finance officer: the payer is never the requester.</summary>
    public UnsignedCommand PayDisbursement(string project, long disbursementId) =>
        new(people.Cashier, ProjectCommandTypes.PayDisbursement, new JsonObject
        {
            ["bankReference"] = $"{project}/{disbursementId}",
            ["disbursementId"] = disbursementId,
            ["projectId"] = project,
        });

    UnsignedCommand OpenProject(string projectId) =>
        new(people.Officer, ProjectCommandTypes.OpenProject, new JsonObject
        {
            ["community"] = DemoCommunity.Community,
            ["contractPriceFen"] = ContractFen,
            ["fundingPlan"] = new JsonObject
            {
                ["GovernmentSubsidy"] = GovernmentFen,
                ["ResidentCrowdfunding"] = CrowdfundingFen,
                ["SelfRaised"] = SelfRaisedFen,
                ["SocialCapital"] = SocialCapitalFen,
            },
            ["name"] = $"压测 {projectId}",
            ["projectId"] = projectId,
            ["warrantyMonths"] = 12,
        });

    UnsignedCommand Receipt(string project, string source, long amountFen) =>
        new(people.Officer, ProjectCommandTypes.RecordReceipt, new JsonObject
        {
            ["amountFen"] = amountFen,
            ["documentHash"] = DocumentHash($"{project} {source}"),
            ["projectId"] = project,
            ["source"] = source,
        });

    UnsignedCommand Attest(string project, PersonKey attester, Role role) =>
        new(attester, ProjectCommandTypes.AttestMilestone, new JsonObject
        {
            ["evidenceHash"] = DocumentHash($"{project} progress"),
            ["milestone"] = "ProgressVerified",
            ["projectId"] = project,
            ["role"] = role.ToString(),
        });

    static string DocumentHash(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));

    /// <summary>The disbursement id a request's acknowledgement names: its entry's sequence.</summary>
    public static long DisbursementIdOf(JsonElement acknowledgement) => acknowledgement.GetProperty("sequence").GetInt64();
}
