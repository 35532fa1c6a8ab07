using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.Json;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Api.Endpoints;
using Ledger.Bench.Chaos;
using Ledger.Bench.Limits;
using Ledger.Client;
using Ledger.Grains.Storage;
using Ledger.Verifier.Verification;
using Npgsql;

namespace Ledger.Bench.Load;

/// <summary>An entry as the ledger stores it: its hash and log position, by stream and sequence.</summary>
public readonly record struct StoredPosition(string Hash, long LogPosition);

/// <summary>
/// The server under load and the two ways to check it afterwards: read back what it stored,
/// and audit it with the verifier library. Two real implementations: a server process this one
/// starts (read from its database) and a running one named by --url (read through the API).
/// </summary>
public interface ILoadTarget : IAsyncDisposable
{
    /// <summary>For the report: what was loaded.</summary>
    string Description { get; }

    Uri Address { get; }

    /// <summary>The folder of the demo people's key files.</summary>
    string KeysFolder { get; }

    /// <summary>The registrar's root key id, pinned for the audit.</summary>
    string RootKeyId { get; }

    /// <summary>The server's process on this machine, for its CPU time; null when not known (a server at --url).</summary>
    int? ServerProcessId { get; }

    /// <summary>The local PostgreSQL server's postmaster, for its CPU time; null when that is not at hand.</summary>
    Task<int?> DatabaseProcessIdAsync(CancellationToken cancellationToken);

    /// <summary>The stored entries at the streams and sequences <paramref name="acknowledged"/> names, as far as they exist.</summary>
    Task<IReadOnlyDictionary<(string Stream, long Sequence), StoredPosition>> ReadStoredAsync(
        IReadOnlyList<AcknowledgedEntry> acknowledged, CancellationToken cancellationToken);

    /// <summary>Ends the load (a server of our own stops, signing its last checkpoint), then audits everything stored.</summary>
    Task<AuditReport> StopAndAuditAsync(string? logKey, CancellationToken cancellationToken);
}

/// <summary>
/// A server started as a process of its own (<c>dotnet Api.dll</c>, <see cref="ServerNode"/>) on
/// a throwaway data folder and a zero-setup local PostgreSQL cluster started here, so that its
/// CPU time is its own (/proc/PID/stat) and not shared with the generator's signing and HTTP
/// client; the demo community's people registered through the API (not its story, whose dates
/// need the demo's own calendar: DemoCommunity); read back and audited from the database
/// once it has stopped. Deleted at the end.
/// </summary>
public sealed class ServerProcessTarget : ILoadTarget
{
    readonly Machine.ScratchCluster scratch;
    readonly ServerNode server;
    readonly NpgsqlDataSource database;

    ServerProcessTarget(Machine.ScratchCluster scratch, ServerNode server, string rootKeyId)
    {
        this.scratch = scratch;
        this.server = server;
        database = NpgsqlDataSource.Create(scratch.Cluster.ConnectionString);
        RootKeyId = rootKeyId;
    }

    public string Description => $"server process {server.ProcessId} (dotnet Api.dll), local PostgreSQL cluster in {scratch.Folder}";

    public Uri Address => server.Client.Http.BaseAddress!;

    public string KeysFolder => Path.Combine(scratch.Folder, DemoCommand.KeysFolderName);

    public string RootKeyId { get; }

    public int? ServerProcessId => server.ProcessId;

    /// <param name="checkpointIntervalSeconds">The server's Log:CheckpointIntervalSeconds; null for its default.</param>
    public static async Task<ServerProcessTarget> StartAsync(int? checkpointIntervalSeconds, TextWriter output, CancellationToken cancellationToken)
    {
        var scratch = await Machine.StartClusterAsync("load", cancellationToken);
        var dataFolder = Path.Combine(scratch.Folder, "server");
        var logFile = Path.Combine(scratch.Folder, "server.log");
        var server = new ServerNode("server", dataFolder, scratch.Cluster.ConnectionString, logFile,
            checkpointIntervalSeconds is { } seconds ? ["--Log:CheckpointIntervalSeconds", seconds.ToString(CultureInfo.InvariantCulture)] : []);
        try
        {
            await server.StartAsync(cancellationToken);
            var registrar = PersonKey.Load(Path.Combine(dataFolder, "keys", RegistryGenesis.RegistrarId + ".json"));
            var target = new ServerProcessTarget(scratch, server, registrar.KeyId);
            var summary = await new DemoCommunity(server.Client, registrar, target.KeysFolder, TextWriter.Null).RegisterPeopleAsync(cancellationToken);
            output.WriteLine($"started {target.Description} on {target.Address}; registered the demo community's people ({summary.Accepted} commands)");
            return target;
        }
        catch (ChaosSetupException e)
        {
            // The log goes with the scratch folder: what it says goes into the message.
            var tail = File.Exists(logFile) ? string.Join(" | ", File.ReadLines(logFile).TakeLast(5)) : "";
            await server.DisposeAsync();
            await scratch.DisposeAsync();
            throw new LoadSetupException($"{e.Message}: {tail}");
        }
        catch
        {
            await server.DisposeAsync();
            await scratch.DisposeAsync();
            throw;
        }
    }

    /// <summary>The parent of a backend of ours is the postmaster (field 4 of /proc/PID/stat).</summary>
    public async Task<int?> DatabaseProcessIdAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT pg_backend_pid()");
        var backend = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        var stat = $"/proc/{backend}/stat";
        if (!File.Exists(stat))
        {
            return null;
        }
        var text = await File.ReadAllTextAsync(stat, cancellationToken);
        return int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the log from the first acknowledged position on, straight from the database.</summary>
    public async Task<IReadOnlyDictionary<(string Stream, long Sequence), StoredPosition>> ReadStoredAsync(
        IReadOnlyList<AcknowledgedEntry> acknowledged, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<(string, long), StoredPosition>();
        if (acknowledged.Count == 0)
        {
            return stored;
        }
        // EntryStore reads check that each stored hash is the hash of the stored bytes.
        await foreach (var entry in new EntryStore(database).ReadAllAsync(acknowledged.Min(a => a.LogPosition), cancellationToken))
        {
            stored[(entry.Entry.Stream, entry.Entry.Sequence)] = new StoredPosition(entry.Entry.Hash.ToString(), entry.LogPosition);
        }
        return stored;
    }

    /// <summary>Stops the server as a service manager would (it signs its last checkpoint), then audits the database.</summary>
    public async Task<AuditReport> StopAndAuditAsync(string? logKey, CancellationToken cancellationToken)
    {
        if (!await server.StopAsync())
        {
            throw new LoadSetupException("the server did not stop on SIGTERM within a minute and was killed: its last checkpoint is missing");
        }
        return Audit.Run(new DatabaseSource(scratch.Cluster.ConnectionString), RootKeyId, pinnedLogKey: logKey);
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        await database.DisposeAsync();
        await scratch.DisposeAsync();
    }
}

/// <summary>
/// A running server on this machine, seeded with the demo whose key files are in its data
/// folder: read back through GET /v1/entries (household streams as a signed read of the
/// auditor) and audited from GET /v1/export, the auditor's signed read of the whole ledger.
/// </summary>
public sealed class RemoteTarget(Uri address, string dataFolder) : ILoadTarget
{
    const int ReadersAtOnce = 8;

    readonly HttpClient http = new() { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };

    public string Description => $"server at {address}, data folder {dataFolder}";

    public Uri Address => address;

    public string KeysFolder => Path.Combine(dataFolder, DemoCommand.KeysFolderName);

    public string RootKeyId { get; } = RegistrarKeyId(dataFolder);

    /// <summary>Not looked for: the server at --url may be any process, or in a container.</summary>
    public int? ServerProcessId => null;

    /// <summary>Its database may be anywhere: not measured.</summary>
    public Task<int?> DatabaseProcessIdAsync(CancellationToken cancellationToken) => Task.FromResult<int?>(null);

    public async Task<IReadOnlyDictionary<(string Stream, long Sequence), StoredPosition>> ReadStoredAsync(
        IReadOnlyList<AcknowledgedEntry> acknowledged, CancellationToken cancellationToken)
    {
        var auditor = LoadPeople.Load(KeysFolder).Auditor;
        var client = new LedgerClient(http, TimeProvider.System);
        var stored = new Dictionary<(string, long), StoredPosition>();
        var streams = acknowledged.GroupBy(a => a.Stream, StringComparer.Ordinal)
            .Select(g => (Stream: g.Key, From: g.Min(a => a.Sequence), To: g.Max(a => a.Sequence))).ToList();
        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = ReadersAtOnce, CancellationToken = cancellationToken },
            async (stream, token) =>
            {
                // Page by page from the first acknowledged sequence to the last; a page that
                // ends early (next is null) ends the stream.
                long? from = stream.From;
                while (from is { } next && next <= stream.To)
                {
                    var target = $"/v1/entries?stream={stream.Stream}&from={next}&limit=1000";
                    var page = await client.GetAsync(target, Access.IsPublic(stream.Stream) ? null : auditor, token);
                    if (!page.IsSuccess)
                    {
                        throw new LoadSetupException($"GET {target} answered {(int)page.Status} {page.Code}");
                    }
                    lock (stored)
                    {
                        foreach (var entry in page.Body.GetProperty("entries").EnumerateArray())
                        {
                            stored[(entry.GetProperty("stream").GetString()!, entry.GetProperty("sequence").GetInt64())] =
                                new StoredPosition(entry.GetProperty("hash").GetString()!, entry.GetProperty("logPosition").GetInt64());
                        }
                    }
                    from = page.Body.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.Body.GetProperty("next").GetInt64();
                }
            });
        return stored;
    }

    /// <summary>Downloads the export as the auditor and audits it; the server keeps running.</summary>
    public async Task<AuditReport> StopAndAuditAsync(string? logKey, CancellationToken cancellationToken)
    {
        var auditor = LoadPeople.Load(KeysFolder).Auditor;
        var client = new LedgerClient(http, TimeProvider.System);
        var directory = Path.Combine(Path.GetTempPath(), $"ledger-load-export-{Environment.ProcessId}");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/export");
        request.Headers.Authorization = new AuthenticationHeaderValue(LedgerClient.AuthorizationScheme, client.ReadAuthorization(auditor, "GET", "/v1/export"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new LoadSetupException($"GET /v1/export answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        try
        {
            await using (var zip = await response.Content.ReadAsStreamAsync(cancellationToken))
            {
                await ZipFile.ExtractToDirectoryAsync(zip, directory, cancellationToken);
            }
            return Audit.Run(new ExportSource(directory), RootKeyId, pinnedLogKey: logKey);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    static string RegistrarKeyId(string dataFolder)
    {
        var path = Path.Combine(dataFolder, "keys", RegistryGenesis.RegistrarId + ".json");
        return File.Exists(path)
            ? PersonKey.Load(path).KeyId
            : throw new LoadSetupException($"{path} is missing: --data must name the data folder of the server at --url");
    }
}
