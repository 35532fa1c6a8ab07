// Reads the Ed25519 vector files copied next to the test assembly from tests/vectors/
// (published ones verbatim with their `source`; corrupted ones derived from them).
using System.Text.Json.Nodes;

namespace Ledger.Tests.Signing;

internal static class Ed25519Vectors
{
    internal sealed record Rfc8032Vector(string Name, byte[] Seed, byte[] PublicKey, byte[] Message, byte[] Signature);

    internal sealed record WycheproofCase(int TcId, string Comment, byte[] PublicKey, byte[] Message, byte[] Signature, string Result);

    internal sealed record CorruptedCase(string Name, byte[] PublicKey, byte[] Message, byte[] Signature, bool WantErr, string? FailsAt);

    internal sealed record StrictCase(string Name, string Rule, byte[] PublicKey, byte[] Message, byte[] Signature, bool Accept);

    internal static readonly IReadOnlyList<Rfc8032Vector> Rfc8032 = LoadRfc8032();

    internal static readonly IReadOnlyList<WycheproofCase> Wycheproof = LoadWycheproof(out WycheproofDeclaredCount);

    internal static readonly int WycheproofDeclaredCount;

    internal static readonly IReadOnlyList<CorruptedCase> Corrupted = LoadCorrupted();

    /// <summary>tests/vectors/ed25519_strict.json: one case per acceptance rule of docs/FORMAT.md §6.2.</summary>
    internal static readonly IReadOnlyList<StrictCase> Strict = LoadStrict();

    private static JsonNode Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", relativePath)))
        ?? throw new InvalidDataException($"{relativePath} is empty");

    private static byte[] Hex(JsonNode? node) => Convert.FromHexString(node!.GetValue<string>());

    private static List<Rfc8032Vector> LoadRfc8032() =>
        Load("published/ed25519_rfc8032.json")["vectors"]!.AsArray()
            .Select(v => new Rfc8032Vector(
                v!["name"]!.GetValue<string>(),
                Hex(v["secret_key_seed_hex"]),
                Hex(v["public_key_hex"]),
                Hex(v["message_hex"]),
                Hex(v["signature_hex"])))
            .ToList();

    private static List<WycheproofCase> LoadWycheproof(out int declaredCount)
    {
        var root = Load("published/ed25519_wycheproof.json");
        declaredCount = root["numberOfTests"]!.GetValue<int>();
        return root["testGroups"]!.AsArray()
            .SelectMany(group => group!["tests"]!.AsArray().Select(test => new WycheproofCase(
                test!["tcId"]!.GetValue<int>(),
                test["comment"]!.GetValue<string>(),
                Hex(group["publicKey"]!["pk"]),
                Hex(test["msg"]),
                Hex(test["sig"]),
                test["result"]!.GetValue<string>())))
            .ToList();
    }

    private static List<CorruptedCase> LoadCorrupted() =>
        Load("ed25519_corrupted.json")["cases"]!.AsArray()
            .Select(c => new CorruptedCase(
                c!["name"]!.GetValue<string>(),
                Hex(c["publicKeyHex"]),
                Hex(c["messageHex"]),
                Hex(c["signatureHex"]),
                c["wantErr"]!.GetValue<bool>(),
                c["failsAt"]?.GetValue<string>()))
            .ToList();

    private static List<StrictCase> LoadStrict() =>
        Load("ed25519_strict.json")["cases"]!.AsArray()
            .Select(c => new StrictCase(
                c!["name"]!.GetValue<string>(),
                c["rule"]!.GetValue<string>(),
                Hex(c["publicKeyHex"]),
                Hex(c["messageHex"]),
                Hex(c["signatureHex"]),
                c["accept"]!.GetValue<bool>()))
            .ToList();
}
