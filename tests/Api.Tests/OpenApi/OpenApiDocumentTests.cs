using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Endpoints;
using Ledger.Bodies;
using Ledger.Rules;
using Ledger.Tests.Support;

namespace Ledger.Tests.OpenApi;

/// <summary>
/// The OpenAPI document is committed (docs/openapi.v1.json) and must be what the server
/// serves (STYLE.md 15): a change to the API shows up as a diff in review. To accept a
/// change, run the tests with LEDGER_UPDATE_OPENAPI=1 and commit the rewritten file.
/// </summary>
public sealed class OpenApiDocumentTests(ApiServer api) : IClassFixture<ApiServer>
{
    const string UpdateVariable = "LEDGER_UPDATE_OPENAPI";

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task TheServedDocumentIsTheCommittedOne()
    {
        var served = Normalize(await api.Client.Http.GetStringAsync("/openapi/v1.json"));
        var path = Path.Combine(RepositoryFolder.Root, "docs", "openapi.v1.json");

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests with {UpdateVariable}=1 and commit it");
        var committed = await File.ReadAllTextAsync(path);
        Assert.True(committed == served,
            $"the served OpenAPI document differs from {path}: review the change, then run the tests with {UpdateVariable}=1 and commit the file");
    }

    [Fact]
    public async Task EveryCommandHasItsOperationWithAnExampleAndItsErrorResponses()
    {
        var document = JsonNode.Parse(await api.Client.Http.GetStringAsync("/openapi/v1.json"))!;

        foreach (var rule in Ledger.Rules.Commands.All)
        {
            var operation = document["paths"]![$"/v1/commands/{rule.Type}"]?["post"];
            Assert.True(operation is not null, $"no operation for {rule.Type}");
            Assert.Equal(rule.Type, operation["operationId"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()));
            var example = operation["requestBody"]!["content"]!["application/json"]!["example"];
            Assert.Equal(rule.Type, example!["command"]!["type"]!.GetValue<string>());
            foreach (var status in new[] { "200", "400", "401", "403", "409", "413", "422", "503" })
            {
                Assert.True(operation["responses"]![status] is not null, $"{rule.Type} does not document {status}");
            }
        }
    }

    [Fact]
    public void EveryCommandHasAnExampleBodyWithTheMembersItsRuleReads()
    {
        Assert.Equal(Ledger.Rules.Commands.All.Select(r => r.Type).Order(), CommandExamples.Bodies.Keys.Order());
        Assert.Equal(Ledger.Rules.Commands.All.Select(r => r.Type).Order(), CommandEndpoints.Descriptions.Keys.Order());
    }

    [Fact]
    public async Task EveryCommandsRequestBodyNamesItsBodySchemaAndItsExampleFitsIt()
    {
        var document = JsonNode.Parse(await api.Client.Http.GetStringAsync("/openapi/v1.json"))!;

        foreach (var rule in Ledger.Rules.Commands.All)
        {
            var media = document["paths"]![$"/v1/commands/{rule.Type}"]!["post"]!["requestBody"]!["content"]!["application/json"]!;
            var command = media["schema"]!["allOf"]![1]!["properties"]!["command"]!["properties"]!;
            Assert.Equal(rule.Type, command["type"]!["const"]!.GetValue<string>());
            var reference = command["body"]!["$ref"]!.GetValue<string>();
            Assert.Equal($"#/components/schemas/{rule.Type}Body", reference);
            var schema = document["components"]!["schemas"]![$"{rule.Type}Body"]!;
            var properties = schema["properties"]!.AsObject().Select(p => p.Key).ToList();
            var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];
            var example = media["example"]!["command"]!["body"]!.AsObject().Select(m => m.Key).ToList();
            Assert.False(schema["additionalProperties"]!.GetValue<bool>(), rule.Type);
            Assert.Empty(required.Except(example));
            Assert.Empty(example.Except(properties));
        }
    }

    [Fact]
    public async Task TheEntriesServedHaveTheBodySchemaOfEveryEntryType()
    {
        var document = JsonNode.Parse(await api.Client.Http.GetStringAsync("/openapi/v1.json"))!;
        var schemas = document["components"]!["schemas"]!;
        Assert.Equal("#/components/schemas/LedgerEntry", schemas["StreamEntryView"]!["properties"]!["entry"]!["$ref"]!.GetValue<string>());

        var variants = schemas["LedgerEntry"]!["oneOf"]!.AsArray()
            .ToDictionary(v => v!["properties"]!["type"]!["const"]!.GetValue<string>(), v => v!["properties"]!["body"]!["$ref"]!.GetValue<string>());
        Assert.Equal(EntryBodies.All.Select(e => e.EntryType).Order(), variants.Keys.Order());
        foreach (var (type, body) in EntryBodies.All)
        {
            Assert.Equal($"#/components/schemas/{body.Name}", variants[type]);
            var schema = schemas[body.Name]!;
            var members = (IReadOnlyList<string>)body.GetProperty("Members")!.GetValue(null)!;
            Assert.False(schema["additionalProperties"]!.GetValue<bool>(), type);
            Assert.Equal(members, schema["properties"]!.AsObject().Select(p => p.Key));
        }
    }

    [Fact]
    public async Task EveryReadThatTakesASignedReadNamesItsScheme()
    {
        var document = JsonNode.Parse(await api.Client.Http.GetStringAsync("/openapi/v1.json"))!;
        var scheme = document["components"]!["securitySchemes"]![SignedReadAuthentication.SchemeName]!;
        Assert.Equal("apiKey", scheme["type"]!.GetValue<string>());
        Assert.Equal("header", scheme["in"]!.GetValue<string>());
        Assert.Equal("Authorization", scheme["name"]!.GetValue<string>());

        var reads = document["paths"]!.AsObject().Where(p => p.Value!["get"] is not null).ToList();
        foreach (var (path, item) in reads)
        {
            var operation = item!["get"]!;
            var security = operation["security"]?.AsArray().Select(r => r!.AsObject().Select(s => s.Key).ToList()).ToList() ?? [];
            // A read that can answer 401 takes a signed read; one that cannot takes none.
            var takesSignedRead = operation["responses"]!["401"] is not null;
            Assert.True(takesSignedRead == security.Any(r => r.SequenceEqual([SignedReadAuthentication.SchemeName])), $"GET {path}: {operation["security"]}");
        }
        // Public or private by the stream asked for: anonymous is one of the choices.
        foreach (var path in new[] { "/v1/entries", "/v1/log/bundle" })
        {
            Assert.Contains(document["paths"]![path]!["get"]!["security"]!.AsArray(), r => r!.AsObject().Count == 0);
        }
    }

    static string Normalize(string json) => JsonNode.Parse(json)!.ToJsonString(Indented) + "\n";
}
