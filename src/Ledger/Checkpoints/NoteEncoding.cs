// Character rules shared by signed notes and checkpoints: C2SP signed-note.md "Format" and
// "Conventions used in this document" (base64 is RFC 4648 §4, the standard alphabet).
using System.Buffers;
using System.Text;

namespace Ledger.Checkpoints;

internal static class NoteEncoding
{
    internal const char Newline = '\n';

    /// <summary>
    /// The first violation of "Signed notes MUST be valid UTF-8 and MUST NOT contain any ASCII
    /// control characters (those below U+0020) other than newline" (signed-note.md "Format"),
    /// scanning from the start as Go's note.Open does; <see cref="NoteResult.Valid"/> if none.
    /// </summary>
    internal static NoteResult CheckUtf8WithoutControlCharacters(ReadOnlySpan<byte> note)
    {
        while (!note.IsEmpty)
        {
            // DecodeFromUtf8 refuses overlong forms, encoded surrogates and truncated sequences,
            // the same bytes Go's utf8.DecodeRune turns into RuneError of size 1.
            if (Rune.DecodeFromUtf8(note, out Rune rune, out int consumed) != OperationStatus.Done)
            {
                return NoteResult.NotUtf8;
            }
            if (IsForbiddenControl(rune.Value))
            {
                return NoteResult.ControlCharacter;
            }
            note = note[consumed..];
        }
        return NoteResult.Valid;
    }

    /// <summary>The same rule for text held as UTF-16: no lone surrogate, no control character but newline.</summary>
    internal static bool IsNoteText(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out Rune rune, out int consumed) != OperationStatus.Done
                || IsForbiddenControl(rune.Value))
            {
                return false;
            }
            text = text[consumed..];
        }
        return true;
    }

    static bool IsForbiddenControl(int codePoint) => codePoint < 0x20 && codePoint != Newline;

    /// <summary>
    /// Decodes standard, padded base64 (RFC 4648 §4) and nothing else: no whitespace (which
    /// .NET's decoders skip), no missing padding, no URL alphabet, and only the canonical
    /// spelling (pad bits zero, RFC 4648 §3.5), so that a note's bytes cannot be altered without
    /// altering what they decode to. Empty input is refused: every base64 field in a note,
    /// a verifier key or a checkpoint carries at least one byte.
    /// </summary>
    internal static bool TryDecodeBase64(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.IsEmpty || text.Length % 4 != 0)
        {
            return false;
        }
        int padding = text[^1] == '=' ? (text[^2] == '=' ? 2 : 1) : 0;
        foreach (char c in text[..^padding])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            {
                return false;
            }
        }
        var decoded = new byte[text.Length / 4 * 3 - padding];
        if (!Convert.TryFromBase64Chars(text, decoded, out int written) || written != decoded.Length)
        {
            return false;
        }
        if (!Convert.ToBase64String(decoded).AsSpan().SequenceEqual(text))
        {
            return false;
        }
        bytes = decoded;
        return true;
    }
}
