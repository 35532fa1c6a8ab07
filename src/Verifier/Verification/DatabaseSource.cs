using Npgsql;

namespace Ledger.Verifier.Verification;

/// <summary>
/// A live database, read in one read-only, repeatable-read transaction so that the audit sees
/// one consistent log. Reads the stored bytes and the stored hash; trusts neither.
/// </summary>
public sealed class DatabaseSource : ILedgerSource
{
    readonly string connectionString;

    public DatabaseSource(string connectionString)
    {
        this.connectionString = connectionString;
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            Description = $"database {builder.Database} on {builder.Host}";
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var count = new NpgsqlCommand("SELECT count(*) FROM entry", connection);
            EntryCountHint = (long)count.ExecuteScalar()!;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            throw new UnreadableInputException($"the database cannot be read: {e.Message}", e);
        }
    }

    public string Description { get; }

    public Manifest? Manifest => null;

    public bool IsLive => true;

    public long EntryCountHint { get; }

    public string? ReadChecksum => null;

    // Read in the entries' transaction, after them: a checkpoint signed while the audit runs
    // may cover entries beyond its snapshot, and would be reported as covering absent entries.
    (string? LogVerifierKey, IReadOnlyList<SourcedCheckpoint> Checkpoints)? log;

    public string? LogVerifierKey => Log.LogVerifierKey;

    public string? ManifestProblem => null;

    public IEnumerable<SourcedCheckpoint> Checkpoints() => Log.Checkpoints;

    (string? LogVerifierKey, IReadOnlyList<SourcedCheckpoint> Checkpoints) Log =>
        log ?? throw new InvalidOperationException("the log key and checkpoints of a database are read with its entries: enumerate Entries() first");

    static List<T> Query<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Func<NpgsqlDataReader, T> read)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    public IEnumerable<SourcedEntry> Entries()
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            readOnly.ExecuteNonQuery();
        }
        using (var command = new NpgsqlCommand("SELECT log_position, hash, canonical FROM entry ORDER BY log_position", connection, transaction))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                yield return new SourcedEntry(reader.GetInt64(0), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(1));
            }
        }
        // Each note as the server serves and exports it: as the log signed it, followed by the
        // witnesses' cosignature lines (docs/FORMAT.md §10.7), so that --witness and --quorum
        // count them here too. A database from before migration 0007 has no cosignatures.
        var cosignatures = Query(connection, transaction, "SELECT to_regclass('witness_cosignature') IS NOT NULL", reader => reader.GetBoolean(0)).Single()
            ? "coalesce((SELECT string_agg(signature_line, '' ORDER BY witness_key) FROM witness_cosignature w WHERE w.tree_size = checkpoint.tree_size), '')"
            : "''";
        log = (Query(connection, transaction, "SELECT verifier_key FROM log_key", reader => reader.GetString(0)).FirstOrDefault(),
            Query(connection, transaction, $"SELECT tree_size, note || {cosignatures} FROM checkpoint ORDER BY tree_size",
                reader => new SourcedCheckpoint(reader.GetInt64(0), reader.GetString(1))));
    }
}
