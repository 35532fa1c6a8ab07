using Ledger.Api.Hosting;
using Ledger.Grains.Hosting;
using Ledger.Grains.Log;
using Ledger.Grains.LocalPostgres;
using Ledger.Grains.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Ledger.Api;

/// <summary>Where a server keeps its data and which database it uses, as a caller in code gives them.</summary>
/// <param name="DataFolder">The data folder: the local cluster (when no connection string is given) and the registrar's key.</param>
/// <param name="ConnectionString">An Npgsql connection string; null for the zero-setup local cluster.</param>
/// <param name="Urls">The addresses to listen on, e.g. "http://127.0.0.1:5099"; port 0 picks a free one.</param>
/// <param name="SiloPort">The silo's port; 0 (the default for a server started from code: tests, the demo, the bench) picks a free one.</param>
public sealed record ServerOptions(string DataFolder, string? ConnectionString, string Urls, int SiloPort = 0)
{
    /// <summary>The settings these stand for (docs/API.md "Settings"), above every other source.</summary>
    public IReadOnlyDictionary<string, string?> AsSettings() => new Dictionary<string, string?>
    {
        ["data"] = DataFolder,
        ["urls"] = Urls,
        ["ConnectionStrings:Ledger"] = ConnectionString,
        ["Silo:Port"] = SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// The ledger server on the generic host: its database, its grain host, the Merkle log's loop
/// and its HTTP API, started together and stopped together (Hosting/LedgerHosting.cs wires
/// them). Program.cs runs one; the tests and the demo start their own.
/// </summary>
public sealed class LedgerServer : IAsyncDisposable
{
    readonly WebApplication app;

    LedgerServer(WebApplication app) => this.app = app;

    public LedgerDatabase Database => app.Services.GetRequiredService<LedgerDatabase>();

    public LedgerGrains Grains => app.Services.GetRequiredService<LedgerGrains>();

    /// <summary>The key id of the registrar's root key (docs/FORMAT.md §4.4).</summary>
    public string RootFingerprint => app.Services.GetRequiredService<LedgerStartup>().RootFingerprint;

    /// <summary>
    /// The global Merkle log's integrator and signer (docs/FORMAT.md §10), run in the
    /// background; tests call <see cref="LogIntegrator.IntegrateAndSignNowAsync"/>.
    /// </summary>
    public LogIntegrator Log => app.Services.GetRequiredService<LedgerStartup>().Log;

    /// <summary>The Merkle log's background loop, which /health watches.</summary>
    public LogIntegrationService LogLoop => app.Services.GetRequiredService<LogIntegrationService>();

    /// <summary>What submits checkpoints to the configured witnesses; tests call <see cref="WitnessSubmissionService.SubmitLatestAsync"/>.</summary>
    public WitnessSubmissionService Witnesses => app.Services.GetRequiredService<WitnessSubmissionService>();

    /// <summary>The Merkle log's read side: checkpoints, key and proofs.</summary>
    public MerkleLog MerkleLog => app.Services.GetRequiredService<MerkleLog>();

    /// <summary>The address the server listens on, with the port it was given.</summary>
    public Uri Address => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>The log key's file under the data folder's keys folder, beside the registrar's.</summary>
    public const string LogKeyFileName = LedgerStartup.LogKeyFileName;

    /// <summary>Starts a server on <paramref name="options"/>, with <paramref name="args"/> for every other setting.</summary>
    /// <param name="clock">
    /// The one clock of the server, its grains and its log (null: the system's): the demo's
    /// calendar (<see cref="Demo.DemoCalendar"/>); every other server keeps the real time.
    /// </param>
    public static Task<LedgerServer> StartAsync(ServerOptions options, string[]? args = null, CancellationToken cancellationToken = default,
        TimeProvider? clock = null) =>
        StartAsync(args ?? [], options.AsSettings(), cancellationToken, clock);

    /// <summary>
    /// Checks the settings, opens the database, the grain host and the registry, then serves.
    /// Settings come from appsettings.json, the environment, <paramref name="args"/>
    /// (<c>--data DIR</c>, <c>--Log:Origin X</c>) and last <paramref name="settings"/>.
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is not valid; its message names it.</exception>
    /// <exception cref="LocalClusterException">The local cluster cannot be created or started.</exception>
    public static async Task<LedgerServer> StartAsync(string[] args, IReadOnlyDictionary<string, string?>? settings = null,
        CancellationToken cancellationToken = default, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.AddLedger(clock ?? TimeProvider.System);
        var app = builder.Build();
        app.UseLedger();
        try
        {
            CheckSettings(app.Services);
            // Before the host starts: the silo's membership and grains are on this database.
            await app.Services.GetRequiredService<LedgerStartup>().OpenDatabaseAsync(cancellationToken);
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new LedgerServer(app);
    }

    /// <summary>
    /// The host checks the settings again as it starts (ValidateOnStart); checked here first so
    /// that every bad setting is reported in one exception whose failures each name a setting.
    /// </summary>
    static void CheckSettings(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OptionsValidationException))
        {
            var failures = e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(inner => inner.Failures).ToList();
            throw new OptionsValidationException("settings", typeof(ServerOptions), failures);
        }
    }

    /// <summary>Serves until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        // Kestrel stops first, then the log loop, which signs a last checkpoint (LogIntegrationService).
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
