using System.Diagnostics.Metrics;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Hashing;
using Ledger.Tests.Storage;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Hosting;

/// <summary>
/// The group committer answers a command decided on a head its last batch moved, or linked to
/// an entry it was refused, without sending it to the database, where it would fail its whole
/// batch; a command that follows the new head still goes through.
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

    [Fact]
    public async Task ACommandLinkedToARefusedCommandsEntryIsAConflictAnsweredBeforeTheDatabase()
    {
        await using var committer = new GroupCommitter(migrated.Store, Metrics);
        // Written by another process first: the committer's command at #0 is refused.
        var other = SampleEntries.Next("household/committer-refused", null, "other");
        Assert.IsType<AppendResult.Appended>(await migrated.Store.AppendAsync([other], default));
        var refused = SampleEntries.Next("household/committer-refused", null, "refused");
        var linked = SampleEntries.Next("household/committer-refused", refused, "linked");

        var answers = await Task.WhenAll(committer.AppendAsync([refused], Condition("refused")), committer.AppendAsync([linked], Condition("linked")));

        Assert.All(answers, a => Assert.IsType<AppendResult.SequenceConflict>(a));
        Assert.Contains("of a command that was not committed", ((AppendResult.SequenceConflict)answers[1]).Reason);
        Assert.Null(await migrated.Store.FindReceiptAsync("tester", "linked", default));
        // Decided again on the stream as it stands, it is written.
        var again = SampleEntries.Next("household/committer-refused", other, "again");
        Assert.IsType<AppendResult.Appended>(await committer.AppendAsync([again], Condition("again")));
    }

    static readonly GrainMetrics Metrics = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    static AppendCondition Condition(string key) => new(new CommandReceipt("tester", key, Hash.Of([], System.Text.Encoding.UTF8.GetBytes(key))), null);
}
