using System.Diagnostics.Metrics;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Hashing;
using Ledger.Tests.Storage;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Hosting;

/// <summary>
/// The group committer answers a command decided on a head its last batch moved, without
/// sending it to the database, where it would fail its whole batch; a command that follows
/// the new head still goes through.
/// </summary>
public sealed class GroupCommitterTests(MigratedDatabase migrated) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task ACommandDecidedOnAHeadTheLastBatchMovedIsAConflictAnsweredBeforeTheDatabase()
    {
        await using var committer = new GroupCommitter(migrated.Store, Metrics);
        var first = SampleEntries.Next("household/committer-stale", null, "first");
        Assert.IsType<AppendResult.Appended>(await committer.AppendAsync([first], Condition("first")));
        var sizeBefore = await migrated.Store.LogSizeAsync(default);

        var stale = SampleEntries.Next("household/committer-stale", null, "second");
        var conflict = Assert.IsType<AppendResult.SequenceConflict>(await committer.AppendAsync([stale], Condition("second")));

        Assert.Equal("household/committer-stale", conflict.Stream);
        Assert.Contains("this process has since moved to #0", conflict.Reason);
        Assert.Equal(sizeBefore, await migrated.Store.LogSizeAsync(default));
        Assert.Null(await migrated.Store.FindReceiptAsync("tester", "second", default));
        var next = SampleEntries.Next("household/committer-stale", first, "third");
        Assert.IsType<AppendResult.Appended>(await committer.AppendAsync([next], Condition("third")));
    }

    [Fact]
    public async Task ACommandPastTheHeadTheLastBatchLeftStillGoesToTheDatabase()
    {
        await using var committer = new GroupCommitter(migrated.Store, Metrics);
        var first = SampleEntries.Next("household/committer-behind", null, "first");
        Assert.IsType<AppendResult.Appended>(await committer.AppendAsync([first], Condition("behind-first")));
        // Written by another process, which this committer does not see.
        var second = SampleEntries.Next("household/committer-behind", first, "second");
        Assert.IsType<AppendResult.Appended>(await migrated.Store.AppendAsync([second], default));

        var third = SampleEntries.Next("household/committer-behind", second, "third");

        Assert.IsType<AppendResult.Appended>(await committer.AppendAsync([third], Condition("behind-third")));
    }

    static readonly GrainMetrics Metrics = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    static AppendCondition Condition(string key) => new(new CommandReceipt("tester", key, Hash.Of([], System.Text.Encoding.UTF8.GetBytes(key))), null);
}
