using Ledger.Merkle;
using Xunit.Abstractions;

namespace Ledger.Tests.Merkle;

/// <summary>
/// A seeded workload against an independent model (STYLE.md 14): trees of 1 to 200 random
/// leaves, every root and proof compared with the RFC 9162 §2.1 definitions transcribed as
/// plain recursion, then every proof verified and every one-bit corruption refused.
/// </summary>
public class MerkleSeededCrossCheckTests(ITestOutputHelper output)
{
    const int MaxTreeSize = 200;

    /// <summary>MTH, PATH and PROOF exactly as RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 define them.</summary>
    sealed class RecursiveDefinitions(IReadOnlyList<byte[]> leafHashes)
    {
        readonly Dictionary<(int Start, int Count), byte[]> subtreeRoots = [];

        // MTH(D[start : start + count]), count ≥ 1.
        public byte[] Mth(int start, int count)
        {
            if (count == 1)
            {
                return leafHashes[start];
            }
            if (!subtreeRoots.TryGetValue((start, count), out byte[]? root))
            {
                int k = LargestPowerOfTwoBelow(count);
                root = MerkleHash.Node(Mth(start, k), Mth(start + k, count - k));
                subtreeRoots[(start, count)] = root;
            }
            return root;
        }

        // PATH(m, D[start : start + count]).
        public List<byte[]> Path(int m, int start, int count)
        {
            if (count == 1)
            {
                return [];
            }
            int k = LargestPowerOfTwoBelow(count);
            return m < k
                ? [.. Path(m, start, k), Mth(start + k, count - k)]
                : [.. Path(m - k, start + k, count - k), Mth(start, k)];
        }

        // SUBPROOF(m, D[start : start + count], b).
        public List<byte[]> SubProof(int m, int start, int count, bool b)
        {
            if (m == count)
            {
                return b ? [] : [Mth(start, count)];
            }
            int k = LargestPowerOfTwoBelow(count);
            return m <= k
                ? [.. SubProof(m, start, k, b), Mth(start + k, count - k)]
                : [.. SubProof(m - k, start + k, count - k, false), Mth(start, k)];
        }

        static int LargestPowerOfTwoBelow(int n)
        {
            int k = 1;
            while (k * 2 < n)
            {
                k *= 2;
            }
            return k;
        }
    }

    static (MerkleTree Tree, RecursiveDefinitions Model) Workload(int seed)
    {
        var random = new Random(seed);
        var tree = new MerkleTree();
        var leafHashes = new List<byte[]>();
        for (int i = 0; i < MaxTreeSize; i++)
        {
            var data = new byte[random.Next(0, 64)];
            random.NextBytes(data);
            leafHashes.Add(MerkleHash.Leaf(data));
            tree.Append(leafHashes[i]);
        }
        return (tree, new RecursiveDefinitions(leafHashes));
    }

    static bool Same(IReadOnlyList<byte[]> a, IReadOnlyList<byte[]> b) =>
        a.Count == b.Count && a.Zip(b).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second));

    static byte[] WithBitFlipped(byte[] hash, Random random)
    {
        var copy = (byte[])hash.Clone();
        copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    static byte[][] WithBitFlipped(byte[][] proof, int element, Random random)
    {
        var copy = (byte[][])proof.Clone();
        copy[element] = WithBitFlipped(proof[element], random);
        return copy;
    }

    [Theory]
    [InlineData(9162)]
    public void RootsAndProofsEqualTheRecursiveDefinitions(int seed)
    {
        output.WriteLine($"seed {seed}");
        var (tree, model) = Workload(seed);
        var failures = new List<string>();

        for (int n = 1; n <= MaxTreeSize; n++)
        {
            if (!tree.Root(n).AsSpan().SequenceEqual(model.Mth(0, n)))
            {
                failures.Add($"root of {n}");
            }
            for (int m = 0; m < n; m++)
            {
                if (!Same(tree.InclusionProof(m, n), model.Path(m, 0, n)))
                {
                    failures.Add($"inclusion proof of leaf {m} in {n}");
                }
            }
            for (int m = 1; m <= n; m++)
            {
                if (!Same(tree.ConsistencyProof(m, n), model.SubProof(m, 0, n, true)))
                {
                    failures.Add($"consistency proof {m} to {n}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData(9162)]
    public void EveryProofVerifiesAndEveryFlippedBitIsRefused(int seed)
    {
        output.WriteLine($"seed {seed}");
        var (tree, _) = Workload(seed);
        var random = new Random(seed);
        var failures = new List<string>();

        for (int n = 1; n <= MaxTreeSize; n++)
        {
            byte[] root = tree.Root(n);
            for (int m = 0; m < n; m++)
            {
                byte[] leafHash = tree.Node(0, m);
                byte[][] proof = tree.InclusionProof(m, n);
                Expect(MerkleProof.VerifyInclusion(m, n, leafHash, proof, root).IsValid(), $"inclusion of {m} in {n}");
                for (int i = 0; i < proof.Length; i++)
                {
                    Expect(!MerkleProof.VerifyInclusion(m, n, leafHash, WithBitFlipped(proof, i, random), root).IsValid(),
                        $"inclusion of {m} in {n} with proof[{i}] flipped");
                }
                Expect(!MerkleProof.VerifyInclusion(m, n, WithBitFlipped(leafHash, random), proof, root).IsValid(),
                    $"inclusion of {m} in {n} with the leaf hash flipped");
                Expect(!MerkleProof.VerifyInclusion(m, n, leafHash, proof, WithBitFlipped(root, random)).IsValid(),
                    $"inclusion of {m} in {n} with the root flipped");
            }
            for (int m = 1; m <= n; m++)
            {
                byte[] firstRoot = tree.Root(m);
                byte[][] proof = tree.ConsistencyProof(m, n);
                Expect(MerkleProof.VerifyConsistency(m, n, proof, firstRoot, root).IsValid(), $"consistency {m} to {n}");
                for (int i = 0; i < proof.Length; i++)
                {
                    Expect(!MerkleProof.VerifyConsistency(m, n, WithBitFlipped(proof, i, random), firstRoot, root).IsValid(),
                        $"consistency {m} to {n} with proof[{i}] flipped");
                }
                Expect(!MerkleProof.VerifyConsistency(m, n, proof, WithBitFlipped(firstRoot, random), root).IsValid(),
                    $"consistency {m} to {n} with the first root flipped");
                Expect(!MerkleProof.VerifyConsistency(m, n, proof, firstRoot, WithBitFlipped(root, random)).IsValid(),
                    $"consistency {m} to {n} with the second root flipped");
            }
        }

        Assert.Empty(failures);

        void Expect(bool holds, string what)
        {
            if (!holds)
            {
                failures.Add(what);
            }
        }
    }
}
