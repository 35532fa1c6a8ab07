using Ledger.Merkle;

namespace Ledger.Tests.Merkle;

public class MerkleHashTests
{
    public static TheoryData<string> HasherVectors => [.. MerkleVectors.Hasher.Select(v => v.Desc)];

    [Theory]
    [MemberData(nameof(HasherVectors))]
    public void HashesMatchTheRfc6962HasherVectors(string desc)
    {
        var vector = MerkleVectors.Hasher.Single(v => v.Desc == desc);

        byte[] hash = (vector.Leaf, vector.Left, vector.Right) switch
        {
            (null, null, null) => MerkleHash.EmptyRoot(),
            ({ } leaf, null, null) => MerkleHash.Leaf(leaf),
            (null, { } left, { } right) => MerkleHash.Node(left, right),
            _ => throw new InvalidDataException($"hasher vector '{desc}' names neither a leaf nor two children"),
        };

        Assert.Equal(vector.Want, hash);
    }

    [Fact]
    public void EmptyTreeRootIsTheHashOfNothing()
    {
        // printf '' | sha256sum
        Assert.Equal(
            Convert.FromHexString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            MerkleHash.EmptyRoot());
    }

    [Fact]
    public void LeafAndNodeOverTheSameBytesDifferByTheirPrefix()
    {
        // A node over two empty children hashes the single byte 0x01; a leaf of data 0x01
        // hashes 0x00 0x01. The prefixes keep the two domains apart (RFC 9162 §2.1.1).
        // printf '\x01' | sha256sum
        Assert.Equal(
            Convert.FromHexString("4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a"),
            MerkleHash.Node([], []));
        // printf '\x00\x01' | sha256sum
        Assert.Equal(
            Convert.FromHexString("b413f47d13ee2fe6c845b2ee141af81de858df4ec549a58b7970bb96645bc8d2"),
            MerkleHash.Leaf([0x01]));
    }
}
