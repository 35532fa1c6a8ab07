using System.Security.Claims;
using Ledger.Api.Contracts;
using Ledger.Bodies;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// The views of issue 5 (docs/API.md "Views"): the figures of projects, households, the
/// catalog and the registry. Every figure comes from a stream's state as the rules fold it
/// (src/Ledger/Rules), read through the grain host, so a view and a decision never disagree;
/// nothing here adds up money of its own. Who may read what is <see cref="Access"/>.
/// </summary>
public static class ViewEndpoints
{
    const string ProjectPrefix = "project/";

    public static void MapViewEndpoints(this IEndpointRouteBuilder routes)
    {
        var views = routes.MapGroup("/v1");

        views.MapGet("/projects", GetProjects)
            .WithName("GetProjects")
            .WithSummary("Every project with its status, contract price and the money still available.")
            .WithDescription("Public.")
            .WithTags("Projects")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        views.MapGet("/projects/{projectId}", GetProject)
            .WithName("GetProject")
            .WithSummary("A project's figures: money in by source against plan, money out by tranche and milestone, who signed each payment.")
            .WithDescription("Public (阳光财务). 404 for a project that was never opened.")
            .WithTags("Projects")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        views.MapGet("/households/{householdId}", GetHousehold)
            .WithName("GetHousehold")
            .WithSummary("A household's crowdfunding shares, payments, points, redemptions and history.")
            .WithDescription("A signed read by one of the household's residents, or by a FinanceOfficer, VolunteerCoordinator, "
                + "ResidentSupervisor or Auditor. 404 for a household the ledger knows nothing of.")
            .WithTags("Households")
            .RequireSignedRead(Access.HouseholdReaders)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        views.MapGet("/catalog", GetCatalog)
            .WithName("GetCatalog")
            .WithSummary("The rewards points can be redeemed for, with their prices and stock.")
            .WithDescription("Public.")
            .WithTags("Catalog")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        views.MapGet("/points-policy", GetPointsPolicy)
            .WithName("GetPointsPolicy")
            .WithSummary("The points policy: what each activity earns per unit, the caps, every version and the one in force now.")
            .WithDescription("Public (docs/ENTRIES.md \"Points policy\"), though the registry that keeps it is not.")
            .WithTags("Catalog")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        views.MapGet("/registry/people", GetPeople)
            .WithName("GetPeople")
            .WithSummary("Every registered person with their roles, household and keys, and the registry entries about them.")
            .WithDescription($"A signed read by one of: {string.Join(", ", Access.RegistryReaders.Order())}.")
            .WithTags("Registry")
            .RequireSignedRead(Access.RegistryReaders)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        views.MapGet("/registry/me", GetSignedInPerson)
            .WithName("GetSignedInPerson")
            .WithSummary("The signer of this read as the registry holds them now: name, roles, household and the key that signed.")
            .WithDescription("A signed read by any registered person, about themselves only: the page's \"who is signed in\". "
                + "An unknown or revoked key is refused (UnknownKey, KeyRevoked), which the page says plainly.")
            .WithTags("Registry")
            .RequireSignedRead(Access.Everyone)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Every project, in order of project id.</summary>
    /// <param name="grains">The grain host.</param>
    /// <param name="database">The ledger's database, which lists the project streams.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<IReadOnlyList<ProjectSummary>>, ProblemHttpResult>> GetProjects(
        LedgerGrains grains, LedgerDatabase database, CancellationToken cancellationToken)
    {
        var projects = new List<ProjectSummary>();
        foreach (var project in await ProjectsAsync(grains, database, cancellationToken))
        {
            projects.Add(new ProjectSummary(project.ProjectId, project.Name, project.Community, project.Status.ToString(),
                project.ContractPriceFen, project.AvailableFen));
        }
        return TypedResults.Ok<IReadOnlyList<ProjectSummary>>(projects);
    }

    /// <summary>One project's figures.</summary>
    /// <param name="projectId">The project id, e.g. "b3-elevator".</param>
    /// <param name="grains">The grain host.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<ProjectView>, ProblemHttpResult>> GetProject(
        string projectId, LedgerGrains grains, CancellationToken cancellationToken)
    {
        if (!Names.IsIdentifier(projectId))
        {
            return MalformedId("projectId");
        }
        var project = (ProjectState)await grains.ReadStateAsync(ProjectRules.StreamOf(projectId), cancellationToken);
        if (project.Status == ProjectStatus.NotOpened)
        {
            return Problems.Create(StatusCodes.Status404NotFound, Problems.NotFound, $"project {projectId} was never opened");
        }
        var registry = (RegistryState)await grains.ReadStateAsync(RegistryRules.Stream, cancellationToken);
        return TypedResults.Ok(ProjectViewOf(project, registry));
    }

    /// <summary>One household's records.</summary>
    /// <param name="householdId">The household id, e.g. "b2-0301".</param>
    /// <param name="context">The request, whose reader (<see cref="SignedReadAuthentication"/>) is checked against the household.</param>
    /// <param name="grains">The grain host.</param>
    /// <param name="database">The ledger's database: the household's entries and the list of projects.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<HouseholdView>, ProblemHttpResult>> GetHousehold(
        string householdId, HttpContext context, LedgerGrains grains, LedgerDatabase database, CancellationToken cancellationToken)
    {
        if (!Names.IsIdentifier(householdId))
        {
            return MalformedId("householdId");
        }
        // The endpoint admits every reader role; a resident reads only their own household.
        var reader = SignedReadAuthentication.ReaderOf(context.User);
        Invariant.Holds(reader is not null, "the household view is read by a signed reader");
        if (Access.HouseholdRefusal(reader!, householdId, Access.HouseholdReaders) is { } notTheirs)
        {
            return Problems.Of(notTheirs.Code, notTheirs.Message);
        }
        var household = (HouseholdState)await grains.ReadStateAsync(HouseholdRules.StreamOf(householdId), cancellationToken);
        var registry = (RegistryState)await grains.ReadStateAsync(RegistryRules.Stream, cancellationToken);
        var shares = (await ProjectsAsync(grains, database, cancellationToken))
            .Where(p => p.Campaign?.SharesFen.ContainsKey(householdId) == true)
            .Select(p => new CampaignShareView(p.ProjectId, p.Status.ToString(), p.Campaign!.SharesFen[householdId],
                p.ContributionsFen.GetValueOrDefault(householdId), p.DueFen(householdId)))
            .ToList();
        if (household.Sequence < 0 && shares.Count == 0 && !registry.People.Values.Any(p => p.HouseholdId == householdId))
        {
            return Problems.Create(StatusCodes.Status404NotFound, Problems.NotFound,
                $"household {householdId} has no resident, no entry and no campaign share");
        }
        // The figures are the state's at its sequence; entries appended since are left for the next read.
        // How the household voted is shown only to those who may read its stream (Access.HouseholdStreamReaders).
        var readsBallots = Access.StreamRefusal(reader!, household.Stream) is null;
        var entries = household.Sequence < 0
            ? []
            : (await database.Entries.ReadStreamAsync(household.Stream, 0, cancellationToken))
                .Where(e => e.Entry.Sequence <= household.Sequence && (readsBallots || !IsBallot(e.Entry.Type)))
                .ToList();
        var payments = entries.Select(e => e.Entry).Where(e => e.Type is HouseholdEntryTypes.CrowdfundingPaid or HouseholdEntryTypes.CrowdfundingRefunded)
            .Select(PaymentOf)
            .ToList();
        return TypedResults.Ok(new HouseholdView(
            householdId,
            household.Sequence,
            shares,
            payments,
            new PointsView(household.AwardedPoints, household.ReservedPoints, household.SpentPoints, household.BalancePoints),
            household.Awards.Select(a => new AwardView(a.Sequence, a.Activity.ToString(), a.Quantity, a.Points, a.PolicyVersion, LedgerTime.Format(a.RecordedAt))).ToList(),
            household.Redemptions.Values.Select(r => new RedemptionView(r.Id, r.ItemId, r.Quantity, r.Points, r.Status.ToString())).ToList(),
            entries.Select(e => EntryEndpoints.View(e, registry)).ToList()));
    }

    /// <summary>The entries of a household's part in an owners' vote, left out of the view for the finance officer and the coordinator.</summary>
    static bool IsBallot(string type) => type is HouseholdEntryTypes.BallotIssued or HouseholdEntryTypes.BallotCast or HouseholdEntryTypes.BallotCounted;

    /// <summary>The catalog, in order of item id.</summary>
    /// <param name="grains">The grain host.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<IReadOnlyList<CatalogItemView>>, ProblemHttpResult>> GetCatalog(LedgerGrains grains, CancellationToken cancellationToken)
    {
        var catalog = (CatalogState)await grains.ReadStateAsync(CatalogRules.Stream, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<CatalogItemView>>(catalog.Items.Values
            .Select(i => new CatalogItemView(i.ItemId, i.Name, i.Kind.ToString(), i.PricePoints, i.Stock, i.Withdrawn))
            .ToList());
    }

    /// <summary>The points policy's versions, and the one in force at the server's time.</summary>
    /// <param name="grains">The grain host.</param>
    /// <param name="clock">The server's clock: which version is in force now.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<PointsPolicyView>, ProblemHttpResult>> GetPointsPolicy(
        LedgerGrains grains, TimeProvider clock, CancellationToken cancellationToken)
    {
        var registry = (RegistryState)await grains.ReadStateAsync(RegistryRules.Stream, cancellationToken);
        return TypedResults.Ok(new PointsPolicyView(
            PointsPolicy.InForce(registry.PointsPolicy, clock.GetUtcNow())?.Version,
            registry.PointsPolicy.Select(v => new PolicyVersionView(v.Version, LedgerTime.Format(v.EffectiveFrom), v.Approved, v.ProposedBy,
                v.Rates.Select(r => new PointsRateView(r.Activity.ToString(), r.PointsPerUnit, r.Unit.ToString(), r.CapPoints, r.CapPeriod?.ToString())).ToList()))
                .ToList()));
    }

    /// <summary>The registry's people, in order of person id.</summary>
    /// <param name="grains">The grain host.</param>
    /// <param name="database">The ledger's database: the registry's entries.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<IReadOnlyList<PersonView>>, ProblemHttpResult>> GetPeople(
        LedgerGrains grains, LedgerDatabase database, CancellationToken cancellationToken)
    {
        var registry = (RegistryState)await grains.ReadStateAsync(RegistryRules.Stream, cancellationToken);
        var entries = (await database.Entries.ReadStreamAsync(RegistryRules.Stream, 0, cancellationToken))
            .Where(e => e.Entry.Sequence <= registry.Sequence)
            .ToList();
        var history = entries.ToLookup(e => PersonOf(e.Entry), e => EntryEndpoints.View(e, registry));
        // Keys in the order the registry first named them: a person's first key first.
        var keyOrder = entries
            .Select(e => KeyNamedBy(e.Entry))
            .OfType<string>()
            .Distinct()
            .Select((keyId, index) => (keyId, index))
            .ToDictionary(k => k.keyId, k => k.index);
        var people = registry.People.Values
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => new PersonView(p.Id, p.DisplayName, p.Roles.Select(r => r.ToString()).ToList(), p.HouseholdId,
                registry.Keys.Values.Where(k => k.PersonId == p.Id)
                    .OrderBy(k => keyOrder.GetValueOrDefault(k.KeyId, int.MaxValue))
                    .Select(k => new KeyView(k.KeyId, k.PublicKey.ToString(), k.Revoked))
                    .ToList(),
                history[p.Id].ToList()))
            .ToList();
        return TypedResults.Ok<IReadOnlyList<PersonView>>(people);
    }

    /// <summary>The signer of this read, as the registry holds them now.</summary>
    /// <param name="user">The reader the signed read admitted (<see cref="SignedReadAuthentication"/>).</param>
    public static Ok<SignedInView> GetSignedInPerson(ClaimsPrincipal user)
    {
        var reader = SignedReadAuthentication.ReaderOf(user)!;
        return TypedResults.Ok(new SignedInView(reader.Id, reader.DisplayName, reader.Roles.Select(r => r.ToString()).ToList(), reader.HouseholdId));
    }

    static ProjectView ProjectViewOf(ProjectState project, RegistryState registry) => new(
        project.ProjectId,
        project.Name,
        project.Community,
        project.Status.ToString(),
        project.Sequence,
        project.ContractPriceFen,
        project.ResidentShareCapPercent,
        project.WarrantyMonths,
        project.PlannedFen.Select(p => new FundingSourceView(p.Key.ToString(), p.Value, project.ReceivedFen(p.Key),
            project.FundPolicy?.Sources.SingleOrDefault(s => s.Source == p.Key)?.Categories.Order().Select(c => c.ToString()).ToList()
                ?? (project.FundPolicy is null ? null : []),
            project.DrawnFen(p.Key), ByName(project.SpentFen(p.Key)))).ToList(),
        project.Tranches.Select(t => new TrancheView(t.Tranche.ToString(), t.Percent, project.CumulativeCapFen(t.Tranche),
            ProjectState.MilestoneOf(t.Tranche).ToString(), project.Reached(ProjectState.MilestoneOf(t.Tranche)),
            project.PaidFen(t.Tranche), project.PendingFen(t.Tranche))).ToList(),
        new ProjectTotals(project.TotalReceivedFen, project.TotalPaidFen, project.TotalPendingFen, project.AvailableFen),
        Enum.GetValues<Milestone>().Select(m => project.Milestones.GetValueOrDefault(m) is { } progress
            ? new MilestoneView(m.ToString(), ByRole(ProjectState.MilestoneAttesters, progress.AttestedBy),
                progress.ReachedAt is { } reached ? LedgerTime.Format(reached) : null)
            : new MilestoneView(m.ToString(), new Dictionary<string, string>(), null)).ToList(),
        project.Campaign is { } campaign
            ? new CampaignView(campaign.TargetFen, campaign.Rule, campaign.SharesFen.Count, project.ReceivedFen(FundingSource.ResidentCrowdfunding))
            : null,
        project.Receipts.Values.Select(r => new ReceiptView(r.Sequence, r.Source.ToString(), r.AmountFen, r.DocumentHash.ToString(), r.Reversed)).ToList(),
        project.Disbursements.Values.Select(d => new DisbursementView(d.Id, d.Tranche.ToString(), d.AmountFen, d.Payee, d.InvoiceHash.ToString(),
            d.Status.ToString(), d.RequestedBy, ByRole(ProjectState.DisbursementApprovers, d.Approvals),
            ProjectState.DisbursementApprovers.Where(r => !d.Approvals.ContainsKey(r)).Select(r => r.ToString()).ToList(),
            d.PaidBy, d.BankReference, d.PaidSequence, d.Category?.ToString(), ByName(d.AllocationFen))).ToList(),
        project.Reversals.Values.Select(r => new ReversalView(r.Id, r.Kind, r.EntrySequence, r.AmountFen, r.ProposedBy, r.Approved)).ToList(),
        project.Reconciliations.Values.Select(ReconciliationViewOf).ToList(),
        project.LastReconciled is { } last ? ReconciliationViewOf(last) : null,
        project.Votes.Values.Select(v => new VoteView(v.VoteId, v.Question, v.Matter.ToString(), LedgerTime.Format(v.OpensAt), LedgerTime.Format(v.ClosesAt),
            v.Scope.Households, v.Scope.AreaHundredths,
            v.Tally is { } t
                ? new VoteTallyView(t.Agree.Households, t.Agree.AreaHundredths, t.Against.Households, t.Against.AreaHundredths, t.Abstain.Households, t.Abstain.AreaHundredths)
                : null,
            v.Passed)).ToList(),
        StaffNamesOf(project, registry),
        project.FundPolicy?.Drawing.ToString());

    static SortedDictionary<string, long> ByName<TEnum>(IReadOnlyDictionary<TEnum, long> fen) where TEnum : struct, Enum =>
        new(fen.ToDictionary(f => f.Key.ToString(), f => f.Value), StringComparer.Ordinal);

    static ReconciliationView ReconciliationViewOf(Reconciliation r) => new(r.Id, ReconciliationPeriod.Format(r.Period.From),
        ReconciliationPeriod.Format(r.Period.To), r.ClosingBalanceFen, r.StatementHash.ToString(), r.MatchedCount, r.UnmatchedStatementCount,
        r.UnmatchedLedgerCount, r.SignedBy, r.CountersignedBy);

    /// <summary>Names of the staff a project view names; residents stay ids (their names are never public).</summary>
    static SortedDictionary<string, string> StaffNamesOf(ProjectState project, RegistryState registry)
    {
        var named = project.Milestones.Values.SelectMany(m => m.AttestedBy.Values)
            .Concat(project.Disbursements.Values.SelectMany(d => d.Approvals.Values.Append(d.RequestedBy).Append(d.PaidBy)))
            .Concat(project.Reversals.Values.Select(r => r.ProposedBy))
            .Concat(project.Reconciliations.Values.SelectMany(r => new[] { r.SignedBy, r.CountersignedBy }))
            .OfType<string>();
        var names = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var personId in named)
        {
            if (registry.People.TryGetValue(personId, out var person) && !person.Roles.Contains(Role.Resident))
            {
                names[personId] = person.DisplayName;
            }
        }
        return names;
    }

    /// <summary>Signatures by role, in the order the rules name the roles.</summary>
    static Dictionary<string, string> ByRole(IReadOnlyList<Role> order, IReadOnlyDictionary<Role, string> signed) =>
        order.Where(signed.ContainsKey).ToDictionary(r => r.ToString(), r => signed[r]);

    /// <summary>Every opened project's state, in ordinal order of project id.</summary>
    static async Task<IReadOnlyList<ProjectState>> ProjectsAsync(LedgerGrains grains, LedgerDatabase database, CancellationToken cancellationToken)
    {
        var projects = new List<ProjectState>();
        foreach (var stream in await database.Entries.ListStreamsAsync(ProjectPrefix, cancellationToken))
        {
            projects.Add((ProjectState)await grains.ReadStateAsync(stream, cancellationToken));
        }
        return projects;
    }

    static CrowdfundingPaymentView PaymentOf(Entry entry)
    {
        var recordedAt = LedgerTime.Format(entry.RecordedAt);
        if (entry.Type == HouseholdEntryTypes.CrowdfundingPaid)
        {
            var paid = entry.BodyAs<CrowdfundingPaidBody>();
            return new CrowdfundingPaymentView(entry.Sequence, "Payment", paid.ProjectId.Value, paid.AmountFen.Value, paid.Reference.Value, recordedAt);
        }
        var refunded = entry.BodyAs<CrowdfundingRefundedBody>();
        return new CrowdfundingPaymentView(entry.Sequence, "Refund", refunded.ProjectId.Value, refunded.AmountFen.Value, null, recordedAt);
    }

    /// <summary>The person a registry entry is about: the one registered, given a key or a role, or the registrar who opened it.</summary>
    static string PersonOf(Entry entry) => entry.Type switch
    {
        RegistryEntryTypes.RegistryOpened => entry.BodyAs<RegistryOpenedBody>().RegistrarId.Value,
        RegistryEntryTypes.PersonRegistered => entry.BodyAs<PersonRegisteredBody>().PersonId.Value,
        RegistryEntryTypes.KeyAdded => entry.BodyAs<KeyAddedBody>().PersonId.Value,
        RegistryEntryTypes.KeyRevoked => entry.BodyAs<KeyRevokedBody>().PersonId.Value,
        RegistryEntryTypes.RoleGranted => entry.BodyAs<RoleGrantedBody>().PersonId.Value,
        RegistryEntryTypes.RoleRevoked => entry.BodyAs<RoleRevokedBody>().PersonId.Value,
        _ => "",
    };

    /// <summary>The person's key a registry entry registers or revokes, if it names one.</summary>
    internal static string? KeyNamedBy(Entry entry) =>
        KeyAnnouncements.Of(entry)?.KeyId.Value ?? (entry.Type == RegistryEntryTypes.KeyRevoked ? entry.BodyAs<KeyRevokedBody>().KeyId.Value : null);

    static ProblemHttpResult MalformedId(string member) =>
        Problems.Create(StatusCodes.Status400BadRequest, Problems.MalformedRequest,
            $"{member} must be an identifier (docs/FORMAT.md §5): letters, digits, '.', '_' and '-', at most 64");
}
