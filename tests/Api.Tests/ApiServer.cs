using System.Text.Json.Nodes;
using Ledger.Api;
using Ledger.Client;
using Ledger.Rules;
using Ledger.Rules.Registry;
using Ledger.Signing;
using Ledger.Tests.Support;

namespace Ledger.Tests;

/// <summary>
/// A real ledger server for a test class: Kestrel on a free loopback port, over its own
/// PostgreSQL database, with the registry opened and a community registered through the API:
/// two finance officers, a project manager, a construction supervisor, an owner
/// representative, a resident supervisor, a volunteer coordinator, an auditor, and one
/// resident in each of two households. Tests talk to it with the one client, over HTTP.
/// </summary>
public sealed class ApiServer : IAsyncLifetime
{
    public const string HouseholdA = "b1-101";
    public const string HouseholdB = "b1-102";

    readonly TestDatabase database = new();
    readonly TestFolder folder = TestFolder.Create();
    readonly HttpClient http = new();

    public LedgerServer Server { get; private set; } = null!;

    public LedgerClient Client { get; private set; } = null!;

    public PersonKey Registrar { get; private set; } = null!;

    public PersonKey Officer { get; } = Person("officer-wang");
    public PersonKey Cashier { get; } = Person("officer-li");
    public PersonKey Manager { get; } = Person("manager-zhao");
    public PersonKey Supervisor { get; } = Person("supervisor-qian");
    public PersonKey OwnerRepresentative { get; } = Person("owner-rep-sun");
    public PersonKey ResidentSupervisor { get; } = Person("resident-supervisor-zhou");
    public PersonKey Coordinator { get; } = Person("coordinator-wu");
    public PersonKey Auditor { get; } = Person("auditor-zheng");
    public PersonKey ResidentA { get; } = Person("resident-a");
    public PersonKey ResidentB { get; } = Person("resident-b");

    /// <summary>Every person of the community with the role they were registered in.</summary>
    public IReadOnlyList<(PersonKey Person, Role Role)> People =>
    [
        (Registrar, Role.Registrar), (Officer, Role.FinanceOfficer), (Cashier, Role.FinanceOfficer), (Manager, Role.ProjectManager),
        (Supervisor, Role.ConstructionSupervisor), (OwnerRepresentative, Role.OwnerRepresentative),
        (ResidentSupervisor, Role.ResidentSupervisor), (Coordinator, Role.VolunteerCoordinator), (Auditor, Role.Auditor),
        (ResidentA, Role.Resident), (ResidentB, Role.Resident),
    ];

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        var data = Path.Combine(folder.Path, "data");
        Server = await LedgerServer.StartAsync(new ServerOptions(data, database.ConnectionString, "http://127.0.0.1:0", SiloPort: 0));
        http.BaseAddress = Server.Address;
        Client = new LedgerClient(http, TimeProvider.System);
        Registrar = PersonKey.Load(Path.Combine(data, "keys", "registrar.json"));
        foreach (var (person, role) in People.Skip(1))
        {
            var body = new JsonObject
            {
                ["displayName"] = person.PersonId,
                ["personId"] = person.PersonId,
                ["publicKey"] = Convert.ToHexStringLower(person.Key.PublicKey.Bytes),
                ["roles"] = new JsonArray(role.ToString()),
            };
            if (role == Role.Resident)
            {
                body["householdId"] = person == ResidentA ? HouseholdA : HouseholdB;
            }
            var response = await Client.SendAsync(Registrar, RegistryCommandTypes.RegisterPerson, body);
            Assert.True(response.IsSuccess, response.Body.ToString());
        }
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await Server.DisposeAsync();
        await database.DisposeAsync();
        folder.Dispose();
    }

    /// <summary>Entries in the global log, as the database counts them.</summary>
    public Task<long> LogSizeAsync() => Server.Database.Entries.LogSizeAsync(default);

    /// <summary>A key derived from the person's name, so every run signs the same way.</summary>
    static PersonKey Person(string personId) =>
        new(personId, SigningKey.FromSeed(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("api test " + personId))));
}
