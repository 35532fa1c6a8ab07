// C2SP signed-note (https://c2sp.org/signed-note), sections "Format" and "Signatures", read as
// strictly as Go's golang.org/x/mod/sumdb/note Open, which the published vectors come from.
// Where this code is stricter than Go, the comment at the check says so.
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Ledger.Checkpoints;

/// <summary>
/// A note: a text ending in a newline, a blank line, and one or more signature lines. The
/// text MUST be ignored until a trusted key's signature has been verified
/// (signed-note.md, first paragraph), so callers read <see cref="Text"/> from a
/// <see cref="NoteVerification"/> whose result is <see cref="NoteResult.Valid"/>.
/// </summary>
public sealed class SignedNote
{
    /// <summary>
    /// Go's note.Open refuses a note with more signature lines than this; signed-note.md
    /// "Format" asks verifiers to accept at least 16.
    /// </summary>
    public const int MaxSignatures = 100;

    /// <summary>Em dash (U+2014) and a space open every signature line.</summary>
    internal const string SignatureLinePrefix = "\u2014 ";

    const int KeyIdSizeBytes = 4;

    static ReadOnlySpan<byte> BlankLine => "\n\n"u8;

    static ReadOnlySpan<byte> SignatureLinePrefixUtf8 => "\u2014 "u8;

    readonly byte[] textBytes;

    SignedNote(byte[] textBytes, IReadOnlyList<NoteSignature> signatures)
    {
        this.textBytes = textBytes;
        Text = Encoding.UTF8.GetString(textBytes);
        Signatures = signatures;
    }

    /// <summary>The note text, including its final newline and excluding the blank separator line.</summary>
    public string Text { get; }

    /// <summary>The signature lines in order, verified or not.</summary>
    public IReadOnlyList<NoteSignature> Signatures { get; }

    /// <summary>
    /// The note: <paramref name="text"/>, a blank line, then one signature line per signer in
    /// the order given. Every signer signs the text's UTF-8 bytes.
    /// </summary>
    /// <exception cref="ArgumentException">The text does not end in a newline, holds a control
    /// character other than newline or a lone surrogate, or there are no signers or more than
    /// <see cref="MaxSignatures"/>. The ledger signs only text it formatted itself, so this is a
    /// bug in the caller, not input to report.</exception>
    public static byte[] Sign(string text, params IReadOnlyList<NoteSigner> signers)
    {
        if (!text.EndsWith(NoteEncoding.Newline) || !NoteEncoding.IsNoteText(text))
        {
            throw new ArgumentException(
                "A note text ends with a newline and holds no control character other than newline.", nameof(text));
        }
        if (signers.Count is 0 or > MaxSignatures)
        {
            throw new ArgumentException(
                $"A note has from 1 to {MaxSignatures} signatures, not {signers.Count}.", nameof(signers));
        }

        byte[] textBytes = Encoding.UTF8.GetBytes(text);
        var note = new StringBuilder(text).Append(NoteEncoding.Newline);
        foreach (NoteSigner signer in signers)
        {
            note.Append(signer.SignatureLine(textBytes));
        }
        byte[] noteBytes = Encoding.UTF8.GetBytes(note.ToString());

        // Read back what was written (STYLE.md 9): the separator must be found where we put it.
        NoteParse readBack = Parse(noteBytes);
        Invariant.Holds(readBack.IsValid && readBack.Note.Text == text && readBack.Note.Signatures.Count == signers.Count,
            "a signed note reads back as its text and signatures");
        return noteBytes;
    }

    /// <summary>
    /// The note with <paramref name="signatureLines"/> added after its own, each line once: how a
    /// witness's answer joins the checkpoint it cosigned (tlog-witness.md "add-checkpoint": the
    /// client "MAY concatenate it to the checkpoint"). The text must stay the note's text, so
    /// the lines cannot hold a blank line. No signature is checked here.
    /// </summary>
    public static NoteAddition AddSignatureLines(ReadOnlySpan<byte> note, ReadOnlySpan<byte> signatureLines)
    {
        NoteParse original = Parse(note);
        if (!original.IsValid)
        {
            return new(original.Result, null);
        }
        NoteParse combined = Parse([.. note, .. signatureLines]);
        if (!combined.IsValid)
        {
            return new(combined.Result, null);
        }
        if (combined.Note.Text != original.Note.Text)
        {
            return new(NoteResult.NotASignatureLine, null);
        }
        var lines = combined.Note.Signatures.Select(s => s.Line).Distinct(StringComparer.Ordinal);
        byte[] bytes = Encoding.UTF8.GetBytes(string.Concat([original.Note.Text, "\n", .. lines]));
        return new(NoteResult.Valid, bytes);
    }

    /// <summary>
    /// Splits a note into its text and signature lines and checks their syntax; no signature is
    /// checked here. Bad input is a result, never an exception.
    /// </summary>
    public static NoteParse Parse(ReadOnlySpan<byte> note)
    {
        NoteResult encoding = NoteEncoding.CheckUtf8WithoutControlCharacters(note);
        if (encoding != NoteResult.Valid)
        {
            return new(encoding, null);
        }

        // "the text is separated from the signatures by the last empty line in the note"
        // (signed-note.md "Format"); the text keeps its own final newline.
        int split = note.LastIndexOf(BlankLine);
        if (split < 0)
        {
            return new(NoteResult.NoBlankLineBeforeSignatures, null);
        }
        ReadOnlySpan<byte> text = note[..(split + 1)];
        ReadOnlySpan<byte> signatureBlock = note[(split + 2)..];
        if (signatureBlock.IsEmpty)
        {
            return new(NoteResult.NoSignatureLines, null);
        }
        if (signatureBlock[^1] != (byte)NoteEncoding.Newline)
        {
            return new(NoteResult.MissingFinalNewline, null);
        }

        var signatures = new List<NoteSignature>();
        while (!signatureBlock.IsEmpty)
        {
            int end = signatureBlock.IndexOf((byte)NoteEncoding.Newline);
            ReadOnlySpan<byte> line = signatureBlock[..end];
            signatureBlock = signatureBlock[(end + 1)..];

            var (result, signature) = ParseSignatureLine(line);
            if (result != NoteResult.Valid)
            {
                return new(result, null);
            }
            signatures.Add(signature!);
            // Go counts every line, duplicates included, and so do we.
            if (signatures.Count > MaxSignatures)
            {
                return new(NoteResult.TooManySignatures, null);
            }
        }
        return new(NoteResult.Valid, new SignedNote(text.ToArray(), signatures));
    }

    // "— <key name> base64(32-bit key ID || signature)" (signed-note.md "Signatures"). The name
    // ends at the first space; since a name cannot hold a space, any later space lands in the
    // base64 field and fails to decode, as in Go.
    static (NoteResult Result, NoteSignature? Signature) ParseSignatureLine(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith(SignatureLinePrefixUtf8))
        {
            return (NoteResult.NotASignatureLine, null);
        }
        string rest = Encoding.UTF8.GetString(line[SignatureLinePrefixUtf8.Length..]);
        int space = rest.IndexOf(' ');
        string name = space < 0 ? rest : rest[..space];
        string base64 = space < 0 ? "" : rest[(space + 1)..];
        if (!NoteVerifierKey.IsValidName(name))
        {
            return (NoteResult.InvalidKeyName, null);
        }
        // Stricter than Go, which accepts non-zero pad bits: only the canonical spelling, so a
        // signature line cannot be rewritten without changing the signature it carries.
        if (!NoteEncoding.TryDecodeBase64(base64, out byte[] keyIdAndSignature))
        {
            return (NoteResult.SignatureNotBase64, null);
        }
        if (keyIdAndSignature.Length < KeyIdSizeBytes + 1)
        {
            return (NoteResult.SignatureTooShort, null);
        }
        uint keyId = BinaryPrimitives.ReadUInt32BigEndian(keyIdAndSignature);
        return (NoteResult.Valid, new NoteSignature(name, keyId, keyIdAndSignature[KeyIdSizeBytes..], base64));
    }

    /// <summary>
    /// Checks the signatures against <paramref name="knownKeys"/> (signed-note.md "Signatures"):
    /// a signature whose key name and key ID match no known key is ignored, even if one of the
    /// two matches; one that matches a known key MUST verify, or the whole note is rejected;
    /// and at least one known key's signature must verify.
    /// </summary>
    public NoteVerification Verify(IReadOnlyCollection<NoteVerifierKey> knownKeys)
    {
        var verifiedBy = new List<NoteVerifierKey>();
        var checkedLines = new HashSet<string>(StringComparer.Ordinal);
        foreach (NoteSignature signature in Signatures)
        {
            var claimed = knownKeys.Where(signature.ClaimsKey).Distinct().ToList();
            if (claimed.Count == 0)
            {
                continue;
            }
            if (claimed.Count > 1)
            {
                return new(NoteResult.AmbiguousKnownKey, this, []);
            }
            // Go skips every later line by a key it has seen; we verify each distinct line by a
            // known key, because the spec says a known key's signature MUST be verified. A
            // repeated identical line is the same check, so it is done once.
            if (!checkedLines.Add($"{signature.KeyName} {signature.Base64}"))
            {
                continue;
            }
            NoteVerifierKey key = claimed[0];
            if (!key.PublicKey.Verify(textBytes, signature.Signature))
            {
                return new(NoteResult.InvalidSignatureByKnownKey, this, []);
            }
            if (!verifiedBy.Contains(key))
            {
                verifiedBy.Add(key);
            }
        }
        return verifiedBy.Count == 0
            ? new(NoteResult.NoSignatureByKnownKey, this, [])
            : new(NoteResult.Valid, this, verifiedBy);
    }

    /// <summary>Parses <paramref name="note"/> and verifies it against <paramref name="knownKeys"/>: the usual way in.</summary>
    public static NoteVerification Verify(ReadOnlySpan<byte> note, IReadOnlyCollection<NoteVerifierKey> knownKeys)
    {
        NoteParse parse = Parse(note);
        return parse.IsValid ? parse.Note.Verify(knownKeys) : new(parse.Result, null, []);
    }
}

/// <summary>The result of <see cref="SignedNote.Parse"/>: a reason, and the note when its syntax is valid.</summary>
public readonly record struct NoteParse(NoteResult Result, SignedNote? Note)
{
    [MemberNotNullWhen(true, nameof(Note))]
    public bool IsValid => Result == NoteResult.Valid;
}

/// <summary>The result of <see cref="SignedNote.AddSignatureLines"/>: a reason, and the note's bytes when it is <see cref="NoteResult.Valid"/>.</summary>
public readonly record struct NoteAddition(NoteResult Result, byte[]? Note)
{
    [MemberNotNullWhen(true, nameof(Note))]
    public bool IsValid => Result == NoteResult.Valid;
}

/// <summary>
/// The result of verifying a note: a reason; the parsed note when its syntax was valid (even if
/// its signatures were not, for diagnostics only: its text is not to be trusted then); and the
/// known keys whose signatures verified, each once, in the order their lines appear.
/// </summary>
public sealed record NoteVerification(NoteResult Result, SignedNote? Note, IReadOnlyList<NoteVerifierKey> VerifiedBy)
{
    [MemberNotNullWhen(true, nameof(Note))]
    public bool IsValid => Result == NoteResult.Valid;
}
