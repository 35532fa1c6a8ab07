using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Ledger.Merkle;
using Ledger.Rules.Catalog;

namespace Ledger.Tests.Log;

/// <summary>
/// Issue 7 item 4 through real HTTP: each endpoint of /v1/log answers what the store holds —
/// the notes exactly as signed, the log key, proofs equal to the stored tree's — and refuses
/// malformed or unknown requests with problems.
/// </summary>
public sealed class LogEndpointTests(ApiServer api) : IClassFixture<ApiServer>
{
    HttpClient Http => api.Client.Http;

    MerkleLog Log => api.Server.MerkleLog;

    [Fact]
    public async Task TheCheckpointEndpointsServeTheStoredNotesExactlyAsSigned()
    {
        var latest = await SignNowAsync();

        using var response = await Http.GetAsync("/v1/log/checkpoint");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(Encoding.UTF8.GetBytes(latest.Note), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(latest.Note, await Http.GetStringAsync($"/v1/log/checkpoints/{latest.TreeSize}"));
        var body = LogNote(latest.Note);
        Assert.Equal(latest.TreeSize, body.TreeSize);
        Assert.Equal(await Log.RootAsync(latest.TreeSize, default), body.RootHash.ToArray());
    }

    [Fact]
    public async Task TheLogKeyIsTheDatabasesNamedByTheDefaultOrigin()
    {
        var vkey = await Http.GetStringAsync("/v1/log/vkey");

        Assert.Equal(await Log.VerifierKeyAsync(default), vkey);
        var key = NoteVerifierKey.Parse(vkey);
        Assert.True(key.IsValid, key.Result.ToString());
        Assert.Equal($"community-ledger/{api.Server.RootFingerprint}", key.Key.Name);
        Assert.Equal(api.Server.Log.VerifierKey, key.Key);
    }

    [Fact]
    public async Task AnInclusionProofByStreamAndSequenceOrByHashIsTheStoredTreesAndVerifiesAgainstTheCheckpoint()
    {
        await AddCatalogItemAsync("inclusion");
        var latest = await SignNowAsync();
        var entry = (await api.Server.Database.Entries.ReadStreamAsync("catalog", 0, default))[^1];

        var byStream = await GetJsonAsync($"/v1/log/inclusion?stream=catalog&sequence={entry.Entry.Sequence}&treeSize={latest.TreeSize}");
        var byHash = await GetJsonAsync($"/v1/log/inclusion?hash={entry.Entry.Hash}");

        Assert.Equal(byStream.ToString(), byHash.ToString());
        var stored = await Log.InclusionProofAsync(entry.LogPosition, latest.TreeSize, default);
        Assert.Equal(entry.LogPosition, byStream.GetProperty("leafIndex").GetInt64());
        Assert.Equal(latest.TreeSize, byStream.GetProperty("treeSize").GetInt64());
        Assert.Equal(entry.Entry.Hash.ToString(), byStream.GetProperty("entryHash").GetString());
        Assert.Equal(Hex(MerkleHash.Leaf(entry.Entry.Hash.Bytes)), byStream.GetProperty("leafHash").GetString());
        Assert.Equal(stored.Proof.Select(Hex), byStream.GetProperty("proof").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Hex(stored.RootHash), byStream.GetProperty("rootHash").GetString());
        Assert.Equal(latest.Note, byStream.GetProperty("checkpoint").GetString());
        var checkpoint = LogNote(byStream.GetProperty("checkpoint").GetString()!);
        Assert.Equal(MerkleProofResult.Valid, MerkleProof.VerifyInclusion(entry.LogPosition, latest.TreeSize,
            MerkleHash.Leaf(entry.Entry.Hash.Bytes), stored.Proof, checkpoint.RootHash));

        // At a size without a checkpoint the proof is still served, without a note.
        var unsigned = 1L;
        while (await Log.CheckpointAsync(unsigned, default) is not null)
        {
            unsigned++;
        }
        Assert.True(unsigned < latest.TreeSize, "the registrations were not each signed at their own size");
        var atUnsignedSize = await GetJsonAsync($"/v1/log/inclusion?stream=registry&sequence=0&treeSize={unsigned}");
        Assert.Equal(JsonValueKind.Null, atUnsignedSize.GetProperty("checkpoint").ValueKind);
        Assert.Equal((await Log.InclusionProofAsync(0, unsigned, default)).Proof.Select(Hex),
            atUnsignedSize.GetProperty("proof").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task AConsistencyProofIsTheStoredTreesWithTheNotesAtBothSizes()
    {
        var first = await SignNowAsync();
        await AddCatalogItemAsync("consistency");
        var second = await SignNowAsync();

        var proof = await GetJsonAsync($"/v1/log/consistency?from={first.TreeSize}&to={second.TreeSize}");

        var stored = await Log.ConsistencyProofAsync(first.TreeSize, second.TreeSize, default);
        Assert.Equal(first.TreeSize, proof.GetProperty("from").GetInt64());
        Assert.Equal(second.TreeSize, proof.GetProperty("to").GetInt64());
        Assert.Equal(stored.Proof.Select(Hex), proof.GetProperty("proof").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Hex(stored.FromRootHash), proof.GetProperty("fromRootHash").GetString());
        Assert.Equal(Hex(stored.ToRootHash), proof.GetProperty("toRootHash").GetString());
        Assert.Equal(first.Note, proof.GetProperty("fromCheckpoint").GetString());
        Assert.Equal(second.Note, proof.GetProperty("toCheckpoint").GetString());
        var (from, to) = (LogNote(first.Note), LogNote(second.Note));
        Assert.Equal(MerkleProofResult.Valid, MerkleProof.VerifyConsistency(from.TreeSize, to.TreeSize,
            [.. proof.GetProperty("proof").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!))], from.RootHash, to.RootHash));
    }

    [Fact]
    public async Task ABundleOfAPublicEntryChecksOutOfflineAndAPrivateOneNeedsASignedRead()
    {
        await AddCatalogItemAsync("bundle");
        var latest = await SignNowAsync();
        var pinned = await Log.VerifierKeyAsync(default);
        var catalog = (await api.Server.Database.Entries.ReadStreamAsync("catalog", 0, default))[^1];

        var bundle = await GetJsonAsync($"/v1/log/bundle?stream=catalog&sequence={catalog.Entry.Sequence}");

        Assert.Null(OfflineBundleCheck.Check(bundle, pinned!));
        Assert.Equal(Encoding.UTF8.GetString(catalog.Entry.CanonicalBytes), bundle.GetProperty("entry").GetString());
        Assert.Equal(catalog.LogPosition, bundle.GetProperty("leafIndex").GetInt64());
        Assert.Equal(latest.Note, bundle.GetProperty("checkpoint").GetString());

        // The registry is private (docs/API.md "Access"): anonymous is refused, an auditor is not.
        var anonymous = await api.Client.GetAsync("/v1/log/bundle?stream=registry&sequence=1");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        var byResident = await api.Client.GetAsync("/v1/log/bundle?stream=registry&sequence=1", api.ResidentA);
        Assert.Equal(HttpStatusCode.Forbidden, byResident.Status);
        var byAuditor = await api.Client.GetAsync("/v1/log/bundle?stream=registry&sequence=1", api.Auditor);
        Assert.Equal(HttpStatusCode.OK, byAuditor.Status);
        Assert.Null(OfflineBundleCheck.Check(byAuditor.Body, pinned!));
    }

    [Theory]
    [InlineData("/v1/log/checkpoints/abc")]
    [InlineData("/v1/log/checkpoints/0")]
    [InlineData("/v1/log/checkpoints/-1")]
    [InlineData("/v1/log/inclusion")]
    [InlineData("/v1/log/inclusion?stream=catalog")]
    [InlineData("/v1/log/inclusion?stream=nowhere&sequence=0")]
    [InlineData("/v1/log/inclusion?stream=catalog&sequence=x")]
    [InlineData("/v1/log/inclusion?hash=ABC")]
    [InlineData("/v1/log/inclusion?stream=registry&sequence=0&hash=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("/v1/log/inclusion?stream=registry&sequence=0&treeSize=0")]
    [InlineData("/v1/log/consistency?from=0&to=1")]
    [InlineData("/v1/log/consistency?from=2&to=1")]
    [InlineData("/v1/log/consistency?from=1")]
    [InlineData("/v1/log/bundle?hash=0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task AMalformedRequestIsA400Problem(string target)
    {
        var response = await api.Client.GetAsync(target);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("MalformedRequest", response.Code);
    }

    [Theory]
    [InlineData("/v1/log/checkpoints/999999")]
    [InlineData("/v1/log/inclusion?hash=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("/v1/log/inclusion?stream=project/none&sequence=0")]
    [InlineData("/v1/log/inclusion?stream=registry&sequence=0&treeSize=999999")]
    [InlineData("/v1/log/consistency?from=1&to=999999")]
    [InlineData("/v1/log/bundle?stream=catalog&sequence=999999")]
    public async Task AnUnknownEntryOrASizeBeyondTheLogIsA404Problem(string target)
    {
        await SignNowAsync();

        var response = await api.Client.GetAsync(target);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("NotFound", response.Code);
    }

    [Fact]
    public async Task AnEntryNotYetInTheTreeOfTheAskedSizeIsA404Problem()
    {
        await AddCatalogItemAsync("late");
        await SignNowAsync();
        var entry = (await api.Server.Database.Entries.ReadStreamAsync("catalog", 0, default))[^1];

        var response = await api.Client.GetAsync($"/v1/log/inclusion?hash={entry.Entry.Hash}&treeSize={entry.LogPosition}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Contains($"log position {entry.LogPosition}", response.Body.GetProperty("detail").GetString());
    }

    async Task<StoredCheckpoint> SignNowAsync()
    {
        var outcome = await api.Server.Log.IntegrateAndSignNowAsync(default);
        Assert.Contains(outcome.Decision, new[] { CheckpointDecision.Signed, CheckpointDecision.NotGrown });
        Assert.Equal(await api.LogSizeAsync(), outcome.Latest!.TreeSize);
        return outcome.Latest;
    }

    async Task AddCatalogItemAsync(string itemId)
    {
        var response = await api.Client.SendAsync(api.Coordinator, CatalogCommandTypes.AddCatalogItem, new JsonObject
        {
            ["itemId"] = itemId,
            ["name"] = $"奖品 {itemId}",
            ["kind"] = "Tickets",
            ["pricePoints"] = 10,
        });
        Assert.True(response.IsSuccess, response.Body.ToString());
    }

    async Task<JsonElement> GetJsonAsync(string target)
    {
        using var response = await Http.GetAsync(target);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{target}: {body}");
        return body;
    }

    Checkpoint LogNote(string note)
    {
        var verification = SignedNote.Verify(Encoding.UTF8.GetBytes(note), [api.Server.Log.VerifierKey!]);
        Assert.True(verification.IsValid, verification.Result.ToString());
        var body = Checkpoint.Parse(verification.Note.Text);
        Assert.True(body.IsValid, body.Result.ToString());
        return body.Checkpoint;
    }

    static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
