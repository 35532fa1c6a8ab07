using System.Security.Cryptography;
using Ledger.Canonical;

namespace Ledger.Entries;

/// <summary>
/// A key id names an Ed25519 public key in commands and in the registry (FORMAT.md §4.4):
/// the first 16 bytes of SHA-256 over the key prefix and the 32-byte public key, in hex.
/// It is also the fingerprint a resident supervisor compares when pinning the root key.
/// </summary>
public static class KeyIds
{
    public const int Size = 16;

    public static string Of(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != 32)
        {
            throw new ArgumentException("an Ed25519 public key is 32 bytes", nameof(publicKey));
        }
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData([.. FormatVersion.KeyIdPrefix, .. publicKey], digest);
        return Hex.Encode(digest[..Size]);
    }

    public static bool IsKeyId(string? text) => text is not null && Hex.TryDecode(text, Size, out _);
}
