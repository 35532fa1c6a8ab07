// The decision of C2SP tlog-witness (https://c2sp.org/tlog-witness) "add-checkpoint", pure: given
// the logs the witness trusts and the newest checkpoint it cosigned for the request's log, may it
// cosign? Reading the request, signing, persisting and answering are the edge's (WitnessServer).
using Ledger.Checkpoints;
using Ledger.Merkle;

namespace Ledger.Witness;

/// <summary>A log the witness follows: its origin, and the keys whose signature on a checkpoint it trusts.</summary>
public sealed record WitnessedLog(string Origin, IReadOnlyList<NoteVerifierKey> Keys);

/// <summary>The newest checkpoint the witness cosigned for a log: its size and root, and the note as stored.</summary>
public sealed record CosignedCheckpoint(long TreeSize, byte[] RootHash, byte[] Note);

public static class CheckpointWitness
{
    /// <summary>
    /// Decides a well-formed request. The witness cosigns only a checkpoint its log signed that
    /// extends <paramref name="latest"/> by a verified RFC 6962 consistency proof (or repeats it),
    /// so, as long as the caller stores what it cosigns before answering and decides one request
    /// at a time per log, no two checkpoints it cosigns are inconsistent.
    /// </summary>
    /// <param name="log">The log of the checkpoint's origin, or null if the witness does not follow it.</param>
    /// <param name="latest">The newest checkpoint cosigned for that log, or null if none.</param>
    public static AddCheckpointResult Decide(AddCheckpointRequest request, WitnessedLog? log, CosignedCheckpoint? latest)
    {
        if (log is null)
        {
            return AddCheckpointResult.UnknownLog;
        }
        // Unknown keys' lines are ignored; a line by a trusted key that fails rejects the note (signed-note.md "Signatures").
        if (!request.Note.Verify(log.Keys).IsValid)
        {
            return AddCheckpointResult.NotSignedByLog;
        }
        Checkpoint checkpoint = request.Checkpoint;
        if (request.OldSize > checkpoint.TreeSize)
        {
            return AddCheckpointResult.OldSizeAboveCheckpoint;
        }
        if (request.OldSize != (latest?.TreeSize ?? 0))
        {
            return AddCheckpointResult.OldSizeNotLatest;
        }
        if (checkpoint.TreeSize == 0 && !checkpoint.RootHash.SequenceEqual(MerkleHash.EmptyRoot()))
        {
            return AddCheckpointResult.EmptyTreeRootWrong;
        }
        if (request.OldSize == 0)
        {
            // Every tree extends the empty one: nothing to prove, and nothing may be sent.
            return request.Proof.Count == 0 ? AddCheckpointResult.Cosigned : AddCheckpointResult.ProofFromEmptyTree;
        }
        // With equal sizes this asks for an empty proof and the same root (RFC 9162 §2.1.4).
        return MerkleProof.VerifyConsistency(request.OldSize, checkpoint.TreeSize, request.Proof, latest!.RootHash, checkpoint.RootHash).IsValid()
            ? AddCheckpointResult.Cosigned
            : AddCheckpointResult.Inconsistent;
    }
}
