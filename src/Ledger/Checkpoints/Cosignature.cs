// Ed25519 cosignature/v1: C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature),
// "Format" and "Ed25519 signed message". A cosignature is a signed-note signature line
//
//   — <witness name> base64(key ID || u64 big-endian timestamp || 64-byte Ed25519 signature)
//
// over "cosignature/v1\n" "time <timestamp>\n" followed by the whole checkpoint text, final
// newline included. It says: as of that time, this is the largest tree the witness has seen for
// the log, consistent with everything it saw before.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Ledger.Signing;

namespace Ledger.Checkpoints;

/// <summary>One witness's cosignature on a checkpoint note, as checked: the witness, whether it verified, and when it was made.</summary>
/// <param name="Timestamp">The POSIX time the witness signed at, when <paramref name="Result"/> is <see cref="CosignatureResult.Valid"/>.</param>
public sealed record Cosignature(CosignatureVerifierKey Witness, CosignatureResult Result, long? Timestamp)
{
    /// <summary>The key ID, the timestamp and the Ed25519 signature: the bytes a cosignature line's base64 decodes to after the key ID.</summary>
    internal const int TimestampSizeBytes = 8;

    const string Header = "cosignature/v1";

    public bool IsValid => Result == CosignatureResult.Valid;

    /// <summary>The signed message: "cosignature/v1\ntime &lt;t&gt;\n" and the note text, as UTF-8 (tlog-cosignature.md "Ed25519 signed message").</summary>
    public static byte[] Message(long timestamp, string checkpointText) =>
        Encoding.UTF8.GetBytes($"{Header}\ntime {timestamp.ToString(CultureInfo.InvariantCulture)}\n{checkpointText}");

    /// <summary>
    /// Checks <paramref name="witness"/>'s cosignature on <paramref name="note"/>. Lines by other
    /// keys are ignored (tlog-cosignature.md "Format": clients "ignore any signature lines that
    /// don't match the name and key ID"); every line by this witness must verify, as every
    /// signature by a known key must (signed-note.md "Signatures"), and the first decides the time.
    /// The note's own signature (the log's) is not checked here.
    /// </summary>
    public static Cosignature Verify(SignedNote note, CosignatureVerifierKey witness)
    {
        long? timestamp = null;
        foreach (NoteSignature line in note.Signatures.Where(witness.IsClaimedBy))
        {
            ReadOnlySpan<byte> signed = line.Signature;
            if (signed.Length != TimestampSizeBytes + Ed25519.SignatureSizeBytes)
            {
                return new(witness, CosignatureResult.WrongLength, null);
            }
            ulong time = BinaryPrimitives.ReadUInt64BigEndian(signed);
            if (time > long.MaxValue)
            {
                return new(witness, CosignatureResult.TimestampTooLarge, null);
            }
            if (time == 0)
            {
                return new(witness, CosignatureResult.TimestampZero, null);
            }
            if (!witness.PublicKey.Verify(Message((long)time, note.Text), signed[TimestampSizeBytes..]))
            {
                return new(witness, CosignatureResult.SignatureInvalid, null);
            }
            timestamp ??= (long)time;
        }
        return timestamp is null
            ? new(witness, CosignatureResult.NoCosignature, null)
            : new(witness, CosignatureResult.Valid, timestamp);
    }

    /// <summary>Each witness's cosignature on <paramref name="note"/>, in the order the witnesses are given.</summary>
    public static IReadOnlyList<Cosignature> Verify(SignedNote note, IEnumerable<CosignatureVerifierKey> witnesses) =>
        witnesses.Select(witness => Verify(note, witness)).ToList();

    /// <summary>
    /// How many distinct witnesses cosigned validly: distinct by public key, since the
    /// cosignature/v1 message does not commit to the witness's name, so one key named twice
    /// is one witness signing once (tlog-cosignature.md "Ed25519 signed message").
    /// </summary>
    public static int CountWitnesses(IEnumerable<Cosignature> cosignatures) =>
        cosignatures.Where(c => c.IsValid).Select(c => c.Witness.PublicKey).Distinct().Count();
}
