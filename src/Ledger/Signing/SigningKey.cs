using NSec.Cryptography;

namespace Ledger.Signing;

/// <summary>
/// An Ed25519 private key, held as an NSec <see cref="Key"/>: in memory from libsodium's
/// sodium_malloc (locked, fenced by guard pages), zeroed when the key is disposed, and imported
/// without an export policy, so it can never be read back; only the public half leaves this
/// object. Key files keep the seed their writer drew (<see cref="KeyFile"/>), never an
/// export of this key.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly Key _key;

    private SigningKey(Key key)
    {
        _key = key;
        PublicKey = VerificationKey.FromBytes(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public VerificationKey PublicKey { get; }

    /// <summary>
    /// Derives the key pair from a 32-byte seed (RFC 8032 §5.1.5). The core has no randomness:
    /// callers draw the seed, e.g. with RandomNumberGenerator at the edge.
    /// </summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static SigningKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519.SeedSizeBytes)
        {
            throw new ArgumentException(
                $"An Ed25519 seed is {Ed25519.SeedSizeBytes} bytes, not {seed.Length}.", nameof(seed));
        }

        // RawPrivateKey is RFC 8032's 32-byte private key, the seed; any 32 bytes import.
        return new SigningKey(Key.Import(Ed25519.Algorithm, seed, KeyBlobFormat.RawPrivateKey));
    }

    /// <summary>Signs <paramref name="message"/> (RFC 8032 §5.1.6); deterministic.</summary>
    /// <returns>The 64-byte signature R || S.</returns>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public byte[] Sign(ReadOnlySpan<byte> message) => Ed25519.Algorithm.Sign(_key, message);

    /// <summary>Signs <paramref name="message"/> into a caller's 64-byte buffer.</summary>
    /// <exception cref="ArgumentException"><paramref name="signature"/> is not 64 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature) =>
        Ed25519.Algorithm.Sign(_key, message, signature);

    public void Dispose() => _key.Dispose();
}
