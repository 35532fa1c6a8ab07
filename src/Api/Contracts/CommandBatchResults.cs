using Microsoft.AspNetCore.Mvc;

namespace Ledger.Api.Contracts;

/// <summary>The answer to a batch of commands: each command's result, in the order the batch sent them.</summary>
/// <param name="Results">One result per command of the batch.</param>
public sealed record CommandBatchResults(IReadOnlyList<CommandResult> Results);

/// <summary>
/// One command's result in a batch: what its own route (POST /v1/commands/{Type}) would have
/// answered, with its status; exactly one of Acknowledgement and Problem is not null.
/// </summary>
/// <param name="Status">The HTTP status its own route would have answered: 200, or the problem's status.</param>
/// <param name="Acknowledgement">The acknowledgement of an accepted (or replayed) command, after the commit; null for a problem.</param>
/// <param name="Problem">The RFC 9457 problem of a command refused (it wrote nothing) or failed (a 503: send it again), with its stable code; null for an acknowledgement.</param>
public sealed record CommandResult(
    int Status,
    CommandAcknowledgement? Acknowledgement,
    ProblemDetails? Problem);
