using Ledger.Checkpoints;
using Ledger.Grains.Hosting;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Rules.Registry;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Hosting;

/// <summary>
/// Opens the database before the host starts (the silo needs it), then, as the hosted service
/// after the silo's, opens the registry and records the log key, before the log loop runs and
/// before Kestrel listens (hosted services start in order; the web server starts last). Settings
/// are checked before any of this runs, so a bad one touches no folder and no database.
/// </summary>
public sealed class LedgerStartup(
    IOptions<ServerSettings> server,
    IOptions<DatabaseSettings> databaseSettings,
    IOptions<LogSettings> logSettings,
    IOptions<RegistrySettings> registrySettings,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<LedgerStartup> logger) : IHostedService
{
    /// <summary>The log key's file under the data folder's keys folder, beside the registrar's.</summary>
    public const string LogKeyFileName = "log.json";

    LedgerDatabase? database;
    string? rootFingerprint;
    LogIntegrator? log;

    public LedgerDatabase Database => database ?? throw NotStarted();

    /// <summary>The key id of the registrar's root key (docs/FORMAT.md §4.4).</summary>
    public string RootFingerprint => rootFingerprint ?? throw NotStarted();

    /// <summary>The global Merkle log's integrator and signer (docs/FORMAT.md §10).</summary>
    public LogIntegrator Log => log ?? throw NotStarted();

    /// <summary>
    /// Opens the database (the local cluster when no connection string is set), before the host
    /// starts: the silo's membership table and every grain's entries are there.
    /// </summary>
    public async Task OpenDatabaseAsync(CancellationToken cancellationToken)
    {
        Invariant.Holds(database is null, "the database is opened once");
        // Owned by the service provider from here on (its factory hands it out), which disposes
        // it after everything resolved later, the grains included.
        database = await LedgerDatabase.OpenAsync(databaseSettings.Value.ConnectionString, server.Value.DataFolder, cancellationToken,
            TimeSpan.FromSeconds(databaseSettings.Value.CommandTimeoutSeconds));
    }

    /// <summary>
    /// Once the silo has started: a trial opens the registry and names the log key itself; a
    /// production server checks that the registry, if open, is the configured registrar's, and
    /// otherwise waits for the registrar (README "Production start"). Then the log key is recorded.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var dataFolder = server.Value.DataFolder;
        var grains = services.GetRequiredService<LedgerGrains>();
        rootFingerprint = registrySettings.Value.RootFingerprint is { } configured
            ? await CheckProductionRegistryAsync(grains, configured, cancellationToken)
            : await RegistryGenesis.EnsureTrialOpenAsync(grains, dataFolder, clock, cancellationToken);
        log = CreateLogIntegrator(Database, dataFolder, rootFingerprint);
        var (logKey, logKeyIsOurs) = await log.EnsureKeyRecordedAsync(cancellationToken);
        if (registrySettings.Value.IsTrial)
        {
            await RegistryGenesis.EnsureLogKeyNamedAsync(grains, dataFolder, log.VerifierKey!, clock, cancellationToken);
        }
        logger.LogInformation("ledger on {Location}, schema version {SchemaVersion}, root key fingerprint {RootFingerprint}, {Mode}, log key {LogKey}",
            Database.Location, Database.SchemaVersion, rootFingerprint,
            registrySettings.Value.IsTrial ? "a trial (the registrar's root key is in this server's data folder)" : "production",
            log.VerifierKey!.Format());
        if (!logKeyIsOurs)
        {
            logger.LogWarning("the log key this database first recorded is {LogKey}, not this server's {OwnKey} ({KeyFile}): "
                + "this server signs checkpoints only once the registrar names its key (NameLogKey)",
                logKey, log.VerifierKey!.Format(), Path.Combine(dataFolder, "keys", LogKeyFileName));
        }
    }

    /// <summary>
    /// A production server keeps the registry of the root key it was given: a database opened by
    /// another root key, or as a trial, is not that registry, and the server does not start on it.
    /// </summary>
    async Task<string> CheckProductionRegistryAsync(LedgerGrains grains, string configured, CancellationToken cancellationToken)
    {
        var registry = (RegistryState)await grains.ReadStateAsync(RegistryRules.Stream, cancellationToken);
        if (!registry.IsOpen)
        {
            logger.LogWarning("the registry is not open: waiting for the registrar holding root key {RootFingerprint} "
                + "to open it (`registrar open --key FILE --server URL`); until then only OpenRegistry is taken", configured);
        }
        else if (registry.RootKeyId != configured || registry.IsTrial)
        {
            throw new InvalidOperationException(registry.IsTrial
                ? $"this database holds a trial registry (root key {registry.RootKeyId}), not a production one: start production on a database of its own"
                : $"this database's registry was opened by root key {registry.RootKeyId}, not Registry:RootFingerprint {configured}");
        }
        return configured;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The log's signer: the key in <c>keys/log.json</c> (made on first start), named by the
    /// origin <c>Log:Origin</c> (default <c>community-ledger/ROOT_FINGERPRINT</c>), signing at
    /// most every <c>Log:CheckpointIntervalSeconds</c> — docs/FORMAT.md §10.3.
    /// </summary>
    LogIntegrator CreateLogIntegrator(LedgerDatabase opened, string dataFolder, string root)
    {
        var key = OwnerOnlyKeyFile.LoadOrCreate(Path.Combine(dataFolder, "keys", LogKeyFileName), "log");
        var settings = logSettings.Value;
        var origin = settings.Origin ?? $"community-ledger/{root}";
        var options = new LogIntegratorOptions { CheckpointInterval = TimeSpan.FromSeconds(settings.CheckpointIntervalSeconds) };
        return new LogIntegrator(opened.DataSource, new NoteSigner(origin, key.Key), clock, options);
    }

    static InvalidOperationException NotStarted() => new("the ledger has not started yet");
}
