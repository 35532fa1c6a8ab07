using Ledger.Grains.Storage;
using Ledger.Hashing;
using Ledger.Tests.Support;

namespace Ledger.Tests.Storage;

/// <summary>
/// Group commit at the store: several commands in one transaction, each with consecutive log
/// positions in the order given and its own receipt; all written or none.
/// </summary>
public sealed class GroupCommitTests(MigratedDatabase migrated) : IClassFixture<MigratedDatabase>
{
    readonly EntryStore store = migrated.Store;

    [Fact]
    public async Task SeveralCommandsInOneTransactionKeepTheirOrderTheirPositionsAndTheirReceipts()
    {
        var sizeBefore = await store.LogSizeAsync(default);
        var payment = new[] { SampleEntries.Next("household/g-1", null), SampleEntries.Next("project/g", null) };
        var award = new[] { SampleEntries.Next("household/g-2", null) };
        var another = new[] { SampleEntries.Next("household/g-3", null) };
        var requests = new[]
        {
            new AppendRequest(payment, Receipt("payment")),
            new AppendRequest(award, Receipt("award")),
            new AppendRequest(another, null),
        };

        var result = Assert.IsType<BatchResult.Appended>(await store.AppendCommandsAsync(requests, null, default));

        Assert.Equal([sizeBefore, sizeBefore + 1], result.LogPositions[0]);
        Assert.Equal([sizeBefore + 2], result.LogPositions[1]);
        Assert.Equal([sizeBefore + 3], result.LogPositions[2]);
        var paymentReceipt = await store.FindReceiptAsync("tester", "payment", default);
        Assert.Equal(payment.Select(e => e.Hash), paymentReceipt!.Entries.Select(s => s.Entry.Hash));
        var awardReceipt = await store.FindReceiptAsync("tester", "award", default);
        Assert.Equal(award.Select(e => e.Hash), awardReceipt!.Entries.Select(s => s.Entry.Hash));
    }

    [Fact]
    public async Task ABatchWithOneConflictingCommandWritesNothing()
    {
        var taken = SampleEntries.Next("household/h-taken", null, "first");
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync([taken], default));
        var sizeBefore = await store.LogSizeAsync(default);
        var requests = new[]
        {
            new AppendRequest([SampleEntries.Next("household/h-free", null)], Receipt("free")),
            new AppendRequest([SampleEntries.Next("household/h-taken", null, "second")], Receipt("taken")),
        };

        var result = Assert.IsType<BatchResult.Refused>(await store.AppendCommandsAsync(requests, null, default));

        Assert.IsType<AppendResult.SequenceConflict>(result.Result);
        Assert.Equal(sizeBefore, await store.LogSizeAsync(default));
        Assert.Empty(await store.ReadStreamAsync("household/h-free", 0, default));
        Assert.Null(await store.FindReceiptAsync("tester", "free", default));
    }

    static CommandReceipt Receipt(string key) => new("tester", key, Hash.Of([], System.Text.Encoding.UTF8.GetBytes(key)));
}
