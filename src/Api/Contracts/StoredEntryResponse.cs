using System.Text.Json;

namespace Ledger.Api.Contracts;

/// <summary>An entry as the ledger stores it: its place in the global log, its hash, and the entry itself.</summary>
/// <param name="LogPosition">0-based position in the global log (the Merkle leaf index).</param>
/// <param name="Hash">The entry hash of docs/FORMAT.md §4.2, lowercase hex.</param>
/// <param name="Entry">The entry object exactly as hashed (its canonical JSON parses to this).</param>
public sealed record StoredEntryResponse(long LogPosition, string Hash, JsonElement Entry);
