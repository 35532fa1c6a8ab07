using Ledger.Merkle;

namespace Ledger.Tests.Merkle;

/// <summary>
/// transparency-dev/merkle's verification probes: valid proofs and corrupted variants (bit
/// flips, wrong sizes and indices, truncated and extended proofs, swapped roots, sizes 0 and 1).
/// </summary>
public class MerkleProofProbeTests
{
    // Upstream returns early for equal sizes and compares the roots without looking at them;
    // this probe passes two equal 12-byte strings ("don't care 2") as roots and expects
    // success. A root that is not 32 bytes is no SHA-256 tree head, so MerkleProof refuses it:
    // the one probe where we are deliberately stricter than upstream.
    static readonly Dictionary<string, MerkleProofResult> StricterThanUpstream = new()
    {
        ["testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"] = MerkleProofResult.WrongHashLength,
    };

    public static TheoryData<string> InclusionProbes => [.. MerkleVectors.InclusionProbes.Select(p => p.File)];

    public static TheoryData<string> ConsistencyProbes => [.. MerkleVectors.ConsistencyProbes.Select(p => p.File)];

    [Fact]
    public void EveryDeclaredProbeIsLoaded()
    {
        Assert.Equal(98, MerkleVectors.DeclaredProbeCount("inclusion"));
        Assert.Equal(98, MerkleVectors.DeclaredProbeCount("consistency"));
        Assert.Equal(98, MerkleVectors.InclusionProbes.Select(p => p.File).Distinct().Count());
        Assert.Equal(98, MerkleVectors.ConsistencyProbes.Select(p => p.File).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(InclusionProbes))]
    public void InclusionProbeIsAcceptedExactlyWhenUpstreamAcceptsIt(string file)
    {
        var probe = MerkleVectors.InclusionProbes.Single(p => p.File == file);

        var result = MerkleProof.VerifyInclusion(probe.LeafIndex, probe.TreeSize, probe.LeafHash, probe.Proof, probe.Root);

        Assert.Equal(probe.WantErr, !result.IsValid());
    }

    [Theory]
    [MemberData(nameof(ConsistencyProbes))]
    public void ConsistencyProbeIsAcceptedExactlyWhenUpstreamAcceptsIt(string file)
    {
        var probe = MerkleVectors.ConsistencyProbes.Single(p => p.File == file);

        var result = MerkleProof.VerifyConsistency(probe.Size1, probe.Size2, probe.Proof, probe.Root1, probe.Root2);

        if (StricterThanUpstream.TryGetValue(file, out var stricter))
        {
            Assert.False(probe.WantErr);
            Assert.Equal(stricter, result);
            return;
        }
        Assert.Equal(probe.WantErr, !result.IsValid());
    }

    [Fact]
    public void IndicesAboveInt64RangeAreRefusedAsNegative()
    {
        var probe = MerkleVectors.InclusionProbes.First(p => p.File == "testdata/inclusion/0/leafIdx-sub-@1.json");

        Assert.Equal(-1, probe.LeafIndex);
        Assert.Equal(
            MerkleProofResult.NegativeIndexOrSize,
            MerkleProof.VerifyInclusion(probe.LeafIndex, probe.TreeSize, probe.LeafHash, probe.Proof, probe.Root));
    }
}
