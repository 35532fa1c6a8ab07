// Ed25519 as specified by RFC 8032 §5.1 ("pure" Ed25519: no context, no prehash), computed by
// NSec over the libsodium it ships as a NuGet native package (DESIGN.md 9). Keys and signatures
// are the RFC's encodings: 32-byte seed, 32-byte public key, 64-byte signature R || S.
// SigningKey and VerificationKey are the only code that calls NSec, through Algorithm below.
using NSec.Cryptography;

namespace Ledger.Signing;

public static class Ed25519
{
    /// <summary>The RFC 8032 private key: 32 bytes the caller draws from a CSPRNG.</summary>
    public const int SeedSizeBytes = 32;

    /// <summary>The encoded point A of RFC 8032 §5.1.5.</summary>
    public const int PublicKeySizeBytes = 32;

    /// <summary>R || S of RFC 8032 §5.1.6.</summary>
    public const int SignatureSizeBytes = 64;

    /// <summary>
    /// NSec's Ed25519. Its first use loads libsodium and checks libsodium's sizes against
    /// NSec's; the constants above are checked against NSec's here, once, so a buffer sized
    /// by them always fits.
    /// </summary>
    internal static readonly SignatureAlgorithm Algorithm = Checked(SignatureAlgorithm.Ed25519);

    static SignatureAlgorithm Checked(SignatureAlgorithm algorithm)
    {
        Invariant.Holds(
            algorithm.PrivateKeySize == SeedSizeBytes && algorithm.PublicKeySize == PublicKeySizeBytes && algorithm.SignatureSize == SignatureSizeBytes,
            "NSec's Ed25519 sizes are RFC 8032's");
        return algorithm;
    }
}
