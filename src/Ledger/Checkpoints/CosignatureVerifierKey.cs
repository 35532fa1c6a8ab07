// A witness's key: C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature) "Format", Ed25519
// cosignature/v1, signature type 0x04, written as a signed-note vkey:
// <name>+<8 hex key ID>+<base64(0x04 || 32-byte Ed25519 public key)>.
using System.Diagnostics.CodeAnalysis;
using Ledger.Signing;

namespace Ledger.Checkpoints;

/// <summary>
/// A cosigner (a witness) by name and Ed25519 public key. Its key ID is
/// SHA-256(name || 0x0A || 0x04 || public key)[:4], so a (name, key ID) pair names one key. The
/// cosignature/v1 message does not commit to the name, so one public key must never serve two
/// names (tlog-cosignature.md "Ed25519 signed message"): <see cref="Cosignature.CountWitnesses"/>
/// counts a key once whatever names it is given under.
/// </summary>
public sealed class CosignatureVerifierKey : IEquatable<CosignatureVerifierKey>
{
    /// <summary>The signature type of Ed25519 cosignature/v1 (tlog-cosignature.md "Format").</summary>
    public const byte Ed25519CosignatureType = 0x04;

    CosignatureVerifierKey(string name, VerificationKey publicKey)
    {
        Name = name;
        PublicKey = publicKey;
        KeyId = NoteVerifierKey.ComputeKeyId(name, [Ed25519CosignatureType, .. publicKey.Bytes]);
    }

    public string Name { get; }

    /// <summary>SHA-256(name || 0x0A || 0x04 || public key)[:4], read big-endian.</summary>
    public uint KeyId { get; }

    public VerificationKey PublicKey { get; }

    /// <summary>Names a witness's public key; the key ID is computed.</summary>
    /// <exception cref="ArgumentException">The name is not a valid key name (<see cref="NoteVerifierKey.IsValidName"/>).</exception>
    public static CosignatureVerifierKey FromPublicKey(string name, VerificationKey publicKey) =>
        NoteVerifierKey.IsValidName(name)
            ? new CosignatureVerifierKey(name, publicKey)
            : throw new ArgumentException("A witness name is non-empty, without Unicode spaces, '+' or control characters.", nameof(name));

    /// <summary>Reads <c>name+keyid+base64(0x04 || key)</c>, as strictly as a log's vkey (FORMAT.md §10.3). Bad input is a result, never an exception.</summary>
    public static CosignatureVerifierKeyParse Parse(string vkey)
    {
        var result = NoteVerifierKey.ParseTyped(vkey, Ed25519CosignatureType, out string name, out _, out VerificationKey? publicKey);
        return result == NoteVerifierKeyResult.Valid
            ? new(result, new CosignatureVerifierKey(name, publicKey!))
            : new(result, null);
    }

    /// <summary>The witness's vkey text: <c>name+keyid+base64(0x04 || public key)</c>.</summary>
    public string Format() => NoteVerifierKey.FormatTyped(Name, KeyId, Ed25519CosignatureType, PublicKey);

    public override string ToString() => Format();

    /// <summary>The tuple of key name and key ID names the key (signed-note.md "Signatures").</summary>
    internal bool IsClaimedBy(NoteSignature signature) => signature.KeyName == Name && signature.KeyId == KeyId;

    public bool Equals(CosignatureVerifierKey? other) =>
        other is not null && Name == other.Name && PublicKey == other.PublicKey;

    public override bool Equals(object? obj) => Equals(obj as CosignatureVerifierKey);

    public override int GetHashCode() => HashCode.Combine(Name, KeyId);
}

/// <summary>The result of <see cref="CosignatureVerifierKey.Parse"/>: a reason, and the key when it is <see cref="NoteVerifierKeyResult.Valid"/>.</summary>
public readonly record struct CosignatureVerifierKeyParse(NoteVerifierKeyResult Result, CosignatureVerifierKey? Key)
{
    [MemberNotNullWhen(true, nameof(Key))]
    public bool IsValid => Result == NoteVerifierKeyResult.Valid;
}
