using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Rules;
using Ledger.Rules.Registry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// Private reads are authenticated with the scheme of commands (docs/API.md "Signed reads"):
/// the Authorization header carries, base64url-encoded, the canonical JSON of a signed
/// command of type ReadRequest whose body names this request's method and target. It is
/// checked like any command — key, signature, revocation, issue window, role — against the
/// registry as it stands, and it writes nothing.
/// </summary>
public static class SignedReads
{
    public const int MaxHeaderBytes = 8 * 1024;

    /// <summary>The reader, if the request carries a valid signed read by one of <paramref name="roles"/>; else the problem to answer.</summary>
    public static async Task<(Person? Reader, ProblemHttpResult? Problem)> AuthorizeAsync(
        HttpRequest request, LedgerGrains grains, TimeProvider clock, IReadOnlySet<Role> roles, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        var prefix = SignedRead.AuthorizationScheme + " ";
        if (!header.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (null, Problems.Create(StatusCodes.Status401Unauthorized, Problems.Unauthenticated,
                $"this view is private: send a signed read in the Authorization header (\"{SignedRead.AuthorizationScheme} …\", docs/API.md)"));
        }
        SignedCommand signed;
        try
        {
            var encoded = header[prefix.Length..].Trim();
            if (encoded.Length > MaxHeaderBytes)
            {
                throw new FormatException("the signed read is too long");
            }
            var padded = encoded.Replace('-', '+').Replace('_', '/') + new string('=', (4 - encoded.Length % 4) % 4);
            signed = SignedCommand.FromJson(CanonicalJson.Parse(Convert.FromBase64String(padded)));
            var body = JsonFields.Of(signed.Command.Body, "body", "method", "target");
            if (signed.Command.Type != SignedRead.CommandType || body.String("method") != request.Method
                || body.String("target") != request.Path + request.QueryString)
            {
                throw new FormatException($"a signed read is a {SignedRead.CommandType} naming this request's method and target");
            }
        }
        catch (Exception e) when (e is FormatException or CanonicalFormException)
        {
            return (null, Problems.Of(ResultCode.MalformedCommand, $"the signed read is malformed: {e.Message}"));
        }
        var registry = (RegistryState)await grains.ReadStateAsync(RegistryRules.Stream, cancellationToken);
        var refusal = Authorization.Authenticate(registry, signed)
            ?? Authorization.Authorize(registry, signed.Command, roles, LedgerTime.Truncate(clock.GetUtcNow()));
        return refusal is null
            ? (registry.People[signed.Command.PersonId], null)
            : (null, Problems.Of(refusal.Code, refusal.Message));
    }

    /// <summary>
    /// Whether this request may read a stream's entries (<see cref="Access"/>): public streams
    /// need nothing; a private one a signed read by one of <see cref="Access.ReadersOf"/>, and a
    /// resident reads only their own household's. Null when it may; else the problem to answer.
    /// </summary>
    public static async Task<ProblemHttpResult?> AuthorizeStreamAsync(
        HttpRequest request, LedgerGrains grains, TimeProvider clock, string stream, CancellationToken cancellationToken)
    {
        if (Access.IsPublic(stream))
        {
            return null;
        }
        var (reader, problem) = await AuthorizeAsync(request, grains, clock, Access.ReadersOf(stream), cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        return stream.StartsWith("household/", StringComparison.Ordinal)
            ? HouseholdProblem(reader!, stream["household/".Length..])
            : null;
    }

    /// <summary>Residents read only their own household; the other reader roles read every household.</summary>
    public static ProblemHttpResult? HouseholdProblem(Person reader, string householdId) =>
        reader.Roles.Any(r => r != Role.Resident && Access.HouseholdReaders.Contains(r)) || reader.HouseholdId == householdId
            ? null
            : Problems.Of(ResultCode.NotResidentOfHousehold, $"{reader.Id} may read only their own household's records");
}
