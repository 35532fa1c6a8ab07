using System.Globalization;

namespace Ledger.Canonical;

/// <summary>
/// Times are UTC with millisecond precision in one spelling, "2026-01-31T08:00:00.000Z"
/// (FORMAT.md §1), so that a time inside hashed bytes has exactly one representation.
/// </summary>
public static class LedgerTime
{
    const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>
    /// 北京时间, UTC+8 all year, in which caps' periods and bank statements' days are counted:
    /// China has kept no daylight saving time since 1991, so a fixed offset gives every period
    /// boundary exactly (00:00 in Beijing is 16:00 UTC the day before).
    /// </summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>Drops what the format cannot carry, so a time survives a round trip unchanged.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    public static bool TryParse(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, Pattern, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
}
