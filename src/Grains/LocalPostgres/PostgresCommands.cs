namespace Ledger.Grains.LocalPostgres;

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
        var test = PostgresBinaries.FindOnPath("test", "/usr/bin", "/bin") ?? "/usr/bin/test";
        var chown = PostgresBinaries.FindOnPath("chown", "/usr/bin", "/bin") ?? "/bin/chown";
        if (!Environment.IsPrivilegedProcess)
        {
            return new PostgresCommands(binFolder, [], test, chown);
        }
        var id = PostgresBinaries.FindOnPath("id", "/usr/bin", "/bin") ?? "/usr/bin/id";
        var user = await ProcessResult.RunAsync(id, ["-u", "postgres"], cancellationToken);
        if (user.ExitCode != 0)
        {
            throw new LocalClusterException(
                "running as root, PostgreSQL must run as the postgres OS user, which does not exist: install the postgresql package (it creates the user) or run as a non-root user");
        }
        // setpriv switches user and execs, with no PAM session and a clean environment
        // (no PG* variables of ours); runuser is the fallback where util-linux lacks it.
        string[] switchUser = PostgresBinaries.FindOnPath("setpriv", "/usr/bin", "/bin") is { } setpriv
            ? [setpriv, "--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env", "--"]
            : PostgresBinaries.FindOnPath("runuser", "/usr/sbin", "/sbin") is { } runuser
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
