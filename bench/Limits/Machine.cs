using System.Runtime.InteropServices;
using Ledger.Grains.LocalPostgres;
using Npgsql;

namespace Ledger.Bench.Limits;

/// <summary>The line every bench subcommand prints first: figures mean little without the machine they came from.</summary>
public static class Machine
{
    public static string Describe(string? postgresVersion = null)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        // The load average says whether other work shared the machine during the run.
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
        var line = $"machine: {Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), "
            + $"{RuntimeInformation.OSDescription}, .NET {Environment.Version}"
            + (load is null ? "" : $", load average {load}");
        return postgresVersion is null ? line : $"{line}, PostgreSQL {postgresVersion}";
    }

    /// <summary>A throwaway local cluster (DESIGN.md decision 10) in a fresh temporary folder, removed on dispose.</summary>
    public static async Task<ScratchCluster> StartClusterAsync(string name, CancellationToken cancellationToken)
    {
        // Under /tmp, which the postgres OS user can traverse when this runs as root (DESIGN.md "Known pitfalls").
        var folder = Path.Combine(Path.GetTempPath(), $"ledger-bench-{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var cluster = await LocalCluster.StartAsync(folder, cancellationToken);
            return new ScratchCluster(cluster, folder);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public sealed class ScratchCluster(LocalCluster cluster, string folder) : IAsyncDisposable
    {
        public LocalCluster Cluster => cluster;

        public string Folder => folder;

        /// <summary>The server's version and its synchronous_commit setting, which must be on for durable figures.</summary>
        public async Task<(string Version, string SynchronousCommit)> SettingsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync')", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (version, synchronousCommit, fsync) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
            if (synchronousCommit != "on" || fsync != "on")
            {
                throw new InvalidOperationException($"the cluster is not durable (synchronous_commit={synchronousCommit}, fsync={fsync}): its figures would not be commit rates");
            }
            return (version, synchronousCommit);
        }

        public async ValueTask DisposeAsync()
        {
            await cluster.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
