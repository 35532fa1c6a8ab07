namespace Ledger.Checkpoints;

/// <summary>
/// One signature line of a note, decoded: "— &lt;key name&gt; base64(32-bit key ID || signature)"
/// (signed-note.md "Signatures"). Not yet verified: only a known key can vouch for it.
/// </summary>
public sealed class NoteSignature
{
    readonly byte[] signature;

    internal NoteSignature(string keyName, uint keyId, byte[] signature, string base64)
    {
        KeyName = keyName;
        KeyId = keyId;
        this.signature = signature;
        Base64 = base64;
    }

    public string KeyName { get; }

    public uint KeyId { get; }

    /// <summary>The signature bytes after the key ID: 64 bytes for Ed25519, any length for other types.</summary>
    public ReadOnlySpan<byte> Signature => signature;

    /// <summary>The line's base64 field as written (key ID and signature).</summary>
    public string Base64 { get; }

    /// <summary>The signature line as written: "— &lt;key name&gt; &lt;base64&gt;\n".</summary>
    public string Line => $"{SignedNote.SignatureLinePrefix}{KeyName} {Base64}\n";

    /// <summary>The tuple of key name and key ID names the key (signed-note.md "Signatures").</summary>
    public bool ClaimsKey(NoteVerifierKey key) => KeyName == key.Name && KeyId == key.KeyId;

    public override string ToString() => $"{KeyName}+{KeyId:x8}";
}
