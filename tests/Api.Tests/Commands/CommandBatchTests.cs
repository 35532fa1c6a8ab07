using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Endpoints;
using Ledger.Canonical;
using Ledger.Client;
using Ledger.Entries;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;

namespace Ledger.Tests.Commands;

/// <summary>
/// Batches (issue 16 item 2, docs/API.md "Batches") through real HTTP against real PostgreSQL:
/// each command of a batch gets the result its own route gives the same command, the ledger
/// holds exactly the accepted ones, and a malformed or oversized batch executes nothing.
/// </summary>
public sealed class CommandBatchTests(ApiServer api) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task EachCommandOfAMixedBatchGetsTheResultItsOwnRouteGivesIt()
    {
        var earlier = Award(api.Coordinator, ApiServer.HouseholdA, "mixed-earlier");
        Assert.Equal(HttpStatusCode.OK, (await api.Client.PostAsync(earlier)).Status);
        var badSignature = Award(api.Coordinator, ApiServer.HouseholdB, "mixed-bad-signature");
        var flipped = badSignature.Signature.ToArray();
        flipped[10] ^= 0x01;
        SignedCommand[] batch =
        [
            Award(api.Coordinator, ApiServer.HouseholdA, "mixed-accepted-a"),
            api.Client.Sign(api.Coordinator, HouseholdCommandTypes.FulfilRedemption,
                new JsonObject { ["householdId"] = ApiServer.HouseholdA, ["redemptionId"] = 99 }),
            Award(api.ResidentA, ApiServer.HouseholdA, "mixed-forbidden"),
            badSignature with { Signature = flipped },
            Award(api.Coordinator, ApiServer.HouseholdA, "mixed-earlier", idempotencyKey: earlier.Command.IdempotencyKey),
            Award(api.Coordinator, ApiServer.HouseholdA, "mixed-other-body", idempotencyKey: earlier.Command.IdempotencyKey),
            api.Client.Sign(api.Coordinator, "NoSuchCommand", new JsonObject()),
            Award(api.Coordinator, ApiServer.HouseholdB, "mixed-accepted-b"),
        ];
        var before = await api.LogSizeAsync();

        var results = await api.Client.PostBatchAsync(batch);

        Assert.Equal(
            ["200", "422 UnknownRedemption", "403 RoleMissing", "401 BadSignature", "200", "409 IdempotencyKeyReused", "400 UnknownCommandType", "200"],
            results.Select(r => r.IsSuccess ? ((int)r.Status).ToString() : $"{(int)r.Status} {r.Code}"));
        Assert.Equal([false, true, false], results.Where(r => r.IsSuccess).Select(r => r.Body.GetProperty("replayed").GetBoolean()));
        Assert.Equal(before + 2, await api.LogSizeAsync());
        foreach (var accepted in new[] { 0, 7 })
        {
            var stream = results[accepted].Body.GetProperty("stream").GetString()!;
            var sequence = results[accepted].Body.GetProperty("sequence").GetInt64();
            var stored = Assert.Single(await api.Server.Database.Entries.ReadStreamAsync(stream, sequence, limit: 1, default)).Entry;
            Assert.Equal(results[accepted].Body.GetProperty("hash").GetString(), stored.Hash.ToString());
            Assert.Equal(CanonicalJson.Encode(batch[accepted].ToJson()), CanonicalJson.Encode(stored.SignedCommand.ToJson()));
        }

        // Each command again through its own route: refusals are the same problem, acceptances the first result.
        for (var i = 0; i < batch.Length; i++)
        {
            var alone = await api.Client.PostAsync(batch[i]);
            Assert.Equal(alone.Status, results[i].Status);
            var expected = JsonNode.Parse(alone.Body.GetRawText())!;
            if (alone.IsSuccess && !results[i].Body.GetProperty("replayed").GetBoolean())
            {
                expected["replayed"] = false;
            }
            Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(results[i].Body.GetRawText())),
                $"command {i}: alone {alone.Body}, in the batch {results[i].Body}");
        }
        Assert.Equal(before + 2, await api.LogSizeAsync());
    }

    [Fact]
    public async Task CommandsOnOneStreamRunInTheOrderSent()
    {
        const string item = "batch-soap";
        SignedCommand[] batch =
        [
            api.Client.Sign(api.Coordinator, CatalogCommandTypes.AddCatalogItem,
                new JsonObject { ["itemId"] = item, ["name"] = "洗衣皂", ["kind"] = "Goods", ["pricePoints"] = 20, ["stock"] = 10 }),
            api.Client.Sign(api.Coordinator, CatalogCommandTypes.RestockCatalogItem, new JsonObject { ["itemId"] = item, ["quantity"] = 5 }),
            api.Client.Sign(api.Coordinator, CatalogCommandTypes.WithdrawCatalogItem, new JsonObject { ["itemId"] = item }),
        ];

        var results = await api.Client.PostBatchAsync(batch);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var sequences = results.Select(r => r.Body.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        var catalog = (await api.Client.GetAsync("/v1/catalog")).Body.EnumerateArray().Single(i => i.GetProperty("itemId").GetString() == item);
        Assert.Equal(15, catalog.GetProperty("stock").GetInt64());
        Assert.True(catalog.GetProperty("withdrawn").GetBoolean());
    }

    public static TheoryData<string> MalformedBatches => new()
    {
        "[VALID,",
        "VALID",
        "{\"commands\":[VALID]}",
        "[VALID,1]",
        "[VALID,\"text\"]",
        "[VALID,null]",
        "[VALID,[VALID]]",
        "[VALID,]",
        "[VALID][]",
        "[VALID] // a comment",
    };

    [Theory]
    [MemberData(nameof(MalformedBatches))]
    public async Task AMalformedBatchIsOne400ProblemAndExecutesNothing(string batch)
    {
        var valid = Award(api.Coordinator, ApiServer.HouseholdB, $"malformed-{batch.GetHashCode()}");
        var before = await api.LogSizeAsync();

        var response = await api.Client.PostRawBatchAsync(Encoding.UTF8.GetBytes(
            batch.Replace("VALID", Encoding.UTF8.GetString(LedgerClient.BatchBody([valid]).AsSpan()[1..^1]))));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(Problems.MalformedBatch, response.Code);
        Assert.Equal(before, await api.LogSizeAsync());
        // Not executed, so not replayed when sent alone afterwards.
        var alone = await api.Client.PostAsync(valid);
        Assert.False(alone.Body.GetProperty("replayed").GetBoolean());
    }

    [Fact]
    public async Task ABatchHoldsAtMostItsLimitOfCommands()
    {
        var commands = Enumerable.Range(0, CommandBatchEndpoints.MaxCommands + 1)
            .Select(i => Award(api.Coordinator, $"limit-{i:D3}", "batch-limit")).ToList();
        var before = await api.LogSizeAsync();

        var tooMany = await api.Client.PostBatchAsync(commands);

        Assert.All(tooMany, r => Assert.Equal((HttpStatusCode.BadRequest, Problems.TooManyCommands), (r.Status, r.Code)));
        Assert.Equal(before, await api.LogSizeAsync());

        var full = await SendUntilAnsweredAsync(commands[..CommandBatchEndpoints.MaxCommands]);

        Assert.All(full, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(before + CommandBatchEndpoints.MaxCommands, await api.LogSizeAsync());
        Assert.Empty(await api.Client.PostBatchAsync([]));
    }

    [Fact]
    public async Task ABatchBeyondItsSizeIs413AndACommandBeyondItsOwnIsRefusedAsItsRouteRefusesIt()
    {
        var before = await api.LogSizeAsync();

        var batch = await api.Client.PostRawBatchAsync(Encoding.UTF8.GetBytes("[" + new string(' ', CommandBatchEndpoints.MaxBatchBytes) + "]"));

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, Problems.PayloadTooLarge), (batch.Status, batch.Code));
        var large = Award(api.Coordinator, ApiServer.HouseholdB, new string('x', CommandEndpoints.MaxCommandBytes));
        var results = await api.Client.PostBatchAsync([large, Award(api.Coordinator, ApiServer.HouseholdB, "beside-a-large-one")]);
        var alone = await api.Client.PostAsync(large);
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, Problems.PayloadTooLarge), (results[0].Status, results[0].Code));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(alone.Body.GetRawText()), JsonNode.Parse(results[0].Body.GetRawText())));
        Assert.Equal(HttpStatusCode.OK, results[1].Status);
        Assert.Equal(before + 1, await api.LogSizeAsync());
    }

    /// <summary>
    /// What a client does with a command answered 503 (docs/API.md "Idempotency and retries"): sends
    /// it again, a few times. On this shared machine, under the whole suite, a few of 500 new
    /// households' commands can miss the server's deadline; each is written at most once all the same.
    /// </summary>
    async Task<IReadOnlyList<LedgerResponse>> SendUntilAnsweredAsync(IReadOnlyList<SignedCommand> commands)
    {
        var results = (await api.Client.PostBatchAsync(commands)).ToArray();
        for (var retry = 0; retry < 5 && results.Any(r => r.Status == HttpStatusCode.ServiceUnavailable); retry++)
        {
            var again = Enumerable.Range(0, results.Length).Where(i => results[i].Status == HttpStatusCode.ServiceUnavailable).ToList();
            foreach (var (i, result) in again.Zip(await api.Client.PostBatchAsync([.. again.Select(i => commands[i])])))
            {
                results[i] = result;
            }
        }
        return results;
    }

    [Fact]
    public async Task AMemberThatIsNotASignedCommandIsRefusedAloneAsItsRouteRefusesIt()
    {
        var valid = LedgerClient.BatchBody([Award(api.Coordinator, ApiServer.HouseholdB, "beside-malformed-ones")]).AsSpan()[1..^1].ToArray();
        var badHex = Encoding.UTF8.GetString(LedgerClient.BatchBody([Award(api.Coordinator, ApiServer.HouseholdA, "malformed-signature")]).AsSpan()[1..^1])
            .Split("\"signature\":")[0] + "\"signature\":\"not hex\"}";
        string[] malformed = [badHex, "{\"command\":{},\"signature\":\"\"}", "{\"command\":1.5}"];
        var before = await api.LogSizeAsync();

        var batch = await api.Client.PostRawBatchAsync(Encoding.UTF8.GetBytes($"[{string.Join(",", malformed)},{Encoding.UTF8.GetString(valid)}]"));

        Assert.Equal(HttpStatusCode.OK, batch.Status);
        var results = batch.Body.GetProperty("results").EnumerateArray().ToList();
        for (var i = 0; i < malformed.Length; i++)
        {
            var alone = await api.Client.PostRawAsync(HouseholdCommandTypes.AwardPoints, Encoding.UTF8.GetBytes(malformed[i]));
            Assert.Equal((HttpStatusCode.BadRequest, "MalformedCommand"), (alone.Status, alone.Code));
            Assert.Equal(400, results[i].GetProperty("status").GetInt32());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(alone.Body.GetRawText()), JsonNode.Parse(results[i].GetProperty("problem").GetRawText())),
                $"member {i}: alone {alone.Body}, in the batch {results[i]}");
        }
        Assert.Equal(200, results[^1].GetProperty("status").GetInt32());
        Assert.Equal(before + 1, await api.LogSizeAsync());
    }

    SignedCommand Award(PersonKey signer, string householdId, string reference, string? idempotencyKey = null) =>
        api.Client.Sign(signer, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = householdId, ["activity"] = "WasteSorting", ["quantity"] = 1, ["points"] = 10, ["reference"] = reference,
        }, idempotencyKey);
}
