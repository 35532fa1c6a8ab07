using System.Globalization;
using System.Net;
using Ledger.Grains.Hosting;

namespace Ledger.Grains.LocalPostgres;

/// <summary>
/// What Ledger adds to a new cluster's postgresql.conf (where and how it listens), and the
/// port read back from the server itself.
/// </summary>
static class ClusterConfiguration
{
    /// <summary>Appends Ledger's settings, with a port free at this moment, to the postgresql.conf in <paramref name="clusterFolder"/>.</summary>
    public static async Task AppendAsync(string clusterFolder, CancellationToken cancellationToken)
    {
        // Later lines of postgresql.conf override earlier ones. fsync and synchronous_commit
        // keep their defaults (on): a committed entry must survive a power cut.
        var port = FreePort.On(IPAddress.Loopback);
        await File.AppendAllTextAsync(Path.Combine(clusterFolder, "postgresql.conf"), $"""

            # Set by Ledger's LocalCluster (src/Grains/LocalPostgres/ClusterConfiguration.cs).
            # Only this machine can connect, over TCP with a password. The port was free
            # when the cluster was created and stays the same so that clients can reconnect.
            listen_addresses = '127.0.0.1'
            port = {port}
            # No unix socket: its path is limited to 107 bytes, which a deep data folder
            # exceeds, and the default /var/run/postgresql may be missing or owned by
            # another installation. pg_ctl -w waits on postmaster.pid, not on a socket.
            unix_socket_directories = ''
            # One process holds two pools of up to Npgsql's default 100 connections each (the
            # ledger's data source, and Orleans' AdoNet clustering and grain storage, which
            # open connections by connection string): PostgreSQL's default of 100 would
            # refuse the 101st ("53300: too many clients") under load. Room is left for psql
            # and the verifier's --database mode.
            max_connections = 250

            """, cancellationToken);
    }

    public static async Task<int> ReadPortAsync(PostgresCommands commands, string clusterFolder, CancellationToken cancellationToken)
    {
        // `postgres -C` prints the value the server uses, after every config file (including
        // postgresql.auto.conf) has been read: no second parser of postgresql.conf here.
        var result = await commands.RunAsync("postgres", ["-D", clusterFolder, "-C", "port"], cancellationToken);
        if (result.ExitCode != 0 || !int.TryParse(result.Output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new LocalClusterException($"cannot read the port of the cluster in {clusterFolder}: {result.LastUsefulLine()}");
        }
        return port;
    }
}
