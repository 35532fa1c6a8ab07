using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Tests.Storage;
using Ledger.Tests.Support;

namespace Ledger.Tests.Hosting;

/// <summary>
/// Two servers on one database, one of them with its clock set back (issue 15, "time travel";
/// FORMAT.md §4.5): a command it stamps more than the skew behind the log is refused with
/// <see cref="ResultCode.ClockBehindLog"/> and writes nothing, the other server goes on, and
/// within the skew both write. The servers are silos of two clusters, so that a command sent to
/// one is decided, and stamped, by that one's grains (in one cluster Orleans may place a grain
/// on either silo); the database arbitrates between them as between the processes of one cluster.
/// </summary>
public sealed class ClockBehindLogTests : IAsyncLifetime
{
    static readonly TimeSpan JustBeyondTheSkew = RecordedTimeOrder.MaxSkew + TimeSpan.FromMilliseconds(1);

    // Each server writes a household of its own: the database alone stands between them.
    const string OnTimeHousehold = "h-on-time";
    const string SetBackHousehold = "h-set-back";

    static readonly TestSigner Coordinator = new("coordinator");

    readonly MigratedDatabase migrated = new();
    readonly ManualClock clock = new(RegistryOnHost.Start);
    readonly ManualClock setBackClock = new(RegistryOnHost.Start);
    TestSilo onTime = null!;
    TestSilo setBack = null!;

    EntryStore Store => migrated.Store;

    public async Task InitializeAsync()
    {
        await migrated.InitializeAsync();
        onTime = await TestSilo.StartAsync(migrated.Database.ConnectionString, clock, clusterId: "on-time");
        setBack = await TestSilo.StartAsync(migrated.Database.ConnectionString, setBackClock, clusterId: "set-back");
        await RegistryOnHost.OpenAsync(onTime.Grains, clock.GetUtcNow());
        AssertAccepted(await onTime.Grains.ExecuteAsync(RegistryOnHost.Register(Coordinator, clock.GetUtcNow(), nameof(Role.VolunteerCoordinator)), default));
        clock.Advance(TimeSpan.FromSeconds(10));
        AssertAccepted(await onTime.Grains.ExecuteAsync(Award(OnTimeHousehold, "first", clock), default));
    }

    public async Task DisposeAsync()
    {
        await setBack.DisposeAsync();
        await onTime.DisposeAsync();
        await migrated.DisposeAsync();
    }

    [Fact]
    public async Task ACommandStampedBeyondTheSkewBehindTheLogIsRefusedWritesNothingAndTheOtherServerGoesOn()
    {
        setBackClock.Set(clock.GetUtcNow() - JustBeyondTheSkew);
        var sizeBefore = await Store.LogSizeAsync(default);
        var command = Award(SetBackHousehold, "refused", setBackClock);

        var outcome = await ClientRetry.ExecuteAsync(setBack.Grains, command);

        Assert.Equal(ResultCode.ClockBehindLog, Assert.IsType<CommandOutcome.Refused>(outcome).Code);
        Assert.Equal(sizeBefore, await Store.LogSizeAsync(default));
        Assert.Empty(await Store.ReadStreamAsync(HouseholdRules.StreamOf(SetBackHousehold), 0, default));
        AssertAccepted(await onTime.Grains.ExecuteAsync(Award(OnTimeHousehold, "second", clock), default));
        // Once its clock is set right, the same command sent again is written.
        setBackClock.Set(clock.GetUtcNow());
        AssertAccepted(await ClientRetry.ExecuteAsync(setBack.Grains, command));
    }

    [Fact]
    public async Task ACommandStampedWithinTheSkewBehindTheLogIsWritten()
    {
        setBackClock.Set(clock.GetUtcNow() - RecordedTimeOrder.MaxSkew);

        var outcome = await ClientRetry.ExecuteAsync(setBack.Grains, Award(SetBackHousehold, "within-the-skew", setBackClock));

        var written = Assert.Single(AssertAccepted(outcome).Entries);
        var entry = Assert.Single(await Store.ReadStreamAsync(HouseholdRules.StreamOf(SetBackHousehold), written.Sequence, default));
        Assert.Equal(setBackClock.GetUtcNow(), entry.Entry.RecordedAt);
        Assert.Equal(clock.GetUtcNow(), await Store.GreatestRecordedAtAsync(default));
    }

    /// <summary>Points for a household, signed by the coordinator at the time <paramref name="signersClock"/> reads.</summary>
    static SignedCommand Award(string householdId, string reference, TimeProvider signersClock) =>
        Coordinator.Sign(HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["activity"] = "WasteSorting",
            ["householdId"] = householdId,
            ["points"] = 20,
            ["quantity"] = 1,
            ["reference"] = reference,
        }, signersClock.GetUtcNow());

    static CommandOutcome.Accepted AssertAccepted(CommandOutcome outcome) =>
        Assert.IsType<CommandOutcome.Accepted>(outcome);
}
