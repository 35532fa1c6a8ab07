using Ledger.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// RFC 9457 problem details, the one table from result codes to HTTP statuses (STYLE.md 8).
/// Every problem carries the stable code by name ("code") and number ("resultCode"), a title
/// and a message that says what to do.
/// </summary>
public static class Problems
{
    /// <summary>Problems of the request itself, before any command is read.</summary>
    public const string MalformedRequest = "MalformedRequest";
    public const string PayloadTooLarge = "PayloadTooLarge";
    public const string NotFound = "NotFound";
    public const string Unauthenticated = "Unauthenticated";
    public const string StorageUnavailable = "StorageUnavailable";
    public const string ClusterUnavailable = "ClusterUnavailable";

    public static int StatusOf(ResultCode code) => code switch
    {
        ResultCode.MalformedCommand or ResultCode.UnknownCommandType => StatusCodes.Status400BadRequest,
        ResultCode.UnknownKey or ResultCode.BadSignature or ResultCode.KeyRevoked
            or ResultCode.CommandStale or ResultCode.CommandFromFuture => StatusCodes.Status401Unauthorized,
        ResultCode.RoleMissing or ResultCode.NotResidentOfHousehold => StatusCodes.Status403Forbidden,
        ResultCode.IdempotencyKeyReused or ResultCode.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    public static ProblemHttpResult Of(ResultCode code, string message) =>
        Create(StatusOf(code), code.ToString(), message, (int)code);

    public static ProblemHttpResult Create(int status, string code, string message, int? resultCode = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
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
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status413PayloadTooLarge => "The request is too large",
        StatusCodes.Status422UnprocessableEntity => "A rule of the ledger refuses this",
        StatusCodes.Status503ServiceUnavailable => "The server cannot confirm this now; retry with the same idempotency key",
        _ => "Error",
    };
}
