using System.Runtime.CompilerServices;
using Ledger.Hashing;
using Ledger.Merkle;
using Npgsql;

namespace Ledger.Grains.Log;

/// <summary>An inclusion proof as served: the stored leaf, the path and the root at that size, checked before it leaves.</summary>
public sealed record StoredInclusionProof(long LeafIndex, long TreeSize, byte[] LeafHash, IReadOnlyList<byte[]> Proof, byte[] RootHash);

/// <summary>A consistency proof as served, with both roots, checked before it leaves.</summary>
public sealed record StoredConsistencyProof(long FromSize, long ToSize, IReadOnlyList<byte[]> Proof, byte[] FromRootHash, byte[] ToRootHash);

/// <summary>
/// The read side of the global Merkle log (docs/FORMAT.md §10): how far the tree is built,
/// the log's key, its signed checkpoints, and proofs assembled from the stored nodes with
/// one query each (<see cref="StoredMerkleNodes"/>). Writing is <see cref="LogIntegrator"/>'s.
/// </summary>
public sealed class MerkleLog(NpgsqlDataSource dataSource)
{
    // The note as the log key signed it, followed by the witnesses' cosignature lines (0007), in
    // the order of their keys so that the same cosignatures always read as the same bytes.
    const string CheckpointColumns = """
        tree_size, root_hash,
        note || coalesce((SELECT string_agg(signature_line, '' ORDER BY witness_key) FROM witness_cosignature w WHERE w.tree_size = checkpoint.tree_size), ''),
        signed_at
        """;

    // The largest integrated size read so far. merkle_head only grows (whichever process
    // integrates), so any size read once stays a lower bound, and a proof within it needs no
    // second round trip to check that its nodes are stored (issue 8: a proof in ≤ 1 ms).
    long knownIntegratedSize;

    /// <summary>How many leaves (log positions 0 … size − 1) the stored tree covers.</summary>
    public async Task<long> IntegratedSizeAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT size FROM merkle_head");
        var size = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        // Two readers racing here may leave the smaller of their sizes: still a lower bound,
        // which costs at most one more round trip later.
        if (size > Interlocked.Read(ref knownIntegratedSize))
        {
            Interlocked.Exchange(ref knownIntegratedSize, size);
        }
        return size;
    }

    /// <summary>The log's verifier key in C2SP vkey text, as the first server recorded it; null before any server started.</summary>
    public async Task<string?> VerifierKeyAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT verifier_key FROM log_key");
        return (string?)await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>The checkpoint of the largest tree size, if any has been signed.</summary>
    public async Task<StoredCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {CheckpointColumns} FROM checkpoint ORDER BY tree_size DESC LIMIT 1");
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>The checkpoint signed at exactly <paramref name="treeSize"/>, if there is one.</summary>
    public async Task<StoredCheckpoint?> CheckpointAsync(long treeSize, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {CheckpointColumns} FROM checkpoint WHERE tree_size = $1");
        command.Parameters.Add(new() { Value = treeSize });
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>Every checkpoint of at most <paramref name="maxTreeSize"/> leaves, in tree-size order.</summary>
    public async IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync(long maxTreeSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {CheckpointColumns} FROM checkpoint WHERE tree_size <= $1 ORDER BY tree_size");
        command.Parameters.Add(new() { Value = maxTreeSize });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadCheckpoint(reader);
        }
    }

    /// <summary>The verifier keys of the witnesses that cosigned the checkpoint of <paramref name="treeSize"/>.</summary>
    public async Task<IReadOnlySet<string>> CosignersAsync(long treeSize, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT witness_key FROM witness_cosignature WHERE tree_size = $1");
        command.Parameters.Add(new() { Value = treeSize });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }

    /// <summary>
    /// Keeps a witness's cosignature line of the checkpoint of <paramref name="treeSize"/>, which the
    /// caller checked verifies; a second line by the same witness for that checkpoint is not kept.
    /// </summary>
    public async Task AddCosignatureAsync(long treeSize, string witnessKey, string signatureLine, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO witness_cosignature (tree_size, witness_key, signature_line, received_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT ON CONSTRAINT witness_cosignature_pk DO NOTHING
            """);
        command.Parameters.Add(new() { Value = treeSize });
        command.Parameters.Add(new() { Value = witnessKey });
        command.Parameters.Add(new() { Value = signatureLine });
        command.Parameters.Add(new() { Value = receivedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The stream and sequence of the entry with this hash, if the log holds one (entry hashes are unique).</summary>
    public async Task<(string Stream, long Sequence)?> LocateAsync(Hash entryHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT stream_id, sequence FROM entry WHERE hash = $1");
        command.Parameters.Add(new() { Value = entryHash.Bytes.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    /// <summary>MTH(D[0:treeSize]) from the stored nodes; treeSize at most the integrated size.</summary>
    public async Task<byte[]> RootAsync(long treeSize, CancellationToken cancellationToken)
    {
        await ThrowIfBeyondIntegratedAsync(treeSize, cancellationToken);
        return await StoredMerkleNodes.ComputeAsync(dataSource, nodes => nodes.Root(treeSize), cancellationToken);
    }

    /// <summary>
    /// The inclusion proof of the leaf at <paramref name="leafIndex"/> in the tree of
    /// <paramref name="treeSize"/> leaves, with that leaf's stored hash and the root, read in
    /// one query and verified before it is returned (STYLE.md 9): a proof that does not check
    /// out means the node table is corrupt, and it is never served.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">leafIndex ≥ treeSize, or treeSize beyond the integrated size.</exception>
    public async Task<StoredInclusionProof> InclusionProofAsync(long leafIndex, long treeSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, treeSize);
        await ThrowIfBeyondIntegratedAsync(treeSize, cancellationToken);
        var (leaf, proof, root) = await StoredMerkleNodes.ComputeAsync(dataSource,
            nodes => (nodes.Node(0, leafIndex), nodes.InclusionProof(leafIndex, treeSize), nodes.Root(treeSize)), cancellationToken);
        Invariant.Holds(MerkleProof.VerifyInclusion(leafIndex, treeSize, leaf, proof, root).IsValid(),
            $"the inclusion proof of leaf {leafIndex} in the tree of {treeSize} leaves verifies");
        return new StoredInclusionProof(leafIndex, treeSize, leaf, proof, root);
    }

    /// <summary>The consistency proof from <paramref name="fromSize"/> to <paramref name="toSize"/> leaves, with both roots, verified before it is returned.</summary>
    /// <exception cref="ArgumentOutOfRangeException">fromSize &lt; 1, fromSize &gt; toSize, or toSize beyond the integrated size.</exception>
    public async Task<StoredConsistencyProof> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromSize, toSize);
        await ThrowIfBeyondIntegratedAsync(toSize, cancellationToken);
        var (proof, fromRoot, toRoot) = await StoredMerkleNodes.ComputeAsync(dataSource,
            nodes => (nodes.ConsistencyProof(fromSize, toSize), nodes.Root(fromSize), nodes.Root(toSize)), cancellationToken);
        Invariant.Holds(MerkleProof.VerifyConsistency(fromSize, toSize, proof, fromRoot, toRoot).IsValid(),
            $"the consistency proof from {fromSize} to {toSize} leaves verifies");
        return new StoredConsistencyProof(fromSize, toSize, proof, fromRoot, toRoot);
    }

    /// <summary>
    /// A lower bound of the integrated size that settles whether it covers
    /// <paramref name="treeSize"/>: the largest size read so far when that covers it (no round
    /// trip), else the size read now.
    /// </summary>
    public async Task<long> IntegratedSizeCoveringAsync(long treeSize, CancellationToken cancellationToken)
    {
        var known = Interlocked.Read(ref knownIntegratedSize);
        return treeSize <= known ? known : await IntegratedSizeAsync(cancellationToken);
    }

    async Task ThrowIfBeyondIntegratedAsync(long treeSize, CancellationToken cancellationToken)
    {
        var integrated = await IntegratedSizeCoveringAsync(treeSize, cancellationToken);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(treeSize, integrated, nameof(treeSize));
    }

    static async Task<StoredCheckpoint?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadCheckpoint(reader) : null;
    }

    internal static StoredCheckpoint ReadCheckpoint(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
}
