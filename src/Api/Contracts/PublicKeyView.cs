namespace Ledger.Api.Contracts;

/// <summary>
/// The public half of the registry (docs/API.md "Public keys"): what anyone needs to check the
/// signatures of the public streams' entries, and nothing about who the people are.
/// </summary>
/// <param name="RootKeyId">The key id of the registrar's root key, the ledger's root fingerprint (docs/FORMAT.md §4.4).</param>
/// <param name="Keys">Every key the registry ever registered, revoked ones included, in the order it registered them.</param>
/// <param name="Trial">The registry was opened as a trial: its root key was made on the server, so the ledger cannot hold against the server's operator (docs/FORMAT.md §12).</param>
public sealed record PublicKeys(string RootKeyId, IReadOnlyList<PublicKeyView> Keys, bool Trial);

/// <summary>One registered signing key: whose it is, and from when to when it could sign.</summary>
/// <param name="KeyId">The key id (docs/FORMAT.md §4.4): lowercase hex of the first 16 bytes of SHA-256("CommunityLedger/v1/key\n" ‖ public key).</param>
/// <param name="PersonId">The person id the key is registered to, as the commands it signs name it.</param>
/// <param name="PublicKey">The Ed25519 public key, 64 lowercase hex digits.</param>
/// <param name="AddedLogPosition">The global log position of the registry entry that registered it: it signs only entries after it.</param>
/// <param name="RevokedLogPosition">The global log position of the registry entry that revoked it; null while it is not revoked.</param>
public sealed record PublicKeyView(string KeyId, string PersonId, string PublicKey, long AddedLogPosition, long? RevokedLogPosition);
