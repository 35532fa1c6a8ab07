using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Endpoints;

/// <summary>
/// One POST endpoint per command of the command table (docs/ENTRIES.md): a signed command in,
/// the acknowledgement of its entries out, after the commit. Nothing is written on any error.
/// </summary>
public static class CommandEndpoints
{
    /// <summary>A command's body is at most this big (a campaign over 10,000 households fits).</summary>
    public const int MaxCommandBytes = 1 << 20;

    /// <summary>What each command is for, as the API documents it, and its group.</summary>
    public static IReadOnlyDictionary<string, (string Tag, string Summary)> Descriptions { get; } = new Dictionary<string, (string, string)>
    {
        [RegistryCommandTypes.OpenRegistry] = ("Registry", "Open the registry: entry 0, naming and signed by the registrar's root key."),
        [RegistryCommandTypes.RegisterPerson] = ("Registry", "Register a person with their roles, household and first key."),
        [RegistryCommandTypes.AddKey] = ("Registry", "Add a signing key to a registered person."),
        [RegistryCommandTypes.RevokeKey] = ("Registry", "Revoke a key: it signs nothing from this entry on."),
        [RegistryCommandTypes.GrantRole] = ("Registry", "Grant a role to a registered person."),
        [RegistryCommandTypes.RevokeRole] = ("Registry", "Revoke a role from a registered person."),
        [RegistryCommandTypes.NameLogKey] = ("Registry", "Name the log key: checkpoints from this entry on are signed by it (FORMAT.md §10.3)."),
        [RegistryCommandTypes.ProposePointsPolicy] = ("Catalog", "Propose a version of the points policy: points per unit and caps per activity, and when it takes effect."),
        [RegistryCommandTypes.ApprovePointsPolicy] = ("Catalog", "Approve a proposed version of the points policy, as a resident supervisor other than its proposer."),
        [RegistryCommandTypes.RecordFloorArea] = ("Registry", "Record a household's exclusive floor area (专有部分面积) in hundredths of a square metre: its weight in owners' votes."),
        [ProjectCommandTypes.OpenProject] = ("Projects", "Open a project with its contract price, funding plan by source and payment policy."),
        [ProjectCommandTypes.RecordReceipt] = ("Projects", "Record money received from a source, with the hash of its document."),
        [ProjectCommandTypes.StartCampaign] = ("Projects", "Start the crowdfunding campaign: households' shares by floor or flat, exact to the fen."),
        [ProjectCommandTypes.PayShare] = ("Projects", "A household pays (part of) its crowdfunding share: written to the household and the project at once."),
        [ProjectCommandTypes.AttestMilestone] = ("Projects", "Attest a milestone with the hash of its evidence, as project manager or construction supervisor."),
        [ProjectCommandTypes.RequestDisbursement] = ("Projects", "Request a disbursement from an unlocked tranche."),
        [ProjectCommandTypes.ApproveDisbursement] = ("Projects", "Approve a disbursement as owner representative, construction supervisor or project manager."),
        [ProjectCommandTypes.RejectDisbursement] = ("Projects", "Reject a disbursement, which voids the request."),
        [ProjectCommandTypes.PayDisbursement] = ("Projects", "Pay a disbursement that has its three approvals, with the bank reference."),
        [ProjectCommandTypes.ProposeReversal] = ("Projects", "Propose reversing a receipt or a payment, with the reason."),
        [ProjectCommandTypes.ApproveReversal] = ("Projects", "Approve a proposed reversal, as resident supervisor."),
        [ProjectCommandTypes.CancelProject] = ("Projects", "Cancel a project that paid nothing, refunding every household's payments."),
        [ProjectCommandTypes.CloseProject] = ("Projects", "Close a project whose contract price is paid in full."),
        [ProjectCommandTypes.SignReconciliation] = ("Projects", "Sign a reconciliation with the bank for a period: the statement's closing balance must be the ledger's (docs/BANK.md)."),
        [ProjectCommandTypes.CountersignReconciliation] = ("Projects", "Countersign a reconciliation, as a resident supervisor other than its signer: the period is then reconciled."),
        [ProjectCommandTypes.OpenVote] = ("Projects", "Open an owners' vote on one question for the households concerned, as owner representative: each gets a ballot paper."),
        [ProjectCommandTypes.CloseVote] = ("Projects", "Close an owners' vote after its closing time: the tally by art. 278 goes to the project, the choices stay with the households."),
        [HouseholdCommandTypes.CastBallot] = ("Households", "Cast a household's one ballot in an owners' vote (agree, against or abstain), as a resident of the household."),
        [HouseholdCommandTypes.AwardPoints] = ("Households", "Award points to a household for volunteer service, waste sorting, councils or donations."),
        [HouseholdCommandTypes.ReserveRedemption] = ("Households", "Reserve a catalog item for points, as a resident of the household."),
        [HouseholdCommandTypes.FulfilRedemption] = ("Households", "Fulfil a reserved redemption: the points are spent."),
        [HouseholdCommandTypes.CancelRedemption] = ("Households", "Cancel a reserved redemption: the points and the stock come back."),
        [CatalogCommandTypes.AddCatalogItem] = ("Catalog", "Add a reward to the catalog with its price in points and optional stock."),
        [CatalogCommandTypes.RestockCatalogItem] = ("Catalog", "Add stock to a catalog item."),
        [CatalogCommandTypes.WithdrawCatalogItem] = ("Catalog", "Withdraw a catalog item."),
    };

    public static void MapCommandEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var rule in Commands.All)
        {
            var (tag, summary) = Descriptions[rule.Type];
            routes.MapPost($"/v1/commands/{rule.Type}", (HttpRequest request, LedgerGrains grains, IOptions<DatabaseSettings> database,
                    IOptions<RegistrySettings> registry, CancellationToken cancellationToken) =>
                    ExecuteAsync(rule.Type, request, grains, TimeSpan.FromSeconds(database.Value.CommandTimeoutSeconds), registry.Value, cancellationToken))
                .WithName(rule.Type)
                .WithSummary(summary)
                .WithDescription($"Allowed for: {string.Join(", ", rule.Roles.Order())}. See docs/ENTRIES.md for the body and its refusals.")
                .WithTags(tag)
                .Accepts<SignedCommandRequest>("application/json")
                .Produces<CommandAcknowledgement>()
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>
    /// Any other command type: a problem with its code rather than an empty 404, so a client
    /// that misspells a type learns why. Literal routes win, so this sees unknown types only.
    /// </summary>
    public static void MapUnknownCommandEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/v1/commands/{type}", UnknownType).ExcludeFromDescription();

    /// <summary>The answer to a command of a type the command table does not have, alone or in a batch.</summary>
    public static ProblemHttpResult UnknownType(string type) =>
        Problems.Of(ResultCode.UnknownCommandType, $"there is no command {type}: the command types are listed in docs/ENTRIES.md");

    /// <param name="deadline">
    /// The server's deadline on the command's database work (<c>Database:CommandTimeoutSeconds</c>).
    /// Npgsql's own timeouts carry the same value, but a timed-out command then also tries to
    /// cancel on the server, which a hung server never answers: this bound holds whatever Npgsql
    /// does. The write is then uncertain, as any lost answer is: the client sends the same
    /// command again and it is written at most once.
    /// </param>
    static async Task<Results<Ok<CommandAcknowledgement>, ProblemHttpResult>> ExecuteAsync(
        string type, HttpRequest request, LedgerGrains grains, TimeSpan deadline, RegistrySettings registry, CancellationToken cancellationToken)
    {
        var body = await RequestBodies.ReadAsync(request, MaxCommandBytes, cancellationToken);
        if (body is null)
        {
            return TooLarge();
        }
        SignedCommand signed;
        try
        {
            signed = Parse(body);
        }
        catch (Exception e) when (e is FormatException or CanonicalFormException)
        {
            return Malformed(e);
        }
        if (signed.Command.Type != type)
        {
            return Problems.Of(ResultCode.MalformedCommand, $"this endpoint takes {type} commands, not {signed.Command.Type}");
        }
        return await ExecuteAsync(signed, grains, deadline, registry, cancellationToken);
    }

    /// <summary>The answer to a command of more than <see cref="MaxCommandBytes"/>, alone or in a batch.</summary>
    public static ProblemHttpResult TooLarge() =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, Problems.PayloadTooLarge, $"a command is at most {MaxCommandBytes} bytes");

    /// <summary>The answer to bytes that <see cref="Parse"/> refuses, alone or in a batch.</summary>
    public static ProblemHttpResult Malformed(Exception parsing) =>
        Problems.Of(ResultCode.MalformedCommand, $"the body is not a signed command (docs/FORMAT.md §6): {parsing.Message}");

    /// <summary>Reads a signed command from the bytes the client sent, alone or as a member of a batch.</summary>
    /// <exception cref="FormatException">The bytes are JSON but not a signed command.</exception>
    /// <exception cref="CanonicalFormException">The bytes are not JSON the canonical form can carry (docs/FORMAT.md §2).</exception>
    public static SignedCommand Parse(ReadOnlySpan<byte> body) => SignedCommand.FromJson(CanonicalJson.Parse(body));

    /// <summary>
    /// Executes a signed command of a known type, alone or as a member of a batch: the same
    /// checks, the same grain call, the same answer.
    /// </summary>
    public static async Task<Results<Ok<CommandAcknowledgement>, ProblemHttpResult>> ExecuteAsync(
        SignedCommand signed, LedgerGrains grains, TimeSpan deadline, RegistrySettings registry, CancellationToken cancellationToken)
    {
        if (OpeningRefusal(signed.Command, registry) is { } refusal)
        {
            return Problems.Of(refusal.Code, refusal.Message);
        }
        // A database that fails or misses the deadline throws: ExceptionProblems answers 503.
        var outcome = await grains.ExecuteAsync(signed, cancellationToken).WaitAsync(deadline, cancellationToken);
        return outcome switch
        {
            CommandOutcome.Accepted accepted => TypedResults.Ok(Acknowledge(accepted)),
            CommandOutcome.Refused refused => Problems.Of(refused.Code, refused.Message),
            _ => throw new InvalidOperationException($"unexpected outcome {outcome}"),
        };
    }

    /// <summary>
    /// A production server takes the registry's opening only from the root key it was given, and
    /// never as a trial: whoever reaches the server first cannot make their own key the root.
    /// </summary>
    static Decision.Refuse? OpeningRefusal(Command command, RegistrySettings registry) =>
        command.Type == RegistryCommandTypes.OpenRegistry && registry.RootFingerprint is { } root
            && (command.KeyId != root || (command.Body.ValueKind == System.Text.Json.JsonValueKind.Object
                && command.Body.TryGetProperty("trial", out var trial) && trial.ValueKind == System.Text.Json.JsonValueKind.True))
            ? new Decision.Refuse(ResultCode.RootKeyMismatch,
                $"this server's registry is opened only by the root key {root}, and not as a trial (Registry:RootFingerprint)")
            : null;

    static CommandAcknowledgement Acknowledge(CommandOutcome.Accepted accepted)
    {
        var entries = accepted.Entries.Select(e => new EntryAcknowledgement(e.Stream, e.Sequence, e.Hash.ToString(), e.LogPosition)).ToList();
        var main = entries[0];
        return new CommandAcknowledgement(main.Stream, main.Sequence, main.Hash, main.LogPosition, accepted.Replayed, entries);
    }
}

/// <summary>Reading request bodies with a hard cap, whatever the server's own limits are.</summary>
public static class RequestBodies
{
    /// <returns>The body, or null when it is longer than <paramref name="maxBytes"/>.</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
