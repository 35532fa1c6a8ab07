namespace Ledger.Api.Contracts;

/// <summary>Where one entry written by a command landed.</summary>
/// <param name="Stream">The stream id, e.g. "project/b3-elevator".</param>
/// <param name="Sequence">The entry's sequence number in its stream.</param>
/// <param name="Hash">The entry hash (docs/FORMAT.md §4.2), lowercase hex.</param>
/// <param name="LogPosition">The entry's position in the global log.</param>
public sealed record EntryAcknowledgement(string Stream, long Sequence, string Hash, long LogPosition);

/// <summary>The acknowledgement of an accepted command: sent only after the commit.</summary>
/// <param name="Stream">The stream of the command's main entry (the first one written: the household side of a payment or a redemption).</param>
/// <param name="Sequence">The main entry's sequence number.</param>
/// <param name="Hash">The main entry's hash.</param>
/// <param name="LogPosition">The main entry's position in the global log.</param>
/// <param name="Replayed">True when this is the first result of an earlier command with the same idempotency key and body.</param>
/// <param name="Entries">Every entry the command wrote, in log order.</param>
public sealed record CommandAcknowledgement(string Stream, long Sequence, string Hash, long LogPosition, bool Replayed,
    IReadOnlyList<EntryAcknowledgement> Entries);

/// <summary>
/// A signed command as posted (docs/FORMAT.md §6): the command and the Ed25519 signature over
/// "CommunityLedger/v1/command\n" followed by the command's canonical JSON. The server reads
/// the exact bytes; this record documents their shape.
/// </summary>
public sealed record SignedCommandRequest(CommandRequest Command, string Signature);

/// <summary>The command of a signed command: who, with which key, what, and when.</summary>
/// <param name="PersonId">The signer's person id.</param>
/// <param name="KeyId">The signer's key id (docs/FORMAT.md §4.4).</param>
/// <param name="Type">The command type; it must match the endpoint.</param>
/// <param name="Body">The command's arguments (docs/ENTRIES.md).</param>
/// <param name="IdempotencyKey">Chosen by the client; a retry sends the same key.</param>
/// <param name="IssuedAt">When the client signed it, e.g. 2026-01-31T08:00:00.000Z; within 5 minutes of the server's clock.</param>
public sealed record CommandRequest(string PersonId, string KeyId, string Type, System.Text.Json.JsonElement Body, string IdempotencyKey, string IssuedAt);
