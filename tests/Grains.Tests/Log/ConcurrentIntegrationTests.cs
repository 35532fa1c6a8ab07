using System.Diagnostics;
using System.Text.Json.Nodes;
using Ledger.Grains.Hosting;
using Ledger.Grains.Log;
using Ledger.Merkle;
using Ledger.Rules.Households;
using Ledger.Rules.Registry;
using Ledger.Tests.Domain;
using Ledger.Tests.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace Ledger.Tests.Log;

/// <summary>
/// Issue 7 item 1 and acceptance: with writers on two server processes and integrators racing
/// on both, every committed entry ends up in the log exactly once, at its log position, with
/// no gap; the advisory lock keeps two integrators from ever inserting a node twice; and every
/// checkpoint signed along the way extends the one before.
/// </summary>
public sealed class ConcurrentIntegrationTests(ITestOutputHelper output)
{
    static readonly IReadOnlyList<string> Households = [.. Enumerable.Range(1, 8).Select(i => $"h-{i:D2}")];

    [Fact]
    public async Task WritersOnTwoHostsWithIntegratorsRacingOnBothLeaveEveryEntryInTheLogExactlyOnce()
    {
        await using var domain = await DomainOnHost.CreateAsync(Households);
        await using var left = NpgsqlDataSource.Create(domain.ConnectionString);
        await using var right = NpgsqlDataSource.Create(domain.ConnectionString);
        var options = new LogIntegratorOptions { BatchSize = 16 };
        LogIntegrator[] integrators =
        [
            new(left, LogFixtures.Signer, domain.Clock, options),
            new(right, LogFixtures.Signer, domain.Clock, options),
        ];
        var c = domain.Community;
        Assert.IsType<CommandOutcome.Accepted>(await domain.Host.ExecuteAsync(RegistryOnHost.Registrar.Sign(RegistryCommandTypes.NameLogKey,
            new JsonObject { ["verifierKey"] = LogFixtures.Signer.VerifierKey.Format() }, domain.Clock.GetUtcNow(), "name-log-key"), default));
        var awards = Enumerable.Range(0, 400)
            .Select(i => c.Sign(c.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
            {
                ["householdId"] = Households[i % Households.Count],
                ["activity"] = "WasteSorting",
                ["quantity"] = 1,
                ["points"] = 10,
                ["reference"] = $"sorting-{i}",
            }))
            .ToList();
        var stopwatch = Stopwatch.StartNew();
        // The writers go in four waves of 100, each after a checkpoint was signed: pipelined
        // grains can write all 400 within one integrator's round, and the log must grow while
        // checkpoints are signed.
        using var checkpointSigned = new SemaphoreSlim(0);
        async Task<CommandOutcome[]> WriteInWavesAsync()
        {
            var written = new List<CommandOutcome>();
            foreach (var wave in awards.Select((award, i) => (award, i)).Chunk(100))
            {
                if (written.Count > 0)
                {
                    await checkpointSigned.WaitAsync();
                }
                written.AddRange(await Task.WhenAll(wave.Select(w => ClientRetry.ExecuteAsync(w.i % 2 == 0 ? domain.Host : domain.OtherHost, w.award))));
            }
            return [.. written];
        }

        var writing = WriteInWavesAsync();
        var integrating = integrators.Select(async integrator =>
        {
            var signed = 0;
            // No sleeps: each integrator goes round as fast as the database lets it until the writers are done.
            while (!writing.IsCompleted)
            {
                if ((await integrator.IntegrateAndSignNowAsync(default)).Decision == CheckpointDecision.Signed)
                {
                    signed++;
                    checkpointSigned.Release();
                }
            }
            return signed;
        }).ToList();
        var outcomes = await writing;
        var signedWhileWriting = await Task.WhenAll(integrating);
        await integrators[1].IntegrateAndSignNowAsync(default);

        output.WriteLine($"400 commands on two hosts in {stopwatch.ElapsedMilliseconds} ms; checkpoints signed meanwhile: {string.Join(" + ", signedWhileWriting)}");
        Assert.All(outcomes, o => Assert.IsType<CommandOutcome.Accepted>(o));
        await LogFixtures.AssertLogIsTheEntryTableAsync(domain.Admin);
        Assert.True(signedWhileWriting.Sum() >= 2, "checkpoints were signed while the log grew");
        await AssertCheckpointsGrowAndExtendEachOtherAsync(domain.Admin);
    }

    [Fact]
    public async Task FourIntegratorsOnTwoProcessesRacingOverABacklogNeverInsertANodeTwice()
    {
        await using var database = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.NameLogKeyAsync(database.Store);
        await LogFixtures.AppendAsync(database.Store, 3_000, "backlog", streamCount: 30);
        await using var left = NpgsqlDataSource.Create(database.ConnectionString);
        await using var right = NpgsqlDataSource.Create(database.ConnectionString);
        var options = new LogIntegratorOptions { BatchSize = 50 };
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racers = Enumerable.Range(0, 4).Select(async i =>
        {
            var integrator = new LogIntegrator(i % 2 == 0 ? left : right, LogFixtures.Signer, TimeProvider.System, options);
            await start.Task;
            var size = await integrator.IntegrateAsync(default);
            await integrator.SignCheckpointAsync(ignoreInterval: true, default);
            return size;
        }).ToList();
        start.SetResult();
        var sizes = await Task.WhenAll(racers);

        // A node inserted twice would have failed its racer on merkle_node_pk; none did.
        Assert.All(sizes, size => Assert.Equal(3_001, size));
        await LogFixtures.AssertLogIsTheEntryTableAsync(database.DataSource);
        Assert.Equal(1, await LogFixtures.ScalarAsync(database.DataSource, "SELECT count(*) FROM checkpoint"));
    }

    /// <summary>Sizes strictly grow, and each checkpoint is consistent with the one before and with the latest.</summary>
    static async Task AssertCheckpointsGrowAndExtendEachOtherAsync(NpgsqlDataSource dataSource)
    {
        var log = new MerkleLog(dataSource);
        var checkpoints = (await log.ReadCheckpointsAsync(long.MaxValue, default).ToListAsync())
            .Select(c => LogFixtures.VerifiedBody(c.Note, LogFixtures.Signer.VerifierKey))
            .ToList();
        var latest = checkpoints[^1];
        for (var i = 0; i < checkpoints.Count; i++)
        {
            var checkpoint = checkpoints[i];
            foreach (var later in new[] { i + 1 < checkpoints.Count ? checkpoints[i + 1] : latest, latest })
            {
                Assert.True(later.TreeSize > checkpoint.TreeSize || later == checkpoint);
                var proof = await log.ConsistencyProofAsync(checkpoint.TreeSize, later.TreeSize, default);
                Assert.Equal(MerkleProofResult.Valid,
                    MerkleProof.VerifyConsistency(checkpoint.TreeSize, later.TreeSize, proof.Proof, checkpoint.RootHash, later.RootHash));
            }
        }
    }
}
