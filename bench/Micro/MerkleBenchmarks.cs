using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Ledger.Merkle;

namespace Ledger.Bench.Micro;

/// <summary>
/// The in-memory RFC 9162 tree (src/Ledger/Merkle): appending leaves, and proofs at
/// 10^6 leaves for leaves and sizes drawn at random (seeded), cycled so that no single path is
/// timed over and over.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class MerkleBenchmarks
{
    const int TreeSize = 1_000_000;
    const int Samples = 4_096;

    byte[][] thousandLeaves = null!;
    MerkleTree tree = null!;
    long[] leafIndices = null!;
    long[] firstSizes = null!;
    int next;

    [GlobalSetup]
    public void Setup()
    {
        thousandLeaves = Enumerable.Range(0, 1_000).Select(i => MerkleHash.Leaf(BitConverter.GetBytes(i))).ToArray();
        tree = new MerkleTree();
        Span<byte> entryHash = stackalloc byte[32];
        for (var i = 0; i < TreeSize; i++)
        {
            BitConverter.TryWriteBytes(entryHash, i);
            tree.Append(MerkleHash.Leaf(SHA256.HashData(entryHash)));
        }
        var random = new Random(8);
        leafIndices = Enumerable.Range(0, Samples).Select(_ => random.NextInt64(TreeSize)).ToArray();
        firstSizes = Enumerable.Range(0, Samples).Select(_ => random.NextInt64(1, TreeSize + 1)).ToArray();
    }

    /// <summary>1,000 leaf hashes appended to a new tree: the work of integrating 1,000 entries, hashing aside.</summary>
    [Benchmark]
    public MerkleTree Append1000Leaves()
    {
        var fresh = new MerkleTree();
        foreach (var leaf in thousandLeaves)
        {
            fresh.Append(leaf);
        }
        return fresh;
    }

    /// <summary>An inclusion proof of a random leaf in the tree of 10^6 leaves.</summary>
    [Benchmark]
    public byte[][] InclusionProofAtMillion() => tree.InclusionProof(leafIndices[next++ & (Samples - 1)], TreeSize);

    /// <summary>A consistency proof from a random size to 10^6 leaves.</summary>
    [Benchmark]
    public byte[][] ConsistencyProofToMillion() => tree.ConsistencyProof(firstSizes[next++ & (Samples - 1)], TreeSize);

    /// <summary>The root at 10^6 leaves (a checkpoint's): 10^6 = 0b11110100001001000000, one stored node per set bit.</summary>
    [Benchmark]
    public byte[] RootAtMillion() => tree.Root(TreeSize);
}
