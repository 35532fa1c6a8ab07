// Ed25519 cosignature/v1 (C2SP tlog-cosignature "Format", "Ed25519 signed message") against
// tests/vectors/cosignature_v1.json, which Go's crypto/ed25519 and golang.org/x/mod/sumdb/note
// made (tests/vectors/generate/cosignature_v1.go): every byte here is reproduced, not trusted.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Checkpoints;
using Ledger.Signing;

namespace Ledger.Tests.Checkpoints;

public sealed class CosignatureTests
{
    static readonly JsonNode Vectors = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "cosignature_v1.json")))!;

    static readonly JsonNode Witness = Vectors["witness"]!;

    static string Str(JsonNode? node) => node!.GetValue<string>();

    static CosignatureVerifierKey WitnessKey => CosignatureVerifierKey.Parse(Str(Witness["vkey"])).Key!;

    static SignedNote Note(string text) => SignedNote.Parse(Encoding.UTF8.GetBytes(text)).Note!;

    [Fact]
    public void TheWitnessKeyIdIsTheFirstFourBytesOfSha256OfNameNewlineType4AndKey()
    {
        using var key = SigningKey.FromSeed(Convert.FromHexString(Str(Witness["seed_hex"])));
        var preimage = Convert.FromHexString(Str(Witness["key_id_preimage_hex"]));

        var witness = CosignatureVerifierKey.FromPublicKey(Str(Witness["name"]), key.PublicKey);

        Assert.Equal(Str(Witness["public_key_hex"]), Convert.ToHexStringLower(key.PublicKey.Bytes));
        Assert.Equal([.. Encoding.UTF8.GetBytes(Str(Witness["name"])), 0x0A, 0x04, .. key.PublicKey.Bytes], preimage);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(preimage)[..4]), Str(Witness["key_id_hex"]));
        Assert.Equal(Str(Witness["key_id_hex"]), witness.KeyId.ToString("x8"));
        Assert.Equal(Str(Witness["vkey"]), witness.Format());
        Assert.Equal(witness, WitnessKey);
    }

    [Fact]
    public void ALogKeyIsNoWitnessKeyAndAWitnessKeyIsNoLogKey()
    {
        Assert.Equal(NoteVerifierKeyResult.UnknownSignatureType, CosignatureVerifierKey.Parse(Str(Vectors["log"]!["vkey"])).Result);
        Assert.Equal(NoteVerifierKeyResult.UnknownSignatureType, NoteVerifierKey.Parse(Str(Witness["vkey"])).Result);
        // The same key under another name has another key ID, so the text no longer adds up.
        var renamed = Str(Witness["vkey"]).Replace("residents-committee", "someone-else", StringComparison.Ordinal);
        Assert.Equal(NoteVerifierKeyResult.KeyIdMismatch, CosignatureVerifierKey.Parse(renamed).Result);
    }

    [Fact]
    public void SigningTheCheckpointAtTheVectorsTimeReproducesGosMessageAndLineByteForByte()
    {
        using var key = SigningKey.FromSeed(Convert.FromHexString(Str(Witness["seed_hex"])));
        var signer = new CosignatureSigner(Str(Witness["name"]), key);
        var text = Note(Str(Vectors["checkpoint_note"])).Text;
        var timestamp = Vectors["timestamp"]!.GetValue<long>();

        Assert.Equal(Str(Vectors["signed_message"]), Encoding.UTF8.GetString(Cosignature.Message(timestamp, text)));
        Assert.Equal(Str(Vectors["signature_line"]), signer.SignatureLine(text, timestamp));
        Assert.Equal(WitnessKey, signer.VerifierKey);
    }

    [Fact]
    public void TheCosignedNoteCarriesAValidCosignatureAtItsTimeAndStillTheLogsSignature()
    {
        var note = Note(Str(Vectors["cosigned_note"]));

        var cosignature = Cosignature.Verify(note, WitnessKey);
        var logSignature = note.Verify([NoteVerifierKey.Parse(Str(Vectors["log"]!["vkey"])).Key!]);

        Assert.Equal(CosignatureResult.Valid, cosignature.Result);
        Assert.Equal(Vectors["timestamp"]!.GetValue<long>(), cosignature.Timestamp);
        // The witness's line is an unknown key's to a log key verifier, and ignored (signed-note.md "Signatures").
        Assert.True(logSignature.IsValid, logSignature.Result.ToString());
    }

    public static TheoryData<string> CorruptedIds() => [.. Vectors["corrupted"]!.AsArray().Select(c => Str(c!["id"]))];

    [Theory]
    [MemberData(nameof(CorruptedIds))]
    public void ACorruptedCosignatureIsRefusedForItsReason(string id)
    {
        var vector = Vectors["corrupted"]!.AsArray().Single(c => Str(c!["id"]) == id)!;

        var cosignature = Cosignature.Verify(Note(Str(vector["cosigned_note"])), WitnessKey);

        Assert.Equal(Enum.Parse<CosignatureResult>(Str(vector["wantErr"])), cosignature.Result);
        Assert.Null(cosignature.Timestamp);
        Assert.Equal(0, Cosignature.CountWitnesses([cosignature]));
    }

    [Fact]
    public void AddingTheWitnesssLineToTheLogsNoteGivesTheCosignedNoteAndAddingItAgainChangesNothing()
    {
        var checkpoint = Encoding.UTF8.GetBytes(Str(Vectors["checkpoint_note"]));
        var line = Encoding.UTF8.GetBytes(Str(Vectors["signature_line"]));

        var once = SignedNote.AddSignatureLines(checkpoint, line);
        var twice = SignedNote.AddSignatureLines(once.Note!, line);

        Assert.Equal(Str(Vectors["cosigned_note"]), Encoding.UTF8.GetString(once.Note!));
        Assert.Equal(once.Note, twice.Note);
    }

    [Theory]
    [InlineData("\n", NoteResult.NoSignatureLines)]
    // A blank line would make the log's signature line part of the text.
    [InlineData("\n\u2014 witness c2lnbmF0dXJl\n", NoteResult.NotASignatureLine)]
    [InlineData("— witness AAAA\n", NoteResult.SignatureTooShort)]
    [InlineData("— witness c2lnbmF0dXJl", NoteResult.MissingFinalNewline)]
    [InlineData("not a signature\n", NoteResult.NotASignatureLine)]
    public void LinesThatAreNotSignatureLinesAreNotAdded(string lines, NoteResult expected)
    {
        var addition = SignedNote.AddSignatureLines(Encoding.UTF8.GetBytes(Str(Vectors["checkpoint_note"])), Encoding.UTF8.GetBytes(lines));

        Assert.Equal(expected, addition.Result);
        Assert.Null(addition.Note);
    }

    [Fact]
    public void OneKeyUnderTwoNamesCountsAsOneWitness()
    {
        using var key = SigningKey.FromSeed(Convert.FromHexString(Str(Witness["seed_hex"])));
        var first = new CosignatureSigner("witness.example/one", key);
        var second = new CosignatureSigner("witness.example/two", key);
        var checkpoint = Str(Vectors["checkpoint_note"]);
        var text = Note(checkpoint).Text;
        var note = Note(checkpoint + first.SignatureLine(text, 1) + second.SignatureLine(text, 1));

        var cosignatures = Cosignature.Verify(note, [first.VerifierKey, second.VerifierKey]);

        Assert.All(cosignatures, c => Assert.Equal(CosignatureResult.Valid, c.Result));
        Assert.Equal(1, Cosignature.CountWitnesses(cosignatures));
    }

    [Fact]
    public void AWitnessNeverSignsWithoutATimeNorAnythingButACheckpoint()
    {
        using var key = SigningKey.FromSeed(Convert.FromHexString(Str(Witness["seed_hex"])));
        var signer = new CosignatureSigner(Str(Witness["name"]), key);
        var text = Note(Str(Vectors["checkpoint_note"])).Text;

        Assert.Throws<ArgumentOutOfRangeException>(() => signer.SignatureLine(text, 0));
        Assert.Throws<ArgumentException>(() => signer.SignatureLine("not a checkpoint\n", 1));
    }
}
