// Writes Ed25519 cosignature/v1 lines: C2SP tlog-cosignature "Format" and "Ed25519 signed message".
using System.Buffers.Binary;
using Ledger.Signing;

namespace Ledger.Checkpoints;

/// <summary>
/// A witness's name with its Ed25519 key. The signer borrows the key: disposing it is its
/// owner's business. Whether a checkpoint may be cosigned (consistent with all the witness
/// saw before) is the caller's to decide; this only writes the line.
/// </summary>
public sealed class CosignatureSigner
{
    const int KeyIdSizeBytes = 4;

    readonly SigningKey signingKey;

    /// <exception cref="ArgumentException">The name is not a valid key name (<see cref="NoteVerifierKey.IsValidName"/>).</exception>
    public CosignatureSigner(string name, SigningKey signingKey)
    {
        VerifierKey = CosignatureVerifierKey.FromPublicKey(name, signingKey.PublicKey);
        this.signingKey = signingKey;
    }

    /// <summary>The key to hand to verifiers and logs, as <see cref="CosignatureVerifierKey.Format"/>.</summary>
    public CosignatureVerifierKey VerifierKey { get; }

    /// <summary>
    /// "— &lt;name&gt; base64(key ID || timestamp || signature)\n" over <paramref name="checkpointText"/>
    /// (the note text, final newline included) at <paramref name="timestamp"/> (POSIX seconds).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The timestamp is not positive: a witness MUST NOT omit it (tlog-witness.md).</exception>
    /// <exception cref="ArgumentException">The text is not a checkpoint body: the caller signs only what it checked.</exception>
    public string SignatureLine(string checkpointText, long timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestamp);
        if (!Checkpoint.Parse(checkpointText).IsValid)
        {
            throw new ArgumentException("A witness cosigns checkpoint bodies only.", nameof(checkpointText));
        }
        Span<byte> line = stackalloc byte[KeyIdSizeBytes + Cosignature.TimestampSizeBytes + Ed25519.SignatureSizeBytes];
        BinaryPrimitives.WriteUInt32BigEndian(line, VerifierKey.KeyId);
        BinaryPrimitives.WriteInt64BigEndian(line[KeyIdSizeBytes..], timestamp);
        signingKey.Sign(Cosignature.Message(timestamp, checkpointText), line[(KeyIdSizeBytes + Cosignature.TimestampSizeBytes)..]);
        return $"{SignedNote.SignatureLinePrefix}{VerifierKey.Name} {Convert.ToBase64String(line)}\n";
    }
}
