using NSec.Cryptography;

namespace Ledger.Signing;

/// <summary>
/// An Ed25519 public key: the 32-byte encoded point A of RFC 8032 §5.1.5. Immutable; two keys
/// are equal when their bytes are.
/// </summary>
public sealed class VerificationKey : IEquatable<VerificationKey>
{
    private readonly byte[] _bytes;

    // NSec's typed key over the same bytes; raw import checks only the length.
    private readonly PublicKey _publicKey;

    private VerificationKey(byte[] bytes)
    {
        _bytes = bytes;
        _publicKey = PublicKey.Import(Ed25519.Algorithm, bytes, KeyBlobFormat.RawPublicKey);
    }

    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>
    /// Wraps 32 bytes as a key. Only the size is checked here: <see cref="Verify"/> rejects
    /// non-canonical and small-order keys, and <see cref="IsFullOrderPoint"/> says whether the
    /// key may be registered.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static VerificationKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Ed25519.PublicKeySizeBytes)
        {
            throw new ArgumentException(
                $"An Ed25519 public key is {Ed25519.PublicKeySizeBytes} bytes, not {key.Length}.", nameof(key));
        }

        return new VerificationKey(key.ToArray());
    }

    /// <summary>
    /// True when the key is the canonical encoding of a point of order L, the order of the
    /// base point: not one of the eight points of small order, nor such a point added to a
    /// key. Only such keys are registered (docs/ENTRIES.md, PublicKeyNotFullOrder).
    /// </summary>
    public bool IsFullOrderPoint => Edwards25519.IsFullOrderPoint(_bytes);

    /// <summary>
    /// Checks <paramref name="signature"/> over <paramref name="message"/> (RFC 8032 §5.1.7).
    /// Returns false, never throws, for any signature that does not verify, including one of
    /// the wrong length: a forged or damaged signature is an outcome, not an error. libsodium
    /// (1.0.22, under NSec) is strict: it rejects S ≥ L and non-canonical or small-order R and A.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        Ed25519.Algorithm.Verify(_publicKey, message, signature);

    public bool Equals(VerificationKey? other) =>
        other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as VerificationKey);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    public static bool operator ==(VerificationKey? left, VerificationKey? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(VerificationKey? left, VerificationKey? right) => !(left == right);

    /// <summary>Lowercase hex, for diagnostics only; never hashed or signed.</summary>
    public override string ToString() => Convert.ToHexStringLower(_bytes);
}
