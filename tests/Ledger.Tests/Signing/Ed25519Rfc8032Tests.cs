// RFC 8032 §7.1: the five published Ed25519 vectors, one theory row each.
using Ledger.Signing;

namespace Ledger.Tests.Signing;

public sealed class Ed25519Rfc8032Tests
{
    public static TheoryData<string> VectorNames() => new(Ed25519Vectors.Rfc8032.Select(v => v.Name));

    private static Ed25519Vectors.Rfc8032Vector Vector(string name) =>
        Ed25519Vectors.Rfc8032.Single(v => v.Name == name);

    [Fact]
    public void AllFivePublishedVectorsAreLoaded() => Assert.Equal(5, Ed25519Vectors.Rfc8032.Count);

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void SeedDerivesThePublishedPublicKey(string name)
    {
        var vector = Vector(name);
        using var key = SigningKey.FromSeed(vector.Seed);

        Assert.Equal(vector.PublicKey, key.PublicKey.Bytes.ToArray());
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void SigningReproducesThePublishedSignatureByteForByte(string name)
    {
        var vector = Vector(name);
        using var key = SigningKey.FromSeed(vector.Seed);

        Assert.Equal(vector.Signature, key.Sign(vector.Message));
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void PublishedSignatureVerifiesUnderThePublishedKey(string name)
    {
        var vector = Vector(name);

        Assert.True(VerificationKey.FromBytes(vector.PublicKey).Verify(vector.Message, vector.Signature));
    }
}
