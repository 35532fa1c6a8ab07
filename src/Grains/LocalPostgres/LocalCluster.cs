using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;

namespace Ledger.Grains.LocalPostgres;

/// <summary>
/// Zero-setup PostgreSQL (DESIGN.md decision 10): a cluster that the process creates and
/// starts itself in <c>&lt;data folder&gt;/postgres</c> from the server binaries on the machine,
/// for when no connection string is configured.
/// </summary>
/// <remarks>
/// The layout of a data folder:
/// <list type="bullet">
/// <item><c>postgres/</c> — the cluster (initdb's data directory), its <c>server.log</c>,
/// and in its <c>postgresql.conf</c> the TCP port chosen when it was created.</item>
/// <item><c>postgres.password</c> — the password of the superuser <c>ledger</c>, mode 0600,
/// so that a later process can reconnect.</item>
/// </list>
/// The server outlives this object's process if that process is killed (pg_ctl detaches it);
/// the next <see cref="StartAsync(string, CancellationToken)"/> on the folder finds it running
/// and reuses it. One data folder is meant for one process at a time: disposing stops the
/// server for everyone connected to it. Several server processes on one database is the
/// deployment with a configured connection string (decision 8), not this.
/// </remarks>
public sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>Names a folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>.</summary>
    public const string BinariesVariable = "LEDGER_PG_BIN";

    /// <summary>The superuser that initdb creates; the OS user is irrelevant to clients.</summary>
    public const string UserName = "ledger";

    /// <summary>The database that <see cref="ConnectionString"/> names, created on start.</summary>
    public const string DatabaseName = "ledger";

    const string ClusterFolderName = "postgres";
    const string PasswordFileName = "postgres.password";
    const string LogFileName = "server.log";

    // pg_ctl -w waits for the server to report "ready". Its default of 60 s can be too short
    // for crash recovery after a killed process on a slow disk; a start that takes longer
    // than this is better reported than waited on forever.
    const int StartTimeoutSeconds = 300;

    readonly PostgresCommands commands;
    readonly string clusterFolder;
    readonly string password;
    // Every connection string handed out, so that stopping can empty Npgsql's pools for
    // them: after a restart on the same port a pooled connection to the old server would
    // otherwise fail on its first command.
    readonly ConcurrentDictionary<string, bool> connectionStrings = new();
    bool stopped;

    LocalCluster(PostgresCommands commands, string dataFolder, string clusterFolder, int port, string password)
    {
        this.commands = commands;
        this.clusterFolder = clusterFolder;
        this.password = password;
        DataFolder = dataFolder;
        Port = port;
        ConnectionString = ConnectionStringFor(DatabaseName);
    }

    /// <summary>The folder given to <see cref="StartAsync(string, CancellationToken)"/>, made absolute.</summary>
    public string DataFolder { get; }

    /// <summary>The TCP port on 127.0.0.1 that the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server's log file, named in error messages.</summary>
    public string LogFile => Path.Combine(clusterFolder, LogFileName);

    /// <summary>Npgsql connection string to the <c>ledger</c> database, as superuser <c>ledger</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>Npgsql connection string to <paramref name="database"/> on this server, as superuser <c>ledger</c>.</summary>
    public string ConnectionStringFor(string database)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = Port,
            Username = UserName,
            Password = password,
            Database = database,
        }.ConnectionString;
        connectionStrings.TryAdd(connectionString, true);
        return connectionString;
    }

    /// <summary>
    /// Starts the cluster in <c>&lt;<paramref name="dataFolder"/>&gt;/postgres</c>, creating it
    /// first if absent, or reuses the server already running on it. Fails with a
    /// <see cref="LocalClusterException"/> whose message says what to do.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(string dataFolder, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            // Unix file modes, OS users and pg_ctl's detaching are assumed throughout.
            throw new LocalClusterException("the local PostgreSQL cluster needs Linux or another Unix: configure a connection string to a PostgreSQL server instead");
        }
        dataFolder = Path.GetFullPath(dataFolder);
        var clusterFolder = Path.Combine(dataFolder, ClusterFolderName);
        // Binaries first: finding none must not leave an empty data folder behind.
        var binFolder = await FindBinariesAsync(ClusterMajorVersion(clusterFolder), cancellationToken);
        var commands = await PostgresCommands.CreateAsync(binFolder, cancellationToken);
        await PrepareDataFolderAsync(dataFolder, commands, cancellationToken);

        var passwordFile = Path.Combine(dataFolder, PasswordFileName);
        if (!File.Exists(Path.Combine(clusterFolder, "PG_VERSION")))
        {
            await InitializeAsync(commands, dataFolder, clusterFolder, passwordFile, cancellationToken);
        }
        else if (!File.Exists(passwordFile))
        {
            throw new LocalClusterException(
                $"the cluster in {clusterFolder} exists but its password file {passwordFile} is missing: restore the file, or delete {clusterFolder} to start over (that deletes its data)");
        }
        var password = File.ReadAllText(passwordFile).Trim();
        var port = await ReadPortAsync(commands, clusterFolder, cancellationToken);

        var cluster = new LocalCluster(commands, dataFolder, clusterFolder, port, password);
        if (!await IsRunningAsync(commands, clusterFolder, cancellationToken))
        {
            await cluster.StartServerAsync(cancellationToken);
        }
        // else: a previous process was killed (or is still serving) and left the server
        // running on this folder; starting a second postmaster would fail on its lock file.
        await cluster.CreateDatabaseIfMissingAsync(cancellationToken);
        return cluster;
    }

    /// <summary>Stops the server with <c>pg_ctl stop -m fast</c> (rolls back open transactions, keeps committed ones); does nothing if it is not running.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (stopped)
        {
            return;
        }
        foreach (var connectionString in connectionStrings.Keys)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
        // Another process (or another LocalCluster on this folder) may have stopped it.
        await StopServerAsync(commands, clusterFolder, cancellationToken);
        stopped = true;
    }

    /// <summary>
    /// Stops the server as a crash would (<c>pg_ctl stop -m immediate</c>): every connection is
    /// dropped at once, nothing is checkpointed, and the next start recovers from the WAL. For
    /// fault tests; <see cref="StopAsync"/> is the orderly stop.
    /// </summary>
    public Task StopImmediatelyAsync(CancellationToken cancellationToken = default) =>
        StopServerAsync(commands, clusterFolder, cancellationToken, mode: "immediate");

    /// <summary>The postmaster's process id, from the first line of its postmaster.pid (for fault tests).</summary>
    public int ServerProcessId =>
        int.Parse(File.ReadLines(Path.Combine(clusterFolder, "postmaster.pid")).First(), NumberStyles.None, CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// Stops the server running on <paramref name="dataFolder"/>, if any, without starting
    /// or creating anything: for cleaning up after a process that was killed.
    /// </summary>
    public static async Task StopIfRunningAsync(string dataFolder, CancellationToken cancellationToken)
    {
        var clusterFolder = Path.Combine(Path.GetFullPath(dataFolder), ClusterFolderName);
        if (ClusterMajorVersion(clusterFolder) is not { } majorVersion)
        {
            return;
        }
        var binFolder = await FindBinariesAsync(majorVersion, cancellationToken);
        var commands = await PostgresCommands.CreateAsync(binFolder, cancellationToken);
        await StopServerAsync(commands, clusterFolder, cancellationToken);
    }

    static async Task StopServerAsync(PostgresCommands commands, string clusterFolder, CancellationToken cancellationToken, string mode = "fast")
    {
        if (!await IsRunningAsync(commands, clusterFolder, cancellationToken))
        {
            return;
        }
        var result = await commands.RunAsync("pg_ctl",
            ["stop", "--pgdata", clusterFolder, "--mode", mode, "--wait"], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new LocalClusterException(
                $"pg_ctl stop failed: {result.LastUsefulLine()} (server log: {Path.Combine(clusterFolder, LogFileName)})");
        }
    }

    static async Task<bool> IsRunningAsync(PostgresCommands commands, string clusterFolder, CancellationToken cancellationToken)
    {
        var result = await commands.RunAsync("pg_ctl", ["status", "--pgdata", clusterFolder], cancellationToken);
        return result.ExitCode switch
        {
            0 => true,
            // 3 is "no server running", also when a killed server left a stale postmaster.pid
            // (pg_ctl checks that the pid is alive); the postmaster itself clears that file.
            3 => false,
            _ => throw new LocalClusterException($"pg_ctl status failed on {clusterFolder}: {result.LastUsefulLine()}"),
        };
    }

    async Task StartServerAsync(CancellationToken cancellationToken)
    {
        // -l: pg_ctl redirects the server's output (and stdin from /dev/null), so the server
        // keeps none of our pipes open and survives this process.
        var result = await commands.RunAsync("pg_ctl",
            ["start", "--pgdata", clusterFolder, "--log", LogFile, "--wait", $"--timeout={StartTimeoutSeconds}"],
            cancellationToken);
        if (result.ExitCode != 0)
        {
            // pg_ctl only says "could not start server / Examine the log output": the reason
            // (port in use, incompatible version, permissions) is in the server log.
            throw new LocalClusterException(
                $"PostgreSQL in {clusterFolder} did not start: {FirstComplaintOfLastStart()} (server log: {LogFile})");
        }
    }

    /// <summary>
    /// The first line of the last start attempt in the server log that complains: the
    /// cause comes first, its consequences ("FATAL: could not create any TCP/IP sockets"
    /// after "could not bind … Address already in use") after it.
    /// </summary>
    string FirstComplaintOfLastStart()
    {
        List<string> lines;
        try
        {
            lines = File.ReadLines(LogFile).TakeLast(100).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read the server log ({e.Message})";
        }
        var lastStart = lines.FindLastIndex(line => line.Contains("starting PostgreSQL", StringComparison.Ordinal));
        var complaint = lines.Skip(Math.Max(lastStart, 0)).FirstOrDefault(IsComplaint) ?? lines.LastOrDefault() ?? "the server log is empty";
        // Drop log_line_prefix's "2026-01-01 12:00:00.000 UTC [1234] ".
        return Regex.Replace(complaint, @"^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[\d+\] ", "");
    }

    static bool IsComplaint(string line) =>
        line.Contains("error", StringComparison.OrdinalIgnoreCase)
        || line.Contains("FATAL", StringComparison.Ordinal)
        || line.Contains("PANIC", StringComparison.Ordinal)
        || line.Contains("could not", StringComparison.Ordinal);

    async Task CreateDatabaseIfMissingAsync(CancellationToken cancellationToken)
    {
        // Unpooled: this one connection to the maintenance database is done with at once.
        var maintenance = new NpgsqlConnectionStringBuilder(ConnectionStringFor("postgres")) { Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", connection);
            exists.Parameters.Add(new() { Value = DatabaseName });
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        // Another process created it between our check and our CREATE: what we wanted.
        // (duplicate_database, or unique_violation on pg_database's name index.)
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
        }
        catch (NpgsqlException e)
        {
            throw new LocalClusterException(
                $"cannot connect to the local PostgreSQL on 127.0.0.1:{Port} (cluster {clusterFolder}): {e.Message} (server log: {LogFile})");
        }
    }

    // ---- Creating the cluster ------------------------------------------------------------

    [UnsupportedOSPlatform("windows")]
    static async Task PrepareDataFolderAsync(string dataFolder, PostgresCommands commands, CancellationToken cancellationToken)
    {
        // --data is the server's option for the folder (src/Api/Program.cs).
        var advice = "choose a folder such as /var/lib/ledger or /tmp/ledger (--data DIR)";
        // The folders still to be made, outermost first; the rest of the path exists.
        var missing = new List<string>();
        for (var folder = dataFolder; !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Insert(0, folder);
        }
        var existing = missing.Count == 0 ? dataFolder : Path.GetDirectoryName(missing[0])!;

        if (commands.RunsAsPostgresUser)
        {
            // Root can write anywhere, but the server runs as postgres, which must be able to
            // traverse every folder above its cluster: /root (mode 0700) is the usual trap.
            // `test -x` run as postgres asks access(2), which checks the whole path at once.
            // Checked on what exists before making anything, so a refusal leaves no trace.
            var result = await commands.RunAsync(commands.Test, ["-x", existing], cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new LocalClusterException(
                    $"data folder {dataFolder} is not writable/traversable by the postgres user (PostgreSQL runs as postgres when started as root): {advice}");
            }
        }

        try
        {
            foreach (var folder in missing)
            {
                // Private to us. When we are root, the postgres user may pass through (but
                // not list) to reach the cluster folder it owns. Set explicitly: mkdir's
                // mode is cut by the umask.
                Directory.CreateDirectory(folder);
                File.SetUnixFileMode(folder, commands.RunsAsPostgresUser
                    ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            // A probe rather than reading mode bits: it also catches read-only mounts, ACLs
            // and a folder owned by someone else.
            var probe = Path.Combine(dataFolder, $".write-probe-{Environment.ProcessId}");
            await File.WriteAllTextAsync(probe, "", cancellationToken);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalClusterException($"data folder {dataFolder} is not writable ({e.Message}): {advice}");
        }
    }

    [UnsupportedOSPlatform("windows")]
    static async Task InitializeAsync(
        PostgresCommands commands, string dataFolder, string clusterFolder, string passwordFile, CancellationToken cancellationToken)
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
        WritePrivateFile(passwordFile, password + "\n");

        // initdb reads the password from a file it must be able to open. As root that is a
        // copy owned by postgres (the kept file stays root's), deleted as soon as initdb ends.
        var initdbPasswordFile = passwordFile;
        if (commands.RunsAsPostgresUser)
        {
            initdbPasswordFile = Path.Combine(dataFolder, $"{PasswordFileName}.initdb");
            WritePrivateFile(initdbPasswordFile, password + "\n");
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
                "--username", UserName,
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

        // Later lines of postgresql.conf override earlier ones. fsync and synchronous_commit
        // keep their defaults (on): a committed entry must survive a power cut.
        var port = FreeLoopbackPort();
        await File.AppendAllTextAsync(Path.Combine(staging, "postgresql.conf"), $"""

            # Set by Ledger's LocalCluster (src/Grains/LocalPostgres/).
            # Only this machine can connect, over TCP with a password. The port was free
            # when the cluster was created and stays the same so that clients can reconnect.
            listen_addresses = '127.0.0.1'
            port = {port}
            # No unix socket: its path is limited to 107 bytes, which a deep data folder
            # exceeds, and the default /var/run/postgresql may be missing or owned by
            # another installation. pg_ctl -w waits on postmaster.pid, not on a socket.
            unix_socket_directories = ''

            """, cancellationToken);

        Directory.Move(staging, clusterFolder);
    }

    [UnsupportedOSPlatform("windows")]
    static void WritePrivateFile(string path, string contents)
    {
        // Created with mode 0600 from the start (no window where it is world-readable), in a
        // temporary file renamed over the target so a reader never sees half a password.
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        // No byte-order mark: initdb takes the file's first line as the password, mark and all,
        // and a tool that passes the file's text to Npgsql (the verifier's --database) failed to log in.
        using (var writer = new StreamWriter(temporary, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(contents);
        }
        File.Move(temporary, path, overwrite: true);
    }

    static int FreeLoopbackPort()
    {
        // Port 0 asks the kernel for a free ephemeral port; another process could take it
        // before the server binds it, which the server's start then reports.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    static async Task<int> ReadPortAsync(PostgresCommands commands, string clusterFolder, CancellationToken cancellationToken)
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

    // ---- Finding the binaries ------------------------------------------------------------

    static string? ClusterMajorVersion(string clusterFolder)
    {
        var file = Path.Combine(clusterFolder, "PG_VERSION");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    static async Task<string> FindBinariesAsync(string? clusterMajorVersion, CancellationToken cancellationToken)
    {
        var configured = Environment.GetEnvironmentVariable(BinariesVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return HasServerBinaries(configured)
                ? configured
                : throw new LocalClusterException(
                    $"PostgreSQL server binaries not found in {BinariesVariable}={configured} (it must hold initdb, pg_ctl and postgres): point it at a folder such as /usr/lib/postgresql/15/bin, or unset it");
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
            $"PostgreSQL server binaries not found: install them with `apt-get install postgresql` or set {BinariesVariable}");
    }

    static bool HasServerBinaries(string folder) =>
        new[] { "initdb", "pg_ctl", "postgres" }.All(name => File.Exists(Path.Combine(folder, name)));

    static string? FindOnPath(string name, params string[] alsoIn)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(alsoIn);
        return folders.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Runs the PostgreSQL binaries: directly, or as the postgres OS user when this process
    /// is root, because initdb, pg_ctl and postgres refuse to run as root (a server that
    /// can be made to run arbitrary code must not hold every privilege).
    /// </summary>
    sealed class PostgresCommands
    {
        readonly string binFolder;
        readonly string[] asPostgresUser;

        PostgresCommands(string binFolder, string[] asPostgresUser, string test, string chown)
        {
            this.binFolder = binFolder;
            this.asPostgresUser = asPostgresUser;
            Test = test;
            Chown = chown;
        }

        public bool RunsAsPostgresUser => asPostgresUser.Length > 0;

        public string Test { get; }

        string Chown { get; }

        public static async Task<PostgresCommands> CreateAsync(string binFolder, CancellationToken cancellationToken)
        {
            var test = FindOnPath("test", "/usr/bin", "/bin") ?? "/usr/bin/test";
            var chown = FindOnPath("chown", "/usr/bin", "/bin") ?? "/bin/chown";
            if (!Environment.IsPrivilegedProcess)
            {
                return new PostgresCommands(binFolder, [], test, chown);
            }
            var id = FindOnPath("id", "/usr/bin", "/bin") ?? "/usr/bin/id";
            var user = await ProcessResult.RunAsync(id, ["-u", "postgres"], cancellationToken);
            if (user.ExitCode != 0)
            {
                throw new LocalClusterException(
                    "running as root, PostgreSQL must run as the postgres OS user, which does not exist: install the postgresql package (it creates the user) or run as a non-root user");
            }
            // setpriv switches user and execs, with no PAM session and a clean environment
            // (no PG* variables of ours); runuser is the fallback where util-linux lacks it.
            string[] switchUser = FindOnPath("setpriv", "/usr/bin", "/bin") is { } setpriv
                ? [setpriv, "--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env", "--"]
                : FindOnPath("runuser", "/usr/sbin", "/sbin") is { } runuser
                    ? [runuser, "-u", "postgres", "--"]
                    : throw new LocalClusterException(
                        "running as root, PostgreSQL must run as the postgres OS user, but neither setpriv nor runuser was found: install util-linux or run as a non-root user");
            return new PostgresCommands(binFolder, switchUser, test, chown);
        }

        /// <summary>Runs a PostgreSQL binary by name, or any program by absolute path.</summary>
        public Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
        {
            var path = Path.IsPathRooted(program) ? program : Path.Combine(binFolder, program);
            return asPostgresUser.Length == 0
                ? ProcessResult.RunAsync(path, arguments, cancellationToken)
                : ProcessResult.RunAsync(asPostgresUser[0], [.. asPostgresUser[1..], path, .. arguments], cancellationToken);
        }

        public async Task GiveToPostgresUserAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
        {
            var result = await ProcessResult.RunAsync(Chown, ["postgres:", .. paths], cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new LocalClusterException($"chown to the postgres user failed: {result.LastUsefulLine()}");
            }
        }
    }

    /// <summary>What a finished process printed (stderr after stdout) and its exit code.</summary>
    sealed record ProcessResult(int ExitCode, string Output)
    {
        public static async Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo(program)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                // Our working folder may be one the postgres user cannot enter (/root).
                WorkingDirectory = "/",
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using var process = new Process { StartInfo = start };
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
            {
                throw new LocalClusterException($"cannot run {program}: {e.Message}");
            }
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return new ProcessResult(process.ExitCode, await output + await error);
        }

        /// <summary>
        /// The line of the output that best says what went wrong: PostgreSQL tools end with
        /// housekeeping ("removing data directory …", "Examine the log output."), so the last
        /// line naming an error wins over the last line.
        /// </summary>
        public string LastUsefulLine()
        {
            var lines = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.LastOrDefault(IsComplaint)
                ?? lines.LastOrDefault()
                ?? $"no output, exit code {ExitCode}";
        }
    }
}

/// <summary>
/// The local cluster could not be set up or started. The message is one line saying what
/// to do, fit to be the last thing a server prints before it exits.
/// </summary>
public sealed class LocalClusterException(string message)
    : Exception(message.ReplaceLineEndings(" "));
