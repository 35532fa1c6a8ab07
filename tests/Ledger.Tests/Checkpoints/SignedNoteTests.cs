// Reading and verifying notes: C2SP signed-note.md "Format" and "Signatures", against the
// published notes and golang.org/x/mod sumdb/note TestOpen.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Ledger.Checkpoints;
using Ledger.Signing;
using static Ledger.Tests.Checkpoints.SignedNoteVectors;

namespace Ledger.Tests.Checkpoints;

public sealed class SignedNoteTests
{
    const string PeterText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const string PeterSig = "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    const string EnochSig = "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    static NoteVerifierKey PeterKey => KeyNamed("PeterNeumann");

    static NoteVerifierKey EnochKey => KeyNamed("EnochRoot");

    public static TheoryData<string> ValidNoteIds => [.. Notes.Where(n => n.Text is not null).Select(n => n.Id)];

    // The reason each Go badMsgs case is malformed, by its index in malformed_notes_go.cases.
    static readonly IReadOnlyDictionary<int, NoteResult> MalformedReasons = new Dictionary<int, NoteResult>
    {
        [0] = NoteResult.NoBlankLineBeforeSignatures, // the text alone
        [1] = NoteResult.NoSignatureLines,            // text and blank line, no signature
        [2] = NoteResult.MissingFinalNewline,         // signature line without its newline
        [3] = NoteResult.ControlCharacter,            // 0x01 before the text
        [4] = NoteResult.MissingFinalNewline,         // "Bad Name", also without the final newline
        [5] = NoteResult.NotASignatureLine,           // "Unexpected line." after the signature
    };

    public static TheoryData<string> MalformedNoteIds =>
        [.. Enumerable.Range(0, MalformedNotes.Count).Select(i => $"malformed_notes_go.cases[{i}]")];

    [Theory]
    [MemberData(nameof(ValidNoteIds))]
    public void EachPublishedNoteVerifiesWithItsKeysAndGivesItsText(string id)
    {
        var vector = Notes.Single(n => n.Id == id);
        var keys = vector.VerifierKeys.Select(Key).ToList();

        NoteVerification verification = SignedNote.Verify(Utf8(vector.Note), keys);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal(vector.Text, verification.Note!.Text);
        Assert.Equal(keys, verification.VerifiedBy);
    }

    // signed-note.md "Signatures": "Verifiers MUST ignore signatures from unknown keys".
    [Fact]
    public void ASignatureByAnUnknownKeyIsIgnoredWhenAKnownKeyVerifies()
    {
        var vector = Notes.Single(n => n.Id == "go-note-peter-enoch");

        NoteVerification verification = SignedNote.Verify(Utf8(vector.Note), [PeterKey]);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal([PeterKey], verification.VerifiedBy);
        Assert.Equal(["PeterNeumann", "EnochRoot"], verification.Note!.Signatures.Select(s => s.KeyName));
    }

    // signed-note.md "Signatures": "If no signature from a known key verifies successfully,
    // clients MUST reject the note."
    [Fact]
    public void ANoteWithNoKnownKeysIsRejectedButStillParsed()
    {
        var vector = Notes.Single(n => n.Id == "go-note-peter-enoch");

        NoteVerification verification = SignedNote.Verify(Utf8(vector.Note), []);

        Assert.Equal(NoteResult.NoSignatureByKnownKey, verification.Result);
        Assert.False(verification.IsValid);
        Assert.Empty(verification.VerifiedBy);
        Assert.Equal(2, verification.Note!.Signatures.Count);
    }

    // signed-note.md "Signatures": "If a signature from a known key fails to verify, clients
    // SHOULD reject the whole note."
    [Fact]
    public void ATamperedSignatureByAKnownKeyRejectsTheWholeNote()
    {
        var vector = Notes.Single(n => n.Id == "go-note-tampered-sig");

        Assert.Equal(NoteResult.InvalidSignatureByKnownKey, SignedNote.Verify(Utf8(vector.Note), [PeterKey]).Result);
    }

    [Fact]
    public void ATamperedSignatureByAKnownKeyRejectsTheNoteEvenBesideAValidOne()
    {
        string tampered = PeterSig[..60] + "ABCD" + PeterSig[60..];

        NoteVerification verification = SignedNote.Verify(Utf8(PeterText + "\n" + EnochSig + tampered), [PeterKey, EnochKey]);

        Assert.Equal(NoteResult.InvalidSignatureByKnownKey, verification.Result);
        Assert.Empty(verification.VerifiedBy);
    }

    // A name match alone is not a known key: the (name, key ID) pair is (signed-note.md "Signatures").
    [Fact]
    public void ASignatureUnderAnotherNameIsNotASignatureByTheKnownKey()
    {
        var vector = Notes.Single(n => n.Id == "go-note-misnamed");

        Assert.Equal(NoteResult.NoSignatureByKnownKey, SignedNote.Verify(Utf8(vector.Note), [PeterKey]).Result);
    }

    [Theory]
    [MemberData(nameof(MalformedNoteIds))]
    public void EachMalformedNoteFromGoIsRejected(string id)
    {
        int index = int.Parse(id["malformed_notes_go.cases[".Length..^1]);

        NoteParse parse = SignedNote.Parse(Utf8(MalformedNotes[index]));

        Assert.Equal(MalformedReasons[index], parse.Result);
        Assert.Null(parse.Note);
        Assert.Equal(MalformedReasons[index], SignedNote.Verify(Utf8(MalformedNotes[index]), [PeterKey]).Result);
    }

    [Fact]
    public void EveryMalformedNoteFromGoHasAnExpectedReason()
    {
        Assert.Equal(MalformedNotes.Count, MalformedReasons.Count);
    }

    // The Go case the JSON cannot hold (malformed_notes_go.omitted): a raw 0xFF byte.
    [Fact]
    public void ANoteThatIsNotUtf8IsRejected()
    {
        byte[] note = [0xFF, .. Utf8(PeterText + "\n" + PeterSig)];

        Assert.Equal(NoteResult.NotUtf8, SignedNote.Parse(note).Result);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0xAF })]       // overlong '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // UTF-8 of the surrogate U+D800
    [InlineData(new byte[] { 0xE2, 0x80 })]       // truncated em dash
    public void AnInvalidUtf8SequenceInTheTextIsRejected(byte[] invalid)
    {
        byte[] note = [.. Utf8("text "), .. invalid, .. Utf8("\n\n" + PeterSig)];

        Assert.Equal(NoteResult.NotUtf8, SignedNote.Parse(note).Result);
    }

    [Fact]
    public void ABadNameWithItsFinalNewlineFailsOnTheBase64AfterTheFirstSpace()
    {
        string note = PeterText + "\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

        Assert.Equal(NoteResult.SignatureNotBase64, SignedNote.Parse(Utf8(note)).Result);
    }

    [Theory]
    [InlineData("\u2014PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", NoteResult.NotASignatureLine)]
    [InlineData("- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", NoteResult.NotASignatureLine)]
    [InlineData("\u2014  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", NoteResult.InvalidKeyName)]
    [InlineData("\u2014 Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", NoteResult.InvalidKeyName)]
    [InlineData("\u2014 PeterNeumann\n", NoteResult.SignatureNotBase64)]
    [InlineData("\u2014 PeterNeumann \n", NoteResult.SignatureNotBase64)]
    [InlineData("\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n", NoteResult.SignatureNotBase64)]
    [InlineData("\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM= \n", NoteResult.SignatureNotBase64)]
    [InlineData("\u2014 PeterNeumann x08go_ZJkuBS9UG_SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", NoteResult.SignatureNotBase64)]
    [InlineData("\u2014 PeterNeumann x08gow==\n", NoteResult.SignatureTooShort)]
    public void AMalformedSignatureLineIsRejectedForTheFirstThingWrongWithIt(string line, NoteResult expected)
    {
        Assert.Equal(expected, SignedNote.Parse(Utf8(PeterText + "\n" + line)).Result);
    }

    // RFC 4648 §3.5: 68 bytes end in one '=' and two pad bits, zero in "AM=". "AN=" decodes to
    // the same bytes (Go accepts it); refusing it keeps one spelling per signature.
    [Fact]
    public void ASignatureInNonCanonicalBase64IsRejectedThoughItDecodesToTheSameBytes()
    {
        string nonCanonical = PeterSig.Replace("AM=", "AN=");

        Assert.Equal(
            Convert.FromBase64String(PeterSig[15..^1]),
            Convert.FromBase64String(nonCanonical[15..^1]));
        Assert.Equal(NoteResult.SignatureNotBase64, SignedNote.Parse(Utf8(PeterText + "\n" + nonCanonical)).Result);
    }

    // golang.org/x/mod TestOpen "too many signatures": 100 lines are read, 101 are refused.
    [Fact]
    public void AHundredSignatureLinesAreReadButAHundredAndOneAreTooMany()
    {
        string hundred = PeterText + "\n" + string.Concat(Enumerable.Repeat(PeterSig, SignedNote.MaxSignatures));

        Assert.Equal(NoteResult.Valid, SignedNote.Verify(Utf8(hundred), [PeterKey]).Result);
        Assert.Equal(NoteResult.TooManySignatures, SignedNote.Parse(Utf8(hundred + PeterSig)).Result);
        Assert.Equal(NoteResult.TooManySignatures, SignedNote.Verify(Utf8(hundred + PeterSig), []).Result);
    }

    // golang.org/x/mod TestOpen "Duplicated verified and unverified signatures".
    [Fact]
    public void RepeatedSignaturesAreReadAndEachKnownKeyIsReportedOnce()
    {
        string enochTampered = EnochSig[..60] + "ABCD" + EnochSig[60..];
        string note = PeterText + "\n" + PeterSig + PeterSig + EnochSig + EnochSig + enochTampered;

        NoteVerification verification = SignedNote.Verify(Utf8(note), [PeterKey]);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal([PeterKey], verification.VerifiedBy);
        Assert.Equal(5, verification.Note!.Signatures.Count);
    }

    // Stricter than Go, which skips later lines by a key it has already seen: every distinct
    // signature by a known key MUST be verified (signed-note.md "Signatures").
    [Fact]
    public void ASecondDifferentSignatureByAKnownKeyMustVerifyToo()
    {
        string peterTampered = PeterSig[..60] + "ABCD" + PeterSig[60..];

        Assert.Equal(NoteResult.InvalidSignatureByKnownKey, SignedNote.Verify(Utf8(PeterText + "\n" + PeterSig + peterTampered), [PeterKey]).Result);
    }

    // signed-note.md "Format": signatures are 4+n bytes; other types may be long (post-quantum)
    // or short, and a verifier that does not know the key ignores them whatever their length.
    [Fact]
    public void ASignatureOfAnyLengthByAnUnknownKeyIsIgnored()
    {
        string shortest = "\u2014 other.example/key " + Convert.ToBase64String(new byte[5]) + "\n";
        string postQuantumSized = "\u2014 pq.example/key " + Convert.ToBase64String(new byte[4 + 4627]) + "\n";

        NoteVerification verification = SignedNote.Verify(Utf8(PeterText + "\n" + shortest + PeterSig + postQuantumSized), [PeterKey]);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal([PeterKey], verification.VerifiedBy);
    }

    [Fact]
    public void AKnownKeysSignatureOfTheWrongLengthIsAnInvalidSignature()
    {
        string shortSignature = "\u2014 PeterNeumann " + Convert.ToBase64String([0xc7, 0x4f, 0x20, 0xa3, .. new byte[63]]) + "\n";

        Assert.Equal(NoteResult.InvalidSignatureByKnownKey, SignedNote.Verify(Utf8(PeterText + "\n" + shortSignature), [PeterKey]).Result);
    }

    // Go's VerifierList reports "ambiguous key" when two known keys share a name and key ID and a
    // signature line names them. Such a pair is a 32-bit collision on SHA-256(name || 0x0A ||
    // 0x01 || key); a birthday search over arbitrary 32-byte keys finds one in about 2^16 tries.
    [Fact]
    public void TwoDifferentKnownKeysWithTheSameNameAndKeyIdAreRefusedWhenASignatureNamesThem()
    {
        const string name = "collide.example";
        var (first, second) = FindKeyIdCollision(name);
        string line = "\u2014 " + name + " " + Convert.ToBase64String([.. KeyIdBytes(first.KeyId), .. new byte[64]]) + "\n";
        byte[] note = Utf8(PeterText + "\n" + line + PeterSig);

        Assert.Equal(first.KeyId, second.KeyId);
        Assert.NotEqual(first, second);
        Assert.Equal(NoteResult.AmbiguousKnownKey, SignedNote.Verify(note, [PeterKey, first, second]).Result);
        // Go's "unused duplicated verifier": the pair does no harm while no line names it.
        Assert.Equal(NoteResult.Valid, SignedNote.Verify(Utf8(PeterText + "\n" + PeterSig), [first, PeterKey, second]).Result);
    }

    [Fact]
    public void TheSameKnownKeyListedTwiceIsNotAmbiguous()
    {
        var vector = Notes.Single(n => n.Id == "go-note-peter");

        NoteVerification verification = SignedNote.Verify(Utf8(vector.Note), [PeterKey, EnochKey, PeterKey]);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal([PeterKey], verification.VerifiedBy);
    }

    [Fact]
    public void AControlCharacterAnywhereInTheNoteIsRejected()
    {
        Assert.Equal(NoteResult.ControlCharacter, SignedNote.Parse(Utf8(PeterText.Replace("\n", "\r\n") + "\n" + PeterSig)).Result);
        Assert.Equal(NoteResult.ControlCharacter, SignedNote.Parse(Utf8(PeterText + "\n" + PeterSig.Replace(" x08", "\tx08"))).Result);
    }

    [Fact]
    public void TheShortestNoteTextIsASingleNewline()
    {
        using var signingKey = SigningKey.FromSeed(SignedNoteVectors.Signer.Seed);
        var signer = new NoteSigner("PeterNeumann", signingKey);

        NoteVerification verification = SignedNote.Verify(SignedNote.Sign("\n", signer), [signer.VerifierKey]);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal("\n", verification.Note!.Text);
    }

    static (NoteVerifierKey First, NoteVerifierKey Second) FindKeyIdCollision(string name)
    {
        var seen = new Dictionary<uint, byte[]>();
        for (uint counter = 0; ; counter++)
        {
            byte[] publicKey = SHA256.HashData(BitConverter.GetBytes(counter));
            uint keyId = NoteVerifierKey.ComputeKeyId(name, VerificationKey.FromBytes(publicKey));
            if (seen.TryGetValue(keyId, out byte[]? earlier))
            {
                return (NoteVerifierKey.FromPublicKey(name, VerificationKey.FromBytes(earlier)),
                        NoteVerifierKey.FromPublicKey(name, VerificationKey.FromBytes(publicKey)));
            }
            seen.Add(keyId, publicKey);
        }
    }

    static byte[] KeyIdBytes(uint keyId)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, keyId);
        return bytes;
    }
}
