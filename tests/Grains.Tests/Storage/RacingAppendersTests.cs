using Ledger.Entries;
using Ledger.Grains.Storage;
using Npgsql;

namespace Ledger.Tests.Storage;

/// <summary>
/// DESIGN.md decision 7: two writers on separate connections racing for one stream position.
/// Exactly one commits; the other gets a typed conflict and writes nothing; the chain never forks.
/// </summary>
public sealed class RacingAppendersTests(MigratedDatabase migrated) : IClassFixture<MigratedDatabase>
{
    const int Races = 1_000;

    [Fact]
    public async Task OneThousandRacesForOneStreamLeaveOneLinearChainWithNothingLostOrDoubled()
    {
        // Two data sources stand for two server processes: no shared pool, no shared state.
        await using var left = NpgsqlDataSource.Create(migrated.Database.ConnectionString);
        await using var right = NpgsqlDataSource.Create(migrated.Database.ConnectionString);
        var stores = new[] { new EntryStore(left), new EntryStore(right) };
        const string stream = "project/raced";
        Entry? head = null;
        var winners = new List<Entry>(Races);

        for (var race = 0; race < Races; race++)
        {
            var candidates = new[]
            {
                Ledger.Tests.Support.SampleEntries.Next(stream, head, $"left-{race}"),
                Ledger.Tests.Support.SampleEntries.Next(stream, head, $"right-{race}"),
            };
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = Enumerable.Range(0, 2)
                .Select(async i =>
                {
                    await start.Task;
                    return await stores[i].AppendAsync([candidates[i]], default);
                })
                .ToArray();
            start.SetResult();
            var results = await Task.WhenAll(racers);

            var committed = results.Select((r, i) => (r, i)).Where(x => x.r is AppendResult.Appended).ToList();
            Assert.Single(committed);
            Assert.IsType<AppendResult.SequenceConflict>(results[1 - committed[0].i]);
            head = candidates[committed[0].i];
            winners.Add(head);
        }

        var chain = await stores[0].ReadStreamAsync(stream, 0, default);
        Assert.Equal(Races, chain.Count);
        Assert.Equal(winners.Select(w => w.Hash), chain.Select(s => s.Entry.Hash));
        for (var i = 1; i < chain.Count; i++)
        {
            Assert.True(chain[i].Entry.Follows(chain[i - 1].Entry));
        }
        var positions = chain.Select(s => s.LogPosition).ToList();
        Assert.Equal(positions.Distinct().Count(), positions.Count);
    }

    [Fact]
    public async Task ManyWritersOnManyStreamsGetContiguousLogPositionsInCommitOrder()
    {
        await using var left = NpgsqlDataSource.Create(migrated.Database.ConnectionString);
        await using var right = NpgsqlDataSource.Create(migrated.Database.ConnectionString);
        var stores = new[] { new EntryStore(left), new EntryStore(right) };
        var sizeBefore = await stores[0].LogSizeAsync(default);
        const int writers = 16;
        const int entriesPerWriter = 25;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            var chain = Ledger.Tests.Support.SampleEntries.Chain($"household/writer-{w}", entriesPerWriter);
            foreach (var entry in chain)
            {
                Assert.IsType<AppendResult.Appended>(await stores[w % 2].AppendAsync([entry], default));
            }
        }));

        var all = new List<StoredEntry>();
        await foreach (var stored in stores[1].ReadAllAsync(sizeBefore, default))
        {
            all.Add(stored);
        }
        Assert.Equal(writers * entriesPerWriter, all.Count);
        Assert.Equal(Enumerable.Range(0, all.Count).Select(i => sizeBefore + i), all.Select(s => s.LogPosition));
        Assert.Equal(sizeBefore + all.Count, await stores[1].LogSizeAsync(default));
        // Within each stream, log order is sequence order.
        foreach (var stream in all.GroupBy(s => s.Entry.Stream))
        {
            Assert.Equal(Enumerable.Range(0, entriesPerWriter).Select(i => (long)i), stream.Select(s => s.Entry.Sequence));
        }
    }
}
