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

    public long EntryCountHint { get; }

    public string? ReadChecksum => null;

    public IEnumerable<SourcedEntry> Entries()
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            readOnly.ExecuteNonQuery();
        }
        using var command = new NpgsqlCommand("SELECT log_position, hash, canonical FROM entry ORDER BY log_position", connection, transaction);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new SourcedEntry(reader.GetInt64(0), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(1));
        }
    }
}
