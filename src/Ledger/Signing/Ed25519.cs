// Ed25519 as specified by RFC 8032 §5.1 ("pure" Ed25519: no context, no prehash), computed by
// libsodium. Keys and signatures are the RFC's encodings: 32-byte seed, 32-byte public key,
// 64-byte signature R || S.
using Ledger.Signing.Interop;

namespace Ledger.Signing;

public static class Ed25519
{
    /// <summary>The RFC 8032 private key: 32 bytes the caller draws from a CSPRNG.</summary>
    public const int SeedSizeBytes = Libsodium.crypto_sign_ed25519_SEEDBYTES;

    /// <summary>The encoded point A of RFC 8032 §5.1.5.</summary>
    public const int PublicKeySizeBytes = Libsodium.crypto_sign_ed25519_PUBLICKEYBYTES;

    /// <summary>R || S of RFC 8032 §5.1.6.</summary>
    public const int SignatureSizeBytes = Libsodium.crypto_sign_ed25519_BYTES;

    /// <summary>
    /// Loads libsodium and checks its sizes now, so a server fails at start-up rather than at
    /// its first signature.
    /// </summary>
    /// <exception cref="LibsodiumUnavailableException">Ed25519 cannot be used; the message is
    /// one line naming the fix.</exception>
    public static void EnsureAvailable() => Libsodium.EnsureInitialized();
}
