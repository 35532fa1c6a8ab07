using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Merkle;

namespace Ledger.Checkpoints;

/// <summary>Why a bundle is not valid, in the order the checks run (FORMAT.md §10.6).</summary>
public enum BundleResult
{
    Valid = 0,
    LogKeyNotPinned = 1,
    LogKeyMismatch = 2,
    LogKeyMalformed = 3,
    CheckpointSignatureInvalid = 4,
    CheckpointMalformed = 5,
    EntryMalformed = 6,
    ProofInvalid = 7,
}

/// <summary>The answer for a bundle: valid or not, why, and what it proves.</summary>
public sealed record BundleVerdict(BundleResult Result, string Reason, Entry? Entry, long TreeSize)
{
    /// <summary>Valid, or valid under the bundle's own key because none was pinned.</summary>
    public bool IsValid => Result is BundleResult.Valid or BundleResult.LogKeyNotPinned;
}

/// <summary>
/// The offline bundle of one entry (FORMAT.md §10.5): the entry exactly as hashed, its leaf
/// index, a checkpoint and the inclusion proof at its size, and the log key — what a resident
/// can be handed and check without any server. The server builds and checks bundles with this,
/// and the verifier checks them with it: one implementation of §10.6.
/// </summary>
public sealed record OfflineBundle(string Entry, long LeafIndex, string Checkpoint, IReadOnlyList<byte[]> Proof, string LogVerifierKey)
{
    public const int Format = 1;

    static readonly string[] Members = ["checkpoint", "entry", "format", "leafIndex", "logVerifierKey", "proof"];

    /// <summary>Reads a bundle's JSON; the JSON need not be canonical, but every member must be there and no other.</summary>
    /// <exception cref="FormatException">Not a format-1 bundle.</exception>
    public static OfflineBundle Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var fields = JsonFields.Of(CanonicalJson.Parse(json), "bundle", Members);
            if (fields.Integer("format") != Format)
            {
                throw new FormatException($"the bundle format is not {Format}");
            }
            var proof = fields.Array("proof").Select(p => p.ValueKind == JsonValueKind.String && Hex.TryDecode(p.GetString()!, 32, out var hash)
                ? hash
                : throw new FormatException("proof elements are 64 lowercase hex digits")).ToList();
            return new OfflineBundle(fields.String("entry"), fields.Integer("leafIndex"), fields.String("checkpoint"), proof, fields.String("logVerifierKey"));
        }
        catch (CanonicalFormException e)
        {
            throw new FormatException($"not a bundle of FORMAT.md §10.5: {e.Message}", e);
        }
    }

    public JsonObject ToJson() => new()
    {
        ["checkpoint"] = Checkpoint,
        ["entry"] = Entry,
        ["format"] = Format,
        ["leafIndex"] = LeafIndex,
        ["logVerifierKey"] = LogVerifierKey,
        ["proof"] = new JsonArray(Proof.Select(p => (JsonNode)Hex.Encode(p)).ToArray()),
    };

    /// <summary>
    /// Checks the bundle (FORMAT.md §10.6): the log key is the pinned one; the checkpoint is
    /// signed by it, with its name as origin; the entry is canonical; and the proof puts exactly
    /// this entry at its position in the tree the checkpoint signs.
    /// </summary>
    /// <param name="pinnedLogKey">The log's verifier key the checker trusts, from the notice board; null to check against the bundle's own, and say so.</param>
    public BundleVerdict Verify(string? pinnedLogKey)
    {
        if (pinnedLogKey is not null && pinnedLogKey != LogVerifierKey)
        {
            return new(BundleResult.LogKeyMismatch, $"the bundle's log key {LogVerifierKey} is not the pinned {pinnedLogKey}", null, 0);
        }
        var key = NoteVerifierKey.Parse(LogVerifierKey);
        if (!key.IsValid)
        {
            return new(BundleResult.LogKeyMalformed, $"the log key is not a vkey: {key.Result}", null, 0);
        }
        var note = SignedNote.Verify(Encoding.UTF8.GetBytes(Checkpoint), [key.Key!]);
        if (!note.IsValid || !note.VerifiedBy.Contains(key.Key!))
        {
            return new(BundleResult.CheckpointSignatureInvalid, $"the checkpoint is not signed by {key.Key!.Name}: {note.Result}", null, 0);
        }
        var checkpoint = Checkpoints.Checkpoint.Parse(note.Note!.Text);
        if (!checkpoint.IsValid || checkpoint.Checkpoint!.Origin != key.Key!.Name)
        {
            return new(BundleResult.CheckpointMalformed, checkpoint.IsValid
                ? $"the checkpoint's origin {checkpoint.Checkpoint!.Origin} is not the log key's name {key.Key.Name}"
                : $"the checkpoint is malformed: {checkpoint.Result}", null, 0);
        }
        var treeSize = checkpoint.Checkpoint.TreeSize;
        Entries.Entry entry;
        try
        {
            entry = Entries.Entry.Parse(Encoding.UTF8.GetBytes(Entry));
        }
        catch (Exception e) when (e is FormatException or CanonicalFormException)
        {
            return new(BundleResult.EntryMalformed, $"the entry is not a canonical entry: {e.Message}", null, treeSize);
        }
        var inclusion = MerkleProof.VerifyInclusion(LeafIndex, treeSize, LogLeaf.Of(entry.Hash), Proof, checkpoint.Checkpoint.RootHash);
        if (inclusion != MerkleProofResult.Valid)
        {
            return new(BundleResult.ProofInvalid, $"the proof does not put this entry at position {LeafIndex} of the tree of {treeSize}: {inclusion}", entry, treeSize);
        }
        return pinnedLogKey is null
            ? new(BundleResult.LogKeyNotPinned, $"valid under the bundle's own log key {LogVerifierKey}, which was NOT pinned: compare it with the one the street office publishes", entry, treeSize)
            : new(BundleResult.Valid, $"{entry.Stream}#{entry.Sequence} ({entry.Type}) is entry {LeafIndex} of the {treeSize} the log key signed", entry, treeSize);
    }
}
