using System.Security.Cryptography;
using Ledger.Canonical;

namespace Ledger.Hashing;

/// <summary>A SHA-256 digest: entry hashes, chain links and evidence documents (FORMAT.md §4).</summary>
public sealed class Hash : IEquatable<Hash>
{
    public const int Size = 32;

    readonly byte[] bytes;

    Hash(byte[] bytes)
    {
        Invariant.Holds(bytes.Length == Size, "a hash is 32 bytes");
        this.bytes = bytes;
    }

    /// <summary>The previous hash of every stream's entry 0 (FORMAT.md §4.3).</summary>
    public static Hash Zero { get; } = new(new byte[Size]);

    public ReadOnlySpan<byte> Bytes => bytes;

    public static Hash FromBytes(ReadOnlySpan<byte> digest) =>
        digest.Length == Size
            ? new Hash(digest.ToArray())
            : throw new FormatException($"a hash is {Size} bytes, not {digest.Length}");

    /// <summary>SHA-256 over a domain-separation prefix followed by the data (FORMAT.md §3).</summary>
    public static Hash Of(ReadOnlySpan<byte> domainPrefix, ReadOnlySpan<byte> data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(domainPrefix);
        sha.AppendData(data);
        return new Hash(sha.GetHashAndReset());
    }

    public static Hash Parse(string hex) => FromBytes(Hex.Decode(hex, Size));

    public static bool TryParse(string? hex, out Hash hash)
    {
        hash = Zero;
        if (hex is null || !Hex.TryDecode(hex, Size, out var digest))
        {
            return false;
        }
        hash = new Hash(digest);
        return true;
    }

    public override string ToString() => Convert.ToHexStringLower(bytes);

    public bool Equals(Hash? other) => other is not null && bytes.AsSpan().SequenceEqual(other.bytes);

    public override bool Equals(object? obj) => Equals(obj as Hash);

    public override int GetHashCode() => BitConverter.ToInt32(bytes, 0);
}
