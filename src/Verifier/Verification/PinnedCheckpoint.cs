using System.Text;
using Ledger.Canonical;
using Ledger.Checkpoints;

namespace Ledger.Verifier.Verification;

/// <summary>
/// A checkpoint that people saw outside the source — on the notice board, in an offline bundle
/// a resident kept, from <c>GET /v1/log/checkpoint</c> or a witness — pinned with
/// <c>--checkpoint FILE</c> (issue 15): the audited log must hold its tree, so an export cut
/// back below it, or with entries taken out before it, is a finding however well it was
/// re-chained and re-signed. Its signature is checked by the audit, under the log key every
/// checkpoint is checked with (docs/VERIFIER.md "Pinned checkpoints").
/// </summary>
/// <param name="Origin">Where it came from, for the report: the file's path.</param>
/// <param name="Note">The signed note (FORMAT.md §10.3) exactly as signed; its signature is not checked yet.</param>
public sealed record PinnedCheckpoint(string Origin, string Note)
{
    /// <summary>The largest file read, as `verify-entry` reads a bundle: a bundle holds one entry and a proof, a bare note a few hundred bytes.</summary>
    public const int MaxFileBytes = 1 << 20;

    static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads a file holding a bare signed note or an offline bundle (FORMAT.md §10.5), whose checkpoint is taken.</summary>
    /// <exception cref="UnreadableInputException">The file cannot be read, or holds neither: the command line's input is wrong (exit code 2).</exception>
    public static PinnedCheckpoint Read(string path)
    {
        byte[] bytes;
        try
        {
            using var file = File.OpenRead(path);
            if (file.Length > MaxFileBytes)
            {
                throw new UnreadableInputException($"--checkpoint {path}: the file is larger than a checkpoint or a bundle can be ({MaxFileBytes} bytes)");
            }
            bytes = new byte[file.Length];
            file.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UnreadableInputException($"--checkpoint {path} cannot be read: {e.Message}", e);
        }
        return Parse(path, bytes);
    }

    /// <summary>Reads a bare signed note, or a bundle (a JSON object), and checks that it is a signed checkpoint note in form; not its signature.</summary>
    /// <exception cref="UnreadableInputException">Neither a signed checkpoint note nor a bundle.</exception>
    public static PinnedCheckpoint Parse(string origin, ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(ByteOrderMark))
        {
            throw Unusable(origin, "it begins with a byte-order mark: save the note exactly as it was served");
        }
        byte[] note;
        if (bytes.TrimStart(" \t\r\n"u8).StartsWith("{"u8))
        {
            try
            {
                note = Encoding.UTF8.GetBytes(OfflineBundle.Parse(bytes).Checkpoint);
            }
            catch (Exception e) when (e is FormatException or CanonicalFormException)
            {
                throw Unusable(origin, e.Message);
            }
        }
        else
        {
            note = bytes.ToArray();
        }
        // Its form only: the text is not trusted until the audit has verified the signature.
        var parsed = SignedNote.Parse(note);
        if (!parsed.IsValid)
        {
            throw Unusable(origin, $"not a signed note ({parsed.Result})");
        }
        var checkpoint = Checkpoint.Parse(parsed.Note.Text);
        if (!checkpoint.IsValid)
        {
            throw Unusable(origin, $"the note is not a checkpoint ({checkpoint.Result})");
        }
        return new PinnedCheckpoint(origin, Encoding.UTF8.GetString(note));
    }

    static UnreadableInputException Unusable(string origin, string why) =>
        new($"--checkpoint {origin} is not a signed checkpoint note (FORMAT.md §10.3) or an offline bundle (§10.5): {why}");
}
