using Ledger.Api.Endpoints;
using Ledger.Api;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Signing;
using Npgsql;

// Usage: dotnet run --project src/Api -- [--urls URL] [--data DIR]
// With ConnectionStrings__Ledger set, that PostgreSQL server is used; otherwise a local
// cluster is created and started under the data folder (default ./data).
var builder = WebApplication.CreateBuilder(args);
var dataFolder = Path.GetFullPath(builder.Configuration["data"] ?? "data");

LedgerDatabase database;
try
{
    Ed25519.EnsureAvailable();
    database = await LedgerDatabase.OpenAsync(builder.Configuration.GetConnectionString("Ledger"), dataFolder, CancellationToken.None);
}
catch (Exception e) when (e is LocalClusterException or LibsodiumUnavailableException or SchemaTooNewException or NpgsqlException)
{
    // One line that says what to do, not a stack trace (issue: zero-setup start).
    Console.Error.WriteLine($"ledger: {e.Message}");
    return 1;
}

await using (database)
await using (var grains = new GrainHost(database.Entries, TimeProvider.System))
{
    var rootFingerprint = await RegistryGenesis.EnsureOpenAsync(grains, dataFolder, TimeProvider.System, CancellationToken.None);
    builder.Services.AddSingleton(database);
    builder.Services.AddSingleton(grains);
    builder.Services.AddOpenApi();
    builder.Services.AddProblemDetails();

    var app = builder.Build();
    app.MapOpenApi();
    app.MapHealthEndpoints();
    app.MapEntryEndpoints();
    app.Logger.LogInformation("ledger on {Location}, schema version {SchemaVersion}, root key fingerprint {RootFingerprint}",
        database.Location, database.SchemaVersion, rootFingerprint);
    await app.RunAsync();
}
return 0;
