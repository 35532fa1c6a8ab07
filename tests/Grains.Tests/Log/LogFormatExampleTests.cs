using System.Security.Cryptography;
using System.Text;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Ledger.Hashing;
using Ledger.Merkle;
using Ledger.Signing;

namespace Ledger.Tests.Log;

/// <summary>
/// The worked example of docs/FORMAT.md §10, pinned (STYLE.md 6): leaves, root, the log's
/// vkey and a signed checkpoint, so that the document and the code cannot drift apart.
/// </summary>
public sealed class LogFormatExampleTests
{
    // sha256("test"): printf test | sha256sum
    const string EntryHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    const string Origin = "community-ledger/bb58a6d3c1f04e2790d1c6a0f1e37248";

    [Fact]
    public void ALeafIsSha256OfZeroAndTheEntryHash()
    {
        // { printf '\x00'; head -c 32 /dev/zero; } | sha256sum
        Assert.Equal("7f9c9e31ac8256ca2f258583df262dbc7d6f68f2a03043d5c99a4ae5a7396ce9", Convert.ToHexStringLower(LogLeaf.Of(Hash.Zero)));
        // { printf '\x00'; printf 9f86…0a08 | xxd -r -p; } | sha256sum
        Assert.Equal("f5e2e4772f1744bf1360495cdedc4200385e149bd17aa2a42972d919d6774a5b", Convert.ToHexStringLower(LogLeaf.Of(Hash.Parse(EntryHash))));
    }

    [Fact]
    public void TheExampleCheckpointOfFormatMdIsWhatTheLogSigns()
    {
        var tree = new MerkleTree();
        tree.Append(LogLeaf.Of(Hash.Zero));
        tree.Append(LogLeaf.Of(Hash.Parse(EntryHash)));
        // { printf '\x01'; printf 7f9c…6ce9f5e2…4a5b | xxd -r -p; } | sha256sum
        Assert.Equal("a7f4ec3830fb2ebe1ab56d8446b0a6df0de9fd62a37e0ade5b89321a9bd6b961", Convert.ToHexStringLower(tree.Root(2)));

        // Seed: printf 'FORMAT.md §10 example log key' | sha256sum
        using var key = SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes("FORMAT.md §10 example log key")));
        var signer = new NoteSigner(Origin, key);
        Assert.Equal($"{Origin}+6fea19f8+Ac8gUENYFq7Hme0+NdaMfcqUtSforJA2N5zARveb5CxL", signer.VerifierKey.Format());

        var note = Encoding.UTF8.GetString(SignedNote.Sign(Checkpoint.Create(Origin, 2, tree.Root(2)).Format(), signer));

        Assert.Equal(
            $"{Origin}\n2\np/TsODD7Lr4atW2ERrCm3w3p/WKjfgreW4kyGpvWuWE=\n\n"
            + $"\u2014 {Origin} b+oZ+KgT6JWdQxPjb8PUb//U+vMqfy7ysoUrzE7ZvCXwPLX52ATtEqQRwGll5Lk8lOKDICiySugSzs2eB25YwfqyMAc=\n",
            note);
    }
}
