namespace Ledger.Api.Contracts;

/// <summary>The answer of GET /health.</summary>
/// <param name="Status">"ok" when every check passes; "degraded" when entries have waited longer than Health:CheckpointDegradedAfterSeconds for a signed checkpoint.</param>
/// <param name="PostgresVersion">The PostgreSQL server's version, e.g. "15.18".</param>
/// <param name="SchemaVersion">The ledger schema version the database is at.</param>
/// <param name="FormatVersion">The entry format version of docs/FORMAT.md this server writes.</param>
/// <param name="LogSize">Entries in the global log.</param>
public sealed record Health(string Status, string PostgresVersion, int SchemaVersion, int FormatVersion, long LogSize);
