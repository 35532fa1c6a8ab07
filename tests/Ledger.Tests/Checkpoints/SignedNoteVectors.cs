// Reads tests/vectors/published/signed_note_checkpoint.json, copied verbatim with its `source`
// from ../shared/vectors (C2SP signed-note and tlog-checkpoint, golang.org/x/mod sumdb/note,
// transparency-dev/formats), from beside the test assembly.
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Checkpoints;

namespace Ledger.Tests.Checkpoints;

internal static class SignedNoteVectors
{
    internal sealed record KeyVector(string VerifierKey, string Name, uint KeyId, byte[] PublicKey, byte[] KeyIdPreimage);

    internal sealed record SignerVector(string Name, uint KeyId, byte[] Seed, byte[] DerivedPublicKey);

    internal sealed record NoteVector(string Id, IReadOnlyList<string> VerifierKeys, string Note, string? Text);

    // The cosigned vector gives only its body and note; its origin, size and root are those of
    // the vector with the same body (ExpectedFields).
    internal sealed record CheckpointVector(string Id, IReadOnlyList<string> VerifierKeys, string? Origin, long? TreeSize, string? RootHashBase64, string Body, string Note)
    {
        internal (string Origin, long TreeSize, byte[] RootHash) ExpectedFields()
        {
            CheckpointVector described = SignedCheckpoints.Single(c => c.Body == Body && c.Origin is not null);
            return (described.Origin!, described.TreeSize!.Value, Convert.FromBase64String(described.RootHashBase64!));
        }
    }

    internal sealed record BodyExample(string Source, string Body, string? Origin, long? TreeSize, string? Note);

    static readonly JsonNode Root = JsonNode.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "vectors", "published", "signed_note_checkpoint.json")))
        ?? throw new InvalidDataException("signed_note_checkpoint.json is empty");

    internal static readonly IReadOnlyList<KeyVector> Keys = Root["keys"]!.AsArray()
        .Select(k => new KeyVector(
            Str(k!["vkey"]),
            Str(k["name"]),
            Convert.ToUInt32(Str(k["key_id_hex"]), 16),
            Convert.FromHexString(Str(k["public_key_hex"])),
            Convert.FromHexString(Str(k["key_id_preimage_hex"]))))
        .ToList();

    internal static readonly SignerVector Signer = Root["signer_keys"]!.AsArray()
        .Select(s => new SignerVector(
            Str(s!["name"]),
            Convert.ToUInt32(Str(s["key_id_hex"]), 16),
            Convert.FromHexString(Str(s["seed_hex"])),
            Convert.FromHexString(Str(s["derived_public_key_must_equal"]))))
        .Single();

    internal static readonly IReadOnlyList<NoteVector> Notes = Root["notes"]!.AsArray()
        .Select(n => new NoteVector(
            Str(n!["id"]),
            StrList(n["vkeys"]),
            Str(n["note"]),
            n["text"]?.GetValue<string>()))
        .ToList();

    internal static readonly IReadOnlyList<string> MalformedNotes = StrList(Root["malformed_notes_go"]!["cases"]);

    internal static readonly IReadOnlyList<string> BadVerifierKeys = Root["bad_vkeys_go"]!["cases"]!.AsArray()
        .Select(c => Str(c!["vkey"]))
        .ToList();

    internal static readonly IReadOnlyList<CheckpointVector> SignedCheckpoints = Root["checkpoints"]!.AsArray()
        .Select(c => new CheckpointVector(
            Str(c!["id"]),
            StrList(c["vkeys"]),
            c["origin"]?.GetValue<string>(),
            c["tree_size"]?.GetValue<long>(),
            c["root_hash_base64"]?.GetValue<string>(),
            Str(c["body"]),
            Str(c["note"])))
        .ToList();

    internal static readonly IReadOnlyList<BodyExample> BodyExamples = Root["checkpoint_body_format"]!["examples"]!.AsArray()
        .Select(e => new BodyExample(
            Str(e!["source"]),
            Str(e["body"]),
            e["origin"]?.GetValue<string>(),
            e["tree_size"]?.GetValue<long>(),
            e["note"]?.GetValue<string>()))
        .ToList();

    internal static readonly IReadOnlyList<string> InvalidBodies = StrList(Root["checkpoint_body_format"]!["invalid_bodies"]!["cases"]);

    internal static NoteVerifierKey Key(string vkey)
    {
        NoteVerifierKeyParse parse = NoteVerifierKey.Parse(vkey);
        Assert.True(parse.IsValid, $"{vkey}: {parse.Result}");
        return parse.Key;
    }

    internal static NoteVerifierKey KeyNamed(string name) => Key(Keys.Single(k => k.Name == name).VerifierKey);

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    static string Str(JsonNode? node) => node!.GetValue<string>();

    static List<string> StrList(JsonNode? node) => node!.AsArray().Select(Str).ToList();
}
