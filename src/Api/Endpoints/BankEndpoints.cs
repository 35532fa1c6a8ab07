using System.Security.Cryptography;
using Ledger.Api.Contracts;
using Ledger.Bank;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Rules.Projects;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// A bank statement of a project's account matched against the ledger (docs/BANK.md): the
/// finance officer's check before signing a reconciliation. It writes nothing; the
/// reconciliation itself is the SignReconciliation command.
/// </summary>
public static class BankEndpoints
{
    /// <summary>A statement is at most this big: a quarter of one project's account is far less.</summary>
    public const int MaxStatementBytes = 1 << 20;

    public static void MapBankEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/projects/{projectId}/statement-match", MatchStatement)
            .WithName("MatchStatement")
            .WithSummary("Match a bank statement (CSV, docs/BANK.md) of the project's account for a period against the ledger; nothing is written.")
            .WithDescription($"A signed read by one of: {string.Join(", ", Access.StatementReaders.Order())}. The body is the statement file "
                + "as the bank exported it; fromDate and toDate (yyyy-MM-dd, China Standard Time) name the period. A file that cannot be "
                + $"read is answered 400 {Problems.MalformedStatement} with its line and column.")
            .WithTags("Projects")
            .RequireSignedRead(Access.StatementReaders)
            .Accepts<string>("text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Matches the statement in the request's body.</summary>
    /// <param name="projectId">The project id, e.g. "b3-elevator".</param>
    /// <param name="fromDate">The period's first day, e.g. "2026-01-01".</param>
    /// <param name="toDate">The period's last day, included, e.g. "2026-03-31".</param>
    /// <param name="request">The request, whose body is the statement file.</param>
    /// <param name="grains">The grain host.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<StatementMatchView>, ProblemHttpResult>> MatchStatement(
        string projectId, string fromDate, string toDate, HttpRequest request, LedgerGrains grains, CancellationToken cancellationToken)
    {
        if (!Names.IsIdentifier(projectId))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, Problems.MalformedRequest, "projectId must be an identifier (docs/FORMAT.md §5)");
        }
        ReconciliationPeriod period;
        try
        {
            period = new ReconciliationPeriod(ReconciliationPeriod.ParseDate(fromDate, "fromDate"), ReconciliationPeriod.ParseDate(toDate, "toDate"));
        }
        catch (FormatException e)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, Problems.MalformedRequest, e.Message);
        }
        if (period.From > period.To)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, Problems.MalformedRequest, "fromDate is after toDate");
        }
        var file = await RequestBodies.ReadAsync(request, MaxStatementBytes, cancellationToken);
        if (file is null)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, Problems.PayloadTooLarge, $"a statement is at most {MaxStatementBytes} bytes");
        }
        BankStatement statement;
        try
        {
            statement = BankStatement.Parse(file, period);
        }
        catch (StatementFormatException e)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, Problems.MalformedStatement, e.Message,
                details: new Dictionary<string, object?> { ["line"] = e.Line, ["column"] = e.Column });
        }
        var project = (ProjectState)await grains.ReadStateAsync(ProjectRules.StreamOf(projectId), cancellationToken);
        if (project.Status == ProjectStatus.NotOpened)
        {
            return Problems.Create(StatusCodes.Status404NotFound, Problems.NotFound, $"project {projectId} was never opened");
        }
        var match = StatementMatch.Of(statement, project);
        return TypedResults.Ok(new StatementMatchView(projectId, ReconciliationPeriod.Format(period.From), ReconciliationPeriod.Format(period.To),
            Convert.ToHexStringLower(SHA256.HashData(file)), match.StatementClosingBalanceFen, match.LedgerClosingBalanceFen, match.BalancesAgree,
            match.Matched.Select(m => new MatchedLineView(LineView(m.Line), MovementView(m.Movement))).ToList(),
            match.UnmatchedLines.Select(LineView).ToList(),
            match.UnmatchedMovements.Select(MovementView).ToList()));
    }

    static StatementLineView LineView(StatementLine line) =>
        new(line.Line, ReconciliationPeriod.Format(line.Date), line.AmountFen, line.Counterparty, line.Reference, line.BalanceFen);

    static AccountMovementView MovementView(AccountMovement movement) =>
        new(movement.Sequence, LedgerTime.Format(movement.RecordedAt), movement.AmountFen, movement.Reference);
}
