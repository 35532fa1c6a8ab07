// Checkpoint bodies (C2SP tlog-checkpoint.md "Note text") and signed checkpoints (a
// tlog-checkpoint is a signed-note; tlog-checkpoint.md "Signatures"), against real
// sum.golang.org tree heads, the published body examples and corrupted variants of both.
using System.Text;
using Ledger.Checkpoints;
using Ledger.Merkle;
using Ledger.Signing;
using static Ledger.Tests.Checkpoints.SignedNoteVectors;

namespace Ledger.Tests.Checkpoints;

public sealed class CheckpointTests
{
    static CheckpointVector SumDb => SignedCheckpoints.Single(c => c.Id == "sum.golang.org-6476701");

    static CheckpointVector Cosigned => SignedCheckpoints.Single(c => c.Id == "sum.golang.org-6476701-cosigned");

    static NoteVerifierKey SumDbKey => KeyNamed("sum.golang.org");

    public static TheoryData<string> CheckpointIds => [.. SignedCheckpoints.Select(c => c.Id)];

    public static TheoryData<string> InvalidBodyIds =>
        [.. Enumerable.Range(0, InvalidBodies.Count).Select(i => $"invalid_bodies.cases[{i}]")];

    // The reason each transparency-dev/formats TestUnmarshalLogState wantErr body is refused.
    static readonly IReadOnlyDictionary<int, CheckpointResult> InvalidBodyReasons = new Dictionary<int, CheckpointResult>
    {
        [0] = CheckpointResult.TooFewLines,          // origin and size only
        [1] = CheckpointResult.EmptyOrigin,
        [2] = CheckpointResult.MissingFinalNewline,
        [3] = CheckpointResult.TreeSizeNotDecimal,   // "bananas"
        [4] = CheckpointResult.TreeSizeNotDecimal,   // "-34"
        [5] = CheckpointResult.TreeSizeTooLarge,     // 28 digits
        [6] = CheckpointResult.RootHashNotBase64,    // "ThisIsn'tBase64"
    };

    [Theory]
    [MemberData(nameof(CheckpointIds))]
    public void EachRealCheckpointVerifiesWithItsKeysAndParsesToItsOriginSizeAndRoot(string id)
    {
        var vector = SignedCheckpoints.Single(c => c.Id == id);
        var keys = vector.VerifierKeys.Select(Key).ToList();
        var (origin, treeSize, rootHash) = vector.ExpectedFields();

        NoteVerification verification = SignedNote.Verify(Utf8(vector.Note), keys);
        CheckpointParse parse = Checkpoint.Parse(verification.Note!.Text);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal(keys, verification.VerifiedBy);
        Assert.Equal(vector.Body, verification.Note.Text);
        Assert.Equal(CheckpointResult.Valid, parse.Result);
        Assert.Equal(origin, parse.Checkpoint!.Origin);
        Assert.Equal(treeSize, parse.Checkpoint.TreeSize);
        Assert.Equal(rootHash, parse.Checkpoint.RootHash.ToArray());
        Assert.Empty(parse.Checkpoint.ExtensionLines);
        Assert.Equal(vector.Body, parse.Checkpoint.Format());
    }

    // tlog-checkpoint.md "Signatures": clients MUST ignore unknown signatures, which enables
    // witness cosigning.
    [Fact]
    public void AVerifierThatKnowsOnlyTheLogKeyAcceptsTheCosignedCheckpointAndIgnoresTheWitnesses()
    {
        NoteVerification verification = SignedNote.Verify(Utf8(Cosigned.Note), [SumDbKey]);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal([SumDbKey], verification.VerifiedBy);
        Assert.Equal(["sum.golang.org", "monkeys", "bananas", "witness"], verification.Note!.Signatures.Select(s => s.KeyName));
        Assert.Equal(SumDb.Body, verification.Note.Text);
    }

    // RFC 6962 leaf hash of "hello world"; reproduce the base64 with
    //   printf '\x00hello world' | sha256sum | xxd -r -p | base64
    // which prints TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=
    [Fact]
    public void TheGoSumdbBodyExampleIsFormattedExactly()
    {
        var example = BodyExamples.Single(e => e.TreeSize == 123456789012);

        var checkpoint = Checkpoint.Create(example.Origin!, example.TreeSize!.Value, MerkleHash.Leaf("hello world"u8));

        Assert.Equal(example.Body, checkpoint.Format());
        Assert.Equal(example.Body, Checkpoint.Parse(example.Body).Checkpoint!.Format());
    }

    [Fact]
    public void TheC2spBodyExampleParsesAndFormatsBackExactly()
    {
        var example = BodyExamples.Single(e => e.Body.StartsWith("example.com/behind-the-sofa\n", StringComparison.Ordinal));

        CheckpointParse parse = Checkpoint.Parse(example.Body);

        Assert.Equal(CheckpointResult.Valid, parse.Result);
        Assert.Equal("example.com/behind-the-sofa", parse.Checkpoint!.Origin);
        Assert.Equal(20852163, parse.Checkpoint.TreeSize);
        Assert.Equal(Convert.FromBase64String("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="), parse.Checkpoint.RootHash.ToArray());
        Assert.Equal(example.Body, parse.Checkpoint.Format());
    }

    // The C2SP example's signature carries sum.golang.org's key ID under another name and no key
    // is published for it (the vector's caveat): its note is well formed but verifiable by nobody.
    [Fact]
    public void TheC2spNoteExampleIsWellFormedButNoPublishedKeyVerifiesIt()
    {
        var example = BodyExamples.Single(e => e.Note is not null);

        NoteParse parse = SignedNote.Parse(Utf8(example.Note!));

        Assert.Equal(NoteResult.Valid, parse.Result);
        Assert.Equal(example.Body, parse.Note!.Text);
        Assert.Equal(SumDbKey.KeyId, parse.Note.Signatures.Single().KeyId);
        Assert.Equal(NoteResult.NoSignatureByKnownKey, parse.Note.Verify(Keys.Select(k => Key(k.VerifierKey)).ToList()).Result);
    }

    // transparency-dev/formats TestMarshal uses short strings as hashes ("bananas", 7 bytes). The
    // ledger's tree is RFC 6962 with SHA-256, so its checkpoints carry 32-byte roots only.
    [Fact]
    public void TheFormatsBodyExamplesWithNon32ByteHashesAreRefused()
    {
        var shortHashExamples = BodyExamples.Where(e => e.Origin is "Log" or "Banana").ToList();

        Assert.Equal(2, shortHashExamples.Count);
        Assert.All(shortHashExamples, e => Assert.Equal(CheckpointResult.RootHashNot32Bytes, Checkpoint.Parse(e.Body).Result));
    }

    [Theory]
    [MemberData(nameof(InvalidBodyIds))]
    public void EachInvalidBodyFromFormatsIsRejected(string id)
    {
        int index = int.Parse(id["invalid_bodies.cases[".Length..^1]);

        CheckpointParse parse = Checkpoint.Parse(InvalidBodies[index]);

        Assert.Equal(InvalidBodyReasons[index], parse.Result);
        Assert.Null(parse.Checkpoint);
    }

    [Fact]
    public void EveryInvalidBodyFromFormatsHasAnExpectedReason()
    {
        Assert.Equal(InvalidBodies.Count, InvalidBodyReasons.Count);
    }

    const string Root = "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=";

    [Theory]
    [InlineData("", CheckpointResult.MissingFinalNewline)]
    [InlineData("log\n", CheckpointResult.TooFewLines)]
    [InlineData("log\r\n1\n" + Root + "\n", CheckpointResult.NotNoteText)]
    [InlineData("log\n1\n" + Root + "\n\n", CheckpointResult.EmptyExtensionLine)]
    [InlineData("log\n1\n" + Root + "\next\n\nmore\n", CheckpointResult.EmptyExtensionLine)]
    [InlineData("log\n\n" + Root + "\n", CheckpointResult.TreeSizeNotDecimal)]
    [InlineData("log\n+1\n" + Root + "\n", CheckpointResult.TreeSizeNotDecimal)]
    [InlineData("log\n 1\n" + Root + "\n", CheckpointResult.TreeSizeNotDecimal)]
    [InlineData("log\n1 \n" + Root + "\n", CheckpointResult.TreeSizeNotDecimal)]
    [InlineData("log\n1_000\n" + Root + "\n", CheckpointResult.TreeSizeNotDecimal)]
    [InlineData("log\n\u0661\n" + Root + "\n", CheckpointResult.TreeSizeNotDecimal)]
    [InlineData("log\n00\n" + Root + "\n", CheckpointResult.TreeSizeLeadingZero)]
    [InlineData("log\n0123\n" + Root + "\n", CheckpointResult.TreeSizeLeadingZero)]
    [InlineData("log\n9223372036854775808\n" + Root + "\n", CheckpointResult.TreeSizeTooLarge)]
    [InlineData("log\n18446744073709551616\n" + Root + "\n", CheckpointResult.TreeSizeTooLarge)]
    [InlineData("log\n1\n\n", CheckpointResult.RootHashNotBase64)]
    [InlineData("log\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk\n", CheckpointResult.RootHashNotBase64)]
    [InlineData("log\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wl=\n", CheckpointResult.RootHashNotBase64)]
    [InlineData("log\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk= \n", CheckpointResult.RootHashNotBase64)]
    [InlineData("log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", CheckpointResult.RootHashNot32Bytes)]
    [InlineData("log\n1\nAAAA\n", CheckpointResult.RootHashNot32Bytes)]
    public void AMalformedBodyIsRejectedAtItsFirstWrongLine(string body, CheckpointResult expected)
    {
        Assert.Equal(expected, Checkpoint.Parse(body).Result);
    }

    // tlog-checkpoint.md "Note text" 2: no leading zeroes "unless the tree is empty, in which
    // case the tree size is 0"; the ledger's sizes are long, so 2^63 − 1 is the largest.
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1", 1L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void TheEmptyTreeAndTheLargestSizeAreRead(string size, long expected)
    {
        CheckpointParse parse = Checkpoint.Parse($"log\n{size}\n{Root}\n");

        Assert.Equal(CheckpointResult.Valid, parse.Result);
        Assert.Equal(expected, parse.Checkpoint!.TreeSize);
    }

    [Fact]
    public void ExtensionLinesAreKeptInOrderAndFormattedBack()
    {
        string body = $"example.org/ledger\n7\n{Root}\nfirst extension\n\u2014 second\n";

        CheckpointParse parse = Checkpoint.Parse(body);

        Assert.Equal(CheckpointResult.Valid, parse.Result);
        Assert.Equal(["first extension", "\u2014 second"], parse.Checkpoint!.ExtensionLines);
        Assert.Equal(body, parse.Checkpoint.Format());
    }

    [Fact]
    public void CreatingACheckpointThatCouldNotBeReadBackIsABug()
    {
        byte[] root = MerkleHash.EmptyRoot();

        Assert.Throws<ArgumentException>(() => Checkpoint.Create("", 0, root));
        Assert.Throws<ArgumentException>(() => Checkpoint.Create("two\nlines", 0, root));
        Assert.Throws<ArgumentOutOfRangeException>(() => Checkpoint.Create("log", -1, root));
        Assert.Throws<ArgumentException>(() => Checkpoint.Create("log", 0, root[..31]));
        Assert.Throws<ArgumentException>(() => Checkpoint.Create("log", 0, root, ""));
        Assert.Throws<ArgumentException>(() => Checkpoint.Create("log", 0, root, "tab\there"));
    }

    // --- Corrupted variants of the real sum.golang.org checkpoint (STYLE.md 6): each is refused.

    [Fact]
    public void FlippingOneBitInTheSignatureRejectsTheCheckpoint()
    {
        string line = SignatureLine(SumDb.Note);
        byte[] keyIdAndSignature = Convert.FromBase64String(line[("\u2014 sum.golang.org ".Length)..^1]);
        keyIdAndSignature[4 + 10] ^= 0x01;
        string corrupted = SumDb.Note.Replace(line, "\u2014 sum.golang.org " + Convert.ToBase64String(keyIdAndSignature) + "\n");

        Assert.Equal(NoteResult.InvalidSignatureByKnownKey, SignedNote.Verify(Utf8(corrupted), [SumDbKey]).Result);
    }

    [Theory]
    [InlineData(0)]  // 'g' of the origin becomes 'f'
    [InlineData(21)] // the first digit of the size, '6' becomes '7'
    public void FlippingOneBitInTheTextRejectsTheCheckpoint(int offset)
    {
        byte[] note = Utf8(SumDb.Note);
        note[offset] ^= 0x01;

        Assert.Equal(NoteResult.InvalidSignatureByKnownKey, SignedNote.Verify(note, [SumDbKey]).Result);
    }

    [Fact]
    public void FlippingOneBitInTheRootHashRejectsTheCheckpoint()
    {
        var (_, _, root) = SumDb.ExpectedFields();
        byte[] flipped = [.. root];
        flipped[31] ^= 0x80;
        string corrupted = SumDb.Note.Replace(Convert.ToBase64String(root), Convert.ToBase64String(flipped));

        Assert.NotEqual(SumDb.Note, corrupted);
        Assert.Equal(NoteResult.InvalidSignatureByKnownKey, SignedNote.Verify(Utf8(corrupted), [SumDbKey]).Result);
    }

    [Fact]
    public void AnotherLogsKeyDoesNotVerifyTheCheckpoint()
    {
        Assert.Equal(NoteResult.NoSignatureByKnownKey, SignedNote.Verify(Utf8(SumDb.Note), [KeyNamed("PeterNeumann")]).Result);
    }

    // A key of the same name but another public key has another key ID, so the line is by an
    // unknown key (signed-note.md "Signatures": ignore unless both name and ID match).
    [Fact]
    public void AWrongPublicKeyUnderTheLogsNameDoesNotVerifyTheCheckpoint()
    {
        using var impostor = SigningKey.FromSeed(NoteSignerTests.FixedSeed(0x01));
        var wrongKey = NoteVerifierKey.FromPublicKey("sum.golang.org", impostor.PublicKey);

        Assert.NotEqual(SumDbKey.KeyId, wrongKey.KeyId);
        Assert.Equal(NoteResult.NoSignatureByKnownKey, SignedNote.Verify(Utf8(SumDb.Note), [wrongKey]).Result);
    }

    [Fact]
    public void ASignatureWhoseKeyIdDoesNotMatchTheKnownKeyIsIgnoredSoTheCheckpointIsRejected()
    {
        string line = SignatureLine(SumDb.Note);
        byte[] keyIdAndSignature = Convert.FromBase64String(line[("\u2014 sum.golang.org ".Length)..^1]);
        keyIdAndSignature[3] ^= 0x01;
        string corrupted = SumDb.Note.Replace(line, "\u2014 sum.golang.org " + Convert.ToBase64String(keyIdAndSignature) + "\n");

        NoteVerification verification = SignedNote.Verify(Utf8(corrupted), [SumDbKey]);

        Assert.Equal(NoteResult.NoSignatureByKnownKey, verification.Result);
        Assert.Equal(SumDbKey.KeyId ^ 1u, verification.Note!.Signatures.Single().KeyId);
    }

    // The last blank line separates text from signatures, so a second blank line before the
    // signatures joins the text, which then no longer matches its signature.
    [Fact]
    public void AnExtraBlankLineBeforeTheSignaturesRejectsTheCheckpoint()
    {
        string corrupted = SumDb.Note.Replace("\n\n\u2014", "\n\n\n\u2014");

        NoteVerification verification = SignedNote.Verify(Utf8(corrupted), [SumDbKey]);

        Assert.Equal(NoteResult.InvalidSignatureByKnownKey, verification.Result);
        Assert.Equal(SumDb.Body + "\n", verification.Note!.Text);
    }

    [Fact]
    public void AnExtraBlankLineAfterTheSignaturesRejectsTheCheckpoint()
    {
        Assert.Equal(NoteResult.NoSignatureLines, SignedNote.Verify(Utf8(SumDb.Note + "\n"), [SumDbKey]).Result);
    }

    // A blank line between signature lines becomes the last one: the lines above it join the
    // text. The log's own line is then text, so a log-key-only verifier finds no signature by
    // its key, and a verifier that knows the witnesses finds their signatures broken.
    [Fact]
    public void AnExtraBlankLineBetweenSignaturesRejectsTheCheckpoint()
    {
        string corrupted = Cosigned.Note.Replace("\n\u2014 monkeys", "\n\n\u2014 monkeys");
        var allKeys = Cosigned.VerifierKeys.Select(Key).ToList();

        Assert.Equal(NoteResult.NoSignatureByKnownKey, SignedNote.Verify(Utf8(corrupted), [SumDbKey]).Result);
        Assert.Equal(NoteResult.InvalidSignatureByKnownKey, SignedNote.Verify(Utf8(corrupted), allKeys).Result);
    }

    [Fact]
    public void AMissingFinalNewlineRejectsTheCheckpoint()
    {
        Assert.Equal(NoteResult.MissingFinalNewline, SignedNote.Verify(Utf8(SumDb.Note[..^1]), [SumDbKey]).Result);
    }

    [Fact]
    public void ABodyMissingItsFinalNewlineIsRejected()
    {
        Assert.Equal(CheckpointResult.MissingFinalNewline, Checkpoint.Parse(SumDb.Body[..^1]).Result);
    }

    // --- Round trip: the ledger's own log signing and a verifier reading it back.

    [Fact]
    public void ACheckpointSignedWithAFixedSeedKeyParsesAndVerifies()
    {
        using var logKey = SigningKey.FromSeed(NoteSignerTests.FixedSeed(0x40));
        var signer = new NoteSigner("ledger.example/log", logKey);
        byte[] root = MerkleHash.Node(MerkleHash.Leaf("entry 0"u8), MerkleHash.Leaf("entry 1"u8));
        var checkpoint = Checkpoint.Create("ledger.example/log", 2, root);

        byte[] note = SignedNote.Sign(checkpoint.Format(), signer);
        NoteVerifierKey verifierKey = SignedNoteVectors.Key(signer.VerifierKey.Format());
        NoteVerification verification = SignedNote.Verify(note, [verifierKey]);
        CheckpointParse parse = Checkpoint.Parse(verification.Note!.Text);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal([verifierKey], verification.VerifiedBy);
        Assert.Equal(CheckpointResult.Valid, parse.Result);
        Assert.Equal("ledger.example/log", parse.Checkpoint!.Origin);
        Assert.Equal(2, parse.Checkpoint.TreeSize);
        Assert.Equal(root, parse.Checkpoint.RootHash.ToArray());
        // Deterministic signing: the same checkpoint and key give the same note.
        Assert.Equal(note, SignedNote.Sign(checkpoint.Format(), signer));
        Assert.StartsWith("ledger.example/log\n2\n" + Convert.ToBase64String(root) + "\n\n\u2014 ledger.example/log ", Encoding.UTF8.GetString(note));
    }

    static string SignatureLine(string note)
    {
        int start = note.LastIndexOf("\n\n", StringComparison.Ordinal) + 2;
        return note[start..];
    }
}
