using Ledger.Merkle;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Grains.Log;

/// <summary>
/// Roots and proofs over the merkle_node table (0003_merkle_log.sql) in one query each.
/// <see cref="IMerkleNodes"/> is synchronous, and the proof algorithms of
/// <see cref="MerkleNodes"/> choose which nodes to read from the sizes and indices alone,
/// never from hash values. So a computation runs twice: first over a recorder that notes the
/// (level, index) pairs it asks for and answers with placeholder hashes, then, once those nodes
/// have been fetched in a single statement, over the fetched values. Either way O(log n) rows.
/// </summary>
public static class StoredMerkleNodes
{
    /// <summary>
    /// Runs <paramref name="compute"/> over the stored nodes. Every node it asks for must be
    /// stored, i.e. every tree size it touches must be at most the integrated size
    /// (merkle_head); the caller checks that first. A missing node is a broken invariant.
    /// </summary>
    public static async Task<T> ComputeAsync<T>(NpgsqlConnection connection, Func<IMerkleNodes, T> compute, CancellationToken cancellationToken)
    {
        var recorder = new RecordingNodes();
        compute(recorder);
        var fetched = await FetchAsync(connection, recorder.Requested, cancellationToken);
        return compute(new FetchedNodes(fetched));
    }

    /// <inheritdoc cref="ComputeAsync{T}(NpgsqlConnection, Func{IMerkleNodes, T}, CancellationToken)"/>
    public static async Task<T> ComputeAsync<T>(NpgsqlDataSource dataSource, Func<IMerkleNodes, T> compute, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ComputeAsync(connection, compute, cancellationToken);
    }

    static async Task<Dictionary<(int Level, long Index), byte[]>> FetchAsync(
        NpgsqlConnection connection, IReadOnlyCollection<(int Level, long Index)> wanted, CancellationToken cancellationToken)
    {
        var nodes = new Dictionary<(int, long), byte[]>(wanted.Count);
        if (wanted.Count == 0)
        {
            return nodes;
        }
        await using var command = new NpgsqlCommand("""
            SELECT n.level, n.idx, n.hash
            FROM unnest($1::smallint[], $2::bigint[]) AS wanted(level, idx)
            JOIN merkle_node n USING (level, idx)
            """, connection);
        command.Parameters.Add(new() { Value = wanted.Select(w => checked((short)w.Level)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
        command.Parameters.Add(new() { Value = wanted.Select(w => w.Index).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            nodes[(reader.GetInt16(0), reader.GetInt64(1))] = reader.GetFieldValue<byte[]>(2);
        }
        Invariant.Holds(nodes.Count == wanted.Count, $"the {wanted.Count} Merkle nodes a proof needs are stored (found {nodes.Count})");
        return nodes;
    }

    /// <summary>Notes what is asked for; answers with a placeholder, which only feeds hashes nobody looks at.</summary>
    sealed class RecordingNodes : IMerkleNodes
    {
        readonly HashSet<(int, long)> requested = [];

        public IReadOnlyCollection<(int Level, long Index)> Requested => requested;

        public byte[] Node(int level, long index)
        {
            requested.Add((level, index));
            return new byte[MerkleHash.SizeBytes];
        }
    }

    sealed class FetchedNodes(Dictionary<(int Level, long Index), byte[]> nodes) : IMerkleNodes
    {
        public byte[] Node(int level, long index)
        {
            Invariant.Holds(nodes.TryGetValue((level, index), out var hash),
                $"a Merkle computation asks the second time for the nodes it asked for the first (level {level}, index {index})");
            return hash!;
        }
    }
}
