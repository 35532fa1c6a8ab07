namespace Ledger.Checkpoints;

/// <summary>
/// The outcome of checking one witness's cosignature on a checkpoint note
/// (<see cref="Cosignature.Verify"/>), in the order the checks run (STYLE.md 8). Shown to
/// auditors: never renumber.
/// </summary>
public enum CosignatureResult
{
    Valid = 0,

    /// <summary>No signature line carries the witness's name and key ID: it did not cosign this note.</summary>
    NoCosignature = 1,

    /// <summary>A line by the witness is not 8 bytes of timestamp and a 64-byte Ed25519 signature after its key ID (tlog-cosignature.md "Format").</summary>
    WrongLength = 2,

    /// <summary>The timestamp exceeds 2^63 − 1, which it MUST NOT (tlog-cosignature.md "Format").</summary>
    TimestampTooLarge = 3,

    /// <summary>The timestamp is zero: a witness MUST NOT omit it (tlog-witness.md "add-checkpoint"), so the cosignature states nothing about the time.</summary>
    TimestampZero = 4,

    /// <summary>The signature does not verify over "cosignature/v1\ntime &lt;t&gt;\n" and the note text under the witness's key.</summary>
    SignatureInvalid = 5,
}
