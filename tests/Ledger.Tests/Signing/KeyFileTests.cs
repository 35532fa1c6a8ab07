using System.Text;
using System.Text.Json;
using Ledger.Signing;

namespace Ledger.Tests.Signing;

/// <summary>
/// The key file format (docs/API.md "Key files") pinned byte for byte, with the key of RFC 8032
/// §7.1 TEST 1, and the files that do not hold together refused.
/// </summary>
public sealed class KeyFileTests
{
    const string Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    // RFC 8032 §7.1 TEST 1's public key.
    const string PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    // { printf 'CommunityLedger/v1/key\n'; printf d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a | xxd -r -p; } | sha256sum | cut -c1-32
    const string KeyId = "474a3a64569ae922a5b3d822258dd21c";

    // Indented by two spaces, members in this order, no newline at the end.
    const string RegistrarFile = $$"""
        {
          "personId": "registrar",
          "seed": "{{Seed}}",
          "publicKey": "{{PublicKey}}",
          "keyId": "{{KeyId}}"
        }
        """;

    [Fact]
    public void TheFileOfTheRfc8032Test1SeedIsPinned() =>
        Assert.Equal(RegistrarFile, Encoding.UTF8.GetString(KeyFile.Encode("registrar", Convert.FromHexString(Seed))));

    [Fact]
    public void TheFileReadsBackAsThePersonAndTheKeyOfItsSeed()
    {
        var (personId, key) = KeyFile.Decode(Encoding.UTF8.GetBytes(RegistrarFile), "registrar.json");

        using (key)
        {
            Assert.Equal("registrar", personId);
            Assert.Equal(PublicKey, Convert.ToHexStringLower(key.PublicKey.Bytes));
        }
    }

    public static TheoryData<string, string> FilesThatDoNotHoldTogether => new()
    {
        { "an extra member", RegistrarFile.Replace("\n}", ",\n  \"note\": \"x\"\n}") },
        { "a missing member", RegistrarFile.Replace($",\n  \"keyId\": \"{KeyId}\"", "") },
        { "another key's public key", RegistrarFile.Replace(PublicKey, PublicKey[..^1] + "b") },
        { "another key's key id", RegistrarFile.Replace(KeyId, KeyId[..^1] + "d") },
        { "a seed of 31 bytes", RegistrarFile.Replace(Seed, Seed[2..]) },
        { "a seed that is not hex", RegistrarFile.Replace(Seed, "zz" + Seed[2..]) },
        { "not an object", "[]" },
    };

    [Theory]
    [MemberData(nameof(FilesThatDoNotHoldTogether))]
    public void AFileThatDoesNotHoldTogetherIsRefused(string _, string file) =>
        Assert.Throws<FormatException>(() => KeyFile.Decode(Encoding.UTF8.GetBytes(file), "registrar.json"));

    [Fact]
    public void BytesThatAreNotJsonAreRefused() =>
        Assert.ThrowsAny<JsonException>(() => KeyFile.Decode(Encoding.UTF8.GetBytes(RegistrarFile[..^1]), "registrar.json"));
}
