// Verifier keys: C2SP signed-note.md "Signatures" and "Ed25519 signatures" (key ID rule), the
// vkey string of golang.org/x/mod/sumdb/note (NewVerifier, TestNewVerifier).
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Ledger.Checkpoints;
using Ledger.Signing;

namespace Ledger.Tests.Checkpoints;

public sealed class NoteVerifierKeyTests
{
    public static TheoryData<string> KeyNames => [.. SignedNoteVectors.Keys.Select(k => k.Name)];

    public static TheoryData<string> BadVerifierKeys => [.. SignedNoteVectors.BadVerifierKeys];

    static SignedNoteVectors.KeyVector Vector(string name) => SignedNoteVectors.Keys.Single(k => k.Name == name);

    [Theory]
    [MemberData(nameof(KeyNames))]
    public void EachPublishedVerifierKeyParsesToItsNameKeyIdAndPublicKey(string name)
    {
        var vector = Vector(name);

        NoteVerifierKey key = SignedNoteVectors.Key(vector.VerifierKey);

        Assert.Equal(vector.Name, key.Name);
        Assert.Equal(vector.KeyId, key.KeyId);
        Assert.Equal(vector.PublicKey, key.PublicKey.Bytes.ToArray());
    }

    [Theory]
    [MemberData(nameof(KeyNames))]
    public void EachPublishedVerifierKeyFormatsBackToTheSameString(string name)
    {
        var vector = Vector(name);

        NoteVerifierKey key = NoteVerifierKey.FromPublicKey(vector.Name, VerificationKey.FromBytes(vector.PublicKey));

        Assert.Equal(vector.VerifierKey, key.Format());
        Assert.Equal(vector.VerifierKey, key.ToString());
    }

    // key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4] (signed-note.md
    // "Ed25519 signatures"). Reproduce each with:
    //   printf '%s' <key_id_preimage_hex> | xxd -r -p | sha256sum | cut -c1-8
    [Theory]
    [MemberData(nameof(KeyNames))]
    public void EachKeyIdIsTheFirstFourBytesOfTheSha256OfItsPreimage(string name)
    {
        var vector = Vector(name);

        byte[] preimage = [.. Encoding.UTF8.GetBytes(vector.Name), 0x0A, 0x01, .. vector.PublicKey];

        Assert.Equal(vector.KeyIdPreimage, preimage);
        Assert.Equal(vector.KeyId, BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(vector.KeyIdPreimage)));
        Assert.Equal(vector.KeyId, NoteVerifierKey.ComputeKeyId(vector.Name, VerificationKey.FromBytes(vector.PublicKey)));
    }

    [Theory]
    [MemberData(nameof(BadVerifierKeys))]
    public void EachBadVerifierKeyFromGoIsRejected(string vkey)
    {
        Assert.False(NoteVerifierKey.Parse(vkey).IsValid);
    }

    // The reasons golang.org/x/mod TestNewVerifier gives in its comments, except for the first:
    // its base64 "...BADKEY==" ends in 'Y' (011000) whose four pad bits are not zero. Go accepts
    // that spelling and reaches its length check; we refuse non-canonical base64 first
    // (RFC 4648 §3.5), and test the length check with a canonical key below.
    [Theory]
    [InlineData("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", NoteVerifierKeyResult.KeyNotBase64)]
    [InlineData("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", NoteVerifierKeyResult.UnknownSignatureType)]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", NoteVerifierKeyResult.KeyIdMismatch)]
    public void EachBadVerifierKeyFromGoIsRejectedForTheReasonItWasMadeFor(string vkey, NoteVerifierKeyResult expected)
    {
        Assert.Equal(expected, NoteVerifierKey.Parse(vkey).Result);
    }

    // Go's "wrong length key, with adjusted key hash", spelled canonically: 0x01 and 36 bytes,
    // with the key ID computed over them as Go's keyHash(name, key) does.
    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(36)]
    public void AnEd25519KeyOfTheWrongLengthWithAMatchingKeyIdIsRejected(int publicKeySizeBytes)
    {
        byte[] typedKey = [0x01, .. Vector("PeterNeumann").PublicKey.Concat(new byte[8]).Take(publicKeySizeBytes)];
        uint keyId = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData([.. "PeterNeumann"u8, 0x0A, .. typedKey]));

        NoteVerifierKeyParse parse = NoteVerifierKey.Parse($"PeterNeumann+{keyId:x8}+{Convert.ToBase64String(typedKey)}");

        Assert.Equal(NoteVerifierKeyResult.WrongPublicKeyLength, parse.Result);
    }

    // golang.org/x/mod TestNewVerifier: every proper substring and every single-byte increment
    // of a valid verifier key is rejected.
    [Fact]
    public void EveryProperSubstringAndEveryOneCharacterManglingOfAVerifierKeyIsRejected()
    {
        string vkey = Vector("PeterNeumann").VerifierKey;
        var accepted = new List<string>();

        for (int start = 0; start <= vkey.Length; start++)
        {
            for (int end = start + 1; end <= vkey.Length; end++)
            {
                if (start != 0 || end != vkey.Length)
                {
                    Collect(vkey[start..end]);
                }
            }
        }
        for (int i = 0; i < vkey.Length; i++)
        {
            char[] mangled = vkey.ToCharArray();
            mangled[i]++;
            Collect(new string(mangled));
        }

        Assert.Empty(accepted);

        void Collect(string candidate)
        {
            if (NoteVerifierKey.Parse(candidate).IsValid)
            {
                accepted.Add(candidate);
            }
        }
    }

    [Theory]
    [InlineData("", NoteVerifierKeyResult.MissingSeparator)]
    [InlineData("PeterNeumann", NoteVerifierKeyResult.MissingSeparator)]
    [InlineData("PeterNeumann+c74f20a3", NoteVerifierKeyResult.MissingSeparator)]
    [InlineData("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", NoteVerifierKeyResult.InvalidName)]
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", NoteVerifierKeyResult.InvalidName)]
    [InlineData("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", NoteVerifierKeyResult.KeyIdNotEightLowercaseHexDigits)]
    [InlineData("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", NoteVerifierKeyResult.KeyIdNotEightLowercaseHexDigits)]
    [InlineData("PeterNeumann+0xc74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", NoteVerifierKeyResult.KeyIdNotEightLowercaseHexDigits)]
    [InlineData("PeterNeumann+c74f20a3+", NoteVerifierKeyResult.KeyNotBase64)]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", NoteVerifierKeyResult.KeyNotBase64)]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW ", NoteVerifierKeyResult.KeyNotBase64)]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwx bzhKqiBfsVkmqq/LDE4izWy10TW", NoteVerifierKeyResult.KeyNotBase64)]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq_LDE4izWy10TW", NoteVerifierKeyResult.KeyNotBase64)]
    public void AMalformedVerifierKeyIsRejectedAtTheFirstFieldThatIsWrong(string vkey, NoteVerifierKeyResult expected)
    {
        NoteVerifierKeyParse parse = NoteVerifierKey.Parse(vkey);

        Assert.Equal(expected, parse.Result);
        Assert.Null(parse.Key);
    }

    // signed-note.md "Format": key names MUST be non-empty and MUST NOT contain any Unicode
    // spaces or plus (U+002B); a note holds no control character, so a name cannot either.
    [Theory]
    [InlineData("")]
    [InlineData("a+b")]
    [InlineData("a b")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("a\u00a0b")]
    [InlineData("a\u2003b")]
    [InlineData("a\u3000b")]
    [InlineData("a\u0001b")]
    public void AKeyNameThatIsEmptyOrHoldsAPlusASpaceOrAControlCharacterIsRefused(string name)
    {
        var publicKey = VerificationKey.FromBytes(Vector("PeterNeumann").PublicKey);

        Assert.False(NoteVerifierKey.IsValidName(name));
        Assert.Throws<ArgumentException>(() => NoteVerifierKey.FromPublicKey(name, publicKey));
    }

    // Kept out of InlineData: a lone surrogate may not survive xunit's serialization of theory rows.
    [Fact]
    public void AKeyNameWithALoneSurrogateIsRefused()
    {
        Assert.False(NoteVerifierKey.IsValidName("a\ud800b"));
    }

    [Theory]
    [InlineData("example.com/foo")]
    [InlineData("PeterNeumann")]
    [InlineData("社区账本.example/街道")]
    [InlineData("a—b")]
    public void AKeyNameMayBeAnyOtherNonEmptyText(string name)
    {
        Assert.True(NoteVerifierKey.IsValidName(name));
    }
}
