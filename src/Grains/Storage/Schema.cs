using System.Reflection;
using Npgsql;

namespace Ledger.Grains.Storage;

/// <summary>
/// Applies the numbered migrations in Storage/Migrations (embedded in this assembly) and
/// reports the schema version. Several server processes may start at once on one database:
/// an advisory lock makes one of them migrate while the others wait and then find it done.
/// </summary>
public static class Schema
{
    // An arbitrary constant naming "the ledger's migration lock" among advisory locks.
    const long MigrationLockId = 0x4C45_4447_4552; // "LEDGER"

    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>Brings the database to <see cref="LatestVersion"/>; returns the version.</summary>
    public static Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        MigrateAsync(dataSource, LatestVersion, cancellationToken);

    /// <summary>
    /// Brings the database to <paramref name="targetVersion"/> and no further; returns the
    /// version. An older target is for tests and benchmarks that compare a schema with its
    /// successor (a server always migrates to the latest).
    /// </summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, int targetVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, LatestVersion);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_xact_lock({MigrationLockId})", cancellationToken);
        await Execute(connection, """
            CREATE TABLE IF NOT EXISTS schema_migration (
                version    integer     PRIMARY KEY CHECK (version > 0),
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);
        var current = await CurrentVersionAsync(connection, cancellationToken);
        if (current > LatestVersion)
        {
            throw new SchemaTooNewException(current, LatestVersion);
        }
        foreach (var migration in Migrations.Where(m => m.Version > current && m.Version <= targetVersion))
        {
            await Execute(connection, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_migration (version, name) VALUES ($1, $2)", connection);
            record.Parameters.Add(new() { Value = migration.Version });
            record.Parameters.Add(new() { Value = migration.Name });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return Math.Max(current, targetVersion);
    }

    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(max(version), 0) FROM schema_migration", connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static List<Migration> LoadMigrations()
    {
        var assembly = typeof(Schema).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(name => name.Contains(".Migrations.", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Migration.FromResource(assembly, name))
            .OrderBy(m => m.Version)
            .ToList();
        for (var i = 0; i < migrations.Count; i++)
        {
            Invariant.Holds(migrations[i].Version == i + 1, "migrations are numbered 1, 2, 3 … without gaps");
        }
        return migrations;
    }
}

public sealed record Migration(int Version, string Name, string Sql)
{
    internal static Migration FromResource(Assembly assembly, string resourceName)
    {
        // Resource names end in "Migrations.0001_entries.sql".
        var fileName = resourceName[(resourceName.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
        var version = int.Parse(fileName[..4], System.Globalization.CultureInfo.InvariantCulture);
        using var stream = assembly.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream);
        return new Migration(version, fileName[..^".sql".Length], reader.ReadToEnd());
    }
}

public sealed class SchemaTooNewException(int found, int known)
    : Exception($"the database schema is version {found}, newer than this server's {known}: upgrade the server");
