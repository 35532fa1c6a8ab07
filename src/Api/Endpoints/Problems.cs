using Ledger.Rules;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Npgsql;

namespace Ledger.Api.Endpoints;

/// <summary>
/// RFC 9457 problem details, the one table from result codes to HTTP statuses (STYLE.md 8).
/// Every problem carries the stable code by name ("code") and number ("resultCode"), a title
/// and a message that says what to do. Errors without a result code (an unknown route, a wrong
/// method, a failed database) get theirs from <see cref="CodeOf"/>, the one table from statuses
/// to codes, and exceptions become problems in <see cref="ExceptionProblems"/> only.
/// </summary>
public static class Problems
{
    /// <summary>Problems of the request itself, before any command is read.</summary>
    public const string MalformedRequest = "MalformedRequest";
    public const string PayloadTooLarge = "PayloadTooLarge";
    public const string NotFound = "NotFound";
    public const string Unauthenticated = "Unauthenticated";
    public const string StorageUnavailable = "StorageUnavailable";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string RequestHeadersTooLarge = "RequestHeadersTooLarge";
    public const string RequestTargetTooLong = "RequestTargetTooLong";
    public const string RequestTimeout = "RequestTimeout";
    public const string HttpVersionNotSupported = "HttpVersionNotSupported";
    public const string Unhealthy = "Unhealthy";
    public const string InternalError = "InternalError";

    /// <summary>A batch of commands that is not a JSON array of JSON objects (docs/API.md "Batches"): nothing in it is executed.</summary>
    public const string MalformedBatch = "MalformedBatch";

    /// <summary>A batch of more commands than a batch holds: nothing in it is executed.</summary>
    public const string TooManyCommands = "TooManyCommands";

    /// <summary>A bank statement file that cannot be read (docs/BANK.md); the problem names its line and column.</summary>
    public const string MalformedStatement = "MalformedStatement";

    /// <summary>The code of an error status that no endpoint chose a code for.</summary>
    public static string CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => MalformedRequest,
        StatusCodes.Status401Unauthorized => Unauthenticated,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status408RequestTimeout => RequestTimeout,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status414UriTooLong => RequestTargetTooLong,
        StatusCodes.Status431RequestHeaderFieldsTooLarge => RequestHeadersTooLarge,
        StatusCodes.Status503ServiceUnavailable => StorageUnavailable,
        StatusCodes.Status505HttpVersionNotsupported => HttpVersionNotSupported,
        >= 500 => InternalError,
        _ => $"Http{status}",
    };

    /// <summary>
    /// Completes a problem written by the framework (status code pages, Kestrel's limits seen by
    /// the exception handler) with its code and type, as our own problems have them.
    /// </summary>
    public static void Complete(ProblemDetails problem)
    {
        var status = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (!problem.Extensions.TryGetValue("code", out var code) || code is not string)
        {
            code = CodeOf(status);
            problem.Extensions["code"] = code;
        }
        problem.Type = $"urn:community-ledger:problem:{code}";
        problem.Title = Title(status);
        problem.Detail ??= status switch
        {
            StatusCodes.Status404NotFound => "nothing is at this path: the API's paths are in docs/API.md and /openapi/v1.json",
            StatusCodes.Status405MethodNotAllowed => "this path does not take this method: the Allow header names the ones it takes",
            _ => null,
        };
        // Framework problems carry a trace id and, for some, an exception's text: neither is ours to show.
        problem.Extensions.Remove("traceId");
        problem.Extensions.Remove("exception");
    }
    public const string ClusterUnavailable = "ClusterUnavailable";

    public static int StatusOf(ResultCode code) => code switch
    {
        ResultCode.MalformedCommand or ResultCode.UnknownCommandType => StatusCodes.Status400BadRequest,
        ResultCode.UnknownKey or ResultCode.BadSignature or ResultCode.KeyRevoked
            or ResultCode.CommandStale or ResultCode.CommandFromFuture => StatusCodes.Status401Unauthorized,
        ResultCode.RoleMissing or ResultCode.NotResidentOfHousehold => StatusCodes.Status403Forbidden,
        ResultCode.IdempotencyKeyReused or ResultCode.Conflict => StatusCodes.Status409Conflict,
        // The server's own clock, not the command, is at fault: the same command may be sent again.
        ResultCode.ClockBehindLog => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    public static ProblemHttpResult Of(ResultCode code, string message) =>
        Create(StatusOf(code), code.ToString(), message, (int)code);

    public static ProblemHttpResult Create(int status, string code, string message, int? resultCode = null,
        IReadOnlyDictionary<string, object?>? details = null)
    {
        var extensions = new Dictionary<string, object?>(details ?? new Dictionary<string, object?>()) { ["code"] = code };
        if (resultCode is not null)
        {
            extensions["resultCode"] = resultCode;
        }
        return TypedResults.Problem(
            statusCode: status,
            title: Title(status),
            detail: message,
            type: $"urn:community-ledger:problem:{code}",
            extensions: extensions);
    }

    static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is malformed",
        StatusCodes.Status401Unauthorized => "The signature or key is not accepted",
        StatusCodes.Status403Forbidden => "The signer may not do this",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status405MethodNotAllowed => "This path does not take this method",
        StatusCodes.Status408RequestTimeout => "The request did not arrive in time",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status413PayloadTooLarge => "The request is too large",
        StatusCodes.Status414UriTooLong => "The request target is too long",
        StatusCodes.Status422UnprocessableEntity => "A rule of the ledger refuses this",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request's headers are too large",
        StatusCodes.Status500InternalServerError => "The server failed",
        StatusCodes.Status503ServiceUnavailable => "The service is unavailable; retry with the same idempotency key",
        StatusCodes.Status505HttpVersionNotsupported => "The HTTP version is not supported",
        _ => "Error",
    };
}

/// <summary>
/// The one place where an exception becomes an answer. A database or a silo that fails or misses the
/// server's deadline is a 503 that says to ask again (a command is written at most once, reads
/// have no side effect); its detail (address, port, constraint, SQLSTATE) goes to the log only.
/// Anything else is a 500 whose body says nothing of the server's inside.
/// </summary>
sealed class ExceptionProblems(ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        await Answer(context, exception, logger).ExecuteAsync(context);
        return true;
    }

    /// <summary>The problem that answers an exception, logged when the server is at fault: a request's, or one command's of a batch.</summary>
    public static ProblemHttpResult Answer(HttpContext context, Exception exception, ILogger logger)
    {
        var problem = exception switch
        {
            // A timed-out wait is the server's own deadline on database work (CommandEndpoints).
            NpgsqlException or TimeoutException or StorageUnavailableException => Problems.Create(StatusCodes.Status503ServiceUnavailable, Problems.StorageUnavailable,
                "the database did not answer in time; send the same request again: a command is written at most once"),
            // The silo holding the command's grain stopped answering (docs/GRAINS.md).
            ClusterUnavailableException => Problems.Create(StatusCodes.Status503ServiceUnavailable, Problems.ClusterUnavailable,
                "the grain deciding this command did not answer; send the same command again: it is written at most once"),
            // Kestrel's own limits met while the body is read (its maximum body size, a bad chunk).
            BadHttpRequestException bad => Problems.Create(bad.StatusCode, Problems.CodeOf(bad.StatusCode), "the request cannot be read: " + bad.Message),
            _ => Problems.Create(StatusCodes.Status500InternalServerError, Problems.InternalError,
                "the server failed on this request; it is in the server's log"),
        };
        if (problem.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "{Method} {Path} answered {Status}: {Message}",
                context.Request.Method, context.Request.Path, problem.StatusCode, exception.Message);
        }
        return problem;
    }
}
