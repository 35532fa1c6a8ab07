using Ledger.Canonical;

namespace Ledger.Api.Demo;

/// <summary>
/// The demo's clock: the real clock's pace, set forward to the days of the seeds' story (spring
/// and summer 2026) and moved forward by the demo between its chapters, never back. The
/// in-process demo server (its grains, registry genesis, log and signed-read checks) and the
/// demo's client read this one clock, so a command is signed and recorded at the same instant
/// of the story, inside the issue window (FORMAT.md §8), and the log's recorded times go
/// forward (FORMAT.md §4.5).
/// </summary>
/// <remarks>
/// Only the clock readings move: timers (the log's poll, the witnesses' pace) are durations of
/// the real clock, which <see cref="TimeProvider"/>'s own timers keep.
/// </remarks>
public sealed class DemoCalendar(DateTimeOffset start) : TimeProvider
{
    readonly Lock moving = new();
    TimeSpan ahead = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow()
    {
        lock (moving)
        {
            return System.GetUtcNow() + ahead;
        }
    }

    /// <summary>
    /// Moves the clock to <paramref name="time"/> if it reads earlier; a time already passed
    /// leaves it where it is (a chapter of a run that resumes after the log's latest entry).
    /// </summary>
    public void MoveTo(DateTimeOffset time)
    {
        lock (moving)
        {
            var now = System.GetUtcNow();
            if (time > now + ahead)
            {
                ahead = time - now;
            }
        }
    }

    /// <summary>A moment of the story: the day and hour in China Standard Time, as the seeds and the bank say them.</summary>
    public static DateTimeOffset At(int year, int month, int day, int hour = 9, int minute = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, LedgerTime.ChinaStandardTime).ToUniversalTime();
}
