using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Api.Export;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Client;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Merkle;
using Ledger.Rules;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Ledger.Signing;
using Ledger.Tests.Demo;
using Ledger.Verifier.Verification;

namespace Ledger.Tests.Tampering;

/// <summary>The one demo export of this test assembly, shared by the tamper suite and the command-line tests.</summary>
[CollectionDefinition(Name)]
public sealed class DemoExportCollection : ICollectionFixture<DemoExport>
{
    public const string Name = "demo export";
}

/// <summary>
/// The demo run once (DemoLedger, over a test database of its own), plus one person whom
/// separation of duties is about, then exported as `export OUT_DIR` does. Keeps the pristine
/// lines and manifest; <see cref="Tamper"/> starts a tampered copy of them.
/// </summary>
/// <remarks>
/// The extra person, <see cref="ExtraOfficerId"/>, holds two roles that one person may hold
/// but must not use on one disbursement (FinanceOfficer and OwnerRepresentative). The
/// registrar registers them with a first key, adds a second, revokes the first; then they
/// record two receipts with the second key. So the export holds commands recorded after a
/// key's revocation, which a tampering can re-sign with the revoked key.
/// </remarks>
public sealed class DemoExport : IAsyncLifetime
{
    public const string ExtraOfficerId = "officer-chen";

    /// <summary>The project the extra officer's receipts are for: the façade repair, whose progress tranche is paid.</summary>
    public const string FacadeStream = "project/" + DemoCommunity.FacadeProjectId;

    public const string ElevatorStream = "project/" + DemoCommunity.ElevatorProjectId;

    readonly Dictionary<string, PersonKey> keys = new(StringComparer.Ordinal);
    int folders;

    public DemoLedger Demo { get; } = new();

    /// <summary>The untampered export folder.</summary>
    public string Folder { get; private set; } = "";

    /// <summary>The lines of entries.jsonl, without their line feeds.</summary>
    public IReadOnlyList<byte[]> Lines { get; private set; } = [];

    public byte[] ManifestBytes { get; private set; } = [];

    /// <summary>The log key the export's checkpoints are signed by, as its manifest names it (vkey text, FORMAT.md §10.3).</summary>
    public string LogKey => JsonNode.Parse(ManifestBytes)!["logVerifierKey"]!.GetValue<string>();

    public PersonKey Registrar { get; private set; } = null!;

    /// <summary>
    /// The log's signer as the server holds it (keys/log.json of the data folder): what an
    /// insider re-signs checkpoints with over a history they rewrote (issue 15).
    /// </summary>
    public NoteSigner LogSigner => new(NoteVerifierKey.Parse(LogKey).Key!.Name,
        PersonKey.Load(Path.Combine(Demo.DataFolder, "keys", LedgerServer.LogKeyFileName)).Key);

    /// <summary>The checkpoints.jsonl line of a checkpoint over every entry of the export in <paramref name="folder"/>, signed by <paramref name="signer"/>.</summary>
    public static string CheckpointLineOver(string folder, NoteSigner signer)
    {
        var tree = new MerkleTree();
        foreach (var line in File.ReadAllText(Path.Combine(folder, LedgerExport.EntriesFileName)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            tree.Append(MerkleHash.Leaf(Entry.Parse(System.Text.Encoding.UTF8.GetBytes(line)).Hash.Bytes));
        }
        var note = System.Text.Encoding.UTF8.GetString(SignedNote.Sign(Checkpoint.Create(signer.VerifierKey.Name, tree.Size, tree.Root(tree.Size)).Format(), signer));
        return System.Text.Encoding.UTF8.GetString(CanonicalJson.Encode(new JsonObject { ["note"] = note, ["treeSize"] = tree.Size })) + "\n";
    }

    /// <summary>The root fingerprint, read from the registrar's key file (keys/registrar.json), not from the export.</summary>
    public string RootKeyId => Registrar.KeyId;

    /// <summary>The extra officer's first key, revoked before their receipts.</summary>
    public PersonKey RevokedKey { get; private set; } = null!;

    /// <summary>The extra officer's second key, which signed their receipts.</summary>
    public PersonKey ExtraOfficer { get; private set; } = null!;

    /// <summary>How long the demo, the extra commands and the export took.</summary>
    public TimeSpan SetUpDuration { get; private set; }

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        await Demo.InitializeAsync();
        Registrar = PersonKey.Load(Path.Combine(Demo.DataFolder, "keys", RegistryGenesis.RegistrarId + ".json"));
        await AddTheExtraOfficerAsync();
        Folder = Demo.NewFolderPath("export");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ExportCommand.RunAsync(Folder, Demo.DataFolder, Demo.Database.ConnectionString, output, error);
        Assert.True(exitCode == ExportCommand.Written, error.ToString());
        Lines = SplitLines(await File.ReadAllBytesAsync(Path.Combine(Folder, LedgerExport.EntriesFileName)));
        ManifestBytes = await File.ReadAllBytesAsync(Path.Combine(Folder, LedgerExport.ManifestFileName));
        SetUpDuration = stopwatch.Elapsed;
    }

    public Task DisposeAsync() => Demo.DisposeAsync();

    /// <summary>A demo person's key, from the key file the demo wrote.</summary>
    public PersonKey KeyOf(string personId)
    {
        lock (keys)
        {
            if (!keys.TryGetValue(personId, out var key))
            {
                key = PersonKey.Load(DemoCommunity.KeyFile(Path.Combine(Demo.DataFolder, DemoCommand.KeysFolderName), personId));
                keys[personId] = key;
            }
            return key;
        }
    }

    public PersonKey KeyOf(DemoPerson person) => KeyOf(person.PersonId);

    /// <summary>A key nobody registered, made up by the attacker, claiming to be <paramref name="personId"/>'s.</summary>
    public static PersonKey UnregisteredKey(string personId) => new(personId, SigningKey.FromSeed(RandomNumberGenerator.GetBytes(Ed25519.SeedSizeBytes)));

    /// <summary>A copy of the untampered export to tamper with.</summary>
    public ExportTampering Tamper() => new(this);

    /// <summary>A new folder of this fixture for one tampered export.</summary>
    public string NewFolder(string name) =>
        Demo.NewFolderPath($"tampered-{Interlocked.Increment(ref folders):000}-{new string([.. name.Where(char.IsAsciiLetterOrDigit).Take(40)])}");

    public AuditReport AuditPristine(string? pinnedRootKeyId, AuditDepth depth = AuditDepth.Full, string? pinnedLogKey = null) =>
        Audit.Run(new ExportSource(Folder), pinnedRootKeyId, pinnedLogKey: pinnedLogKey, depth: depth);

    async Task AddTheExtraOfficerAsync()
    {
        await using var server = await LedgerServer.StartAsync(Demo.Options, ["--Logging:LogLevel:Default=Warning"]);
        using var http = new HttpClient { BaseAddress = server.Address };
        var client = new LedgerClient(http, TimeProvider.System);
        RevokedKey = UnregisteredKey(ExtraOfficerId);
        ExtraOfficer = UnregisteredKey(ExtraOfficerId);
        await AcceptAsync(client, Registrar, RegistryCommandTypes.RegisterPerson, new JsonObject
        {
            ["displayName"] = "陈志强（社区财务，兼业主代表）",
            ["personId"] = ExtraOfficerId,
            ["publicKey"] = Hex.Encode(RevokedKey.Key.PublicKey.Bytes),
            ["roles"] = new JsonArray(nameof(Role.FinanceOfficer), nameof(Role.OwnerRepresentative)),
        });
        await AcceptAsync(client, Registrar, RegistryCommandTypes.AddKey, new JsonObject
        {
            ["personId"] = ExtraOfficerId,
            ["publicKey"] = Hex.Encode(ExtraOfficer.Key.PublicKey.Bytes),
        });
        await AcceptAsync(client, Registrar, RegistryCommandTypes.RevokeKey, new JsonObject
        {
            ["keyId"] = RevokedKey.KeyId,
            ["personId"] = ExtraOfficerId,
            ["reason"] = "手机遗失，旧密钥作废",
        });
        foreach (var batch in new[] { "第二批", "第三批" })
        {
            await AcceptAsync(client, ExtraOfficer, ProjectCommandTypes.RecordReceipt, new JsonObject
            {
                ["amountFen"] = 1_000_000,
                ["documentHash"] = Hash.Of([], System.Text.Encoding.UTF8.GetBytes($"街道老旧小区改造专项资金 {batch}")).ToString(),
                ["projectId"] = DemoCommunity.FacadeProjectId,
                ["reference"] = $"街道老旧小区改造专项资金 {batch}",
                ["source"] = nameof(FundingSource.GovernmentSubsidy),
            });
        }
    }

    static async Task AcceptAsync(LedgerClient client, PersonKey signer, string type, JsonObject body)
    {
        var response = await client.SendAsync(signer, type, body);
        Assert.True(response.IsSuccess, $"{type} by {signer.PersonId}: {(int)response.Status} {response.Body}");
    }

    static List<byte[]> SplitLines(byte[] file)
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
}

/// <summary>
/// Tampers with a copy of the demo export as an attacker who fixes everything they can: edits
/// an entry and re-chains its stream (every later entry of the stream re-created with the new
/// links, sequences renumbered), re-signs a command with a key the attacker holds, appends
/// correctly chained entries signed with real demo keys, removes, duplicates or swaps lines,
/// and rewrites the manifest to match (counts, heads, root key, entriesSha256). What is left
/// for the verifier to catch is what only the rules and the signatures can.
/// </summary>
public sealed class ExportTampering
{
    readonly DemoExport export;
    readonly List<byte[]> lines;
    readonly List<Action<JsonObject>> manifestEdits = [];
    bool keepManifest;
    bool keepCheckpoints;
    bool omitFinalLineFeed;
    int cutBytes;
    int appended;

    public ExportTampering(DemoExport export)
    {
        this.export = export;
        lines = [.. export.Lines.Select(l => l.ToArray())];
        PinnedRootKeyId = export.RootKeyId;
    }

    /// <summary>The root key the audit pins: the real one unless a case is about pinning.</summary>
    public string? PinnedRootKeyId { get; private set; }

    public DemoExport Export => export;

    public int Count => lines.Count;

    public Entry EntryAt(int index) => Entry.Parse(lines[index]);

    /// <summary>The log position of the first entry that matches.</summary>
    public int IndexOf(Func<Entry, bool> predicate) => IndexOf(predicate, occurrence: 0);

    /// <summary>The log position of the <paramref name="occurrence"/>-th (0-based) entry that matches.</summary>
    public int IndexOf(Func<Entry, bool> predicate, int occurrence)
    {
        var seen = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (TryParse(lines[i]) is { } entry && predicate(entry) && seen++ == occurrence)
            {
                return i;
            }
        }
        throw new InvalidOperationException("no such entry in the export");
    }

    public int LastIndexOf(Func<Entry, bool> predicate)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (TryParse(lines[i]) is { } entry && predicate(entry))
            {
                return i;
            }
        }
        throw new InvalidOperationException("no such entry in the export");
    }

    public int IndexOf(string stream, string type, int occurrence = 0) => IndexOf(e => e.Stream == stream && e.Type == type, occurrence);

    /// <summary>Edits the first entry of <paramref name="type"/> in <paramref name="stream"/>; see <see cref="EditEntry"/>.</summary>
    public ExportTampering Edit(string stream, string type, Action<JsonObject> edit, bool rechain = true) =>
        EditEntry(IndexOf(stream, type), edit, rechain);

    /// <summary>Edits the JSON of the entry at <paramref name="index"/> and, unless told not to, re-chains its stream.</summary>
    public ExportTampering EditEntry(int index, Action<JsonObject> edit, bool rechain = true)
    {
        var json = JsonNode.Parse(lines[index])!.AsObject();
        var stream = (string)json["stream"]!;
        edit(json);
        lines[index] = CanonicalJson.Encode(json);
        return rechain ? Rechain(stream) : this;
    }

    /// <summary>Edits the entry's signed command (not re-signed: the signature stays the old one) and re-chains its stream.</summary>
    public ExportTampering EditCommand(int index, Action<JsonObject> edit, bool rechain = true) =>
        EditEntry(index, json => edit(json["signedCommand"]!["command"]!.AsObject()), rechain);

    /// <summary>
    /// Re-signs the entry's command with <paramref name="signer"/>'s key (the command's keyId and
    /// personId become the signer's, after <paramref name="edit"/>), then re-chains the stream.
    /// </summary>
    public ExportTampering ReSign(int index, PersonKey signer, Action<JsonObject>? edit = null) =>
        EditEntry(index, json =>
        {
            var command = json["signedCommand"]!["command"]!.AsObject();
            command["keyId"] = signer.KeyId;
            command["personId"] = signer.PersonId;
            edit?.Invoke(command);
            var signed = SignedCommand.Sign(Command.FromJson(JsonSerializer.SerializeToElement(command)), signer.Key);
            json["signedCommand"] = signed.ToJson();
        });

    /// <summary>Replaces a line by any bytes: the only way to write a line that is not an entry.</summary>
    public ExportTampering SetLine(int index, byte[] bytes)
    {
        lines[index] = bytes;
        return this;
    }

    public byte[] LineAt(int index) => lines[index];

    /// <summary>Appends any bytes as a line at the end of the log, e.g. junk.</summary>
    public ExportTampering AppendLine(byte[] bytes)
    {
        lines.Add(bytes);
        return this;
    }

    /// <summary>Keeps the first <paramref name="count"/> lines: a prefix of a valid log is a valid log.</summary>
    public ExportTampering KeepFirst(int count)
    {
        lines.RemoveRange(count, lines.Count - count);
        return this;
    }

    public ExportTampering RemoveAt(int index)
    {
        lines.RemoveAt(index);
        return this;
    }

    /// <summary>Writes the line at <paramref name="index"/> twice in a row.</summary>
    public ExportTampering Duplicate(int index)
    {
        lines.Insert(index + 1, lines[index].ToArray());
        return this;
    }

    public ExportTampering Swap(int first, int second)
    {
        (lines[first], lines[second]) = (lines[second], lines[first]);
        return this;
    }

    /// <summary>
    /// Re-creates every entry of <paramref name="stream"/> in log order (Entry.Create) with
    /// sequences 0, 1, 2 … and each previousHash the hash of the stream's entry before it, as
    /// an attacker does after deleting, swapping or editing one: the chain is whole again.
    /// </summary>
    public ExportTampering Rechain(string stream)
    {
        var previous = Hash.Zero;
        long sequence = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (TryParse(lines[i]) is not { } entry || entry.Stream != stream)
            {
                continue;
            }
            var rechained = Entry.Create(entry.Stream, sequence, previous, entry.Type, JsonNode.Parse(entry.Body.GetRawText())!.AsObject(),
                entry.SignedCommand, entry.RecordedAt);
            lines[i] = rechained.CanonicalBytes.ToArray();
            previous = rechained.Hash;
            sequence++;
        }
        return this;
    }

    /// <summary>The sequence the next entry of <paramref name="stream"/> gets.</summary>
    public long NextSequence(string stream) => Parsed().Count(e => e.Stream == stream);

    /// <summary>
    /// Appends one command at the end of the log, signed by <paramref name="signer"/> (a real
    /// demo key: the signature verifies), with the entries the attacker wants it to have, each
    /// correctly chained to its stream; recorded a second after the last entry, issued then.
    /// </summary>
    /// <returns>The sequence of the command's first entry (what a disbursement or redemption id names).</returns>
    public long Append(PersonKey signer, string commandType, JsonObject commandBody, params (string Stream, string Type, JsonObject Body)[] entries) =>
        AppendAt(NextRecordedAt(), signer, commandType, commandBody, entries);

    /// <summary>As <see cref="Append"/>, with the command issued and recorded at <paramref name="recordedAt"/>, whatever the log's time.</summary>
    public long AppendAt(DateTimeOffset recordedAt, PersonKey signer, string commandType, JsonObject commandBody, params (string Stream, string Type, JsonObject Body)[] entries)
    {
        var command = new Command(signer.PersonId, signer.KeyId, commandType, JsonSerializer.SerializeToElement(commandBody),
            $"tamper/{++appended}", recordedAt);
        return AppendSigned(SignedCommand.Sign(command, signer.Key), recordedAt, entries);
    }

    /// <summary>A second after the latest entry of the log: when an appended command is recorded.</summary>
    public DateTimeOffset NextRecordedAt() => Parsed().Max(e => e.RecordedAt).AddSeconds(1);

    /// <summary>Appends entries carrying an existing signed command, e.g. a command replayed.</summary>
    public long AppendSigned(SignedCommand signed, DateTimeOffset recordedAt, params (string Stream, string Type, JsonObject Body)[] entries)
    {
        long? first = null;
        foreach (var (stream, type, body) in entries)
        {
            var sequence = NextSequence(stream);
            var previous = sequence == 0 ? Hash.Zero : Parsed().Last(e => e.Stream == stream).Hash;
            lines.Add(Entry.Create(stream, sequence, previous, type, body, signed, recordedAt).CanonicalBytes.ToArray());
            first ??= sequence;
        }
        return first ?? throw new ArgumentException("a command writes at least one entry", nameof(entries));
    }

    /// <summary>Leaves manifest.json exactly as exported, whatever the entries now are.</summary>
    public ExportTampering KeepManifest()
    {
        keepManifest = true;
        return this;
    }

    /// <summary>
    /// Keeps whatever else the export holds (its signed checkpoints and the manifest's log key)
    /// as exported. Without this the attacker, who cannot sign checkpoints, leaves them out, as
    /// an export of a log that has none: the checkpoints' own tamperings are not this suite's.
    /// </summary>
    public ExportTampering KeepCheckpoints()
    {
        keepCheckpoints = true;
        return this;
    }

    /// <summary>Writes entries.jsonl without the line feed that ends its last line.</summary>
    public ExportTampering OmitFinalLineFeed()
    {
        omitFinalLineFeed = true;
        return this;
    }

    /// <summary>Edits the manifest after it was rewritten to match the entries.</summary>
    public ExportTampering EditManifest(Action<JsonObject> edit)
    {
        manifestEdits.Add(edit);
        return this;
    }

    /// <summary>Cuts the last <paramref name="bytes"/> bytes off entries.jsonl as written.</summary>
    public ExportTampering CutEntriesFile(int bytes)
    {
        cutBytes = bytes;
        return this;
    }

    public ExportTampering PinRootKey(string? rootKeyId)
    {
        PinnedRootKeyId = rootKeyId;
        return this;
    }

    /// <summary>Writes the tampered export to a new folder of its own; returns the folder.</summary>
    public string WriteTo(string name)
    {
        var folder = export.NewFolder(name);
        Directory.CreateDirectory(folder);
        if (keepManifest || keepCheckpoints)
        {
            foreach (var other in Directory.EnumerateFiles(export.Folder))
            {
                if (Path.GetFileName(other) is not (LedgerExport.EntriesFileName or LedgerExport.ManifestFileName))
                {
                    File.Copy(other, Path.Combine(folder, Path.GetFileName(other)));
                }
            }
        }
        using var file = new MemoryStream();
        foreach (var line in lines)
        {
            file.Write(line);
            file.WriteByte((byte)'\n');
        }
        var entries = file.ToArray()[..^((omitFinalLineFeed ? 1 : 0) + cutBytes)];
        // The manifest is made for the file as written: an attacker's checksum matches it.
        File.WriteAllBytes(Path.Combine(folder, LedgerExport.ManifestFileName), keepManifest ? export.ManifestBytes : ManifestFor(entries));
        File.WriteAllBytes(Path.Combine(folder, LedgerExport.EntriesFileName), entries);
        return folder;
    }

    /// <summary>Writes the tampered export and audits it as the verifier does, pinning <see cref="PinnedRootKeyId"/>.</summary>
    public AuditReport Audit(string name, AuditDepth depth = AuditDepth.Full, string? pinnedLogKey = null) =>
        global::Ledger.Verifier.Verification.Audit.Run(new ExportSource(WriteTo(name)), PinnedRootKeyId, pinnedLogKey: pinnedLogKey, depth: depth);

    /// <summary>The manifest an attacker writes for these entries: the exported one with every checkable member made to match.</summary>
    byte[] ManifestFor(byte[] entriesFile)
    {
        var manifest = JsonNode.Parse(export.ManifestBytes)!.AsObject();
        var heads = new SortedDictionary<string, (long Entries, Hash Head)>(StringComparer.Ordinal);
        foreach (var entry in Parsed())
        {
            heads[entry.Stream] = (heads.GetValueOrDefault(entry.Stream).Entries + 1, entry.Hash);
            if (entry.Stream == RegistryRules.Stream && entry.Sequence == 0 && entry.Type == RegistryEntryTypes.RegistryOpened)
            {
                manifest["rootKeyId"] = entry.Body.GetProperty("keyId").GetString();
                manifest["rootPublicKey"] = entry.Body.GetProperty("publicKey").GetString();
            }
        }
        var streams = new JsonObject();
        foreach (var (stream, (count, head)) in heads)
        {
            streams[stream] = new JsonObject { ["entries"] = count, ["headHash"] = head.ToString() };
        }
        manifest["entriesSha256"] = Convert.ToHexStringLower(SHA256.HashData(entriesFile));
        manifest["entryCount"] = (long)lines.Count;
        manifest["logSize"] = (long)lines.Count;
        manifest["streamCount"] = (long)heads.Count;
        if (!keepCheckpoints)
        {
            manifest.Remove("logVerifierKey");
        }
        manifest["streams"] = streams;
        foreach (var edit in manifestEdits)
        {
            edit(manifest);
        }
        return [.. CanonicalJson.Encode(manifest), (byte)'\n'];
    }

    IEnumerable<Entry> Parsed() => lines.Select(TryParse).OfType<Entry>();

    static Entry? TryParse(byte[] line)
    {
        try
        {
            return Entry.Parse(line);
        }
        catch (Exception e) when (e is FormatException or CanonicalFormException or JsonException)
        {
            return null;
        }
    }
}
