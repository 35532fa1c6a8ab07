using Ledger.Bodies;
using Ledger.Entries;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;

namespace Ledger.Rules;

/// <summary>What a decision sees: the registry, the touched streams' states, the command, the time.</summary>
public sealed record DecisionContext(
    RegistryState Registry,
    IReadOnlyDictionary<string, StreamState> States,
    Command Command,
    DateTimeOffset Now)
{
    public TState State<TState>(string stream) where TState : StreamState => (TState)States[stream];
}

/// <summary>
/// One command type: its body's record (src/Ledger/Bodies), who may give it (the role × command
/// matrix), which streams it writes, and the pure rule that decides it.
/// </summary>
public sealed record CommandRule(
    string Type,
    Type Body,
    IReadOnlySet<Role> Roles,
    Func<Command, IReadOnlyList<string>> Streams,
    Func<DecisionContext, Decision> Decide);

/// <summary>
/// Every command the ledger takes, in one table: the single place where the role × command
/// matrix of docs/DOMAIN.md is written down and enforced.
/// </summary>
public static class Commands
{
    static readonly IReadOnlyList<string> RegistryStream = [RegistryRules.Stream];
    static readonly IReadOnlyList<string> CatalogStream = [CatalogRules.Stream];

    public static IReadOnlyList<CommandRule> All { get; } =
    [
        Registry<OpenRegistryBody>(RegistryCommandTypes.OpenRegistry, RegistryRules.Open, Role.Registrar),
        Registry<RegisterPersonBody>(RegistryCommandTypes.RegisterPerson, RegistryRules.Register, Role.Registrar),
        Registry<AddKeyBody>(RegistryCommandTypes.AddKey, RegistryRules.AddKey, Role.Registrar),
        Registry<RevokeKeyBody>(RegistryCommandTypes.RevokeKey, RegistryRules.RevokeKey, Role.Registrar),
        Registry<GrantRoleBody>(RegistryCommandTypes.GrantRole, RegistryRules.GrantRole, Role.Registrar),
        Registry<RevokeRoleBody>(RegistryCommandTypes.RevokeRole, RegistryRules.RevokeRole, Role.Registrar),
        Registry<NameLogKeyBody>(RegistryCommandTypes.NameLogKey, RegistryRules.NameLogKey, Role.Registrar),
        new(RegistryCommandTypes.ProposePointsPolicy, typeof(ProposePointsPolicyBody), Set(Role.VolunteerCoordinator), _ => RegistryStream,
            WithBody<ProposePointsPolicyBody>(PointsPolicyRules.Propose)),
        new(RegistryCommandTypes.ApprovePointsPolicy, typeof(ApprovePointsPolicyBody), Set(Role.ResidentSupervisor), _ => RegistryStream,
            WithBody<ApprovePointsPolicyBody>(PointsPolicyRules.Approve)),
        Registry<RecordFloorAreaBody>(RegistryCommandTypes.RecordFloorArea, RegistryRules.RecordFloorArea, Role.Registrar),

        Project<OpenProjectBody>(ProjectCommandTypes.OpenProject, ProjectRules.Open, Role.FinanceOfficer),
        Project<RecordReceiptBody>(ProjectCommandTypes.RecordReceipt, ProjectRules.RecordReceipt, Role.FinanceOfficer),
        Project<StartCampaignBody>(ProjectCommandTypes.StartCampaign, ProjectRules.StartCampaign, Role.FinanceOfficer),
        new(ProjectCommandTypes.PayShare, typeof(PayShareBody), Set(Role.Resident),
            c => [HouseholdRules.StreamOf(Routing.HouseholdIdOf(c.Body)), ProjectRules.StreamOf(Routing.ProjectIdOf(c.Body))], WithBody<PayShareBody>(ProjectRules.PayShare)),
        Project<AttestMilestoneBody>(ProjectCommandTypes.AttestMilestone, ProjectRules.AttestMilestone, Role.ProjectManager, Role.ConstructionSupervisor),
        Project<RequestDisbursementBody>(ProjectCommandTypes.RequestDisbursement, ProjectRules.RequestDisbursement, Role.FinanceOfficer),
        Project<ApproveDisbursementBody>(ProjectCommandTypes.ApproveDisbursement, ProjectRules.ApproveDisbursement, Role.OwnerRepresentative, Role.ConstructionSupervisor, Role.ProjectManager),
        Project<RejectDisbursementBody>(ProjectCommandTypes.RejectDisbursement, ProjectRules.RejectDisbursement, Role.OwnerRepresentative, Role.ConstructionSupervisor, Role.ProjectManager),
        Project<PayDisbursementBody>(ProjectCommandTypes.PayDisbursement, ProjectRules.PayDisbursement, Role.FinanceOfficer),
        Project<ProposeReversalBody>(ProjectCommandTypes.ProposeReversal, ProjectRules.ProposeReversal, Role.FinanceOfficer),
        Project<ApproveReversalBody>(ProjectCommandTypes.ApproveReversal, ProjectRules.ApproveReversal, Role.ResidentSupervisor),
        new(ProjectCommandTypes.CancelProject, typeof(CancelProjectBody), Set(Role.FinanceOfficer),
            c => [ProjectRules.StreamOf(Routing.ProjectIdOf(c.Body)), .. Routing.RefundsOf(c.Body).Select(HouseholdRules.StreamOf)], WithBody<CancelProjectBody>(ProjectRules.Cancel)),
        Project<CloseProjectBody>(ProjectCommandTypes.CloseProject, ProjectRules.Close, Role.FinanceOfficer),
        Project<SignReconciliationBody>(ProjectCommandTypes.SignReconciliation, ProjectRules.SignReconciliation, Role.FinanceOfficer),
        Project<CountersignReconciliationBody>(ProjectCommandTypes.CountersignReconciliation, ProjectRules.CountersignReconciliation, Role.ResidentSupervisor),
        // The owner representative speaks for the owners (业主代表): the natural one to call their vote and to close it.
        Vote<OpenVoteBody>(ProjectCommandTypes.OpenVote, VoteRules.Open),
        Vote<CloseVoteBody>(ProjectCommandTypes.CloseVote, VoteRules.Close),
        Household<CastBallotBody>(HouseholdCommandTypes.CastBallot, VoteRules.CastBallot, withCatalog: false, Role.Resident),

        Household<AwardPointsBody>(HouseholdCommandTypes.AwardPoints, HouseholdRules.AwardPoints, withCatalog: false, Role.VolunteerCoordinator),
        Household<ReserveRedemptionBody>(HouseholdCommandTypes.ReserveRedemption, HouseholdRules.ReserveRedemption, withCatalog: true, Role.Resident),
        Household<FulfilRedemptionBody>(HouseholdCommandTypes.FulfilRedemption, HouseholdRules.FulfilRedemption, withCatalog: false, Role.VolunteerCoordinator),
        Household<CancelRedemptionBody>(HouseholdCommandTypes.CancelRedemption, HouseholdRules.CancelRedemption, withCatalog: true, Role.VolunteerCoordinator, Role.Resident),

        Catalog<AddCatalogItemBody>(CatalogCommandTypes.AddCatalogItem, CatalogRules.AddItem),
        Catalog<RestockCatalogItemBody>(CatalogCommandTypes.RestockCatalogItem, CatalogRules.Restock),
        Catalog<WithdrawCatalogItemBody>(CatalogCommandTypes.WithdrawCatalogItem, CatalogRules.Withdraw),
    ];

    static readonly Dictionary<string, CommandRule> ByType = All.ToDictionary(r => r.Type);

    public static CommandRule? Find(string type) => ByType.GetValueOrDefault(type);

    /// <summary>
    /// Decides a command whose signature was already authenticated: authorization by the
    /// registry as it stands, then the command's own rule. The grains and the verifier's
    /// replay both decide through here.
    /// </summary>
    public static Decision Decide(CommandRule rule, DecisionContext context)
    {
        if (Authorization.Authorize(context.Registry, context.Command, rule.Roles, context.Now) is { } refusal)
        {
            return refusal;
        }
        try
        {
            return rule.Decide(context);
        }
        catch (FormatException e)
        {
            return Decision.Refusing(ResultCode.MalformedCommand, e.Message);
        }
    }

    /// <summary>The streams a command writes, in the fixed order in which their turns are taken.</summary>
    public static IReadOnlyList<string> StreamsOf(CommandRule rule, Command command) =>
        rule.Streams(command).Distinct().Order(StringComparer.Ordinal).ToList();

    static CommandRule Registry<TBody>(string type, Func<RegistryState, Command, TBody, Decision> decide, params Role[] roles)
        where TBody : ICommandBody<TBody> =>
        new(type, typeof(TBody), Set(roles), _ => RegistryStream,
            context => decide(context.State<RegistryState>(RegistryRules.Stream), context.Command, TBody.Read(context.Command.Body)));

    static CommandRule Project<TBody>(string type, Func<DecisionContext, TBody, Decision> decide, params Role[] roles)
        where TBody : ICommandBody<TBody> =>
        new(type, typeof(TBody), Set(roles), c => [ProjectRules.StreamOf(Routing.ProjectIdOf(c.Body))], WithBody(decide));

    /// <summary>A command on a vote: the project and every household of the vote's scope, in one transaction.</summary>
    static CommandRule Vote<TBody>(string type, Func<DecisionContext, TBody, Decision> decide) where TBody : ICommandBody<TBody> =>
        new(type, typeof(TBody), Set(Role.OwnerRepresentative),
            c => [ProjectRules.StreamOf(Routing.ProjectIdOf(c.Body)), .. Routing.ScopeOf(c.Body).Select(HouseholdRules.StreamOf)], WithBody(decide));

    static CommandRule Household<TBody>(string type, Func<DecisionContext, TBody, Decision> decide, bool withCatalog, params Role[] roles)
        where TBody : ICommandBody<TBody> =>
        new(type, typeof(TBody), Set(roles), c => withCatalog
            ? [HouseholdRules.StreamOf(Routing.HouseholdIdOf(c.Body)), CatalogRules.Stream]
            : [HouseholdRules.StreamOf(Routing.HouseholdIdOf(c.Body))], WithBody(decide));

    static CommandRule Catalog<TBody>(string type, Func<DecisionContext, TBody, Decision> decide) where TBody : ICommandBody<TBody> =>
        new(type, typeof(TBody), Set(Role.VolunteerCoordinator), _ => CatalogStream, WithBody(decide));

    /// <summary>A rule that decides on the command's body read once, before it runs (an unknown member is MalformedCommand).</summary>
    static Func<DecisionContext, Decision> WithBody<TBody>(Func<DecisionContext, TBody, Decision> decide) where TBody : ICommandBody<TBody> =>
        context => decide(context, TBody.Read(context.Command.Body));

    static IReadOnlySet<Role> Set(params Role[] roles) => roles.ToHashSet();
}
