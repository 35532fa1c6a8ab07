using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Client;
using Ledger.Rules.Registry;
using Ledger.Signing;

namespace Ledger.Tests.Views;

/// <summary>
/// Who may read what (issue 5 "Access", docs/API.md): private views and streams need a signed
/// read, checked like a command — key, signature, revocation, issue window, role — and a
/// resident reads only their own household.
/// </summary>
public sealed class ViewAccessTests(ViewScenario scenario) : IClassFixture<ViewScenario>
{
    ApiServer Api => scenario.Api;

    public static TheoryData<string> PrivateTargets =>
    [
        $"/v1/households/{ApiServer.HouseholdA}",
        "/v1/registry/people",
        "/v1/registry/me",
        "/v1/entries?stream=registry",
        $"/v1/entries?stream=household/{ApiServer.HouseholdA}",
    ];

    public static TheoryData<string> PublicTargets =>
    [
        "/v1/projects",
        $"/v1/projects/{ViewScenario.ProjectId}",
        "/v1/catalog",
        "/v1/points-policy",
        $"/v1/entries?stream=project/{ViewScenario.ProjectId}",
        "/v1/entries?stream=catalog",
    ];

    [Theory]
    [MemberData(nameof(PrivateTargets))]
    public async Task AnAnonymousReadOfAPrivateViewIs401(string target)
    {
        var response = await scenario.Client.GetAsync(target);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("Unauthenticated", response.Code);
        Assert.Equal(401, response.Body.GetProperty("status").GetInt32());
    }

    [Theory]
    [MemberData(nameof(PublicTargets))]
    public async Task APublicViewNeedsNoSignature(string target)
    {
        var response = await scenario.Client.GetAsync(target);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData($"/v1/households/{ApiServer.HouseholdB}")]
    [InlineData($"/v1/entries?stream=household/{ApiServer.HouseholdB}")]
    public async Task AResidentReadingAnotherHouseholdIs403(string target)
    {
        var response = await scenario.Client.GetAsync(target, Api.ResidentA);

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("NotResidentOfHousehold", response.Code);
        Assert.Equal(314, response.Body.GetProperty("resultCode").GetInt32());
    }

    [Theory]
    [InlineData($"/v1/households/{ApiServer.HouseholdA}")]
    [InlineData($"/v1/entries?stream=household/{ApiServer.HouseholdA}")]
    public async Task AResidentReadsTheirOwnHousehold(string target)
    {
        var response = await scenario.Client.GetAsync(target, Api.ResidentA);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData($"/v1/households/{ApiServer.HouseholdA}")]
    [InlineData($"/v1/households/{ApiServer.HouseholdB}")]
    [InlineData($"/v1/entries?stream=household/{ApiServer.HouseholdB}")]
    [InlineData("/v1/registry/people")]
    [InlineData("/v1/entries?stream=registry")]
    public async Task TheAuditorReadsEveryHouseholdAndTheRegistry(string target)
    {
        var response = await scenario.Client.GetAsync(target, Api.Auditor);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task AFinanceOfficerReadsAHouseholdButNotTheRegistry()
    {
        var household = await scenario.Client.GetAsync($"/v1/households/{ApiServer.HouseholdB}", Api.Officer);
        var registry = await scenario.Client.GetAsync("/v1/registry/people", Api.Officer);

        Assert.Equal(HttpStatusCode.OK, household.Status);
        Assert.Equal(HttpStatusCode.Forbidden, registry.Status);
        Assert.Equal("RoleMissing", registry.Code);
    }

    [Theory]
    [InlineData("/v1/registry/people")]
    [InlineData("/v1/entries?stream=registry")]
    public async Task AResidentMayNotReadTheRegistry(string target)
    {
        var response = await scenario.Client.GetAsync(target, Api.ResidentA);

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("RoleMissing", response.Code);
    }

    [Fact]
    public async Task ASignedReadForAnotherTargetIs400()
    {
        var authorization = scenario.Client.ReadAuthorization(Api.Auditor, "GET", $"/v1/households/{ApiServer.HouseholdB}");

        var response = await SendWithAuthorizationAsync($"/v1/households/{ApiServer.HouseholdA}", authorization);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MalformedCommand", CodeOf(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task ASignedReadThatIsNotBase64UrlIs400()
    {
        var response = await SendWithAuthorizationAsync("/v1/registry/people", "not*base64");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MalformedCommand", CodeOf(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task ASignedReadByARevokedKeyIs401()
    {
        var auditor = new PersonKey("auditor-revoked", SigningKey.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray()));
        await scenario.SendAsync(Api.Registrar, RegistryCommandTypes.RegisterPerson, new JsonObject
        {
            ["personId"] = auditor.PersonId,
            ["displayName"] = "revoked auditor",
            ["publicKey"] = Hex.Encode(auditor.Key.PublicKey.Bytes),
            ["roles"] = new JsonArray("Auditor"),
        });
        Assert.Equal(HttpStatusCode.OK, (await scenario.Client.GetAsync("/v1/registry/people", auditor)).Status);
        await scenario.SendAsync(Api.Registrar, RegistryCommandTypes.RevokeKey, new JsonObject
        {
            ["personId"] = auditor.PersonId, ["keyId"] = auditor.KeyId, ["reason"] = "left the audit firm",
        });

        var response = await scenario.Client.GetAsync("/v1/registry/people", auditor);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("KeyRevoked", response.Code);
    }

    [Theory]
    [InlineData(-6, "CommandStale")]
    [InlineData(6, "CommandFromFuture")]
    public async Task ASignedReadOutsideTheFiveMinuteWindowIs401(int minutes, string code)
    {
        var skewed = new LedgerClient(scenario.Client.Http, new ShiftedClock(TimeSpan.FromMinutes(minutes)));

        var response = await skewed.GetAsync($"/v1/households/{ApiServer.HouseholdA}", Api.ResidentA);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(code, response.Code);
    }

    [Fact]
    public async Task ASignedInPersonReadsTheirOwnNameRolesAndHousehold()
    {
        var response = await scenario.Client.GetAsync("/v1/registry/me", Api.ResidentA);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(Api.ResidentA.PersonId, response.Body.GetProperty("personId").GetString());
        Assert.Equal(Api.ResidentA.PersonId, response.Body.GetProperty("displayName").GetString());
        Assert.Equal(["Resident"], response.Body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(ApiServer.HouseholdA, response.Body.GetProperty("householdId").GetString());
    }

    [Fact]
    public async Task WhoIsSignedInIsRefusedForAnUnknownKey()
    {
        var stranger = new PersonKey(Api.ResidentA.PersonId, SigningKey.FromSeed(Enumerable.Repeat((byte)9, 32).ToArray()));

        var response = await scenario.Client.GetAsync("/v1/registry/me", stranger);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("UnknownKey", response.Code);
    }

    [Fact]
    public async Task ASignedReadByAnUnknownKeyIs401()
    {
        var stranger = new PersonKey(Api.Auditor.PersonId, SigningKey.FromSeed(new byte[32]));

        var response = await scenario.Client.GetAsync("/v1/registry/people", stranger);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("UnknownKey", response.Code);
    }

    [Theory]
    [MemberData(nameof(PublicTargets))]
    public async Task APublicViewIgnoresASignedReadItWouldRefuse(string target)
    {
        var malformed = await SendWithAuthorizationAsync(target, "not*base64");
        var forAnotherTarget = await SendWithAuthorizationAsync(target, scenario.Client.ReadAuthorization(Api.Auditor, "GET", "/v1/registry/people"));

        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, forAnotherTarget.StatusCode);
    }

    [Fact]
    public async Task ASignedReadWithABadSignatureIs401()
    {
        const string target = "/v1/registry/people";
        var signed = SignedCommand.FromJson(CanonicalJson.Parse(Base64UrlDecode(scenario.Client.ReadAuthorization(Api.Auditor, "GET", target))));
        var flipped = signed.Signature.ToArray();
        flipped[0] ^= 1;

        var response = await SendWithAuthorizationAsync(target, Base64UrlEncode(CanonicalJson.Encode((signed with { Signature = flipped }).ToJson())));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("BadSignature", CodeOf(await response.Content.ReadAsStringAsync()));
    }

    public static TheoryData<string, string?, HttpStatusCode, string> Refusals => new()
    {
        // The endpoint declares its readers: refused by the authorization middleware.
        { "/v1/registry/people", null, HttpStatusCode.Unauthorized, "Unauthenticated" },
        { "/v1/registry/people", "stranger", HttpStatusCode.Unauthorized, "UnknownKey" },
        { "/v1/registry/people", "resident-a", HttpStatusCode.Forbidden, "RoleMissing" },
        { $"/v1/households/{ApiServer.HouseholdB}", "resident-a", HttpStatusCode.Forbidden, "NotResidentOfHousehold" },
        // The stream asked for says: refused by the endpoint's own check.
        { "/v1/entries?stream=registry", null, HttpStatusCode.Unauthorized, "Unauthenticated" },
        { "/v1/entries?stream=registry", "stranger", HttpStatusCode.Unauthorized, "UnknownKey" },
        { "/v1/entries?stream=registry", "resident-a", HttpStatusCode.Forbidden, "RoleMissing" },
        { $"/v1/entries?stream=household/{ApiServer.HouseholdB}", "resident-a", HttpStatusCode.Forbidden, "NotResidentOfHousehold" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ARefusedReadIsAProblemWithItsStableCode(string target, string? reader, HttpStatusCode status, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        if (reader is not null)
        {
            var signer = reader == "stranger" ? new PersonKey(Api.Auditor.PersonId, SigningKey.FromSeed(new byte[32])) : Api.ResidentA;
            request.Headers.Authorization = new AuthenticationHeaderValue(LedgerClient.AuthorizationScheme,
                scenario.Client.ReadAuthorization(signer, "GET", target));
        }

        using var response = await scenario.Client.Http.SendAsync(request);

        var problem = await Hosting.ErrorProblemTests.AssertProblemAsync(response, status, code);
        if (code != "Unauthenticated")
        {
            Assert.Equal((int)Enum.Parse<Ledger.Rules.ResultCode>(code), problem.GetProperty("resultCode").GetInt32());
        }
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task AnAnonymousReadOfAHouseholdIsRefusedBeforeItsIdIsRead()
    {
        var response = await scenario.Client.GetAsync("/v1/households/not%2Aan%2Aid");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("Unauthenticated", response.Code);
    }

    async Task<HttpResponseMessage> SendWithAuthorizationAsync(string target, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.Authorization = new AuthenticationHeaderValue(LedgerClient.AuthorizationScheme, authorization);
        return await scenario.Client.Http.SendAsync(request);
    }

    static byte[] Base64UrlDecode(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4));

    static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static string? CodeOf(string problem) => JsonDocument.Parse(problem).RootElement.GetProperty("code").GetString();

    /// <summary>The system clock, shifted: a client whose clock is wrong, or a read signed long ago.</summary>
    sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
