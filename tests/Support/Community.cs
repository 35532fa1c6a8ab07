using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Rules;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Ledger.Tests.Hosting;
using Ledger.Tests.Support;

namespace Ledger.Tests.Domain;

/// <summary>
/// A street office's people, registered through a grain host: two finance officers, a
/// project manager, a construction supervisor, an owner representative, a resident
/// supervisor, a volunteer coordinator, and one resident per household.
/// </summary>
public sealed class Community
{
    Community(ManualClock clock, IReadOnlyList<string> households)
    {
        Clock = clock;
        Residents = households.ToDictionary(h => h, h => new TestSigner($"resident-{h}"));
    }

    public ManualClock Clock { get; }

    public TestSigner Officer { get; } = new("officer-wang");

    public TestSigner Cashier { get; } = new("officer-li");

    public TestSigner Manager { get; } = new("manager-zhao");

    public TestSigner Supervisor { get; } = new("supervisor-qian");

    public TestSigner OwnerRepresentative { get; } = new("owner-rep-sun");

    public TestSigner ResidentSupervisor { get; } = new("resident-supervisor-zhou");

    public TestSigner Coordinator { get; } = new("coordinator-wu");

    public IReadOnlyDictionary<string, TestSigner> Residents { get; }

    public static async Task<Community> CreateAsync(LedgerGrains host, ManualClock clock, IReadOnlyList<string> households)
    {
        var community = new Community(clock, households);
        await RegistryOnHost.OpenAsync(host, clock.GetUtcNow());
        (TestSigner Person, Role Role)[] staff =
        [
            (community.Officer, Role.FinanceOfficer),
            (community.Cashier, Role.FinanceOfficer),
            (community.Manager, Role.ProjectManager),
            (community.Supervisor, Role.ConstructionSupervisor),
            (community.OwnerRepresentative, Role.OwnerRepresentative),
            (community.ResidentSupervisor, Role.ResidentSupervisor),
            (community.Coordinator, Role.VolunteerCoordinator),
        ];
        foreach (var (person, role) in staff)
        {
            await community.AcceptAsync(host, RegistryOnHost.Register(person, clock.GetUtcNow(), role.ToString()));
        }
        foreach (var (household, resident) in community.Residents)
        {
            await community.AcceptAsync(host, RegistryOnHost.Registrar.Sign(RegistryCommandTypes.RegisterPerson, new JsonObject
            {
                ["displayName"] = $"住户 {household}",
                ["householdId"] = household,
                ["personId"] = resident.PersonId,
                ["publicKey"] = resident.PublicKeyHex,
                ["roles"] = new JsonArray("Resident"),
            }, clock.GetUtcNow()));
        }
        return community;
    }

    public SignedCommand Sign(TestSigner by, string type, JsonObject body, string? idempotencyKey = null) =>
        by.Sign(type, body, Clock.GetUtcNow(), idempotencyKey);

    public async Task<CommandOutcome.Accepted> AcceptAsync(LedgerGrains host, SignedCommand command)
    {
        var outcome = await host.ExecuteAsync(command, default);
        return outcome as CommandOutcome.Accepted
            ?? throw new Xunit.Sdk.XunitException($"{command.Command.Type} was refused: {outcome}");
    }

    public Task<CommandOutcome.Accepted> AcceptAsync(LedgerGrains host, TestSigner by, string type, JsonObject body) =>
        AcceptAsync(host, Sign(by, type, body));

    /// <summary>
    /// Opens a project of 100,000 yuan funded 50/20/24/6 and starts a flat campaign over
    /// <paramref name="households"/>: the setting of the tests of payments under concurrency.
    /// </summary>
    public async Task OpenProjectWithFlatCampaignAsync(LedgerGrains host, string projectId, string name, IReadOnlyList<string> households)
    {
        await AcceptAsync(host, Officer, ProjectCommandTypes.OpenProject, OpenProjectBody(projectId, name));
        await AcceptAsync(host, Officer, ProjectCommandTypes.StartCampaign, FlatCampaignBody(projectId, households));
    }

    /// <summary>The body of OpenProject for a project of 100,000 yuan funded 50/20/24/6, warranty 12 months.</summary>
    public static JsonObject OpenProjectBody(string projectId, string name) => new()
    {
        ["projectId"] = projectId,
        ["name"] = name,
        ["community"] = "幸福里社区",
        ["contractPriceFen"] = 10_000_000,
        ["fundingPlan"] = new JsonObject
        {
            ["GovernmentSubsidy"] = 5_000_000,
            ["SocialCapital"] = 2_000_000,
            ["ResidentCrowdfunding"] = 2_400_000,
            ["SelfRaised"] = 600_000,
        },
        ["warrantyMonths"] = 12,
    };

    /// <summary>The body of StartCampaign for a flat campaign of 24,000 yuan over <paramref name="households"/>.</summary>
    public static JsonObject FlatCampaignBody(string projectId, IEnumerable<string> households) => new()
    {
        ["projectId"] = projectId,
        ["targetFen"] = 2_400_000,
        ["rule"] = "Flat",
        ["households"] = new JsonArray(households.Select(h => (JsonNode)new JsonObject { ["householdId"] = h }).ToArray()),
    };
}
