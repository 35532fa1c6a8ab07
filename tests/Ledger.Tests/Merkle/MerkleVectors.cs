// Reads the Merkle vector files copied verbatim, with their `source`, from ../shared/vectors
// into tests/vectors/published/ and from there next to the test assembly.
using System.Text.Json.Nodes;

namespace Ledger.Tests.Merkle;

internal static class MerkleVectors
{
    internal sealed record HasherVector(string Desc, byte[]? Leaf, byte[]? Left, byte[]? Right, byte[] Want);

    internal sealed record InclusionVector(long LeafIndex, long TreeSize, byte[] Leaf, byte[] LeafHash, byte[] Root, byte[][] Path);

    internal sealed record ConsistencyVector(long Size1, long Size2, byte[] Root1, byte[] Root2, byte[][] Path);

    // Indices and sizes are Go uint64 in the probes; values above long.MaxValue (the "sub 1"
    // underflows) keep their bits and arrive negative, as they would from any int64 reader.
    internal sealed record InclusionProbe(string File, long LeafIndex, long TreeSize, byte[] Root, byte[] LeafHash, byte[][] Proof, bool WantErr);

    internal sealed record ConsistencyProbe(string File, long Size1, long Size2, byte[] Root1, byte[] Root2, byte[][] Proof, bool WantErr);

    static readonly JsonNode Rfc6962 = Load("published/merkle_rfc6962.json");

    static readonly JsonNode Probes = Load("published/merkle_probes_transparency_dev.json");

    internal static readonly IReadOnlyList<HasherVector> Hasher = Rfc6962["hasher_vectors"]!.AsArray()
        .Select(v => new HasherVector(
            v!["desc"]!.GetValue<string>(),
            OptionalHex(v["leaf_hex"]),
            OptionalHex(v["left_hex"]),
            OptionalHex(v["right_hex"]),
            Hex(v["want"])))
        .ToList();

    internal static readonly IReadOnlyList<byte[]> Leaves = HexList(Rfc6962["leaves_hex"]);

    internal static readonly IReadOnlyList<byte[]> LeafHashes = HexList(Rfc6962["leaf_hashes_hex"]);

    internal static readonly IReadOnlyList<IReadOnlyList<byte[]>> NodeHashesByLevel =
        Rfc6962["node_hashes_by_level_hex"]!.AsArray().Select(HexList).ToList();

    internal static readonly IReadOnlyDictionary<long, byte[]> RootsByTreeSize =
        Rfc6962["roots_by_tree_size_hex"]!.AsObject().ToDictionary(p => long.Parse(p.Key), p => Hex(p.Value));

    internal static readonly IReadOnlyList<InclusionVector> InclusionProofs = Rfc6962["inclusion_proofs"]!.AsArray()
        .Select(v => new InclusionVector(
            v!["leaf_index"]!.GetValue<long>(),
            v["tree_size"]!.GetValue<long>(),
            Hex(v["leaf_hex"]),
            Hex(v["leaf_hash_hex"]),
            Hex(v["root_hex"]),
            [.. HexList(v["path_hex"])]))
        .ToList();

    internal static readonly IReadOnlyList<ConsistencyVector> ConsistencyProofs = Rfc6962["consistency_proofs"]!.AsArray()
        .Select(v => new ConsistencyVector(
            v!["size1"]!.GetValue<long>(),
            v["size2"]!.GetValue<long>(),
            Hex(v["root1_hex"]),
            Hex(v["root2_hex"]),
            [.. HexList(v["path_hex"])]))
        .ToList();

    internal static readonly IReadOnlyList<InclusionProbe> InclusionProbes = Probes["inclusion"]!.AsArray()
        .Select(p => new InclusionProbe(
            p!["file"]!.GetValue<string>(),
            Int64Bits(p["leafIdx"]),
            Int64Bits(p["treeSize"]),
            Base64(p["root"]),
            Base64(p["leafHash"]),
            Base64List(p["proof"]),
            p["wantErr"]!.GetValue<bool>()))
        .ToList();

    internal static readonly IReadOnlyList<ConsistencyProbe> ConsistencyProbes = Probes["consistency"]!.AsArray()
        .Select(p => new ConsistencyProbe(
            p!["file"]!.GetValue<string>(),
            Int64Bits(p["size1"]),
            Int64Bits(p["size2"]),
            Base64(p["root1"]),
            Base64(p["root2"]),
            Base64List(p["proof"]),
            p["wantErr"]!.GetValue<bool>()))
        .ToList();

    internal static int DeclaredProbeCount(string kind) => Probes["counts"]![kind]!.GetValue<int>();

    static JsonNode Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", relativePath)))
        ?? throw new InvalidDataException($"{relativePath} is empty");

    static byte[] Hex(JsonNode? node) => Convert.FromHexString(node!.GetValue<string>());

    static byte[]? OptionalHex(JsonNode? node) => node is null ? null : Hex(node);

    static IReadOnlyList<byte[]> HexList(JsonNode? node) => node!.AsArray().Select(Hex).ToList();

    static byte[] Base64(JsonNode? node) => Convert.FromBase64String(node!.GetValue<string>());

    // A JSON null proof is Go's nil slice: an empty path.
    static byte[][] Base64List(JsonNode? node) => node is null ? [] : [.. node.AsArray().Select(Base64)];

    static long Int64Bits(JsonNode? node) => unchecked((long)node!.GetValue<ulong>());
}
