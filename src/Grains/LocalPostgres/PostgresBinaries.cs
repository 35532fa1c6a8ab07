using System.Globalization;

namespace Ledger.Grains.LocalPostgres;

/// <summary>
/// Where the PostgreSQL server binaries (initdb, pg_ctl, postgres) are on this machine: the
/// folder named by <see cref="LocalCluster.BinariesVariable"/>, else the one that fits the
/// cluster's major version.
/// </summary>
static class PostgresBinaries
{
    /// <summary>The major version that created the cluster in <paramref name="clusterFolder"/>, or null if there is none.</summary>
    public static string? ClusterMajorVersion(string clusterFolder)
    {
        var file = Path.Combine(clusterFolder, "PG_VERSION");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    public static async Task<string> FindAsync(string? clusterMajorVersion, CancellationToken cancellationToken)
    {
        var configured = Environment.GetEnvironmentVariable(LocalCluster.BinariesVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return HasServerBinaries(configured)
                ? configured
                : throw new LocalClusterException(
                    $"PostgreSQL server binaries not found in {LocalCluster.BinariesVariable}={configured} (it must hold initdb, pg_ctl and postgres): point it at a folder such as /usr/lib/postgresql/15/bin, or unset it");
        }

        // Debian and Ubuntu install each major version side by side and put only client
        // wrappers on PATH. An existing cluster needs the major version that created it (its
        // files are incompatible with any other); a new one gets the highest installed.
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var installed = Directory.GetDirectories(debianRoot)
                .Select(folder => (Name: Path.GetFileName(folder), Bin: Path.Combine(folder, "bin")))
                .Where(version => HasServerBinaries(version.Bin))
                .ToList();
            var forCluster = installed.FirstOrDefault(version => version.Name == clusterMajorVersion);
            if (forCluster.Bin is not null)
            {
                return forCluster.Bin;
            }
            var highest = installed
                .OrderByDescending(version => decimal.TryParse(version.Name, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) ? number : -1)
                .FirstOrDefault();
            if (highest.Bin is not null)
            {
                return highest.Bin;
            }
        }

        // Other distributions and source builds: pg_config knows, else the server is on PATH.
        if (FindOnPath("pg_config") is { } pgConfig)
        {
            var result = await ProcessResult.RunAsync(pgConfig, ["--bindir"], cancellationToken);
            if (result.ExitCode == 0 && HasServerBinaries(result.Output.Trim()))
            {
                return result.Output.Trim();
            }
        }
        if (FindOnPath("initdb") is { } initdb && Path.GetDirectoryName(initdb) is { } folder && HasServerBinaries(folder))
        {
            return folder;
        }
        throw new LocalClusterException(
            $"PostgreSQL server binaries not found: install them with `apt-get install postgresql` or set {LocalCluster.BinariesVariable}");
    }

    /// <summary>The first <paramref name="name"/> in a folder of PATH, else of <paramref name="alsoIn"/>.</summary>
    public static string? FindOnPath(string name, params string[] alsoIn)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(alsoIn);
        return folders.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
    }

    static bool HasServerBinaries(string folder) =>
        new[] { "initdb", "pg_ctl", "postgres" }.All(name => File.Exists(Path.Combine(folder, name)));
}
