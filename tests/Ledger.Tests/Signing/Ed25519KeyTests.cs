// The typed-key surface around NSec: sizes enforced at the boundary, value equality,
// immutability, and a disposed key that refuses to sign.
using Ledger.Signing;

namespace Ledger.Tests.Signing;

public sealed class Ed25519KeyTests
{
    // RFC 8032 §7.1 TEST 1.
    private static Ed25519Vectors.Rfc8032Vector Test1 => Ed25519Vectors.Rfc8032.Single(v => v.Name == "TEST 1");

    [Fact]
    public void TheSizesOfTheCoreAreNSecs()
    {
        var nsec = NSec.Cryptography.SignatureAlgorithm.Ed25519;

        Assert.Equal(Ed25519.SeedSizeBytes, nsec.PrivateKeySize);
        Assert.Equal(Ed25519.PublicKeySizeBytes, nsec.PublicKeySize);
        Assert.Equal(Ed25519.SignatureSizeBytes, nsec.SignatureSize);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void SeedOfTheWrongSizeIsRejected(int seedSizeBytes) =>
        Assert.Throws<ArgumentException>(() => SigningKey.FromSeed(new byte[seedSizeBytes]));

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(65)]
    public void SigningIntoABufferOfTheWrongSizeIsRejected(int bufferSizeBytes)
    {
        using var key = SigningKey.FromSeed(Test1.Seed);

        Assert.Throws<ArgumentException>(() => key.Sign(Test1.Message, new byte[bufferSizeBytes]));
    }

    [Fact]
    public void SigningIntoASpanWritesTheSameSignatureAsSigningToAnArray()
    {
        using var key = SigningKey.FromSeed(Test1.Seed);
        var signature = new byte[Ed25519.SignatureSizeBytes];

        key.Sign(Test1.Message, signature);

        Assert.Equal(Test1.Signature, signature);
    }

    [Fact]
    public void DisposedKeyRefusesToSign()
    {
        var key = SigningKey.FromSeed(Test1.Seed);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Sign(Test1.Message));
    }

    [Fact]
    public void KeysWithTheSameBytesAreEqual()
    {
        var first = VerificationKey.FromBytes(Test1.PublicKey);
        var second = VerificationKey.FromBytes(Test1.PublicKey.ToArray());

        Assert.Equal(first, second);
        Assert.True(first == second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void KeysWithDifferentBytesAreNotEqual()
    {
        var test2 = Ed25519Vectors.Rfc8032.Single(v => v.Name == "TEST 2");

        Assert.NotEqual(VerificationKey.FromBytes(Test1.PublicKey), VerificationKey.FromBytes(test2.PublicKey));
        Assert.True(VerificationKey.FromBytes(Test1.PublicKey) != VerificationKey.FromBytes(test2.PublicKey));
    }

    [Fact]
    public void VerificationKeyKeepsItsOwnCopyOfTheBytes()
    {
        var bytes = Test1.PublicKey.ToArray();
        var key = VerificationKey.FromBytes(bytes);

        bytes[0] ^= 0x01;

        Assert.Equal(Test1.PublicKey, key.Bytes.ToArray());
        Assert.True(key.Verify(Test1.Message, Test1.Signature));
    }
}
