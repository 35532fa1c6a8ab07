using System.Text;
using System.Text.Json;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Merkle;

namespace Ledger.Tests.Log;

/// <summary>
/// What a resident's offline check of a bundle does (docs/FORMAT.md §10.5), with the pure core
/// only: the log key, pinned out of band, must be the bundle's; the checkpoint note must verify
/// under it; the entry string must be a canonical entry; and the inclusion proof must lead from
/// its leaf to the checkpoint's root. The verifier's own check is another engineer's; this one
/// pins the shape the server hands out.
/// </summary>
public static class OfflineBundle
{
    /// <returns>Null if the bundle checks out; else the first reason it does not.</returns>
    public static string? Check(string entry, long leafIndex, string checkpoint, IReadOnlyList<string> proof, string logVerifierKey, string pinnedVerifierKey)
    {
        if (logVerifierKey != pinnedVerifierKey)
        {
            return "not the pinned log key";
        }
        var key = NoteVerifierKey.Parse(logVerifierKey);
        if (!key.IsValid)
        {
            return $"log key: {key.Result}";
        }
        var note = SignedNote.Verify(Encoding.UTF8.GetBytes(checkpoint), [key.Key]);
        if (!note.IsValid)
        {
            return $"checkpoint note: {note.Result}";
        }
        var body = Checkpoint.Parse(note.Note.Text);
        if (!body.IsValid)
        {
            return $"checkpoint body: {body.Result}";
        }
        if (body.Checkpoint.Origin != key.Key.Name)
        {
            return "the checkpoint's origin is not the key's name";
        }
        Entry parsed;
        try
        {
            parsed = Entry.Parse(Encoding.UTF8.GetBytes(entry));
        }
        catch (Exception e) when (e is FormatException or Canonical.CanonicalFormException or JsonException)
        {
            return $"entry: {e.Message}";
        }
        var path = new List<byte[]>();
        foreach (var element in proof)
        {
            if (element.Length != 64 || element.Any(c => !char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)))
            {
                return "a proof element is not 64 lowercase hex digits";
            }
            path.Add(Convert.FromHexString(element));
        }
        var result = MerkleProof.VerifyInclusion(leafIndex, body.Checkpoint.TreeSize, MerkleHash.Leaf(parsed.Hash.Bytes), path, body.Checkpoint.RootHash);
        return result.IsValid() ? null : $"inclusion: {result}";
    }

    public static string? Check(JsonElement bundle, string pinnedVerifierKey)
    {
        Assert.Equal(["checkpoint", "entry", "format", "leafIndex", "logVerifierKey", "proof"],
            bundle.EnumerateObject().Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Equal(1, bundle.GetProperty("format").GetInt32());
        return Check(bundle.GetProperty("entry").GetString()!, bundle.GetProperty("leafIndex").GetInt64(),
            bundle.GetProperty("checkpoint").GetString()!, [.. bundle.GetProperty("proof").EnumerateArray().Select(e => e.GetString()!)],
            bundle.GetProperty("logVerifierKey").GetString()!, pinnedVerifierKey);
    }
}
