// Writes signed-note signature lines: C2SP signed-note.md "Signatures" and "Ed25519 signatures".
using System.Buffers.Binary;
using Ledger.Signing;

namespace Ledger.Checkpoints;

/// <summary>
/// A key name with an Ed25519 signing key. The signer borrows the key: disposing the key
/// is its owner's business, and signing after that throws ObjectDisposedException.
/// </summary>
public sealed class NoteSigner
{
    const int KeyIdSizeBytes = 4;

    readonly SigningKey signingKey;

    /// <exception cref="ArgumentException">The name is not a valid key name (<see cref="NoteVerifierKey.IsValidName"/>).</exception>
    public NoteSigner(string name, SigningKey signingKey)
    {
        VerifierKey = NoteVerifierKey.FromPublicKey(name, signingKey.PublicKey);
        this.signingKey = signingKey;
    }

    public string Name => VerifierKey.Name;

    public uint KeyId => VerifierKey.KeyId;

    /// <summary>The key to hand to verifiers, e.g. as <see cref="NoteVerifierKey.Format"/>.</summary>
    public NoteVerifierKey VerifierKey { get; }

    /// <summary>
    /// "— &lt;name&gt; base64(key ID || Ed25519 signature over <paramref name="noteText"/>)\n".
    /// The signed bytes are the note text including its final newline (signed-note.md "Format").
    /// </summary>
    public string SignatureLine(ReadOnlySpan<byte> noteText)
    {
        Span<byte> keyIdAndSignature = stackalloc byte[KeyIdSizeBytes + Ed25519.SignatureSizeBytes];
        BinaryPrimitives.WriteUInt32BigEndian(keyIdAndSignature, KeyId);
        signingKey.Sign(noteText, keyIdAndSignature[KeyIdSizeBytes..]);
        return $"{SignedNote.SignatureLinePrefix}{Name} {Convert.ToBase64String(keyIdAndSignature)}\n";
    }
}
