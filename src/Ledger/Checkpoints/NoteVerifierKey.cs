// A signed-note verifier key: C2SP signed-note.md "Signatures" and "Ed25519 signatures", in the
// text form <name>+<8 hex key ID>+<base64(0x01 || 32-byte public key)> that Go's
// golang.org/x/mod/sumdb/note writes (the C2SP text leaves the string form to implementations).
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ledger.Signing;

namespace Ledger.Checkpoints;

/// <summary>
/// A named Ed25519 key that may sign notes. Its key ID is always the one the name and key
/// imply, so a (name, key ID) pair names at most one key unless SHA-256 is broken or someone
/// ground out a 32-bit collision, which <see cref="SignedNote.Verify(IReadOnlyCollection{NoteVerifierKey})"/> refuses to guess about.
/// </summary>
public sealed class NoteVerifierKey : IEquatable<NoteVerifierKey>
{
    /// <summary>The signature type identifier byte of Ed25519 (signed-note.md "Signature types").</summary>
    public const byte Ed25519SignatureType = 0x01;

    const char Separator = '+';

    NoteVerifierKey(string name, VerificationKey publicKey, uint keyId)
    {
        Invariant.Holds(keyId == ComputeKeyId(name, publicKey), "a verifier key's ID is derived from its name and key");
        Name = name;
        PublicKey = publicKey;
        KeyId = keyId;
    }

    public string Name { get; }

    /// <summary>SHA-256(name || 0x0A || 0x01 || public key)[:4], read big-endian.</summary>
    public uint KeyId { get; }

    public VerificationKey PublicKey { get; }

    /// <summary>Names a public key; the key ID is computed.</summary>
    /// <exception cref="ArgumentException">The name is not a valid key name (<see cref="IsValidName"/>).</exception>
    public static NoteVerifierKey FromPublicKey(string name, VerificationKey publicKey)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                "A note key name is non-empty, without Unicode spaces, '+' or control characters.", nameof(name));
        }
        return new NoteVerifierKey(name, publicKey, ComputeKeyId(name, publicKey));
    }

    /// <summary>
    /// signed-note.md "Format": key names MUST be non-empty and MUST NOT contain Unicode spaces
    /// or '+'. Control characters are refused too: a note may not contain them, so a name that
    /// held one could never appear in a signature line. Whitespace is .NET's char.IsWhiteSpace,
    /// the same set as Go's unicode.IsSpace (the Unicode White_Space property), all in the BMP.
    /// </summary>
    public static bool IsValidName([NotNullWhen(true)] string? name)
    {
        if (string.IsNullOrEmpty(name) || !NoteEncoding.IsNoteText(name))
        {
            return false;
        }
        foreach (char c in name)
        {
            if (c == Separator || char.IsWhiteSpace(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4], as a
    /// big-endian uint32 (signed-note.md "Ed25519 signatures").
    /// </summary>
    public static uint ComputeKeyId(string name, VerificationKey publicKey) =>
        ComputeKeyId(name, [Ed25519SignatureType, .. publicKey.Bytes]);

    // Over the whole typed key field, as Go's keyHash(name, key) does, so that a key of an
    // unknown type or length still gets an ID to compare with the one the string claims.
    internal static uint ComputeKeyId(string name, ReadOnlySpan<byte> typedKey)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] preimage = [.. nameBytes, (byte)NoteEncoding.Newline, .. typedKey];
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(preimage));
    }

    /// <summary>Reads <c>name+keyid+base64key</c>. Bad input is a result, never an exception.</summary>
    public static NoteVerifierKeyParse Parse(string vkey)
    {
        var result = ParseTyped(vkey, Ed25519SignatureType, out string name, out uint keyId, out VerificationKey? publicKey);
        return result == NoteVerifierKeyResult.Valid
            ? new(result, new NoteVerifierKey(name, publicKey!, keyId))
            : new(result, null);
    }

    /// <summary>
    /// Reads the vkey text <c>name+keyid+base64(type || 32-byte Ed25519 key)</c> of an Ed25519 key
    /// of <paramref name="signatureType"/>: 0x01 for a note signer, 0x04 for a cosigner
    /// (tlog-cosignature.md "Format"). The key ID is checked over the typed key as the text spells it.
    /// </summary>
    internal static NoteVerifierKeyResult ParseTyped(string vkey, byte signatureType, out string name, out uint keyId, out VerificationKey? publicKey)
    {
        name = "";
        keyId = 0;
        publicKey = null;
        // The name cannot hold '+', so the first two '+' end the name and the key ID; the base64
        // key may hold '+' of its own.
        int first = vkey.IndexOf(Separator);
        int second = first < 0 ? -1 : vkey.IndexOf(Separator, first + 1);
        if (second < 0)
        {
            return NoteVerifierKeyResult.MissingSeparator;
        }
        string keyName = vkey[..first];
        ReadOnlySpan<char> keyIdHex = vkey.AsSpan(first + 1, second - first - 1);
        ReadOnlySpan<char> keyBase64 = vkey.AsSpan(second + 1);

        if (!IsValidName(keyName))
        {
            return NoteVerifierKeyResult.InvalidName;
        }
        // Go's ParseUint also takes uppercase; we write and read lowercase only, so a key has one
        // spelling and Format(Parse(s)) == s.
        if (keyIdHex.Length != 8 || keyIdHex.ContainsAnyExcept("0123456789abcdef"))
        {
            return NoteVerifierKeyResult.KeyIdNotEightLowercaseHexDigits;
        }
        uint id = uint.Parse(keyIdHex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (!NoteEncoding.TryDecodeBase64(keyBase64, out byte[] typedKey))
        {
            return NoteVerifierKeyResult.KeyNotBase64;
        }
        if (id != ComputeKeyId(keyName, typedKey))
        {
            return NoteVerifierKeyResult.KeyIdMismatch;
        }
        if (typedKey[0] != signatureType)
        {
            return NoteVerifierKeyResult.UnknownSignatureType;
        }
        if (typedKey.Length != 1 + Ed25519.PublicKeySizeBytes)
        {
            return NoteVerifierKeyResult.WrongPublicKeyLength;
        }
        name = keyName;
        keyId = id;
        publicKey = VerificationKey.FromBytes(typedKey.AsSpan(1));
        return NoteVerifierKeyResult.Valid;
    }

    /// <summary>The vkey text of an Ed25519 key of <paramref name="signatureType"/>, key ID as 8 lowercase hex digits.</summary>
    internal static string FormatTyped(string name, uint keyId, byte signatureType, VerificationKey publicKey) =>
        $"{name}{Separator}{keyId:x8}{Separator}{Convert.ToBase64String([signatureType, .. publicKey.Bytes])}";

    /// <summary>The verifier key string: <c>name+keyid+base64(0x01 || public key)</c>, key ID as 8 lowercase hex digits.</summary>
    public string Format() => FormatTyped(Name, KeyId, Ed25519SignatureType, PublicKey);

    public override string ToString() => Format();

    public bool Equals(NoteVerifierKey? other) =>
        other is not null && Name == other.Name && KeyId == other.KeyId && PublicKey == other.PublicKey;

    public override bool Equals(object? obj) => Equals(obj as NoteVerifierKey);

    public override int GetHashCode() => HashCode.Combine(Name, KeyId);
}

/// <summary>The result of <see cref="NoteVerifierKey.Parse"/>: a reason, and the key when it is <see cref="NoteVerifierKeyResult.Valid"/>.</summary>
public readonly record struct NoteVerifierKeyParse(NoteVerifierKeyResult Result, NoteVerifierKey? Key)
{
    [MemberNotNullWhen(true, nameof(Key))]
    public bool IsValid => Result == NoteVerifierKeyResult.Valid;
}
