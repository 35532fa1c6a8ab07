using Ledger.Api.Demo;

namespace Ledger.Tests.Demo;

/// <summary>The demo's clock: starts on the story's day, moves forward to a chapter's day, never back.</summary>
public sealed class DemoCalendarTests
{
    static readonly TimeSpan Slack = TimeSpan.FromMinutes(1);

    [Fact]
    public void TheCalendarStartsOnItsDayInChinaStandardTimeAndMovesForwardOnly()
    {
        var start = DemoCalendar.At(2026, 2, 24);
        Assert.Equal(new DateTimeOffset(2026, 2, 24, 1, 0, 0, TimeSpan.Zero), start);
        var calendar = new DemoCalendar(start);
        Assert.InRange(calendar.GetUtcNow(), start, start + Slack);

        var april = DemoCalendar.At(2026, 4, 1, 10);
        calendar.MoveTo(april);
        Assert.InRange(calendar.GetUtcNow(), april, april + Slack);

        // A chapter whose day has passed leaves the clock where it is.
        calendar.MoveTo(DemoCalendar.At(2026, 3, 16));
        Assert.InRange(calendar.GetUtcNow(), april, april + Slack);
    }
}
