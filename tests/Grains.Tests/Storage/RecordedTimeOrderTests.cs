using Ledger.Entries;
using Ledger.Grains.Storage;
using Ledger.Tests.Support;

namespace Ledger.Tests.Storage;

/// <summary>
/// The database refuses an entry recorded more than the skew before the greatest recorded time
/// before it in the global log (FORMAT.md §4.5, 0006_recorded_time_order.sql), whichever
/// process appends it, and writes nothing of its transaction.
/// </summary>
public sealed class RecordedTimeOrderTests(MigratedDatabase migrated) : IClassFixture<MigratedDatabase>
{
    static readonly TimeSpan JustBeyondTheSkew = RecordedTimeOrder.MaxSkew + TimeSpan.FromMilliseconds(1);

    readonly EntryStore store = migrated.Store;

    [Fact]
    public async Task AnEntryBeyondTheSkewBehindTheLogIsRefusedAndWritesNothingAndOneWithinItIsWritten()
    {
        var time = await AfterEverythingInTheLogAsync();
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([SampleEntries.Next("household/ahead", null, recordedAt: time)], default));
        var sizeBefore = await store.LogSizeAsync(default);

        var behind = SampleEntries.Next("household/behind", null, recordedAt: time - JustBeyondTheSkew);
        Assert.IsType<AppendResult.RecordedTimeWentBack>(await store.AppendAsync([behind], default));

        Assert.Equal(sizeBefore, await store.LogSizeAsync(default));
        Assert.Empty(await store.ReadStreamAsync("household/behind", 0, default));
        var withinTheSkew = SampleEntries.Next("household/behind", null, recordedAt: time - RecordedTimeOrder.MaxSkew);
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([withinTheSkew], default));
        Assert.Equal(time, await store.GreatestRecordedAtAsync(default));
    }

    [Fact]
    public async Task EntriesEachALittleBehindTheOneBeforeDoNotAddUpBeyondTheSkew()
    {
        var time = await AfterEverythingInTheLogAsync();
        var step = TimeSpan.FromMilliseconds(1_500);
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([SampleEntries.Next("household/drift-0", null, recordedAt: time)], default));
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([SampleEntries.Next("household/drift-1", null, recordedAt: time - step)], default));

        var result = await store.AppendAsync([SampleEntries.Next("household/drift-2", null, recordedAt: time - step - step)], default);

        Assert.IsType<AppendResult.RecordedTimeWentBack>(result);
    }

    [Fact]
    public async Task InOneGroupCommitAnEntryIsCheckedAgainstTheCommandsBeforeItAndNothingOfTheBatchIsWritten()
    {
        var time = await AfterEverythingInTheLogAsync();
        var sizeBefore = await store.LogSizeAsync(default);
        var later = new AppendRequest([SampleEntries.Next("household/batch-later", null, recordedAt: time)], null);
        var earlier = new AppendRequest([SampleEntries.Next("household/batch-earlier", null, recordedAt: time - JustBeyondTheSkew)], null);

        var refused = Assert.IsType<BatchResult.Refused>(await store.AppendCommandsAsync([later, earlier], null, default));

        Assert.IsType<AppendResult.RecordedTimeWentBack>(refused.Result);
        Assert.Equal(sizeBefore, await store.LogSizeAsync(default));
        Assert.IsType<BatchResult.Appended>(await store.AppendCommandsAsync([earlier, later], null, default));
        Assert.Equal(time, await store.GreatestRecordedAtAsync(default));
    }

    /// <summary>An hour after the greatest recorded time the class's other tests left in the log.</summary>
    async Task<DateTimeOffset> AfterEverythingInTheLogAsync() =>
        ((await store.GreatestRecordedAtAsync(default)) ?? SampleEntries.Start).AddHours(1);
}
