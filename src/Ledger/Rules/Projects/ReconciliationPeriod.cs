using System.Globalization;

namespace Ledger.Rules.Projects;

/// <summary>
/// The calendar days a bank reconciliation covers, both included, in China Standard Time
/// (UTC+08:00, no daylight saving): a bank statement is dated in the bank's local days
/// (docs/BANK.md). The period ends at 00:00 CST of the day after <see cref="To"/>: an entry
/// counts in the period when its recordedAt is before that instant.
/// </summary>
public readonly record struct ReconciliationPeriod(DateOnly From, DateOnly To)
{
    const string DatePattern = "yyyy-MM-dd";

    public DateTimeOffset StartsAt => new(From.ToDateTime(TimeOnly.MinValue), Canonical.LedgerTime.ChinaStandardTime);

    /// <summary>The first instant after the period: 00:00 CST of the day after <see cref="To"/>.</summary>
    public DateTimeOffset EndsAt => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), Canonical.LedgerTime.ChinaStandardTime);

    public bool Contains(DateOnly day) => day >= From && day <= To;

    public bool Contains(DateTimeOffset instant) => instant >= StartsAt && instant < EndsAt;

    /// <summary>
    /// A date in its one spelling, "2026-09-30", from the year 2000 to 9998: far inside what
    /// a DateTimeOffset holds, so that the period's start and end instants always exist.
    /// </summary>
    /// <exception cref="FormatException">Not a date in that spelling and range.</exception>
    public static DateOnly ParseDate(string text, string what) =>
        DateOnly.TryParseExact(text, DatePattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 2000 and <= 9998
            ? day
            : throw new FormatException($"{what} must be a date like 2026-09-30, from 2000-01-01 to 9998-12-31");

    public static string Format(DateOnly day) => day.ToString(DatePattern, CultureInfo.InvariantCulture);

    public override string ToString() => $"{Format(From)}..{Format(To)}";
}
