namespace Ledger.Verifier.Verification;

/// <summary>How far an audit goes (docs/VERIFIER.md); new depths are appended, values never renumbered.</summary>
public enum AuditDepth
{
    /// <summary>Every hash, chain and checkpoint, every signature, and every command replayed through the rules.</summary>
    Full = 1,

    /// <summary>
    /// Every hash, chain and checkpoint, the manifest and the root key (--hash-only): the bytes are
    /// the history the log signed. No signature, key, role, idempotency key or rule is checked.
    /// </summary>
    HashOnly = 2,
}
