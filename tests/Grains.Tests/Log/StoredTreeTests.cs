using Ledger.Grains.Log;
using Ledger.Merkle;
using Ledger.Tests.Support;

namespace Ledger.Tests.Log;

/// <summary>
/// Issue 7 item 2: the tree built in the database, a batch at a time from the stored right
/// frontier, is the RFC 9162 tree of the entries: the same roots, inclusion proofs and
/// consistency proofs as the in-memory <see cref="MerkleTree"/> (itself checked against the
/// RFC 6962 vectors and the transparency-dev probes in Ledger.Tests), at every size.
/// </summary>
public sealed class StoredTreeTests
{
    const int LeafCount = 70;

    [Fact]
    public async Task TheStoredTreeGivesTheInMemoryTreesRootsAndProofsAtEverySize()
    {
        await using var migrated = await LogFixtures.NewDatabaseAsync();
        var dataSource = migrated.DataSource;
        // Batches of 7 cut the log at sizes that are not powers of two, so integration resumes
        // from frontiers of every shape; appends in growing chunks move the cut around.
        var integrator = new LogIntegrator(dataSource, null, TimeProvider.System, new LogIntegratorOptions { BatchSize = 7 });
        var appended = 0;
        for (var chunk = 1; appended < LeafCount; chunk++)
        {
            var count = Math.Min(chunk, LeafCount - appended);
            await LogFixtures.AppendAsync(migrated.Store, count, $"chunk{chunk}");
            appended += count;
            Assert.Equal(appended, await integrator.IntegrateAsync(default));
            await LogFixtures.AssertLogIsTheEntryTableAsync(dataSource);
        }

        var model = await LogFixtures.ModelTreeAsync(dataSource);
        var log = new MerkleLog(dataSource);
        for (long size = 1; size <= LeafCount; size++)
        {
            Assert.Equal(model.Root(size), await log.RootAsync(size, default));
            for (long leaf = 0; leaf < size; leaf++)
            {
                var proof = await log.InclusionProofAsync(leaf, size, default);
                Assert.Equal(model.Node(0, leaf), proof.LeafHash);
                Assert.Equal(model.InclusionProof(leaf, size), proof.Proof);
                Assert.Equal(model.Root(size), proof.RootHash);
            }
            for (long from = 1; from <= size; from++)
            {
                var proof = await log.ConsistencyProofAsync(from, size, default);
                Assert.Equal(model.ConsistencyProof(from, size), proof.Proof);
                Assert.Equal(model.Root(from), proof.FromRootHash);
            }
        }
    }

    [Fact]
    public async Task AProofNeedsOnlyLogarithmicallyManyNodes()
    {
        await using var migrated = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.AppendAsync(migrated.Store, 1_000, "big");
        var integrator = new LogIntegrator(migrated.DataSource, null, TimeProvider.System);
        Assert.Equal(1_000, await integrator.IntegrateAsync(default));

        var asked = new List<(int, long)>();
        var counting = new CountingNodes(await LogFixtures.ModelTreeAsync(migrated.DataSource), asked);
        counting.InclusionProof(617, 1_000);
        counting.Root(1_000);
        counting.ConsistencyProof(333, 1_000);

        // ⌈log2 1000⌉ = 10: a proof and a root each touch at most a few dozen of the 1,994 nodes.
        Assert.InRange(asked.Distinct().Count(), 1, 40);
        var stored = await new MerkleLog(migrated.DataSource).InclusionProofAsync(617, 1_000, default);
        Assert.Equal(MerkleProofResult.Valid, MerkleProof.VerifyInclusion(617, 1_000, stored.LeafHash, stored.Proof, stored.RootHash));
    }

    [Fact]
    public async Task IntegratingAnEmptyLogOrAnUpToDateOneChangesNothing()
    {
        await using var migrated = await LogFixtures.NewDatabaseAsync();
        var integrator = new LogIntegrator(migrated.DataSource, null, TimeProvider.System);

        Assert.Equal(0, await integrator.IntegrateAsync(default));
        await LogFixtures.AppendAsync(migrated.Store, 5, "few");
        Assert.Equal(5, await integrator.IntegrateAsync(default));
        Assert.Equal(5, await integrator.IntegrateAsync(default));

        await LogFixtures.AssertLogIsTheEntryTableAsync(migrated.DataSource);
        Assert.Equal(MerkleHash.EmptyRoot(), await new MerkleLog(migrated.DataSource).RootAsync(0, default));
    }

    [Fact]
    public async Task AProofBeyondTheIntegratedTreeIsRefused()
    {
        await using var migrated = await LogFixtures.NewDatabaseAsync();
        await LogFixtures.AppendAsync(migrated.Store, 6, "ahead");
        var log = new MerkleLog(migrated.DataSource);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.InclusionProofAsync(0, 6, default));
        await new LogIntegrator(migrated.DataSource, null, TimeProvider.System).IntegrateAsync(default);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.InclusionProofAsync(0, 7, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.ConsistencyProofAsync(0, 6, default));
        var proof = await log.InclusionProofAsync(5, 6, default);
        var root = await log.RootAsync(6, default);
        Assert.Equal(MerkleProofResult.Valid, MerkleProof.VerifyInclusion(5, 6, proof.LeafHash, proof.Proof, root));
    }

    /// <summary>The in-memory tree, noting every node a computation asks for.</summary>
    sealed class CountingNodes(MerkleTree tree, List<(int, long)> asked) : IMerkleNodes
    {
        public byte[] Node(int level, long index)
        {
            asked.Add((level, index));
            return tree.Node(level, index);
        }
    }
}
