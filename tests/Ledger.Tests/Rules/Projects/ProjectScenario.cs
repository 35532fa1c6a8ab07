// A populated ledger for pure tests of the project rules (src/Ledger/Rules/Projects/): the
// people a project needs, twelve households of a six-storey building with one resident each,
// and helpers that submit each project command through RegistryScenario (the server's
// pipeline in memory). States are read by replaying the scenario's entries of one stream,
// exactly as the verifier folds them, so the tests see what a replica would see.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class ProjectScenario
{
    public const string ProjectId = "elevator-b2";

    /// <summary>600,000 yuan = 60,000,000 fen (1 yuan = 100 fen).</summary>
    public const long ContractPriceFen = 60_000_000;

    // The "432" structure of seed 000 §5 on 60,000,000 fen.
    public const long GovernmentPlanFen = 24_000_000; // 40% × 60,000,000
    public const long SocialCapitalPlanFen = 18_000_000; // 30% × 60,000,000
    public const long CrowdfundingPlanFen = 12_000_000; // 20% × 60,000,000
    public const long SelfRaisedPlanFen = 6_000_000; // 10% × 60,000,000

    // The default tranches of seed 001 §9.2 on 60,000,000 fen.
    public const long ProgressCapFen = 36_000_000; // 60% × 60,000,000
    public const long AcceptanceCapFen = 54_000_000; // (60 + 30)% × 60,000,000
    public const int WarrantyMonths = 24;

    /// <summary>The finance officer who opens the project and requests disbursements.</summary>
    public static readonly Signer Fin = new("fin", "fin");

    /// <summary>A second finance officer, who pays what the first requested.</summary>
    public static readonly Signer Fin2 = new("fin2", "fin2");

    public static readonly Signer Pm = new("pm", "pm");
    public static readonly Signer Cs = new("cs", "cs");
    public static readonly Signer Owner = new("owner", "owner");
    public static readonly Signer Supervisor = new("supervisor", "supervisor");

    /// <summary>One person who is both a finance officer and the project manager.</summary>
    public static readonly Signer FinPm = new("fin-pm", "fin-pm");

    /// <summary>One person who is both project manager and construction supervisor.</summary>
    public static readonly Signer PmCs = new("pm-cs", "pm-cs");

    /// <summary>One person who is both a finance officer and a resident supervisor.</summary>
    public static readonly Signer FinSupervisor = new("fin-sup", "fin-sup");

    /// <summary>Twelve households, two on each of six floors: b2-0101 and b2-0102 on floor 1 … b2-0601 and b2-0602 on floor 6.</summary>
    public static readonly IReadOnlyList<(string HouseholdId, int Floor)> TwelveHouseholds =
        [.. Enumerable.Range(1, 6).SelectMany(floor => new[] { ($"b2-0{floor}01", floor), ($"b2-0{floor}02", floor) })];

    public RegistryScenario Ledger { get; } = new();

    public DateTimeOffset Now
    {
        get => Ledger.Now;
        set => Ledger.Now = value;
    }

    /// <summary>The project's state, replayed from its entries.</summary>
    public ProjectState Project => StateOf<ProjectState>(Ledger, ProjectRules.StreamOf(ProjectId));

    public HouseholdState Household(string householdId) => StateOf<HouseholdState>(Ledger, HouseholdRules.StreamOf(householdId));

    /// <summary>Folds a stream's entries from its initial state, as the verifier replays them.</summary>
    public static TState StateOf<TState>(RegistryScenario ledger, string stream) where TState : StreamState =>
        (TState)ledger.Entries.Where(e => e.Stream == stream).Aggregate(StreamState.Initial(stream), (state, entry) => state.Apply(entry));

    public static Signer ResidentOf(string householdId) => new("r-" + householdId, "r-" + householdId);

    /// <summary>An opened registry with every person above and a resident of each household; no project yet.</summary>
    public static ProjectScenario BeforeOpening()
    {
        var scenario = new ProjectScenario();
        var ledger = scenario.Ledger;
        AssertAccepted(ledger.Open());
        AssertAccepted(ledger.Register(Fin.PersonId, [Role.FinanceOfficer]));
        AssertAccepted(ledger.Register(Fin2.PersonId, [Role.FinanceOfficer]));
        AssertAccepted(ledger.Register(Pm.PersonId, [Role.ProjectManager]));
        AssertAccepted(ledger.Register(Cs.PersonId, [Role.ConstructionSupervisor]));
        AssertAccepted(ledger.Register(Owner.PersonId, [Role.OwnerRepresentative]));
        AssertAccepted(ledger.Register(Supervisor.PersonId, [Role.ResidentSupervisor]));
        AssertAccepted(ledger.Register(FinPm.PersonId, [Role.FinanceOfficer, Role.ProjectManager]));
        AssertAccepted(ledger.Register(PmCs.PersonId, [Role.ProjectManager, Role.ConstructionSupervisor]));
        AssertAccepted(ledger.Register(FinSupervisor.PersonId, [Role.FinanceOfficer, Role.ResidentSupervisor]));
        foreach (var (householdId, _) in TwelveHouseholds)
        {
            AssertAccepted(ledger.Register(ResidentOf(householdId).PersonId, [Role.Resident], householdId));
        }
        return scenario;
    }

    /// <summary>Populated, with the project opened on the 432 plan, the default tranches and a 24-month warranty.</summary>
    public static ProjectScenario Opened()
    {
        var scenario = BeforeOpening();
        AssertAccepted(scenario.Open());
        return scenario;
    }

    /// <summary>Opened, with every non-crowdfunding source received in full: 48,000,000 fen in.</summary>
    public static ProjectScenario Funded()
    {
        var scenario = Opened();
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, GovernmentPlanFen));
        AssertAccepted(scenario.RecordReceipt(FundingSource.SocialCapital, SocialCapitalPlanFen));
        AssertAccepted(scenario.RecordReceipt(FundingSource.SelfRaised, SelfRaisedPlanFen));
        return scenario;
    }

    /// <summary>Funded, with progress verified: the Progress tranche is open.</summary>
    public static ProjectScenario AtProgress()
    {
        var scenario = Funded();
        scenario.Reach(Milestone.ProgressVerified);
        return scenario;
    }

    /// <summary>At progress, with one request of <paramref name="amountFen"/> from the Progress tranche by <see cref="Fin"/>.</summary>
    public static (ProjectScenario Scenario, long DisbursementId) WithRequest(long amountFen = 10_000_000, Signer? by = null)
    {
        var scenario = AtProgress();
        return (scenario, scenario.RequestId(Tranche.Progress, amountFen, by));
    }

    /// <summary>A document's hash as it goes into the ledger: SHA-256 of its name, for tests.</summary>
    public static string DocumentHash(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));

    public Decision Submit(Signer by, string type, JsonObject body) => Ledger.Submit(Ledger.Sign(by, type, body));

    /// <summary>Submits, asserts refusal with <paramref name="expected"/>, and that nothing was written.</summary>
    public Decision.Refuse AssertRefusedAndUnchanged(ResultCode expected, Func<Decision> submit)
    {
        var entriesBefore = Ledger.Entries.Count;
        var refusal = AssertRefused(expected, submit());
        Assert.Equal(entriesBefore, Ledger.Entries.Count);
        return refusal;
    }

    // Bodies, public so that a test can break one member at a time.

    public static JsonObject Plan(long government = GovernmentPlanFen, long socialCapital = SocialCapitalPlanFen,
        long crowdfunding = CrowdfundingPlanFen, long selfRaised = SelfRaisedPlanFen) => new()
    {
        ["GovernmentSubsidy"] = government,
        ["ResidentCrowdfunding"] = crowdfunding,
        ["SelfRaised"] = selfRaised,
        ["SocialCapital"] = socialCapital,
    };

    public static JsonArray TranchesOf(int progress, int acceptance, int warranty) =>
    [
        new JsonObject { ["percent"] = progress, ["tranche"] = "Progress" },
        new JsonObject { ["percent"] = acceptance, ["tranche"] = "Acceptance" },
        new JsonObject { ["percent"] = warranty, ["tranche"] = "Warranty" },
    ];

    /// <summary>An OpenProject body without residentShareCapPercent or tranches, which take their defaults (30%; 60/30/10).</summary>
    public static JsonObject OpenBody(long contractPriceFen = ContractPriceFen, JsonObject? plan = null, int warrantyMonths = WarrantyMonths) => new()
    {
        ["community"] = "Building 2, Hehua community",
        ["contractPriceFen"] = contractPriceFen,
        ["fundingPlan"] = plan ?? Plan(),
        ["name"] = "Elevator retrofit, building 2",
        ["projectId"] = ProjectId,
        ["warrantyMonths"] = warrantyMonths,
    };

    public static JsonObject ReceiptBody(string source, long amountFen, string? reference = null)
    {
        var body = new JsonObject
        {
            ["amountFen"] = amountFen,
            ["documentHash"] = DocumentHash($"{source} receipt of {amountFen} fen"),
            ["projectId"] = ProjectId,
            ["source"] = source,
        };
        if (reference is not null)
        {
            body["reference"] = reference;
        }
        return body;
    }

    /// <summary>A campaign over <paramref name="households"/> (all twelve unless told), each with its floor.</summary>
    public static JsonObject CampaignBody(long targetFen = CrowdfundingPlanFen, string rule = "ByFloor",
        IEnumerable<(string HouseholdId, int Floor)>? households = null, JsonArray? floorWeights = null)
    {
        var body = new JsonObject
        {
            ["households"] = new JsonArray((households ?? TwelveHouseholds)
                .Select(h => (JsonNode)new JsonObject { ["floor"] = h.Floor, ["householdId"] = h.HouseholdId }).ToArray()),
            ["projectId"] = ProjectId,
            ["rule"] = rule,
            ["targetFen"] = targetFen,
        };
        if (floorWeights is not null)
        {
            body["floorWeights"] = floorWeights;
        }
        return body;
    }

    public static JsonObject PayShareBody(string householdId, long amountFen, string? reference = null)
    {
        var body = new JsonObject { ["amountFen"] = amountFen, ["householdId"] = householdId, ["projectId"] = ProjectId };
        if (reference is not null)
        {
            body["reference"] = reference;
        }
        return body;
    }

    public static JsonObject AttestBody(string milestone, string role, string? evidenceHash = null) => new()
    {
        ["evidenceHash"] = evidenceHash ?? DocumentHash($"{milestone} report"),
        ["milestone"] = milestone,
        ["projectId"] = ProjectId,
        ["role"] = role,
    };

    public static JsonObject RequestBody(string tranche, long amountFen, string? invoiceHash = null, string payee = "Hehua Elevator Installation Co.") => new()
    {
        ["amountFen"] = amountFen,
        ["invoiceHash"] = invoiceHash ?? DocumentHash($"invoice for {amountFen} fen"),
        ["payee"] = payee,
        ["projectId"] = ProjectId,
        ["tranche"] = tranche,
    };

    public static JsonObject ApproveBody(long disbursementId, string role) => new()
    {
        ["disbursementId"] = disbursementId,
        ["projectId"] = ProjectId,
        ["role"] = role,
    };

    public static JsonObject RejectBody(long disbursementId, string role, string reason = "the invoice does not match the contract") => new()
    {
        ["disbursementId"] = disbursementId,
        ["projectId"] = ProjectId,
        ["reason"] = reason,
        ["role"] = role,
    };

    public static JsonObject PayBody(long disbursementId, string bankReference = "ICBC-0001") => new()
    {
        ["bankReference"] = bankReference,
        ["disbursementId"] = disbursementId,
        ["projectId"] = ProjectId,
    };

    public static JsonObject ProposeReversalBody(long entrySequence, string reason = "recorded in error") => new()
    {
        ["entrySequence"] = entrySequence,
        ["projectId"] = ProjectId,
        ["reason"] = reason,
    };

    public static JsonObject ApproveReversalBody(long reversalId) => new()
    {
        ["projectId"] = ProjectId,
        ["reversalId"] = reversalId,
    };

    public static JsonObject CancelBody(IEnumerable<string> refunds, string reason = "the residents voted against the retrofit") => new()
    {
        ["projectId"] = ProjectId,
        ["reason"] = reason,
        ["refunds"] = new JsonArray(refunds.Select(r => (JsonNode)r).ToArray()),
    };

    public static JsonObject CloseBody() => new() { ["projectId"] = ProjectId };

    // Commands.

    public Decision Open(JsonObject? body = null, Signer? by = null) =>
        Submit(by ?? Fin, ProjectCommandTypes.OpenProject, body ?? OpenBody());

    public Decision RecordReceipt(FundingSource source, long amountFen, Signer? by = null) =>
        Submit(by ?? Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody(source.ToString(), amountFen));

    public Decision StartCampaign(JsonObject? body = null, Signer? by = null) =>
        Submit(by ?? Fin, ProjectCommandTypes.StartCampaign, body ?? CampaignBody());

    /// <summary>A household's payment, signed by its resident unless told otherwise.</summary>
    public Decision PayShare(string householdId, long amountFen, Signer? by = null) =>
        Submit(by ?? ResidentOf(householdId), ProjectCommandTypes.PayShare, PayShareBody(householdId, amountFen));

    public Decision Attest(Milestone milestone, Signer by, Role role) =>
        Submit(by, ProjectCommandTypes.AttestMilestone, AttestBody(milestone.ToString(), role.ToString()));

    /// <summary>The project manager and the construction supervisor attest the milestone.</summary>
    public void Reach(Milestone milestone)
    {
        AssertAccepted(Attest(milestone, Pm, Role.ProjectManager));
        AssertAccepted(Attest(milestone, Cs, Role.ConstructionSupervisor));
    }

    public Decision Request(Tranche tranche, long amountFen, Signer? by = null) =>
        Submit(by ?? Fin, ProjectCommandTypes.RequestDisbursement, RequestBody(tranche.ToString(), amountFen));

    /// <summary>Requests, asserts acceptance, and returns the disbursement's id (the sequence of its request).</summary>
    public long RequestId(Tranche tranche, long amountFen, Signer? by = null)
    {
        var accepted = AssertAccepted(Request(tranche, amountFen, by));
        var id = accepted.Entries.Single().Body["disbursementId"]!.GetValue<long>();
        Assert.Equal(Project.Sequence, id);
        return id;
    }

    public Decision Approve(long disbursementId, Signer by, Role role) =>
        Submit(by, ProjectCommandTypes.ApproveDisbursement, ApproveBody(disbursementId, role.ToString()));

    /// <summary>三方签字 by three distinct people: owner representative, construction supervisor, project manager.</summary>
    public void ApproveByAllThree(long disbursementId)
    {
        AssertAccepted(Approve(disbursementId, Owner, Role.OwnerRepresentative));
        AssertAccepted(Approve(disbursementId, Cs, Role.ConstructionSupervisor));
        AssertAccepted(Approve(disbursementId, Pm, Role.ProjectManager));
    }

    public Decision Reject(long disbursementId, Signer by, Role role) =>
        Submit(by, ProjectCommandTypes.RejectDisbursement, RejectBody(disbursementId, role.ToString()));

    public Decision Pay(long disbursementId, Signer? by = null, string bankReference = "ICBC-0001") =>
        Submit(by ?? Fin2, ProjectCommandTypes.PayDisbursement, PayBody(disbursementId, bankReference));

    /// <summary>Requests, has all three approve, pays by <see cref="Fin2"/>; returns the disbursement's id and the payment's entry sequence.</summary>
    public (long DisbursementId, long PaymentSequence) RequestApprovedAndPaid(Tranche tranche, long amountFen)
    {
        var id = RequestId(tranche, amountFen);
        ApproveByAllThree(id);
        AssertAccepted(Pay(id));
        return (id, Project.Sequence);
    }

    public Decision ProposeReversal(long entrySequence, Signer? by = null) =>
        Submit(by ?? Fin, ProjectCommandTypes.ProposeReversal, ProposeReversalBody(entrySequence));

    /// <summary>Proposes, asserts acceptance, and returns the reversal's id (the sequence of its proposal).</summary>
    public long ProposeReversalId(long entrySequence, Signer? by = null)
    {
        var accepted = AssertAccepted(ProposeReversal(entrySequence, by));
        var id = accepted.Entries.Single().Body["reversalId"]!.GetValue<long>();
        Assert.Equal(Project.Sequence, id);
        return id;
    }

    public Decision ApproveReversal(long reversalId, Signer? by = null) =>
        Submit(by ?? Supervisor, ProjectCommandTypes.ApproveReversal, ApproveReversalBody(reversalId));

    public Decision Cancel(IEnumerable<string> refunds, Signer? by = null) =>
        Submit(by ?? Fin, ProjectCommandTypes.CancelProject, CancelBody(refunds));

    public Decision Close(Signer? by = null) => Submit(by ?? Fin, ProjectCommandTypes.CloseProject, CloseBody());

    /// <summary>The share of each household in the started campaign.</summary>
    public long ShareOf(string householdId) => Project.Campaign!.SharesFen[householdId];
}
