namespace Ledger.Api.Contracts;

/// <summary>The answer of GET /health.</summary>
/// <param name="Status">"ok" when every check passes; "degraded" when entries have waited longer than Health:CheckpointDegradedAfterSeconds for a signed checkpoint.</param>
/// <param name="PostgresVersion">The PostgreSQL server's version, e.g. "15.18".</param>
/// <param name="SchemaVersion">The ledger schema version the database is at.</param>
/// <param name="FormatVersion">The entry format version of docs/FORMAT.md this server writes.</param>
/// <param name="LogSize">Entries in the global log.</param>
/// <param name="Registry">
/// "trial" when the registry was opened as a trial (the registrar's root key was made on this
/// server: the ledger cannot hold against its operator, docs/FORMAT.md §12); "production" when
/// opened by a registrar's own key; "notOpen" while a production server waits for its registrar.
/// </param>
/// <param name="NotSigningBecause">Why this server signs no checkpoint of the grown log, e.g. its log key is not the one the registry names; null when it signs.</param>
public sealed record Health(string Status, string PostgresVersion, int SchemaVersion, int FormatVersion, long LogSize,
    string Registry, string? NotSigningBecause);
