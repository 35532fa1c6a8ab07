using Ledger.Entries;

namespace Ledger.Tests.Format;

/// <summary>FORMAT.md §4.5: a recorded time never goes back along the log by more than 2 seconds (issue 15, "time travel").</summary>
public sealed class RecordedTimeOrderTests
{
    static readonly DateTimeOffset Greatest = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheSkewIsTwoSeconds() => Assert.Equal(TimeSpan.FromSeconds(2), RecordedTimeOrder.MaxSkew);

    [Fact]
    public void TheLogsFirstEntryHasNothingToGoBackFrom() => Assert.False(RecordedTimeOrder.GoesBack(null, DateTimeOffset.UnixEpoch));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(-2_000)]
    [InlineData(86_400_000)]
    public void ATimeAtMostTheSkewBehindOrAnyTimeAheadKeepsTheOrder(long offsetMs) =>
        Assert.False(RecordedTimeOrder.GoesBack(Greatest, Greatest.AddMilliseconds(offsetMs)));

    [Theory]
    [InlineData(-2_001)]
    [InlineData(-60_000)]
    [InlineData(-94_694_400_000)]
    public void ATimeMoreThanTheSkewBehindGoesBack(long offsetMs) =>
        Assert.True(RecordedTimeOrder.GoesBack(Greatest, Greatest.AddMilliseconds(offsetMs)));

    [Fact]
    public void TheBoundIsTheGreatestTimeNotAnOffsetOfIt()
    {
        var utc8 = new DateTimeOffset(2026, 3, 1, 16, 0, 0, TimeSpan.FromHours(8));

        Assert.False(RecordedTimeOrder.GoesBack(Greatest, utc8));
        Assert.True(RecordedTimeOrder.GoesBack(utc8, Greatest.AddSeconds(-3)));
    }
}
