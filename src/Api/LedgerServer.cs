using Ledger.Api.Endpoints;
using Ledger.Checkpoints;
using Ledger.Client;
using Ledger.Grains.Hosting;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Signing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orleans.Configuration;

namespace Ledger.Api;

/// <summary>Where a server keeps its data and which database it uses.</summary>
/// <param name="DataFolder">The data folder: the local cluster (when no connection string is given) and the registrar's key.</param>
/// <param name="ConnectionString">An Npgsql connection string; null for the zero-setup local cluster.</param>
/// <param name="Urls">The addresses to listen on, e.g. "http://127.0.0.1:5099"; port 0 picks a free one.</param>
/// <param name="SiloPort">The silo's port, overriding the "Silo:Port" setting; 0 picks a free one.</param>
public sealed record ServerOptions(string DataFolder, string? ConnectionString, string Urls, int? SiloPort = null);

/// <summary>
/// The ledger server: its database, its silo and its HTTP API, started together and
/// stopped together. Program.cs runs one; the tests and the demo start their own.
/// </summary>
public sealed class LedgerServer : IAsyncDisposable
{
    readonly WebApplication app;
    readonly LogIntegrationLoop logLoop;

    LedgerServer(WebApplication app, LedgerDatabase database, LedgerGrains grains, string rootFingerprint, LogIntegrator log, LogIntegrationLoop logLoop)
    {
        this.app = app;
        Database = database;
        Grains = grains;
        RootFingerprint = rootFingerprint;
        Log = log;
        this.logLoop = logLoop;
    }

    public LedgerDatabase Database { get; }

    public LedgerGrains Grains { get; }

    /// <summary>The key id of the registrar's root key (docs/FORMAT.md §4.4).</summary>
    public string RootFingerprint { get; }

    /// <summary>
    /// The global Merkle log's integrator and signer (docs/FORMAT.md §10), run in the
    /// background every second; tests call <see cref="LogIntegrator.IntegrateAndSignNowAsync"/>.
    /// </summary>
    public LogIntegrator Log { get; }

    /// <summary>The Merkle log's read side: checkpoints, key and proofs.</summary>
    public MerkleLog MerkleLog => app.Services.GetRequiredService<MerkleLog>();

    /// <summary>The address the server listens on, with the port it was given.</summary>
    public Uri Address => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Opens the database, starts the silo and the API, opens the registry, then serves.</summary>
    /// <exception cref="LocalClusterException">The local cluster cannot be created or started.</exception>
    /// <exception cref="LibsodiumUnavailableException">libsodium is not installed.</exception>
    public static async Task<LedgerServer> StartAsync(ServerOptions options, string[]? args = null, CancellationToken cancellationToken = default)
    {
        Ed25519.EnsureAvailable();
        var builder = WebApplication.CreateBuilder(args ?? []);
        builder.WebHost.UseUrls(options.Urls);
        var database = await LedgerDatabase.OpenAsync(options.ConnectionString, options.DataFolder, cancellationToken);
        WebApplication? app = null;
        try
        {
            var siloOptions = builder.Configuration.GetSection("Silo").Get<LedgerSiloOptions>() ?? new LedgerSiloOptions();
            if (options.SiloPort is { } siloPort)
            {
                siloOptions = siloOptions with { Port = siloPort };
            }
            builder.UseOrleans(silo => silo.AddLedgerGrains(database.ConnectionString, siloOptions, TimeProvider.System));
            builder.Services.AddSingleton(database);
            builder.Services.AddSingleton(services => new LedgerOpening(services.GetRequiredService<LedgerGrains>(),
                rootFingerprint => CreateLogIntegrator(builder.Configuration, database, options.DataFolder, rootFingerprint), options.DataFolder));
            builder.Services.AddHostedService(services => services.GetRequiredService<LedgerOpening>());
            builder.Services.Configure<GrainOptions>(builder.Configuration.GetSection("Grains"));
            // Orleans' own timing, e.g. how soon a silo that stopped answering is declared dead
            // (Silo:Membership:ProbeTimeout, NumMissedProbesLimit …) and how long a grain call may take.
            builder.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Silo:Membership"));
            builder.Services.Configure<SiloMessagingOptions>(builder.Configuration.GetSection("Silo:Messaging"));
            builder.Services.AddSingleton(new MerkleLog(database.DataSource));
            builder.Services.AddLedgerOpenApi();
            builder.Services.AddProblemDetails();
            app = builder.Build();
            // Errors without a body of their own (an unknown path, a wrong method) still get a problem body.
            app.UseStatusCodePages();
            app.UsePageFiles();
            app.MapOpenApi();
            app.MapHealthEndpoints();
            app.MapEntryEndpoints();
            app.MapCommandEndpoints();
            app.MapUnknownCommandEndpoint();
            app.MapViewEndpoints();
            app.MapExportEndpoints();
            app.MapLogEndpoints();
            app.MapKeyEndpoints();
            app.MapNoticeEndpoints();
            // The silo, then the registry and the log (LedgerOpening), then the web server.
            await app.StartAsync(cancellationToken);
            var grains = app.Services.GetRequiredService<LedgerGrains>();
            var opening = app.Services.GetRequiredService<LedgerOpening>();
            var (rootFingerprint, log, (logKey, logKeyIsOurs)) = (opening.RootFingerprint, opening.Log, opening.LogKey);
            app.Logger.LogInformation("ledger on {Location}, schema version {SchemaVersion}, root key fingerprint {RootFingerprint}",
                database.Location, database.SchemaVersion, rootFingerprint);
            if (!logKeyIsOurs)
            {
                app.Logger.LogWarning("the log key of this database is {LogKey}, not this server's {OwnKey} ({KeyFile}): "
                    + "this server integrates the Merkle log but leaves signing checkpoints to the server holding that key",
                    logKey, log.VerifierKey!.Format(), Path.Combine(options.DataFolder, "keys", LogKeyFileName));
            }
            var logLoop = LogIntegrationLoop.Start(log, TimeProvider.System, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<LogIntegrator>());
            return new LedgerServer(app, database, grains, rootFingerprint, log, logLoop);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>The log key's file under the data folder's keys folder, beside the registrar's.</summary>
    public const string LogKeyFileName = "log.json";

    /// <summary>
    /// The log's signer: the key in <c>keys/log.json</c> (made on first start), named by the
    /// origin <c>Log:Origin</c> (default <c>community-ledger/ROOT_FINGERPRINT</c>), signing at
    /// most every <c>Log:CheckpointIntervalSeconds</c> (default 1) — docs/FORMAT.md §10.3.
    /// </summary>
    static LogIntegrator CreateLogIntegrator(IConfiguration configuration, LedgerDatabase database, string dataFolder, string rootFingerprint)
    {
        var key = PersonKey.LoadOrCreate(Path.Combine(dataFolder, "keys", LogKeyFileName), "log");
        var origin = configuration["Log:Origin"] ?? $"community-ledger/{rootFingerprint}";
        var options = new LogIntegratorOptions();
        if (configuration["Log:CheckpointIntervalSeconds"] is { } seconds)
        {
            options = options with { CheckpointInterval = TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)) };
        }
        return new LogIntegrator(database.DataSource, new NoteSigner(origin, key.Key), TimeProvider.System, options);
    }

    /// <summary>Serves until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await logLoop.DisposeAsync();
        await app.StopAsync();
        try
        {
            // A server that stops leaves every entry it accepted under a signed checkpoint.
            await Log.IntegrateAndSignNowAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            app.Logger.LogWarning(e, "the last checkpoint could not be signed: {Message}", e.Message);
        }
        await app.DisposeAsync();
        await Database.DisposeAsync();
    }
}
