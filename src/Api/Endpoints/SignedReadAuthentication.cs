using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Rules;
using Ledger.Rules.Registry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Endpoints;

/// <summary>
/// Private reads are authenticated with the scheme of commands (docs/API.md "Signed reads"):
/// the Authorization header carries, base64url-encoded, the canonical JSON of a signed
/// command of type ReadRequest whose body names this request's method and target. It is
/// admitted like any command — key, signature, revocation, issue window — against the registry
/// as it stands, and it writes nothing. The reader it admits is the request's user, with their
/// roles and household as the registry holds them now (<see cref="ReaderOf"/>); which roles may
/// read what is <see cref="Access"/>'s to say.
/// </summary>
public sealed class SignedReadAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, LedgerGrains grains, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name, which is also the Authorization header's scheme.</summary>
    public const string SchemeName = SignedRead.AuthorizationScheme;

    public const int MaxHeaderBytes = 8 * 1024;

    const string HouseholdClaim = "household";

    /// <summary>No result without a signed read (the request is anonymous); a failure carrying the refusal for a bad one.</summary>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var prefix = SignedRead.AuthorizationScheme + " ";
        if (!header.StartsWith(prefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
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
            if (signed.Command.Type != SignedRead.CommandType || body.String("method") != Request.Method
                || body.String("target") != Request.Path + Request.QueryString)
            {
                throw new FormatException($"a signed read is a {SignedRead.CommandType} naming this request's method and target");
            }
        }
        catch (Exception e) when (e is FormatException or CanonicalFormException)
        {
            return Refused(new Decision.Refuse(ResultCode.MalformedCommand, $"the signed read is malformed: {e.Message}"));
        }
        var registry = (RegistryState)await grains.ReadStateAsync(RegistryRules.Stream, Context.RequestAborted);
        if ((Authorization.Authenticate(registry, signed) ?? Authorization.Admit(registry, signed.Command, LedgerTime.Truncate(clock.GetUtcNow())))
            is { } refusal)
        {
            return Refused(refusal);
        }
        var reader = registry.People[signed.Command.PersonId];
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, reader.Id),
                new Claim(ClaimTypes.Name, reader.DisplayName),
                .. reader.Roles.Select(role => new Claim(ClaimTypes.Role, role.ToString())),
                .. reader.HouseholdId is { } household ? [new Claim(HouseholdClaim, household)] : Array.Empty<Claim>(),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>What a private read without an admitted reader is answered: the signed read's refusal, or that one is needed.</summary>
    public static ProblemHttpResult ProblemOf(AuthenticateResult? result) =>
        result?.Failure is SignedReadRefusedException { Refusal: var refusal }
            ? Problems.Of(refusal.Code, refusal.Message)
            : Problems.Create(StatusCodes.Status401Unauthorized, Problems.Unauthenticated,
                $"this view is private: send a signed read in the Authorization header (\"{SignedRead.AuthorizationScheme} …\", docs/API.md)");

    /// <summary>The reader a signed read admitted, as the registry held them then; null for an anonymous request.</summary>
    public static Person? ReaderOf(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, AuthenticationType: SchemeName }
            ? new Person(
                user.FindFirstValue(ClaimTypes.NameIdentifier)!,
                user.FindFirstValue(ClaimTypes.Name)!,
                user.FindAll(ClaimTypes.Role).Select(claim => Enum.Parse<Role>(claim.Value)).ToImmutableSortedSet(),
                user.FindFirstValue(HouseholdClaim))
            : null;

    static AuthenticateResult Refused(Decision.Refuse refusal) => AuthenticateResult.Fail(new SignedReadRefusedException(refusal));
}

/// <summary>A signed read the ledger refuses, as its authentication's failure: the refusal is what the client is answered.</summary>
public sealed class SignedReadRefusedException(Decision.Refuse refusal) : Exception(refusal.Message)
{
    public Decision.Refuse Refusal { get; } = refusal;
}
