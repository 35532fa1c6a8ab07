using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ledger.Checkpoints;
using Ledger.Merkle;
using Ledger.Signing;

namespace Ledger.Witness.Tests;

/// <summary>
/// A log as the ledger's server keeps one (FORMAT.md §10): an RFC 6962 tree and a log key that
/// signs checkpoints of it. A fork is a second TestLog under the same key whose leaves differ.
/// </summary>
public sealed class TestLog : IDisposable
{
    public const string DefaultOrigin = "community-ledger/witness-tests";

    readonly SigningKey key;
    readonly NoteSigner signer;
    readonly MerkleTree tree = new();
    readonly string leafLabel;

    /// <param name="leafLabel">What the leaves are made of: two labels, two histories.</param>
    public TestLog(string leafLabel = "honest", string keySeed = "witness tests log key", string origin = DefaultOrigin)
    {
        key = SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes(keySeed)));
        signer = new NoteSigner(origin, key);
        this.leafLabel = leafLabel;
    }

    public string Origin => signer.Name;

    public string VerifierKey => signer.VerifierKey.Format();

    /// <summary>Grows the tree to <paramref name="size"/> leaves.</summary>
    public TestLog GrowTo(long size)
    {
        while (tree.Size < size)
        {
            tree.Append(MerkleHash.Leaf(Encoding.UTF8.GetBytes($"{leafLabel} {tree.Size.ToString(CultureInfo.InvariantCulture)}")));
        }
        return this;
    }

    /// <summary>The checkpoint note at <paramref name="size"/>, signed by the log key.</summary>
    public string Checkpoint(long size) =>
        Encoding.UTF8.GetString(SignedNote.Sign(Checkpoints.Checkpoint.Create(Origin, size, size == 0 ? MerkleHash.EmptyRoot() : tree.Root(size)).Format(), signer));

    /// <summary>The add-checkpoint body from <paramref name="oldSize"/> to <paramref name="size"/>, with the proof the tree gives.</summary>
    public string Request(long oldSize, long size) =>
        Body(oldSize, oldSize == 0 ? [] : tree.ConsistencyProof(oldSize, size), Checkpoint(size));

    public static string Body(long oldSize, IEnumerable<byte[]> proof, string checkpoint) =>
        Encoding.UTF8.GetString(AddCheckpointRequest.Format(oldSize, [.. proof], Encoding.UTF8.GetBytes(checkpoint)));

    public void Dispose() => key.Dispose();
}
