using Ledger.Api.Endpoints;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Signing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Ledger.Api;

/// <summary>Where a server keeps its data and which database it uses.</summary>
/// <param name="DataFolder">The data folder: the local cluster (when no connection string is given) and the registrar's key.</param>
/// <param name="ConnectionString">An Npgsql connection string; null for the zero-setup local cluster.</param>
/// <param name="Urls">The addresses to listen on, e.g. "http://127.0.0.1:5099"; port 0 picks a free one.</param>
public sealed record ServerOptions(string DataFolder, string? ConnectionString, string Urls);

/// <summary>
/// The ledger server: its database, its grain host and its HTTP API, started together and
/// stopped together. Program.cs runs one; the tests and the demo start their own.
/// </summary>
public sealed class LedgerServer : IAsyncDisposable
{
    readonly WebApplication app;

    LedgerServer(WebApplication app, LedgerDatabase database, GrainHost grains, string rootFingerprint)
    {
        this.app = app;
        Database = database;
        Grains = grains;
        RootFingerprint = rootFingerprint;
    }

    public LedgerDatabase Database { get; }

    public GrainHost Grains { get; }

    /// <summary>The key id of the registrar's root key (docs/FORMAT.md §4.4).</summary>
    public string RootFingerprint { get; }

    /// <summary>The address the server listens on, with the port it was given.</summary>
    public Uri Address => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Opens the database, the grain host and the registry, then starts serving.</summary>
    /// <exception cref="LocalClusterException">The local cluster cannot be created or started.</exception>
    /// <exception cref="LibsodiumUnavailableException">libsodium is not installed.</exception>
    public static async Task<LedgerServer> StartAsync(ServerOptions options, string[]? args = null, CancellationToken cancellationToken = default)
    {
        Ed25519.EnsureAvailable();
        var builder = WebApplication.CreateBuilder(args ?? []);
        builder.WebHost.UseUrls(options.Urls);
        var database = await LedgerDatabase.OpenAsync(options.ConnectionString, options.DataFolder, cancellationToken);
        var grains = new GrainHost(database.Entries, TimeProvider.System);
        try
        {
            var rootFingerprint = await RegistryGenesis.EnsureOpenAsync(grains, options.DataFolder, TimeProvider.System, cancellationToken);
            builder.Services.AddSingleton(database);
            builder.Services.AddSingleton(grains);
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddLedgerOpenApi();
            builder.Services.AddProblemDetails();
            var app = builder.Build();
            // Errors without a body of their own (an unknown path, a wrong method) still get a problem body.
            app.UseStatusCodePages();
            app.MapOpenApi();
            app.MapHealthEndpoints();
            app.MapEntryEndpoints();
            app.MapCommandEndpoints();
            app.MapUnknownCommandEndpoint();
            app.MapViewEndpoints();
            app.MapExportEndpoints();
            await app.StartAsync(cancellationToken);
            app.Logger.LogInformation("ledger on {Location}, schema version {SchemaVersion}, root key fingerprint {RootFingerprint}",
                database.Location, database.SchemaVersion, rootFingerprint);
            return new LedgerServer(app, database, grains, rootFingerprint);
        }
        catch
        {
            await grains.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Serves until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        await Grains.DisposeAsync();
        await Database.DisposeAsync();
    }
}
