using Npgsql;

namespace Ledger.Grains.Storage;

/// <summary>
/// The one place that translates PostgreSQL errors (SQLSTATE) into what the ledger means by
/// them (STYLE.md 12). Constraint names come from the migrations.
/// </summary>
public static class StorageErrors
{
    /// <summary>Raised by the append-only guard of 0001_entries.sql.</summary>
    public const string AppendOnlyViolation = "LA001";

    /// <summary>Raised by the recorded-time guard of 0006_recorded_time_order.sql.</summary>
    public const string RecordedTimeWentBack = "LA002";

    /// <summary>
    /// A stream position was taken by another writer (primary key), or the entry does not link
    /// to the stream's committed head (the chain check, raised as a foreign key violation by
    /// 0008_leaner_entry_indexes.sql as by 0001's foreign key before it): either way the
    /// writer's view of the stream is stale. A hash already in the log at another position
    /// (entry_hash_unique, 23P01) is not mapped: the hash covers the stream and sequence, so
    /// only a broken writer or tampering produces one, and it must fail loudly.
    /// </summary>
    public static bool IsSequenceConflict(PostgresException e) =>
        (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "entry_pk")
        || (e.SqlState == PostgresErrorCodes.ForeignKeyViolation && e.ConstraintName == "entry_links_to_previous");

    /// <summary>
    /// An appended entry is recorded more than the skew before the greatest recorded time
    /// before it in the log (docs/FORMAT.md §4.5): its command read a clock that is behind.
    /// </summary>
    public static bool IsRecordedTimeGoingBack(PostgresException e) => e.SqlState == RecordedTimeWentBack;

    /// <summary>The person's idempotency key was recorded by another, concurrent acceptance.</summary>
    public static bool IsReceiptConflict(PostgresException e) =>
        e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "command_receipt_pk";

    /// <summary>
    /// What a sequence conflict means, in words a client may read: constraint names and
    /// PostgreSQL's own message stay in the server's log, never in an answer.
    /// </summary>
    public static string Describe(PostgresException e) => e.ConstraintName switch
    {
        "entry_links_to_previous" => "the entry does not link to the stream's committed head",
        _ => "the stream position is already taken",
    };
}
