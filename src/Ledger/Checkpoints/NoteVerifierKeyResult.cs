namespace Ledger.Checkpoints;

/// <summary>
/// The outcome of reading a verifier key string (<see cref="NoteVerifierKey.Parse"/>), in the
/// order the checks run, which is the order of Go's golang.org/x/mod/sumdb/note NewVerifier
/// (STYLE.md 8). Shown to operators: never renumber.
/// </summary>
public enum NoteVerifierKeyResult
{
    Valid = 0,

    /// <summary>Not three fields <c>name+keyid+key</c>: fewer than two '+' separators.</summary>
    MissingSeparator = 1,

    /// <summary>The name is empty or holds a Unicode space, a '+' or a control character (signed-note.md "Format").</summary>
    InvalidName = 2,

    /// <summary>The key ID is not exactly eight lowercase hexadecimal digits.</summary>
    KeyIdNotEightLowercaseHexDigits = 3,

    /// <summary>The key field is empty or not canonical standard padded base64 (RFC 4648 §4).</summary>
    KeyNotBase64 = 4,

    /// <summary>The key ID is not SHA-256(name || 0x0A || key field bytes)[:4] (signed-note.md "Signatures").</summary>
    KeyIdMismatch = 5,

    /// <summary>The key's first byte is not the type expected: 0x01 for a note signer (signed-note.md "Signature types"), 0x04 for a cosigner (tlog-cosignature.md "Format").</summary>
    UnknownSignatureType = 6,

    /// <summary>An Ed25519 key field that is not its type byte followed by exactly 32 bytes.</summary>
    WrongPublicKeyLength = 7,
}
