using Ledger.Signing.Interop;

namespace Ledger.Signing;

/// <summary>
/// An Ed25519 private key. The expanded secret key stays in native memory that is zeroed when
/// the key is disposed; only the public half leaves this object.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly SecretKeyHandle _secretKey;

    private SigningKey(SecretKeyHandle secretKey, VerificationKey publicKey)
    {
        _secretKey = secretKey;
        PublicKey = publicKey;
    }

    public VerificationKey PublicKey { get; }

    /// <summary>
    /// Derives the key pair from a 32-byte seed (RFC 8032 §5.1.5). The core has no randomness:
    /// callers draw the seed, e.g. with RandomNumberGenerator at the edge.
    /// </summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static unsafe SigningKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519.SeedSizeBytes)
        {
            throw new ArgumentException(
                $"An Ed25519 seed is {Ed25519.SeedSizeBytes} bytes, not {seed.Length}.", nameof(seed));
        }

        Libsodium.EnsureInitialized();
        var secretKey = SecretKeyHandle.Allocate(Libsodium.crypto_sign_ed25519_SECRETKEYBYTES);
        Span<byte> publicKey = stackalloc byte[Ed25519.PublicKeySizeBytes];
        int result;
        fixed (byte* pk = publicKey)
        fixed (byte* s = seed)
        {
            result = Libsodium.crypto_sign_ed25519_seed_keypair(pk, secretKey, s);
        }

        if (result != 0)
        {
            secretKey.Dispose();
            throw new InvalidOperationException(
                $"crypto_sign_ed25519_seed_keypair returned {result}; it cannot fail for a 32-byte seed.");
        }

        return new SigningKey(secretKey, VerificationKey.FromBytes(publicKey));
    }

    /// <summary>Signs <paramref name="message"/> (RFC 8032 §5.1.6); deterministic.</summary>
    /// <returns>The 64-byte signature R || S.</returns>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[Ed25519.SignatureSizeBytes];
        Sign(message, signature);
        return signature;
    }

    /// <summary>Signs <paramref name="message"/> into a caller's 64-byte buffer.</summary>
    /// <exception cref="ArgumentException"><paramref name="signature"/> is not 64 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public unsafe void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        if (signature.Length != Ed25519.SignatureSizeBytes)
        {
            throw new ArgumentException(
                $"An Ed25519 signature is {Ed25519.SignatureSizeBytes} bytes, not {signature.Length}.",
                nameof(signature));
        }

        int result;
        fixed (byte* sig = signature)
        fixed (byte* m = message)
        {
            // The SafeHandle marshaller holds a reference for the call, and throws
            // ObjectDisposedException after Dispose instead of reading freed memory.
            result = Libsodium.crypto_sign_ed25519_detached(sig, null, m, (ulong)message.Length, _secretKey);
        }

        if (result != 0)
        {
            throw new InvalidOperationException(
                $"crypto_sign_ed25519_detached returned {result}; it cannot fail for a valid key.");
        }
    }

    public void Dispose() => _secretKey.Dispose();
}
