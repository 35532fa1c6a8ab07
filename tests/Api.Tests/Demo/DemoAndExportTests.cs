using System.IO.Compression;
using System.Net;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Api.Endpoints;
using Ledger.Api.Export;
using Ledger.Canonical;
using Ledger.Client;
using Ledger.Tests.Server;
using Ledger.Tests.Support;
using Xunit.Abstractions;

namespace Ledger.Tests.Demo;

/// <summary>
/// Issue 5 items 6 and 7: the demo seeds its community once and only once, and an export
/// holds exactly what the database holds — every entry's stored bytes in log order, and a
/// manifest whose counts, heads and checksum match — whether written to a folder or served
/// as a zip.
/// </summary>
public sealed class DemoAndExportTests(DemoLedger demo, ITestOutputHelper log) : IClassFixture<DemoLedger>
{
    [Fact]
    public async Task TheDemoSeedsEveryRoleAndWritesEveryPersonsKeyFile()
    {
        log.WriteLine($"demo, first run: {demo.FirstRunDuration.TotalSeconds:0.0} s\n{demo.Output}");
        foreach (var person in DemoPeople.Everyone)
        {
            var key = PersonKey.Load(DemoCommunity.KeyFile(Path.Combine(demo.DataFolder, DemoCommand.KeysFolderName), person.PersonId));
            Assert.Equal(person.PersonId, key.PersonId);
        }
        Assert.Equal(60, DemoPeople.Households.Count);
        Assert.Equal(69, await ScalarAsync("SELECT count(*) FROM entry WHERE stream_id = 'registry' AND entry_type = 'PersonRegistered'"));
        // Every role of docs/DOMAIN.md is held by someone.
        Assert.Equal(Enum.GetValues<Ledger.Rules.Role>().Length - 1, DemoPeople.Everyone.Select(p => p.Role).Distinct().Count());
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM entry WHERE entry_type = 'ReversalApproved'"));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM entry WHERE entry_type = 'RedemptionFulfilled'"));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM entry WHERE entry_type = 'RedemptionCancelled'"));
        Assert.Equal(4, await ScalarAsync("SELECT count(*) FROM entry WHERE entry_type = 'DisbursementPaid'"));
        Assert.Contains("dotnet run --project src/Api -- export OUT_DIR", demo.Output);
    }

    /// <summary>
    /// Issue 17's story, as the server's public views tell it: the lift's subsidy restricted to
    /// equipment and installation and its payments drawn by category; the points policy's two
    /// versions with awards priced on both sides of the change; the first quarter reconciled and
    /// countersigned, which the notice shows (lastReconciled); every entry recorded on the day
    /// of its chapter, in log order.
    /// </summary>
    [Fact]
    public async Task TheDemoTellsTheSeedsStoryOnItsCalendar()
    {
        await using var server = await LedgerServer.StartAsync(demo.Options);
        using var http = new HttpClient { BaseAddress = server.Address };
        var client = new LedgerClient(http, TimeProvider.System);

        var elevator = (await client.GetAsync($"/v1/projects/{DemoCommunity.ElevatorProjectId}")).Body;
        Assert.Equal("InOrder", elevator.GetProperty("fundDrawing").GetString());
        var sources = elevator.GetProperty("fundingSources").EnumerateArray().ToDictionary(s => s.GetProperty("source").GetString()!);
        Assert.Equal(["Equipment", "Installation"], sources["GovernmentSubsidy"].GetProperty("permittedCategories").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("""{"Equipment":24000000}""", sources["GovernmentSubsidy"].GetProperty("spentFen").GetRawText());
        var payments = elevator.GetProperty("disbursements").EnumerateArray()
            .Select(d => (Category: d.GetProperty("category").GetString(), Allocation: d.GetProperty("allocationFen").GetRawText())).ToList();
        Assert.Equal(
        [
            ("Design", """{"SocialCapital":1800000}"""),
            ("Equipment", """{"GovernmentSubsidy":24000000,"SocialCapital":10200000}"""),
            ("Installation", """{"ResidentCrowdfunding":6000000,"SelfRaised":6000000,"SocialCapital":6000000}"""),
        ], payments);

        var reconciled = elevator.GetProperty("lastReconciled");
        Assert.Equal((DemoCommunity.QuarterFrom, DemoCommunity.QuarterTo, 58_857_143L),
            (reconciled.GetProperty("fromDate").GetString(), reconciled.GetProperty("toDate").GetString(), reconciled.GetProperty("closingBalanceFen").GetInt64()));
        Assert.Equal(DemoPeople.ResidentSupervisor.PersonId, reconciled.GetProperty("countersignedBy").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(DemoCommunity.ElevatorStatement())), reconciled.GetProperty("statementHash").GetString());
        Assert.Equal((14, 0, 2), (reconciled.GetProperty("matchedCount").GetInt32(), reconciled.GetProperty("unmatchedStatementCount").GetInt32(),
            reconciled.GetProperty("unmatchedLedgerCount").GetInt32()));

        // Building 3 voted before its campaign: 11 of its 12 flats took part, 9 agreed, by head and by area (art. 278: passed).
        var vote = Assert.Single(elevator.GetProperty("votes").EnumerateArray());
        Assert.Equal((DemoCommunity.ElevatorVoteId, "RaiseFunds", true), (vote.GetProperty("voteId").GetString(), vote.GetProperty("matter").GetString(), vote.GetProperty("passed").GetBoolean()));
        Assert.Equal((12L, 6 * 8_936L + 6 * 10_214L), (vote.GetProperty("scopeHouseholds").GetInt64(), vote.GetProperty("scopeAreaHundredths").GetInt64()));
        var tally = vote.GetProperty("tally");
        Assert.Equal((9L, 5 * 8_936L + 4 * 10_214L, 1L, 8_936L, 1L, 10_214L),
            (tally.GetProperty("agreeHouseholds").GetInt64(), tally.GetProperty("agreeAreaHundredths").GetInt64(),
             tally.GetProperty("againstHouseholds").GetInt64(), tally.GetProperty("againstAreaHundredths").GetInt64(),
             tally.GetProperty("abstainHouseholds").GetInt64(), tally.GetProperty("abstainAreaHundredths").GetInt64()));
        var campaignStarted = await RowsAsync($"""
            SELECT log_position, extract(epoch FROM recorded_at)::bigint FROM entry WHERE entry_type = 'CampaignStarted' AND stream_id = 'project/{DemoCommunity.ElevatorProjectId}'
            """);
        Assert.True(Assert.Single(campaignStarted).Item2 > DemoCommunity.VoteCloses.ToUnixTimeSeconds(), "the lift's campaign starts after its vote closed");

        var policy = (await client.GetAsync("/v1/points-policy")).Body;
        Assert.Equal(2, policy.GetProperty("inForce").GetInt64());
        Assert.Equal([(1L, "2026-02-28T16:00:00.000Z", true), (2L, "2026-06-30T16:00:00.000Z", true)], policy.GetProperty("versions").EnumerateArray()
            .Select(v => (v.GetProperty("version").GetInt64(), v.GetProperty("effectiveFrom").GetString(), v.GetProperty("approved").GetBoolean())));
        var awards = await RowsAsync("""
            SELECT (convert_from(canonical, 'UTF8')::jsonb -> 'body' ->> 'policyVersion')::bigint, count(*) FROM entry WHERE entry_type = 'PointsAwarded'
            GROUP BY 1 ORDER BY 1
            """);
        Assert.Equal([(1L, 34L), (2L, 24L)], awards);

        // Every chapter on its day: registration on the first, the redemptions on the last; the log's times go forward.
        var times = await RowsAsync("SELECT log_position, extract(epoch FROM recorded_at)::bigint FROM entry ORDER BY log_position");
        Assert.InRange(times[0].Item2, DemoCommunity.Begins.ToUnixTimeSeconds(), DemoCommunity.Begins.ToUnixTimeSeconds() + 60);
        Assert.InRange(times[^1].Item2, DemoCalendar.At(2026, 8, 3).ToUnixTimeSeconds(), DemoCommunity.Ends.ToUnixTimeSeconds());
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second.Item2 >= pair.First.Item2 - 2, $"log position {pair.Second.Item1} goes back"));
    }

    [Fact]
    public async Task AnExportHoldsEveryStoredEntryInLogOrderAndAManifestThatMatchesTheDatabase()
    {
        var folder = demo.NewFolderPath("export-a");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await ExportCommand.RunAsync(folder, demo.DataFolder, demo.Database.ConnectionString, output, error);

        Assert.True(exitCode == ExportCommand.Written, error.ToString());
        var rows = await StoredEntriesAsync();
        var logSize = await ScalarAsync("SELECT size FROM log_head");
        Assert.Equal(logSize, rows.Count);
        var summary = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"exported {logSize} entries of {rows.Select(r => r.Stream).Distinct().Count()} streams", summary);

        // entries.jsonl: logSize lines, each exactly the stored canonical bytes, in log order.
        var file = await File.ReadAllBytesAsync(Path.Combine(folder, LedgerExport.EntriesFileName));
        Assert.Equal((byte)'\n', file[^1]);
        var lines = Lines(file);
        Assert.Equal(logSize, lines.Count);
        for (var position = 0; position < rows.Count; position++)
        {
            Assert.True(rows[position].Canonical.AsSpan().SequenceEqual(lines[position]), $"line {position} is the stored entry at log position {position}");
        }

        // manifest.json: canonical JSON, counts and heads from the database, the file's SHA-256.
        var manifestBytes = await File.ReadAllBytesAsync(Path.Combine(folder, LedgerExport.ManifestFileName));
        Assert.Equal((byte)'\n', manifestBytes[^1]);
        var manifest = CanonicalJson.ParseCanonical(manifestBytes.AsSpan(0, manifestBytes.Length - 1));
        Assert.Equal(1, manifest.GetProperty("format").GetInt64());
        Assert.Equal(logSize, manifest.GetProperty("logSize").GetInt64());
        Assert.Equal(rows.Count, manifest.GetProperty("entryCount").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), manifest.GetProperty("entriesSha256").GetString());
        var heads = rows.GroupBy(r => r.Stream).ToDictionary(g => g.Key, g => (Entries: g.Count(), Head: g.MaxBy(r => r.Sequence)!));
        Assert.Equal(heads.Count, manifest.GetProperty("streamCount").GetInt64());
        var streams = manifest.GetProperty("streams").EnumerateObject().ToList();
        Assert.Equal(heads.Keys.Order(StringComparer.Ordinal), streams.Select(s => s.Name));
        foreach (var stream in streams)
        {
            var (entries, head) = heads[stream.Name];
            Assert.Equal(entries, stream.Value.GetProperty("entries").GetInt64());
            Assert.Equal(head.Sequence + 1, entries);
            Assert.Equal(Convert.ToHexStringLower(head.Hash), stream.Value.GetProperty("headHash").GetString());
        }
        var registrar = PersonKey.Load(Path.Combine(demo.DataFolder, "keys", "registrar.json"));
        Assert.Equal(registrar.KeyId, manifest.GetProperty("rootKeyId").GetString());
        Assert.Equal(Hex.Encode(registrar.Key.PublicKey.Bytes), manifest.GetProperty("rootPublicKey").GetString());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AnExportAndEveryKeyFileAreReadableByTheirOwnerOnlyAndBeginWithoutAByteOrderMark()
    {
        const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var folder = demo.NewFolderPath("export-private");

        var exitCode = await ExportCommand.RunAsync(folder, demo.DataFolder, demo.Database.ConnectionString, TextWriter.Null, TextWriter.Null);

        Assert.Equal(ExportCommand.Written, exitCode);
        Assert.Equal(OwnerReadWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        string[] exported = [LedgerExport.EntriesFileName, LedgerExport.CheckpointsFileName, LedgerExport.ManifestFileName];
        Assert.Equal(exported.Order(StringComparer.Ordinal), Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var keyFiles = Directory.GetFiles(Path.Combine(demo.DataFolder, DemoCommand.KeysFolderName))
            .Append(Path.Combine(demo.DataFolder, "keys", "registrar.json")).ToList();
        Assert.True(keyFiles.Count > DemoPeople.Everyone.Count);
        foreach (var file in exported.Select(name => Path.Combine(folder, name)).Concat(keyFiles))
        {
            Assert.True(File.GetUnixFileMode(file) == OwnerReadWrite, $"{file}: {File.GetUnixFileMode(file)}");
            // Every file we write is JSON or JSON lines: its first byte is a brace, never a byte-order mark.
            var first = new byte[1];
            await using (var stream = File.OpenRead(file))
            {
                Assert.Equal(1, await stream.ReadAsync(first));
            }
            Assert.True(first[0] == '{', $"{file} begins with byte 0x{first[0]:x2}");
        }
    }

    [Fact]
    public async Task RunningTheDemoAgainWritesNothing()
    {
        var logSize = await ScalarAsync("SELECT size FROM log_head");
        var receipts = await ScalarAsync("SELECT count(*) FROM command_receipt");

        var stopwatch = Stopwatch.StartNew();
        var (exitCode, output, error) = await demo.RunDemoAsync();

        log.WriteLine($"demo, second run: {stopwatch.Elapsed.TotalSeconds:0.0} s\n{output}");
        Assert.True(exitCode == DemoCommand.Seeded, error);
        Assert.Equal(logSize, await ScalarAsync("SELECT size FROM log_head"));
        Assert.Equal(receipts, await ScalarAsync("SELECT count(*) FROM command_receipt"));
        Assert.Contains("Already seeded", output);
    }

    /// <summary>
    /// The demo's calendar never records in the log's past: on a ledger a server opened first, at
    /// the real clock (its registry's entry 0 is months after the story begins), the demo stops
    /// before writing anything and says why.
    /// </summary>
    [Fact]
    public async Task TheDemoRefusesALedgerThatHoldsEntriesRecordedAfterItsStoryBeganAndWritesNothing()
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        try
        {
            var options = new ServerOptions(demo.NewFolderPath("served-first"), database.ConnectionString, "http://127.0.0.1:0");
            await (await LedgerServer.StartAsync(options)).DisposeAsync();
            var logSize = await ScalarAsync(database, "SELECT size FROM log_head");
            var receipts = await ScalarAsync(database, "SELECT count(*) FROM command_receipt");
            using var output = new StringWriter();
            using var error = new StringWriter();

            var exitCode = await DemoCommand.RunAsync(options, output, error);

            Assert.Equal(DemoCommand.Failed, exitCode);
            var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("ledger demo: this ledger holds entries recorded up to ", line);
            Assert.Contains("Seed the demo into a data folder of its own", line);
            Assert.Equal(logSize, await ScalarAsync(database, "SELECT size FROM log_head"));
            Assert.Equal(receipts, await ScalarAsync(database, "SELECT count(*) FROM command_receipt"));
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheExportEndpointGivesAnAuditorTheSameTwoFilesAndRefusesAResidentAndAnAnonymousReader()
    {
        var folder = demo.NewFolderPath("export-c");
        Assert.Equal(ExportCommand.Written, await ExportCommand.RunAsync(folder, demo.DataFolder, demo.Database.ConnectionString, TextWriter.Null, TextWriter.Null));
        await using var server = await LedgerServer.StartAsync(demo.Options);
        using var http = new HttpClient { BaseAddress = server.Address };
        var client = new LedgerClient(http, TimeProvider.System);
        var keys = Path.Combine(demo.DataFolder, DemoCommand.KeysFolderName);
        var auditor = PersonKey.Load(DemoCommunity.KeyFile(keys, DemoPeople.Auditor.PersonId));
        var resident = PersonKey.Load(DemoCommunity.KeyFile(keys, "resident-b3-0602"));

        using var response = await GetExportAsync(http, client, auditor);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExportEndpoints.ZipContentType, response.Content.Headers.ContentType?.MediaType);
        await using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        Assert.Equal([LedgerExport.EntriesFileName, LedgerExport.CheckpointsFileName, LedgerExport.ManifestFileName], zip.Entries.Select(e => e.FullName));
        foreach (var name in new[] { LedgerExport.EntriesFileName, LedgerExport.CheckpointsFileName, LedgerExport.ManifestFileName })
        {
            using var contents = new MemoryStream();
            await using (var entry = await zip.GetEntry(name)!.OpenAsync())
            {
                await entry.CopyToAsync(contents);
            }
            var written = await File.ReadAllBytesAsync(Path.Combine(folder, name));
            Assert.True(contents.ToArray().AsSpan().SequenceEqual(written), $"{name} is the same in the zip and the folder");
        }

        using var byResident = await GetExportAsync(http, client, resident);
        Assert.Equal(HttpStatusCode.Forbidden, byResident.StatusCode);
        Assert.Equal("RoleMissing", (await byResident.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        using var anonymous = await GetExportAsync(http, client, reader: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Unauthenticated", (await anonymous.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ExportingToAFolderThatIsNotEmptyExitsWithTwoAndOneLineAndTouchesNothing()
    {
        var folder = Directory.CreateDirectory(demo.NewFolderPath("not-empty")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "keep me");

        // The real program: the argument dispatch of Program.cs, before any database is opened.
        var (exitCode, output) = await ServerProcess.RunToExitAsync(new Dictionary<string, string?>(),
            "export", folder, "--data", demo.NewFolderPath("unused-data"));

        Assert.Equal(ExportCommand.BadOutputFolder, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ledger export: ", line);
        Assert.Contains("not empty", line);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
        Assert.False(Directory.Exists(demo.NewFolderPath("unused-data")));
    }

    [Fact]
    public async Task ExportingIntoAFolderThatCannotBeCreatedExitsWithTwoAndOneLine()
    {
        var file = demo.NewFolderPath("a-file");
        await File.WriteAllTextAsync(file, "");
        using var error = new StringWriter();

        var exitCode = await ExportCommand.RunAsync(Path.Combine(file, "export"), demo.DataFolder, demo.Database.ConnectionString, TextWriter.Null, error);

        Assert.Equal(ExportCommand.BadOutputFolder, exitCode);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot be written", line);
    }

    static Task<HttpResponseMessage> GetExportAsync(HttpClient http, LedgerClient client, PersonKey? reader)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/export");
        if (reader is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(LedgerClient.AuthorizationScheme, client.ReadAuthorization(reader, "GET", "/v1/export"));
        }
        return http.SendAsync(request);
    }

    static List<byte[]> Lines(byte[] file)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < file.Length; i++)
        {
            if (file[i] == (byte)'\n')
            {
                lines.Add(file[start..i]);
                start = i + 1;
            }
        }
        Assert.Equal(file.Length, start);
        return lines;
    }

    sealed record StoredRow(long LogPosition, string Stream, long Sequence, byte[] Hash, byte[] Canonical);

    async Task<List<StoredRow>> StoredEntriesAsync()
    {
        await using var command = demo.Database.DataSource.CreateCommand(
            "SELECT log_position, stream_id, sequence, hash, canonical FROM entry ORDER BY log_position");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<byte[]>(4)));
            Assert.Equal(rows.Count - 1, rows[^1].LogPosition);
        }
        return rows;
    }

    async Task<List<(long, long)>> RowsAsync(string sql)
    {
        await using var command = demo.Database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }
        return rows;
    }

    Task<long> ScalarAsync(string sql) => ScalarAsync(demo.Database, sql);

    static async Task<long> ScalarAsync(TestDatabase database, string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
