namespace Ledger.Checkpoints;

/// <summary>
/// The outcome of reading and verifying a signed note (<see cref="SignedNote"/>), in the order
/// the checks run (STYLE.md 8): codes 1–10 are "malformed note" in Go's
/// golang.org/x/mod/sumdb/note Open, 11–13 are about the signatures. Shown to users and
/// auditors: never renumber.
/// </summary>
public enum NoteResult
{
    Valid = 0,

    /// <summary>The note is not valid UTF-8 (signed-note.md "Format").</summary>
    NotUtf8 = 1,

    /// <summary>The note holds an ASCII control character other than newline (signed-note.md "Format").</summary>
    ControlCharacter = 2,

    /// <summary>No blank line (two newlines in a row) separates a text from signatures.</summary>
    NoBlankLineBeforeSignatures = 3,

    /// <summary>Nothing follows the last blank line: a note has one or more signature lines.</summary>
    NoSignatureLines = 4,

    /// <summary>The last signature line does not end with a newline.</summary>
    MissingFinalNewline = 5,

    /// <summary>A line after the last blank line does not start with an em dash (U+2014) and a space.</summary>
    NotASignatureLine = 6,

    /// <summary>A signature line's key name is empty or holds a space, '+' or control character.</summary>
    InvalidKeyName = 7,

    /// <summary>A signature is missing or not canonical standard padded base64 (RFC 4648 §4).</summary>
    SignatureNotBase64 = 8,

    /// <summary>A signature decodes to fewer than 5 bytes: a 4-byte key ID and at least one byte of signature.</summary>
    SignatureTooShort = 9,

    /// <summary>More than <see cref="SignedNote.MaxSignatures"/> signature lines (Go's limit; C2SP asks for at least 16).</summary>
    TooManySignatures = 10,

    /// <summary>Two different known keys share the name and key ID of a signature line: the caller's key list is unsafe.</summary>
    AmbiguousKnownKey = 11,

    /// <summary>A signature by a known key (name and key ID) does not verify: the whole note is rejected (signed-note.md "Signatures").</summary>
    InvalidSignatureByKnownKey = 12,

    /// <summary>No signature is by a known key, so none verified: the note MUST be rejected (signed-note.md "Signatures").</summary>
    NoSignatureByKnownKey = 13,
}
