using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Ledger.Grains.Hosting;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Tests.Domain;
using Ledger.Tests.Storage;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ledger.Tests.Hosting;

/// <summary>
/// A stream grain's snapshot (docs/GRAINS.md "Snapshots"), on a real database: a grain
/// activated again starts from it and reads only the entries after it; a snapshot row
/// garbled, altered or pointing at another head is discarded and the stream replayed, and
/// decisions stay those of the entries.
/// </summary>
public sealed class SnapshotTests : IAsyncLifetime
{
    const string Household = "h-0101";
    const int SnapshotEvery = 5;

    readonly MigratedDatabase migrated = new();
    readonly ManualClock clock = new(RegistryOnHost.Start);
    TestSilo silo = null!;
    Community community = null!;
    GrainCounters counters = null!;

    public async Task InitializeAsync()
    {
        await migrated.InitializeAsync();
        // One silo, so that every activation of the household's grain is one these counters see.
        silo = await TestSilo.StartAsync(migrated.Database.ConnectionString, clock, options => options.SnapshotEvery = SnapshotEvery);
        counters = new GrainCounters(silo.Services.GetRequiredService<IMeterFactory>());
        community = await Community.CreateAsync(silo.Grains, clock, [Household]);
        await community.AcceptAsync(silo.Grains, community.Coordinator, CatalogCommandTypes.AddCatalogItem, new JsonObject
        {
            ["itemId"] = "cinema",
            ["name"] = "电影票",
            ["kind"] = "Tickets",
            ["pricePoints"] = 10,
        });
    }

    public async Task DisposeAsync()
    {
        counters.Dispose();
        await silo.DisposeAsync();
        await migrated.DisposeAsync();
    }

    [Fact]
    public async Task AGrainActivatedAgainStartsFromItsSnapshotAndReadsOnlyTheEntriesAfterIt()
    {
        await AwardAsync(7); // #0–#6; a snapshot at #4
        Assert.Equal(1, counters.SnapshotsWritten);

        await DeactivateAllAsync(); // a snapshot at #6
        Assert.Equal(2, counters.SnapshotsWritten);
        // Written by the catalog's grain, while the household's is not active: #7.
        var redemption = await ReserveAsync();

        var read = counters.EntriesRead;
        await AwardAsync(1, from: 7); // #8
        Assert.Equal(1, counters.SnapshotsRestored);
        Assert.Equal(1, counters.EntriesRead - read);
        Assert.Equal(0, counters.SnapshotsDiscarded);

        // Decided on the restored state as on the entries: a used reference is refused, the
        // redemption reserved after the snapshot is fulfilled once.
        await AssertRefusedAsync(ResultCode.AwardReferenceUsed, AwardCommand(reference: "sorting-3"));
        await community.AcceptAsync(silo.Grains, FulfilCommand(redemption));
        await AssertRefusedAsync(ResultCode.RedemptionNotReserved, FulfilCommand(redemption));
        await AssertViewIsReplayAsync();
    }

    [Fact]
    public async Task ASnapshotWhoseStateWasAlteredIsDiscardedAndTheStreamReplayed()
    {
        await AwardAsync(5); // a snapshot at #4
        await DeactivateAllAsync();
        // Trusted, the altered state would have no award "sorting-1" and accept it again.
        Assert.Equal(1, await UpdateSnapshotRowAsync(
            "overlay(payloadbinary placing convert_to('sorting-X', 'UTF8') from position(convert_to('sorting-1', 'UTF8') in payloadbinary))"));

        var read = counters.EntriesRead;
        await AssertRefusedAsync(ResultCode.AwardReferenceUsed, AwardCommand(reference: "sorting-1"));
        Assert.Equal(1, counters.SnapshotsDiscarded);
        Assert.Equal(0, counters.SnapshotsRestored);
        Assert.True(counters.EntriesRead - read >= 5, "the stream was read from its first entry");
        await AwardAsync(1, from: 5);
        await AssertViewIsReplayAsync();

        // The next snapshot replaces the altered row, and the grain after it starts from that.
        await DeactivateAllAsync();
        await AwardAsync(1, from: 6);
        Assert.Equal(1, counters.SnapshotsRestored);
        Assert.Equal(1, counters.SnapshotsDiscarded);
    }

    [Fact]
    public async Task ASnapshotRowThatCannotBeReadIsDiscardedAndTheStreamReplayed()
    {
        await AwardAsync(5);
        await DeactivateAllAsync();
        Assert.Equal(1, await UpdateSnapshotRowAsync("'\\x00ff00ff'::bytea"));

        await AssertRefusedAsync(ResultCode.AwardReferenceUsed, AwardCommand(reference: "sorting-2"));
        await AwardAsync(1, from: 5);
        Assert.Equal(1, counters.SnapshotsDiscarded);
        Assert.Equal(0, counters.SnapshotsRestored);
        await AssertViewIsReplayAsync();

        await DeactivateAllAsync();
        await AwardAsync(1, from: 6);
        Assert.Equal(1, counters.SnapshotsRestored);
    }

    [Fact]
    public async Task ASnapshotWhoseHeadIsNotTheStoredEntryIsDiscarded()
    {
        await AwardAsync(5);
        await DeactivateAllAsync();
        // The snapshot now names entry #2's hash as its head #4, as a snapshot of another
        // history would (a database restored from a backup, say): its state still matches its
        // digest, but the store says it is not of these entries.
        var entries = await migrated.Store.ReadStreamAsync(HouseholdRules.StreamOf(Household), 0, CancellationToken.None);
        var head = Convert.ToHexStringLower(entries[4].Entry.Hash.Bytes);
        var other = Convert.ToHexStringLower(entries[2].Entry.Hash.Bytes);
        Assert.Equal(1, await UpdateSnapshotRowAsync(
            $"overlay(payloadbinary placing '\\x{other}'::bytea from position('\\x{head}'::bytea in payloadbinary))"));

        await AwardAsync(1, from: 5);
        Assert.Equal(1, counters.SnapshotsDiscarded);
        Assert.Equal(0, counters.SnapshotsRestored);
        await AssertViewIsReplayAsync();
    }

    async Task AwardAsync(int count, int from = 0)
    {
        for (var i = from; i < from + count; i++)
        {
            await community.AcceptAsync(silo.Grains, AwardCommand($"sorting-{i}"));
        }
    }

    Ledger.Entries.SignedCommand AwardCommand(string reference) =>
        community.Sign(community.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = Household,
            ["activity"] = "WasteSorting",
            ["quantity"] = 1,
            ["points"] = 10,
            ["reference"] = reference,
        });

    async Task<long> ReserveAsync()
    {
        var accepted = await community.AcceptAsync(silo.Grains, community.Residents[Household], HouseholdCommandTypes.ReserveRedemption,
            new JsonObject { ["householdId"] = Household, ["itemId"] = "cinema", ["quantity"] = 1 });
        return accepted.Entries.Single(e => e.Stream == HouseholdRules.StreamOf(Household)).Sequence;
    }

    Ledger.Entries.SignedCommand FulfilCommand(long redemptionId) =>
        community.Sign(community.Coordinator, HouseholdCommandTypes.FulfilRedemption,
            new JsonObject { ["householdId"] = Household, ["redemptionId"] = redemptionId });

    async Task AssertRefusedAsync(ResultCode expected, Ledger.Entries.SignedCommand command)
    {
        var outcome = await silo.Grains.ExecuteAsync(command, default);
        Assert.Equal(expected, Assert.IsType<CommandOutcome.Refused>(outcome).Code);
    }

    /// <summary>The view served (folded from the store) is the stream replayed, and the grain's head is the stored head.</summary>
    async Task AssertViewIsReplayAsync()
    {
        var stream = HouseholdRules.StreamOf(Household);
        var entries = await migrated.Store.ReadStreamAsync(stream, 0, CancellationToken.None);
        var replayed = entries.Aggregate(StreamState.Initial(stream), (state, stored) => state.Apply(stored.Entry));
        Assert.Equal(StateSnapshot.Encode(replayed), StateSnapshot.Encode(await silo.Grains.ReadStateAsync(stream, default)));
        var head = await silo.GrainFactory.GetGrain<IHouseholdGrain>(Household).Head();
        Assert.Equal((entries[^1].Entry.Sequence, entries[^1].Entry.Hash), (head.Sequence, head.Hash));
    }

    /// <summary>Deactivates every grain of the silo, each writing its snapshot on the way out.</summary>
    Task DeactivateAllAsync() => silo.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    /// <summary>Sets the household grain's snapshot row's payload to <paramref name="payload"/> (SQL); returns the rows changed.</summary>
    async Task<int> UpdateSnapshotRowAsync(string payload)
    {
        await using var command = migrated.Database.DataSource.CreateCommand(
            $"UPDATE orleansstorage SET payloadbinary = {payload} WHERE graintypestring = 'household' AND grainidextensionstring = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Household });
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The household grains' counters (<see cref="GrainMetrics"/>) of this test's silo only,
    /// whatever else runs in the process.
    /// </summary>
    sealed class GrainCounters : IDisposable
    {
        readonly MeterListener listener = new();
        readonly ConcurrentDictionary<string, long> totals = new();

        public GrainCounters(IMeterFactory scope)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GrainMetrics.MeterName && instrument.Meter.Scope == scope)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "grain", Value: "household" })
                    {
                        totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
                    }
                }
            });
            listener.Start();
        }

        public long EntriesRead => totals.GetValueOrDefault("ledger.grain.entries_read");

        public long SnapshotsRestored => totals.GetValueOrDefault("ledger.grain.snapshots_restored");

        public long SnapshotsDiscarded => totals.GetValueOrDefault("ledger.grain.snapshots_discarded");

        public long SnapshotsWritten => totals.GetValueOrDefault("ledger.grain.snapshots_written");

        public void Dispose() => listener.Dispose();
    }
}
