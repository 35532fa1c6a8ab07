using System.Diagnostics;
using Ledger.Canonical;
using Ledger.Client;
using Ledger.Grains.LocalPostgres;
using Ledger.Grains.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ledger.Api.Demo;

/// <summary>
/// <c>demo [--data DIR]</c>: starts the server in this process on a free loopback port, over
/// the data folder's database (or the one <c>ConnectionStrings__Ledger</c> names), on the
/// demo's calendar (<see cref="DemoCalendar"/>, which the client reads too), seeds the demo
/// community through the HTTP API with <see cref="DemoCommunity"/>, stops the server and says
/// what to look at next. Exit codes: 0 seeded (or already seeded); 1 otherwise.
/// </summary>
/// <remarks>
/// Two checks keep the calendar from writing anything in the log's past (FORMAT.md §4.5):
/// the story must end before the real clock reads (else a server started on the data
/// afterwards, at the real clock, would be behind the log and write nothing); and a ledger that
/// holds entries recorded after the story's first day must be the demo's own (its first
/// command taken), in which case the calendar starts at the latest of them: every command then
/// is a replay, or, for a run that stopped half-way, is recorded after what is there.
/// </remarks>
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
            if (TimeProvider.System.GetUtcNow() < DemoCommunity.Ends)
            {
                throw new DemoException($"this machine's clock reads {LedgerTime.Format(TimeProvider.System.GetUtcNow())}, before the end of the demo's story "
                    + $"({LedgerTime.Format(DemoCommunity.Ends)}): a server started on its data afterwards would be behind the log's recorded times");
            }
            var calendar = new DemoCalendar(DemoCommunity.Begins);
            // The demo's own lines are the output; the server's request and start-up logs would bury them.
            await using var server = await LedgerServer.StartAsync(options with { Urls = "http://127.0.0.1:0" },
                ["--Logging:LogLevel:Default=Warning"], cancellationToken, calendar);
            await StartCalendarAfterTheLogAsync(server, calendar, cancellationToken);
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
            var client = new LedgerClient(http, calendar);
            var keysFolder = Path.Combine(options.DataFolder, KeysFolderName);

            output.WriteLine($"Seeding the demo community {DemoCommunity.Community} through {server.Address} …");
            // From the database, not /health, which judges the checkpoints' age by the calendar's jumps.
            var sizeBefore = await server.Database.Entries.LogSizeAsync(cancellationToken);
            var summary = await new DemoCommunity(client, registrar, keysFolder, output).SeedAsync(calendar, cancellationToken);
            var sizeAfter = await server.Database.Entries.LogSizeAsync(cancellationToken);

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

    /// <summary>
    /// On a ledger that holds entries recorded after the calendar's reading (a server's start
    /// opened the registry at it, moments ago, on a fresh one): the demo's own ledger, seeded
    /// before, moves the calendar on to its latest entry; any other would have the story's
    /// entries recorded before what it holds, and is refused before anything is written.
    /// </summary>
    static async Task StartCalendarAfterTheLogAsync(LedgerServer server, DemoCalendar calendar, CancellationToken cancellationToken)
    {
        var latest = await server.Database.Entries.GreatestRecordedAtAsync(cancellationToken);
        if (latest is not { } recorded || recorded <= calendar.GetUtcNow())
        {
            return;
        }
        if (await server.Database.Entries.FindReceiptAsync(RegistryGenesis.RegistrarId, DemoCommunity.FirstIdempotencyKey, cancellationToken) is null)
        {
            throw new DemoException($"this ledger holds entries recorded up to {LedgerTime.Format(recorded)}, after the day the demo's story begins "
                + $"({LedgerTime.Format(DemoCommunity.Begins)}), and not the demo's: the story would be recorded before them. Seed the demo into a data folder of its own (--data DIR)");
        }
        calendar.MoveTo(recorded);
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

    /// <summary>Whether the server has a public view at <paramref name="path"/>: the demo points only at views that exist.</summary>
    static async Task<bool> ServesAsync(LedgerClient client, string path, CancellationToken cancellationToken) =>
        (await client.GetAsync(path, cancellationToken: cancellationToken)).IsSuccess;
}
