using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Api.Export;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Client;
using Ledger.Entries;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Hashing;
using Ledger.Merkle;
using Ledger.Rules.Households;
using Ledger.Tests.Demo;
using Xunit.Abstractions;

namespace Ledger.Tests.Log;

/// <summary>
/// Issue 7 acceptance with the demo loaded: every entry's inclusion proof against the latest
/// checkpoint verifies, and so does its offline bundle; consistency between every pair of
/// stored checkpoints verifies; one flipped bit anywhere in a bundle is rejected; and the export
/// carries every checkpoint and the log key, each checkpoint's root being that of the exported entries.
/// </summary>
public sealed class DemoLogTests(DemoLedger demo, ITestOutputHelper output) : IClassFixture<DemoLedger>
{
    [Fact]
    public async Task EveryEntrysInclusionProofAndBundleVerifiesAgainstTheLatestCheckpoint()
    {
        await using var server = await LedgerServer.StartAsync(demo.Options);
        using var http = new HttpClient { BaseAddress = server.Address };
        var client = new LedgerClient(http, TimeProvider.System);
        var auditor = PersonKey.Load(DemoCommunity.KeyFile(Path.Combine(demo.DataFolder, DemoCommand.KeysFolderName), DemoPeople.Auditor.PersonId));
        var pinned = PinnedLogKey(server);
        // The demo's server signed a last checkpoint when it stopped, and every test here that
        // writes signs after it: nothing is left to sign.
        var outcome = await server.Log.IntegrateAndSignNowAsync(default);
        Assert.Equal(CheckpointDecision.NotGrown, outcome.Decision);
        var latest = Verified(await http.GetStringAsync("/v1/log/checkpoint"), pinned);
        var entries = await ReadAllAsync(server.Database.Entries);
        Assert.Equal(entries.Count, latest.TreeSize);
        var stopwatch = Stopwatch.StartNew();

        foreach (var stored in entries)
        {
            var entry = stored.Entry;
            var proof = await http.GetFromJsonAsync<JsonElement>($"/v1/log/inclusion?stream={entry.Stream}&sequence={entry.Sequence}");
            Assert.Equal(stored.LogPosition, proof.GetProperty("leafIndex").GetInt64());
            Assert.Equal(MerkleProofResult.Valid, MerkleProof.VerifyInclusion(stored.LogPosition, latest.TreeSize,
                MerkleHash.Leaf(entry.Hash.Bytes), Hashes(proof.GetProperty("proof")), latest.RootHash));

            var bundle = await client.GetAsync($"/v1/log/bundle?stream={entry.Stream}&sequence={entry.Sequence}", auditor);
            Assert.True(bundle.IsSuccess, bundle.Body.ToString());
            Assert.Null(OfflineBundleCheck.Check(bundle.Body, pinned.Format()));
        }
        output.WriteLine($"{entries.Count} entries: inclusion proofs and bundles fetched and checked in {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task ConsistencyBetweenEveryPairOfStoredCheckpointsVerifies()
    {
        // The background loop signs no more than once a day here, so each round below is signed by
        // the test itself; but the demo signed its last checkpoint on its calendar, months before
        // this server's clock, so the loop may sign the first round first. Either way a checkpoint
        // covers each round.
        await using var server = await LedgerServer.StartAsync(demo.Options, ["--Log:CheckpointIntervalSeconds=86400"]);
        using var http = new HttpClient { BaseAddress = server.Address };
        var pinned = PinnedLogKey(server);
        await server.Log.IntegrateAndSignNowAsync(default);
        // The demo's server signed at its start (the registry's entry 0) and when it stopped;
        // the log grows by a few awards more, each round signed, for more pairs to check.
        var client = new LedgerClient(http, TimeProvider.System);
        var coordinator = PersonKey.Load(DemoCommunity.KeyFile(Path.Combine(demo.DataFolder, DemoCommand.KeysFolderName), DemoPeople.Coordinator.PersonId));
        for (var round = 1; round <= 3; round++)
        {
            for (var award = 0; award < round; award++)
            {
                var response = await client.SendAsync(coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
                {
                    // Priced by the demo's policy in force now (10 points an hour), and uncapped.
                    ["activity"] = "VolunteerService",
                    ["householdId"] = "b1-0101",
                    ["points"] = 20,
                    ["quantity"] = 2,
                    ["reference"] = $"垃圾分类/consistency-test/{round}/{award}",
                });
                Assert.True(response.IsSuccess, response.Body.ToString());
            }
            Assert.Contains((await server.Log.IntegrateAndSignNowAsync(default)).Decision, new[] { CheckpointDecision.Signed, CheckpointDecision.NotGrown });
            Assert.Equal(await server.Database.Entries.LogSizeAsync(default), (await server.MerkleLog.LatestCheckpointAsync(default))!.TreeSize);
        }
        var sizes = await server.MerkleLog.ReadCheckpointsAsync(long.MaxValue, default).Select(c => c.TreeSize).ToListAsync();
        Assert.True(sizes.Count >= 5, $"checkpoints at {string.Join(", ", sizes)}");
        var checkpoints = new List<Checkpoint>();
        foreach (var size in sizes)
        {
            checkpoints.Add(Verified(await http.GetStringAsync($"/v1/log/checkpoints/{size}"), pinned));
        }

        foreach (var first in checkpoints)
        {
            foreach (var second in checkpoints.Where(c => c.TreeSize >= first.TreeSize))
            {
                var proof = await http.GetFromJsonAsync<JsonElement>($"/v1/log/consistency?from={first.TreeSize}&to={second.TreeSize}");
                Assert.Equal(MerkleProofResult.Valid, MerkleProof.VerifyConsistency(first.TreeSize, second.TreeSize,
                    Hashes(proof.GetProperty("proof")), first.RootHash, second.RootHash));
            }
        }
        output.WriteLine($"checkpoints at sizes {string.Join(", ", sizes)}: every pair consistent");
    }

    [Fact]
    public async Task ABundleWithAnyBitFlippedIsRejected()
    {
        await using var server = await LedgerServer.StartAsync(demo.Options);
        using var http = new HttpClient { BaseAddress = server.Address };
        var pinned = PinnedLogKey(server).Format();
        var project = (await server.Database.Entries.ReadStreamAsync("project/b3-elevator", 0, default))[3];
        var bundle = await http.GetFromJsonAsync<JsonElement>($"/v1/log/bundle?stream=project/b3-elevator&sequence={project.Entry.Sequence}");
        Assert.Null(OfflineBundleCheck.Check(bundle, pinned));
        var entry = Encoding.UTF8.GetBytes(bundle.GetProperty("entry").GetString()!);
        var leafIndex = bundle.GetProperty("leafIndex").GetInt64();
        var note = Encoding.UTF8.GetBytes(bundle.GetProperty("checkpoint").GetString()!);
        var proof = Hashes(bundle.GetProperty("proof"));
        string? Check(byte[] e, long i, byte[] n, IReadOnlyList<byte[]> p, string key) =>
            new OfflineBundle(Encoding.UTF8.GetString(e), i, Encoding.UTF8.GetString(n), p, key).Verify(pinned) is { Result: BundleResult.Valid } ? null : "rejected";
        var log = PinnedLogKey(server);
        var rejected = 0;
        foreach (var flipped in Flips(entry))
        {
            // A flip that makes invalid UTF-8 becomes U+FFFD when read as a string: still another entry.
            Assert.NotNull(Check(flipped, leafIndex, note, proof, pinned));
            rejected++;
        }
        foreach (var flipped in Flips(note))
        {
            Assert.NotNull(Check(entry, leafIndex, flipped, proof, pinned));
            rejected++;
        }
        for (var element = 0; element < proof.Count; element++)
        {
            foreach (var flipped in Flips(proof[element]))
            {
                Assert.NotNull(Check(entry, leafIndex, note, [.. proof.Select((p, i) => i == element ? flipped : p)], pinned));
                rejected++;
            }
        }
        for (var bit = 0; bit < 63; bit++)
        {
            Assert.NotNull(Check(entry, leafIndex ^ (1L << bit), note, proof, pinned));
            rejected++;
        }
        // Another key, even under the log's name, or a missing or extra proof element.
        Assert.NotNull(Check(entry, leafIndex, note, proof, NoteVerifierKey.FromPublicKey(log.Name, Ledger.Signing.SigningKey.FromSeed(new byte[32]).PublicKey).Format()));
        Assert.NotNull(Check(entry, leafIndex, note, proof.SkipLast(1).ToList(), pinned));
        Assert.NotNull(Check(entry, leafIndex, note, [.. proof, proof[0]], pinned));
        output.WriteLine($"{rejected} single-bit corruptions of one bundle, every one rejected");
    }

    [Fact]
    public async Task TheExportHoldsEveryCheckpointAndTheLogKeyAndEachCheckpointIsTheRootOfTheExportedEntries()
    {
        var folder = demo.NewFolderPath("export-log");
        using var error = new StringWriter();

        Assert.True(await ExportCommand.RunAsync(folder, demo.DataFolder, demo.Database.ConnectionString, TextWriter.Null, error) == ExportCommand.Written,
            error.ToString());

        await using var server = await LedgerServer.StartAsync(demo.Options);
        var pinned = PinnedLogKey(server);
        var manifest = CanonicalJson.ParseCanonical((await File.ReadAllBytesAsync(Path.Combine(folder, LedgerExport.ManifestFileName)))[..^1]);
        Assert.Equal(pinned.Format(), manifest.GetProperty("logVerifierKey").GetString());
        var logSize = manifest.GetProperty("logSize").GetInt64();

        // The in-memory tree of entries.jsonl: leaf i = SHA-256(0x00 ‖ SHA-256(prefix ‖ line i)).
        var tree = new MerkleTree();
        foreach (var line in (await File.ReadAllTextAsync(Path.Combine(folder, LedgerExport.EntriesFileName))).Split('\n')[..^1])
        {
            tree.Append(MerkleHash.Leaf(Hash.Of(FormatVersion.EntryHashPrefix, Encoding.UTF8.GetBytes(line)).Bytes));
        }
        Assert.Equal(logSize, tree.Size);

        var file = await File.ReadAllBytesAsync(Path.Combine(folder, LedgerExport.CheckpointsFileName));
        Assert.Equal((byte)'\n', file[^1]);
        var lines = Encoding.UTF8.GetString(file).Split('\n')[..^1];
        var stored = await server.MerkleLog.ReadCheckpointsAsync(logSize, default).ToListAsync();
        Assert.Equal(stored.Count, lines.Length);
        Assert.NotEmpty(lines);
        for (var i = 0; i < lines.Length; i++)
        {
            var json = CanonicalJson.ParseCanonical(Encoding.UTF8.GetBytes(lines[i]));
            Assert.Equal(["note", "treeSize"], json.EnumerateObject().Select(m => m.Name));
            Assert.Equal(stored[i].TreeSize, json.GetProperty("treeSize").GetInt64());
            Assert.Equal(stored[i].Note, json.GetProperty("note").GetString());
            var checkpoint = Verified(json.GetProperty("note").GetString()!, pinned);
            Assert.Equal(stored[i].TreeSize, checkpoint.TreeSize);
            Assert.Equal(tree.Root(checkpoint.TreeSize), checkpoint.RootHash.ToArray());
        }
        Assert.Equal(logSize, stored[^1].TreeSize);
    }

    /// <summary>The log key as a resident pins it: the key file's public key, named by the default origin.</summary>
    NoteVerifierKey PinnedLogKey(LedgerServer server)
    {
        var file = PersonKey.Load(Path.Combine(demo.DataFolder, "keys", LedgerServer.LogKeyFileName));
        var key = NoteVerifierKey.FromPublicKey($"community-ledger/{server.RootFingerprint}", file.Key.PublicKey);
        Assert.Equal(server.Log.VerifierKey, key);
        return key;
    }

    static Checkpoint Verified(string note, NoteVerifierKey key)
    {
        var verification = SignedNote.Verify(Encoding.UTF8.GetBytes(note), [key]);
        Assert.True(verification.IsValid, verification.Result.ToString());
        var body = Checkpoint.Parse(verification.Note.Text);
        Assert.True(body.IsValid, body.Result.ToString());
        return body.Checkpoint;
    }

    static List<byte[]> Hashes(JsonElement proof) => [.. proof.EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!))];

    static async Task<List<StoredEntry>> ReadAllAsync(EntryStore store)
    {
        var all = new List<StoredEntry>();
        await foreach (var stored in store.ReadAllAsync(0, default))
        {
            all.Add(stored);
        }
        return all;
    }

    static IEnumerable<byte[]> Flips(byte[] bytes)
    {
        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            yield return flipped;
        }
    }
}
