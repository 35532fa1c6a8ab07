using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace Ledger.Grains.LocalPostgres;

/// <summary>
/// Creates a new cluster with initdb: its superuser's password, its encoding, locale and
/// authentication, and Ledger's configuration, all in place before it counts as a cluster.
/// </summary>
static class ClusterCreation
{
    /// <summary>
    /// Creates the cluster in <paramref name="clusterFolder"/> and writes its superuser's new
    /// password to <paramref name="passwordFile"/>.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    public static async Task CreateAsync(
        PostgresCommands commands, string clusterFolder, string passwordFile, CancellationToken cancellationToken)
    {
        // initdb works in a staging folder that is renamed into place only once the cluster
        // is complete and configured, so a process killed half-way never leaves something
        // that looks like a cluster. A leftover staging folder is such a half-made one.
        var staging = clusterFolder + ".initializing";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
        Directory.CreateDirectory(staging);
        File.SetUnixFileMode(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var password = RandomNumberGenerator.GetHexString(40, lowercase: true); // 160 bits; hex needs no escaping
        DataFolderSetup.WritePrivateFile(passwordFile, password + "\n");

        // initdb reads the password from a file it must be able to open. As root that is a
        // copy owned by postgres (the kept file stays root's), deleted as soon as initdb ends.
        var initdbPasswordFile = passwordFile;
        if (commands.RunsAsPostgresUser)
        {
            initdbPasswordFile = passwordFile + ".initdb";
            DataFolderSetup.WritePrivateFile(initdbPasswordFile, password + "\n");
            await commands.GiveToPostgresUserAsync([staging, initdbPasswordFile], cancellationToken);
        }
        ProcessResult result;
        try
        {
            result = await commands.RunAsync("initdb",
            [
                "--pgdata", staging,
                "--encoding=UTF8",
                // Locale C: byte-order collation, identical on every machine, so an index
                // never depends on the host's libc collation version.
                "--locale=C",
                "--username", LocalCluster.UserName,
                "--pwfile", initdbPasswordFile,
                // Password authentication for every connection, local ones included: the
                // server is reachable by every user of this machine on 127.0.0.1.
                "--auth=scram-sha-256",
                // A ledger of record wants corrupted pages detected, not read back silently.
                "--data-checksums",
            ], cancellationToken);
        }
        finally
        {
            if (initdbPasswordFile != passwordFile)
            {
                File.Delete(initdbPasswordFile);
            }
        }
        if (result.ExitCode != 0)
        {
            throw new LocalClusterException($"initdb failed: {result.LastUsefulLine()}");
        }

        await ClusterConfiguration.AppendAsync(staging, cancellationToken);
        Directory.Move(staging, clusterFolder);
    }
}
