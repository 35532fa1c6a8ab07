using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;

namespace Ledger.Tests.Commands;

/// <summary>
/// Through real HTTP against real PostgreSQL: each refusal class returns its status and
/// stable code, and writes nothing (issue 5 "Errors").
/// </summary>
public sealed class CommandRefusalTests(ApiServer api) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task AnAcceptedCommandIsAcknowledgedWithItsEntrysStreamSequenceAndHash()
    {
        var before = await api.LogSizeAsync();

        var response = await api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, OpenProject("acknowledged"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("project/acknowledged", response.Body.GetProperty("stream").GetString());
        Assert.Equal(0, response.Body.GetProperty("sequence").GetInt64());
        Assert.Equal(64, response.Body.GetProperty("hash").GetString()!.Length);
        Assert.Equal(before, response.Body.GetProperty("logPosition").GetInt64());
        Assert.False(response.Body.GetProperty("replayed").GetBoolean());
        Assert.Equal(before + 1, await api.LogSizeAsync());
    }

    [Fact]
    public async Task ABadSignatureIs401AndWritesNothing()
    {
        var signed = api.Client.Sign(api.Officer, ProjectCommandTypes.OpenProject, OpenProject("bad-signature"));
        var signature = signed.Signature.ToArray();
        signature[10] ^= 0x01;

        await AssertRefusedAsync(HttpStatusCode.Unauthorized, "BadSignature", () => api.Client.PostAsync(signed with { Signature = signature }));
    }

    [Fact]
    public async Task AnUnknownKeyIs401AndWritesNothing()
    {
        var stranger = new Ledger.Client.PersonKey(api.Officer.PersonId, Ledger.Signing.SigningKey.FromSeed(new byte[32]));

        await AssertRefusedAsync(HttpStatusCode.Unauthorized, "UnknownKey",
            () => api.Client.SendAsync(stranger, ProjectCommandTypes.OpenProject, OpenProject("unknown-key")));
    }

    [Fact]
    public async Task ARevokedKeyIs401AndWritesNothing()
    {
        var person = new Ledger.Client.PersonKey("revoked-officer", Ledger.Signing.SigningKey.FromSeed(Enumerable.Repeat((byte)9, 32).ToArray()));
        Assert.True((await api.Client.SendAsync(api.Registrar, RegistryCommandTypes.RegisterPerson, new JsonObject
        {
            ["displayName"] = "revoked officer",
            ["personId"] = person.PersonId,
            ["publicKey"] = Hex.Encode(person.Key.PublicKey.Bytes),
            ["roles"] = new JsonArray("FinanceOfficer"),
        })).IsSuccess);
        Assert.True((await api.Client.SendAsync(api.Registrar, RegistryCommandTypes.RevokeKey, new JsonObject
        {
            ["keyId"] = person.KeyId,
            ["personId"] = person.PersonId,
            ["reason"] = "laptop stolen",
        })).IsSuccess);

        await AssertRefusedAsync(HttpStatusCode.Unauthorized, "KeyRevoked",
            () => api.Client.SendAsync(person, ProjectCommandTypes.OpenProject, OpenProject("revoked-key")));
    }

    [Fact]
    public async Task AWrongRoleIs403AndWritesNothing()
    {
        await AssertRefusedAsync(HttpStatusCode.Forbidden, "RoleMissing",
            () => api.Client.SendAsync(api.ResidentA, ProjectCommandTypes.OpenProject, OpenProject("wrong-role")));
    }

    [Theory]
    [InlineData(-6, "CommandStale")]
    [InlineData(6, "CommandFromFuture")]
    public async Task ACommandOutsideTheIssueWindowIs401AndWritesNothing(int minutes, string code)
    {
        var command = new Command(api.Officer.PersonId, api.Officer.KeyId, ProjectCommandTypes.OpenProject,
            System.Text.Json.JsonSerializer.SerializeToElement(OpenProject($"window{minutes}")), $"window{minutes}",
            LedgerTime.Truncate(DateTimeOffset.UtcNow.AddMinutes(minutes)));

        await AssertRefusedAsync(HttpStatusCode.Unauthorized, code, () => api.Client.PostAsync(SignedCommand.Sign(command, api.Officer.Key)));
    }

    [Fact]
    public async Task ARetryIsAnsweredWithTheFirstResultAndAReusedKeyWithAnotherBodyIs409()
    {
        var first = await api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, OpenProject("idempotent"), "open-idempotent");
        var size = await api.LogSizeAsync();

        var retry = await api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, OpenProject("idempotent"), "open-idempotent");

        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.True(retry.Body.GetProperty("replayed").GetBoolean());
        Assert.Equal(first.Body.GetProperty("hash").GetString(), retry.Body.GetProperty("hash").GetString());
        Assert.Equal(size, await api.LogSizeAsync());
        await AssertRefusedAsync(HttpStatusCode.Conflict, "IdempotencyKeyReused",
            () => api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, OpenProject("idempotent-other"), "open-idempotent"));
    }

    [Fact]
    public async Task ARuleRefusalIs422WithItsCodeAndWritesNothing()
    {
        Assert.True((await api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, OpenProject("rule-refusal"))).IsSuccess);

        await AssertRefusedAsync(HttpStatusCode.UnprocessableEntity, "ReceiptBeyondPlan", () => api.Client.SendAsync(api.Officer,
            ProjectCommandTypes.RecordReceipt, new JsonObject
            {
                ["projectId"] = "rule-refusal",
                ["source"] = "GovernmentSubsidy",
                ["amountFen"] = 400_001,
                ["documentHash"] = new string('a', 64),
            }));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"command\":{},\"signature\":\"00\"}")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"command\":null}")]
    public async Task AMalformedBodyIs400AndWritesNothing(string body)
    {
        await AssertRefusedAsync(HttpStatusCode.BadRequest, "MalformedCommand",
            () => api.Client.PostRawAsync(ProjectCommandTypes.OpenProject, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public async Task UnknownFieldsAreRefusedWith400()
    {
        var signed = api.Client.Sign(api.Officer, ProjectCommandTypes.OpenProject, OpenProject("unknown-field"));
        var json = signed.ToJson();
        json["extra"] = "field";

        await AssertRefusedAsync(HttpStatusCode.BadRequest, "MalformedCommand",
            () => api.Client.PostRawAsync(ProjectCommandTypes.OpenProject, CanonicalJson.Encode(json)));
        var body = OpenProject("unknown-body-field");
        body["colour"] = "red";
        await AssertRefusedAsync(HttpStatusCode.BadRequest, "MalformedCommand",
            () => api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, body));
    }

    [Fact]
    public async Task ACommandPostedToAnotherCommandsEndpointIs400()
    {
        var signed = api.Client.Sign(api.Officer, ProjectCommandTypes.OpenProject, OpenProject("wrong-endpoint"));

        await AssertRefusedAsync(HttpStatusCode.BadRequest, "MalformedCommand",
            () => api.Client.PostRawAsync(ProjectCommandTypes.CloseProject, CanonicalJson.Encode(signed.ToJson())));
    }

    [Fact]
    public async Task AnUnknownCommandTypeIsAProblemWithItsCode()
    {
        var signed = api.Client.Sign(api.Officer, ProjectCommandTypes.OpenProject, OpenProject("unknown-type"));

        await AssertRefusedAsync(HttpStatusCode.BadRequest, "UnknownCommandType",
            () => api.Client.PostRawAsync("BuyLotteryTickets", CanonicalJson.Encode(signed.ToJson())));
    }

    [Fact]
    public async Task AnOversizeBodyIs413AndWritesNothing()
    {
        var body = OpenProject("oversize");
        body["name"] = new string('x', 2 << 20);

        await AssertRefusedAsync(HttpStatusCode.RequestEntityTooLarge, "PayloadTooLarge",
            () => api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, body));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1_000_000_000_001)]
    public async Task AmountsOutsideOneFenToTenToTheTwelfthAreRefused(long amountFen)
    {
        var body = OpenProject($"amount{amountFen}".Replace("-", "minus"));
        body["contractPriceFen"] = amountFen;

        await AssertRefusedAsync(HttpStatusCode.UnprocessableEntity, "AmountOutOfRange",
            () => api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, body));
    }

    [Fact]
    public async Task APersonIdEndingInALineFeedIs400AndWritesNothing()
    {
        var person = new Ledger.Client.PersonKey("nl-person", Ledger.Signing.SigningKey.FromSeed(Enumerable.Repeat((byte)21, 32).ToArray()));

        await AssertRefusedAsync(HttpStatusCode.BadRequest, "MalformedCommand", () => api.Client.SendAsync(api.Registrar, RegistryCommandTypes.RegisterPerson, new JsonObject
        {
            ["displayName"] = "换行",
            ["personId"] = "nl-person\n",
            ["publicKey"] = Hex.Encode(person.Key.PublicKey.Bytes),
            ["roles"] = new JsonArray("Auditor"),
        }));
    }

    [Fact]
    public async Task AnAwardToAHouseholdIdEndingInALineFeedIs400AndWritesNothing()
    {
        await AssertRefusedAsync(HttpStatusCode.BadRequest, "MalformedCommand",
            () => api.Client.SendAsync(api.Coordinator, Ledger.Rules.Households.HouseholdCommandTypes.AwardPoints, Award(ApiServer.HouseholdA + "\n", "line-feed")));
    }

    [Fact]
    public async Task AnIdEndingInALineFeedFailsNoOtherCommandSentWithIt()
    {
        // Sent together, so that the valid awards would share a group commit with the refused
        // one had it reached the database, whose CHECK once failed them all with 503.
        var valid = Enumerable.Range(0, 8).Select(i =>
            api.Client.SendAsync(api.Coordinator, Ledger.Rules.Households.HouseholdCommandTypes.AwardPoints, Award(ApiServer.HouseholdB, $"alongside-{i}"))).ToList();
        var refused = api.Client.SendAsync(api.Coordinator, Ledger.Rules.Households.HouseholdCommandTypes.AwardPoints, Award(ApiServer.HouseholdB + "\n", "alongside-refused"));

        await Task.WhenAll([.. valid, refused]);

        Assert.Equal((HttpStatusCode.BadRequest, "MalformedCommand"), ((await refused).Status, (await refused).Code));
        Assert.All(valid, response => Assert.Equal(HttpStatusCode.OK, response.Result.Status));
    }

    static JsonObject Award(string householdId, string reference) => new()
    {
        ["activity"] = "WasteSorting",
        ["householdId"] = householdId,
        ["points"] = 20,
        ["quantity"] = 1,
        ["reference"] = $"垃圾分类/{reference}",
    };

    async Task AssertRefusedAsync(HttpStatusCode status, string code, Func<Task<Ledger.Client.LedgerResponse>> send)
    {
        var before = await api.LogSizeAsync();

        var response = await send();

        Assert.Equal(status, response.Status);
        Assert.Equal(code, response.Code);
        Assert.Equal((int)status, response.Body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(response.Body.GetProperty("detail").GetString()));
        Assert.Equal(before, await api.LogSizeAsync());
    }

    internal static JsonObject OpenProject(string projectId) => new()
    {
        ["projectId"] = projectId,
        ["name"] = "外墙修缮",
        ["community"] = "幸福里社区",
        ["contractPriceFen"] = 1_000_000,
        ["fundingPlan"] = new JsonObject
        {
            ["GovernmentSubsidy"] = 400_000,
            ["SocialCapital"] = 300_000,
            ["ResidentCrowdfunding"] = 200_000,
            ["SelfRaised"] = 100_000,
        },
        ["warrantyMonths"] = 12,
    };
}
