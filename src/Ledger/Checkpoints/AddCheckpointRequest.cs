// The body of C2SP tlog-witness (https://c2sp.org/tlog-witness) "add-checkpoint", written by the
// log's server (src/Api/Hosting/WitnessSubmissionService.cs) and read by the witness (src/Witness):
//
//   old <size>\n
//   <base64 consistency proof hash>\n   (zero to 63 lines)
//   \n
//   <signed checkpoint note>
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Ledger.Merkle;

namespace Ledger.Checkpoints;

/// <summary>A well-formed add-checkpoint request; its signatures and its proof are not checked yet.</summary>
/// <param name="NoteBytes">The checkpoint's note exactly as sent, to which the cosignature is added.</param>
public sealed record AddCheckpointRequest(long OldSize, IReadOnlyList<byte[]> Proof, SignedNote Note, byte[] NoteBytes, Checkpoint Checkpoint)
{
    /// <summary>"The client MUST NOT send more than 63 consistency proof lines" (tlog-witness.md).</summary>
    public const int MaxProofLines = 63;

    /// <summary>More than a note with 100 signatures and 63 proof lines can take: the HTTP edge reads no more.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The body that asks a witness to cosign <paramref name="note"/> with the consistency proof from <paramref name="oldSize"/>.</summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxProofLines"/> hashes, or one not 32 bytes: a tree's proofs never are.</exception>
    public static byte[] Format(long oldSize, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> note)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        if (proof.Count > MaxProofLines || proof.Any(hash => hash.Length != MerkleHash.SizeBytes))
        {
            throw new ArgumentException($"A consistency proof is at most {MaxProofLines} hashes of {MerkleHash.SizeBytes} bytes.", nameof(proof));
        }
        var head = new StringBuilder("old ").Append(oldSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (byte[] hash in proof)
        {
            head.Append(Convert.ToBase64String(hash)).Append('\n');
        }
        head.Append('\n');
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. note];
    }

    /// <summary>Reads a request body; a body that is not one is a reason (for a 400), never an exception.</summary>
    public static AddCheckpointParse Parse(ReadOnlySpan<byte> body)
    {
        if (!TryReadLine(ref body, out string? oldLine) || !oldLine.StartsWith("old ", StringComparison.Ordinal))
        {
            return Malformed("the first line is not \"old <size>\"");
        }
        // "ASCII decimal with no leading zeroes (unless the size is zero ...)".
        string size = oldLine["old ".Length..];
        if (size.Length == 0 || !size.All(char.IsAsciiDigit) || (size.Length > 1 && size[0] == '0')
            || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out long oldSize))
        {
            return Malformed($"the old size \"{size}\" is not a decimal without leading zeros");
        }
        var proof = new List<byte[]>();
        while (true)
        {
            if (!TryReadLine(ref body, out string? line))
            {
                return Malformed("no empty line ends the consistency proof");
            }
            if (line.Length == 0)
            {
                break;
            }
            if (proof.Count == MaxProofLines)
            {
                return Malformed($"more than {MaxProofLines} consistency proof lines");
            }
            if (!TryDecodeHash(line, out byte[] hash))
            {
                return Malformed($"proof line {proof.Count + 1} is not the standard base64 of a {MerkleHash.SizeBytes}-byte hash");
            }
            proof.Add(hash);
        }
        NoteParse note = SignedNote.Parse(body);
        if (!note.IsValid)
        {
            return Malformed($"the checkpoint is not a signed note ({note.Result})");
        }
        CheckpointParse checkpoint = Checkpoint.Parse(note.Note.Text);
        if (!checkpoint.IsValid)
        {
            return Malformed($"the note is not a checkpoint ({checkpoint.Result})");
        }
        return new(new AddCheckpointRequest(oldSize, proof, note.Note, body.ToArray(), checkpoint.Checkpoint), null);
    }

    static AddCheckpointParse Malformed(string why) => new(null, why);

    // "Each line MUST terminate in a newline character"; a line of the head is ASCII, so any other byte is refused.
    static bool TryReadLine(ref ReadOnlySpan<byte> body, [NotNullWhen(true)] out string? line)
    {
        line = null;
        int end = body.IndexOf((byte)'\n');
        if (end < 0 || body[..end].ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
        {
            return false;
        }
        line = Encoding.ASCII.GetString(body[..end]);
        body = body[(end + 1)..];
        return true;
    }

    // Standard padded base64 (RFC 4648 §4) in its one canonical spelling, as every base64 of a note is read.
    static bool TryDecodeHash(string line, out byte[] hash)
    {
        hash = new byte[MerkleHash.SizeBytes];
        return Convert.TryFromBase64String(line, hash, out int written) && written == MerkleHash.SizeBytes
            && Convert.ToBase64String(hash) == line;
    }
}

/// <summary>The result of <see cref="AddCheckpointRequest.Parse"/>: the request, or why the body is not one.</summary>
public readonly record struct AddCheckpointParse(AddCheckpointRequest? Request, string? Problem)
{
    [MemberNotNullWhen(true, nameof(Request))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool IsValid => Request is not null;
}
