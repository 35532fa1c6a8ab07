using System.Security.Cryptography;
using Ledger.Hashing;

namespace Ledger.Tests.Hashing;

/// <summary>The ledger's one-call SHA-256 (OpenSSL's functions called directly where libcrypto 3 loads): FIPS 180-4's examples, and .NET's SHA-256 on every length.</summary>
public class Sha256Tests
{
    // FIPS 180-4 / NIST's SHA-256 examples (one block, two blocks, empty, a million 'a').
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void GivesThePublishedDigests(string message, string digest)
    {
        var output = new byte[Hash.Size];

        Sha256.HashData(System.Text.Encoding.ASCII.GetBytes(message), output);

        Assert.Equal(digest, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void GivesThePublishedDigestOfAMillionAs()
    {
        var output = new byte[Hash.Size];

        Sha256.HashData(Enumerable.Repeat((byte)'a', 1_000_000).ToArray(), output);

        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(output));
    }

    [Fact]
    public void AgreesWithDotNetOnEveryLengthAroundTheBlocks()
    {
        var random = new Random(16);
        var expected = new byte[Hash.Size];
        var actual = new byte[Hash.Size];
        for (var length = 0; length <= 1_100; length++)
        {
            var input = new byte[length];
            random.NextBytes(input);

            SHA256.HashData(input, expected);
            Sha256.HashData(input, actual);

            Assert.True(expected.AsSpan().SequenceEqual(actual), $"length {length}");
        }
    }

    /// <summary>On Linux, where .NET itself runs on libcrypto 3, the per-call cost is what this class is for.</summary>
    [Fact]
    public void CallsOpenSslDirectlyOnLinux()
    {
        Assert.Equal(OperatingSystem.IsLinux(), Sha256.CallsOpenSslDirectly);
    }
}
