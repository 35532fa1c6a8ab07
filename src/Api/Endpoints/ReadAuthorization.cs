using Ledger.Rules;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// The rules of <see cref="Access"/> as ASP.NET Core authorization: an endpoint declares the
/// roles that may read it (<see cref="RequireSignedRead"/>); an endpoint whose privacy depends
/// on the stream it is asked for checks that stream (<see cref="StreamRefusalAsync"/>). Either
/// way a refusal is answered with the problem a refused command gets: the authentication's
/// (<see cref="SignedReadAuthentication.ProblemOf"/>), or the rule's code (RoleMissing,
/// NotResidentOfHousehold).
/// </summary>
public static class ReadAuthorization
{
    /// <summary>A signed read by one of <paramref name="roles"/>.</summary>
    public static TBuilder RequireSignedRead<TBuilder>(this TBuilder endpoint, IReadOnlySet<Role> roles) where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(new AuthorizationPolicyBuilder(SignedReadAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new ReaderRoles(roles))
            .Build());

    /// <summary>Marks an endpoint that takes a signed read for some of what it serves (<see cref="StreamRefusalAsync"/>).</summary>
    public static TBuilder AcceptSignedRead<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(SignedReadOptional.Instance);

    /// <summary>Null when this request may read <paramref name="stream"/>'s entries; else the problem to answer.</summary>
    public static async Task<ProblemHttpResult?> StreamRefusalAsync(HttpContext context, string stream)
    {
        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = await authorization.AuthorizeAsync(context.User, stream, StreamReading.Instance);
        return result.Succeeded ? null : await ProblemOfAsync(context, result.Failure);
    }

    public static IServiceCollection AddSignedReads(this IServiceCollection services)
    {
        services.AddAuthentication(SignedReadAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SignedReadAuthentication>(SignedReadAuthentication.SchemeName, null);
        services.AddAuthorization();
        services.AddSingleton<IAuthorizationHandler, ReaderRolesHandler>();
        services.AddSingleton<IAuthorizationHandler, StreamReadingHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalProblems>();
        return services;
    }

    /// <summary>An anonymous request gets its authentication's problem; a reader the first rule that refused them.</summary>
    static async Task<ProblemHttpResult> ProblemOfAsync(HttpContext context, AuthorizationFailure? failure)
    {
        if (SignedReadAuthentication.ReaderOf(context.User) is null)
        {
            return SignedReadAuthentication.ProblemOf(await context.AuthenticateAsync(SignedReadAuthentication.SchemeName));
        }
        var refusal = failure?.FailureReasons.OfType<ReadRefusal>().FirstOrDefault()?.Refusal;
        Invariant.Holds(refusal is not null, "a reader refused a read is refused by a rule of Access, which says why");
        return Problems.Of(refusal!.Code, refusal.Message);
    }

    /// <summary>The reader holds one of the roles.</summary>
    sealed record ReaderRoles(IReadOnlySet<Role> Roles) : IAuthorizationRequirement;

    /// <summary>The reader may read the stream given as the resource (<see cref="Access.StreamRefusal"/>).</summary>
    sealed class StreamReading : IAuthorizationRequirement
    {
        public static readonly StreamReading Instance = new();
    }

    /// <summary>The OpenAPI document's mark of an endpoint whose signed read depends on what is asked.</summary>
    public sealed class SignedReadOptional
    {
        public static readonly SignedReadOptional Instance = new();
    }

    sealed class ReadRefusal(IAuthorizationHandler handler, Decision.Refuse refusal) : AuthorizationFailureReason(handler, refusal.Message)
    {
        public Decision.Refuse Refusal { get; } = refusal;
    }

    sealed class ReaderRolesHandler : AuthorizationHandler<ReaderRoles>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ReaderRoles requirement)
        {
            // An anonymous request is left unmet: the policy's authenticated user then challenges it.
            if (SignedReadAuthentication.ReaderOf(context.User) is { } reader)
            {
                Decide(this, context, requirement, Access.RoleRefusal(reader, requirement.Roles));
            }
            return Task.CompletedTask;
        }
    }

    sealed class StreamReadingHandler : AuthorizationHandler<StreamReading, string>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StreamReading requirement, string stream)
        {
            if (Access.IsPublic(stream))
            {
                context.Succeed(requirement);
            }
            else if (SignedReadAuthentication.ReaderOf(context.User) is { } reader)
            {
                Decide(this, context, requirement, Access.StreamRefusal(reader, stream));
            }
            return Task.CompletedTask;
        }
    }

    static void Decide(IAuthorizationHandler handler, AuthorizationHandlerContext context, IAuthorizationRequirement requirement, Decision.Refuse? refusal)
    {
        if (refusal is null)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new ReadRefusal(handler, refusal));
        }
    }

    /// <summary>
    /// Endpoints that declare their readers are refused here, with the same problem as <see cref="StreamRefusalAsync"/>
    /// (the framework's own answer is an empty 401 or 403).
    /// </summary>
    sealed class RefusalProblems : IAuthorizationMiddlewareResultHandler
    {
        public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            if (authorizeResult.Succeeded)
            {
                await next(context);
                return;
            }
            await (await ProblemOfAsync(context, authorizeResult.AuthorizationFailure)).ExecuteAsync(context);
        }
    }
}
