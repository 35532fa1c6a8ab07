using System.Security.Cryptography;
using Ledger.Hashing;

namespace Ledger.Merkle;

/// <summary>
/// The Merkle Tree Hash of RFC 9162 §2.1.1 (unchanged from RFC 6962 §2.1) with SHA-256.
/// Leaves and interior nodes are hashed under different one-byte prefixes so that a leaf can
/// never be presented as an interior node, nor the reverse (RFC 9162 §2.1.1, second paragraph).
/// </summary>
public static class MerkleHash
{
    /// <summary>Length of every tree hash: the SHA-256 output.</summary>
    public const int SizeBytes = 32;

    const byte LeafPrefix = 0x00;
    const byte NodePrefix = 0x01;

    /// <summary>MTH({}) = HASH(), the root of the empty tree.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>MTH({d(0)}) = HASH(0x00 || d(0)), the hash of one leaf's data.</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> data)
    {
        var hash = new byte[SizeBytes];
        Leaf(data, hash);
        return hash;
    }

    /// <summary><see cref="Leaf(ReadOnlySpan{byte})"/> written to <paramref name="destination"/>, for callers that hash a leaf per entry.</summary>
    public static void Leaf(ReadOnlySpan<byte> data, Span<byte> destination) => Hash.Of([LeafPrefix], data, [], destination);

    /// <summary>
    /// HASH(0x01 || left || right). The children are normally 32-byte hashes, but RFC 6962's
    /// reference vectors also hash raw byte strings here, so any length is accepted.
    /// </summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[SizeBytes];
        Node(left, right, hash);
        return hash;
    }

    /// <summary><see cref="Node(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> written to <paramref name="destination"/>.</summary>
    public static void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination) => Hash.Of([NodePrefix], left, right, destination);
}
