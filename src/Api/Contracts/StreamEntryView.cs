using System.Text.Json;

namespace Ledger.Api.Contracts;

/// <summary>
/// One entry of a stream as the ledger stores it, with the facts a reader checks spelled out
/// beside it: where it sits, who signed it with which key, and what the signer's roles are now.
/// </summary>
/// <param name="Stream">The stream id, e.g. "project/b3-elevator".</param>
/// <param name="Sequence">The entry's number in its stream, from 0.</param>
/// <param name="LogPosition">Its 0-based position in the global log (its Merkle leaf index).</param>
/// <param name="Hash">The entry hash (docs/FORMAT.md §4.2), lowercase hex.</param>
/// <param name="PreviousHash">The hash of the stream's previous entry; 64 zeros for entry 0.</param>
/// <param name="Type">The entry type, e.g. "ReceiptRecorded".</param>
/// <param name="PersonId">Who signed the command that caused it.</param>
/// <param name="KeyId">With which of their keys.</param>
/// <param name="SignerRoles">The signer's roles as the registry has them now (not necessarily when they signed).</param>
/// <param name="Signature">The Ed25519 signature of the command, 128 lowercase hex digits.</param>
/// <param name="RecordedAt">When the ledger accepted the command, e.g. "2026-01-31T08:00:00.000Z".</param>
/// <param name="Entry">The entry object exactly as hashed: its canonical JSON (docs/FORMAT.md §2), prefixed, hashes to Hash.</param>
public sealed record StreamEntryView(
    string Stream,
    long Sequence,
    long LogPosition,
    string Hash,
    string PreviousHash,
    string Type,
    string PersonId,
    string KeyId,
    IReadOnlyList<string> SignerRoles,
    string Signature,
    string RecordedAt,
    JsonElement Entry);

/// <summary>A page of a stream's entries, in sequence order.</summary>
/// <param name="Stream">The stream id.</param>
/// <param name="Entries">At most the requested limit of entries, from the requested sequence on.</param>
/// <param name="Next">The "from" of the next page; null when this page reaches the stream's end.</param>
public sealed record StreamEntriesPage(string Stream, IReadOnlyList<StreamEntryView> Entries, long? Next);
