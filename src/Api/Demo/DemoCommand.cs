using System.Diagnostics;
using Ledger.Client;
using Ledger.Grains.LocalPostgres;
using Ledger.Grains.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ledger.Api.Demo;

/// <summary>
/// <c>demo [--data DIR]</c>: starts the server in this process on a free loopback port, over
/// the data folder's database (or the one <c>ConnectionStrings__Ledger</c> names), seeds the
/// demo community through the HTTP API with <see cref="DemoCommunity"/>, stops the server and
/// says what to look at next. Exit codes: 0 seeded (or already seeded); 1 otherwise.
/// </summary>
public static class DemoCommand
{
    public const int Seeded = 0;
    public const int Failed = 1;

    /// <summary>Where the demo people's key files go, under the data folder.</summary>
    public const string KeysFolderName = "demo-keys";

    public static async Task<int> RunAsync(ServerOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            // The demo's own lines are the output; the server's request and start-up logs would bury them.
            await using var server = await LedgerServer.StartAsync(options with { Urls = "http://127.0.0.1:0" },
                ["--Logging:LogLevel:Default=Warning"], cancellationToken);
            var registrarFile = Path.Combine(options.DataFolder, "keys", RegistryGenesis.RegistrarId + ".json");
            if (!File.Exists(registrarFile))
            {
                throw new DemoException($"the registry of this database was opened elsewhere: the registrar's key file {registrarFile} is not here");
            }
            var registrar = PersonKey.Load(registrarFile);
            if (registrar.KeyId != server.RootFingerprint)
            {
                throw new DemoException($"{registrarFile} holds key {registrar.KeyId}, but this database's registry was opened with root key {server.RootFingerprint}");
            }
            using var http = new HttpClient { BaseAddress = server.Address };
            var client = new LedgerClient(http, TimeProvider.System);
            var keysFolder = Path.Combine(options.DataFolder, KeysFolderName);

            output.WriteLine($"Seeding the demo community {DemoCommunity.Community} through {server.Address} …");
            var sizeBefore = await LogSizeAsync(client, cancellationToken);
            var summary = await new DemoCommunity(client, registrar, keysFolder, output).SeedAsync(cancellationToken);
            var sizeAfter = await LogSizeAsync(client, cancellationToken);

            output.WriteLine(summary.Accepted == 0
                ? $"Already seeded: all {summary.Commands} commands were replays, the log is unchanged at {sizeAfter} entries ({stopwatch.Elapsed.TotalSeconds:0.0} s)."
                : $"{summary.Accepted} commands accepted, {summary.Replayed} replayed; the log grew from {sizeBefore} to {sizeAfter} entries ({stopwatch.Elapsed.TotalSeconds:0.0} s).");
            output.WriteLine($"Root key fingerprint: {server.RootFingerprint}");
            PrintNext(output, options, keysFolder, server.RootFingerprint, await ServesAsync(client, "/v1/projects", cancellationToken));
            return Seeded;
        }
        catch (Exception e) when (e is DemoException or OptionsValidationException or LocalClusterException or SchemaTooNewException
            or NpgsqlException or HttpRequestException or IOException or FormatException)
        {
            // One line that says what went wrong, not a stack trace.
            error.WriteLine($"ledger demo: {e.Message}");
            return Failed;
        }
    }

    static void PrintNext(TextWriter output, ServerOptions options, string keysFolder, string rootFingerprint, bool servesViews)
    {
        var data = Shown(options.DataFolder);
        var keys = Shown(keysFolder);
        const string url = "http://127.0.0.1:5099";
        var resident = DemoPeople.Household("b3-0602");
        output.WriteLine();
        output.WriteLine("Next, serve it:");
        output.WriteLine($"  dotnet run --project src/Api -- --data {data} --urls {url}");
        output.WriteLine("and look:");
        if (servesViews)
        {
            output.WriteLine($"  {url}/v1/projects");
            output.WriteLine($"  {url}/v1/projects/{DemoCommunity.ElevatorProjectId}    money in by source, out by tranche, who signed");
            output.WriteLine($"  {url}/v1/catalog");
            output.WriteLine($"  {url}/v1/households/{resident.Id}    private: a signed read with {keys}/{resident.ResidentId}.json (LedgerClient.GetAsync)");
        }
        output.WriteLine($"  {url}/v1/entries?stream=project/{DemoCommunity.ElevatorProjectId}    every entry, exactly as hashed");
        output.WriteLine($"  {url}/openapi/v1.json");
        output.WriteLine($"Key files: {keys}/<personId>.json for every demo person (e.g. {DemoPeople.Auditor.PersonId}, {DemoPeople.ResidentSupervisor.PersonId}, {resident.ResidentId}); the registrar's root key: {data}/keys/registrar.json");
        output.WriteLine("Export and audit (with the server stopped; while it runs, GET /v1/export as a signed read of the auditor):");
        output.WriteLine($"  dotnet run --project src/Api -- export OUT_DIR --data {data}");
        output.WriteLine($"  dotnet run --project src/Verifier -- OUT_DIR --root-key {rootFingerprint}");
    }

    /// <summary>A folder as the user would type it: relative to the current folder when inside it, else in full.</summary>
    static string Shown(string folder)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, folder);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? folder : relative;
    }

    /// <summary>The log size the server reports on /health.</summary>
    static async Task<long> LogSizeAsync(LedgerClient client, CancellationToken cancellationToken)
    {
        var health = await client.GetAsync("/health", cancellationToken: cancellationToken);
        return health.IsSuccess ? health.Body.GetProperty("logSize").GetInt64() : throw new DemoException($"/health answered {(int)health.Status}");
    }

    /// <summary>Whether the server has a public view at <paramref name="path"/>: the demo points only at views that exist.</summary>
    static async Task<bool> ServesAsync(LedgerClient client, string path, CancellationToken cancellationToken) =>
        (await client.GetAsync(path, cancellationToken: cancellationToken)).IsSuccess;
}
