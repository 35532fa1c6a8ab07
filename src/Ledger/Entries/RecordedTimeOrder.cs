namespace Ledger.Entries;

/// <summary>
/// Recorded times along the global log (FORMAT.md §4.5): an entry's <c>recordedAt</c> is never
/// more than <see cref="MaxSkew"/> before the greatest <c>recordedAt</c> of the entries before
/// it. Without this rule whoever stamps entries could date two attestations years ahead and
/// the payments after them today, and a warranty tranche would open years early (issue 15,
/// "time travel"). The server refuses to write an entry that breaks it and the verifier
/// reports one; both ask here.
/// </summary>
public static class RecordedTimeOrder
{
    /// <summary>
    /// How far a recorded time may lie behind the log's greatest one. Several server processes
    /// on one database stamp entries with their own clocks, each read once per command before
    /// the command is decided and queued, and positions are given at commit: 2 seconds cover
    /// the clocks' difference (milliseconds under NTP) and the time a command spends between its
    /// clock reading and its commit, while they leave nothing worth backdating. Fixed by the
    /// format, since the verifier checks it too; 0006_recorded_time_order.sql states the same bound.
    /// </summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether an entry recorded at <paramref name="recordedAt"/> goes back along the log:
    /// more than <see cref="MaxSkew"/> before <paramref name="greatestBefore"/>, the greatest
    /// recorded time of the entries before it (null for the log's first entry).
    /// </summary>
    public static bool GoesBack(DateTimeOffset? greatestBefore, DateTimeOffset recordedAt) =>
        greatestBefore is { } greatest && recordedAt < greatest - MaxSkew;
}
