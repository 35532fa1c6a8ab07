// Signing notes: C2SP signed-note.md "Format" (text, blank line, signature lines) and
// "Ed25519 signatures"; the reference output is golang.org/x/mod sumdb/note TestSign.
using System.Text;
using Ledger.Checkpoints;
using Ledger.Signing;

namespace Ledger.Tests.Checkpoints;

public sealed class NoteSignerTests
{
    static readonly SignedNoteVectors.SignerVector Peter = SignedNoteVectors.Signer;

    [Fact]
    public void ThePublishedSeedDerivesThePublishedPublicKeyKeyIdAndVerifierKey()
    {
        using var signingKey = SigningKey.FromSeed(Peter.Seed);

        var signer = new NoteSigner(Peter.Name, signingKey);

        Assert.Equal(Peter.DerivedPublicKey, signingKey.PublicKey.Bytes.ToArray());
        Assert.Equal(Peter.Name, signer.Name);
        Assert.Equal(Peter.KeyId, signer.KeyId);
        Assert.Equal(SignedNoteVectors.Keys.Single(k => k.Name == Peter.Name).VerifierKey, signer.VerifierKey.Format());
    }

    // Ed25519 is deterministic (RFC 8032 §5.1.6), so signing the vector's text with the vector's
    // key must reproduce the published note exactly.
    [Fact]
    public void SigningThePublishedTextReproducesThePublishedNoteByteForByte()
    {
        var vector = SignedNoteVectors.Notes.Single(n => n.Id == "go-note-peter");
        using var signingKey = SigningKey.FromSeed(Peter.Seed);

        byte[] note = SignedNote.Sign(vector.Text!, new NoteSigner(Peter.Name, signingKey));

        Assert.Equal(vector.Note, Encoding.UTF8.GetString(note));
    }

    [Fact]
    public void ASignatureLineIsAnEmDashTheNameAndTheBase64OfKeyIdAndSignature()
    {
        using var signingKey = SigningKey.FromSeed(Peter.Seed);
        var signer = new NoteSigner(Peter.Name, signingKey);
        byte[] text = "hello\n"u8.ToArray();

        string line = signer.SignatureLine(text);

        Assert.StartsWith("\u2014 PeterNeumann ", line);
        Assert.EndsWith("\n", line);
        byte[] keyIdAndSignature = Convert.FromBase64String(line["\u2014 PeterNeumann ".Length..^1]);
        Assert.Equal(4 + 64, keyIdAndSignature.Length);
        Assert.Equal(new byte[] { 0xc7, 0x4f, 0x20, 0xa3 }, keyIdAndSignature[..4]);
        Assert.Equal(signingKey.Sign(text), keyIdAndSignature[4..]);
    }

    [Fact]
    public void ANoteSignedByTwoSignersCarriesBothSignaturesInOrderAndBothVerify()
    {
        using var peterKey = SigningKey.FromSeed(Peter.Seed);
        using var ledgerKey = SigningKey.FromSeed(FixedSeed(0x20));
        var peter = new NoteSigner(Peter.Name, peterKey);
        var ledger = new NoteSigner("ledger.example/test", ledgerKey);

        byte[] note = SignedNote.Sign("two signers\n", peter, ledger);
        NoteVerification verification = SignedNote.Verify(note, [ledger.VerifierKey, peter.VerifierKey]);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal(["PeterNeumann", "ledger.example/test"], verification.Note!.Signatures.Select(s => s.KeyName));
        Assert.Equal([peter.VerifierKey, ledger.VerifierKey], verification.VerifiedBy);
    }

    // signed-note.md "Format": a text ends in a newline and holds no control character but newline.
    [Theory]
    [InlineData("")]
    [InlineData("no final newline")]
    [InlineData("carriage return\r\n")]
    [InlineData("tab\there\n")]
    public void SigningATextThatCannotBeANoteTextIsABug(string text)
    {
        using var signingKey = SigningKey.FromSeed(Peter.Seed);

        Assert.Throws<ArgumentException>(() => SignedNote.Sign(text, new NoteSigner(Peter.Name, signingKey)));
    }

    [Fact]
    public void SigningWithoutSignersIsABug()
    {
        Assert.Throws<ArgumentException>(() => SignedNote.Sign("text\n"));
    }

    [Fact]
    public void ASignerWithAnInvalidNameCannotBeMade()
    {
        using var signingKey = SigningKey.FromSeed(Peter.Seed);

        Assert.Throws<ArgumentException>(() => new NoteSigner("Bad Name", signingKey));
    }

    [Fact]
    public void ATextWithEmptyLinesIsSeparatedFromItsSignaturesByTheLastEmptyLine()
    {
        using var signingKey = SigningKey.FromSeed(Peter.Seed);
        var signer = new NoteSigner(Peter.Name, signingKey);
        const string text = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n";

        NoteVerification verification = SignedNote.Verify(SignedNote.Sign(text, signer), [signer.VerifierKey]);

        Assert.Equal(NoteResult.Valid, verification.Result);
        Assert.Equal(text, verification.Note!.Text);
    }

    internal static byte[] FixedSeed(byte first) => [.. Enumerable.Range(first, 32).Select(i => (byte)i)];
}
