using System.CommandLine;
using System.CommandLine.Help;
using System.Text;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Verifier.Verification;
using Spectre.Console;

// The verifier's command line, on System.CommandLine (--help on each command).
// Exit codes: 0 valid, 1 findings (or an invalid bundle), 2 usage or unreadable input.
const int MaxBundleBytes = 1 << 20;

var exportArgument = new Argument<string?>("EXPORT_DIR")
{
    Description = "An export folder (docs/FORMAT.md §9) to audit; or give --database instead.",
    Arity = ArgumentArity.ZeroOrOne,
};
var databaseOption = new Option<string?>("--database")
{
    Description = "An Npgsql connection string to audit the database itself, read-only, instead of an export.",
    HelpName = "CONNECTION_STRING",
};
var rootKeyOption = new Option<string?>("--root-key")
{
    Description = "The registrar's root key to trust: its key id (32 hex digits) or its Ed25519 public key (64 hex digits).",
    HelpName = "KEY",
};
var logKeyOption = new Option<string?>("--log-key")
{
    Description = "The Merkle log's key (C2SP vkey) that checkpoints must be signed with.",
    HelpName = "VKEY",
};
var checkpointOption = new Option<string[]>("--checkpoint")
{
    Description = "A checkpoint people saw, which the ledger must contain: a file holding the signed note (the notice board's, GET /v1/log/checkpoint's) "
        + "or an offline bundle; checked under the log key (--log-key, else the source's). Repeatable.",
    HelpName = "FILE",
    // One file per --checkpoint, so the export folder after it is never taken for a second file.
    AllowMultipleArgumentsPerToken = false,
};
var witnessOption = new Option<string[]>("--witness")
{
    Description = "A witness's verifier key (name+keyid+key, docs/FORMAT.md §10.7): checkpoints count (to pin, to cover entries) only when cosigned by "
        + "the quorum of the witnesses given. Repeatable.",
    HelpName = "VKEY",
    AllowMultipleArgumentsPerToken = false,
};
var quorumOption = new Option<int?>("--quorum")
{
    Description = "How many distinct witnesses given with --witness must have cosigned a checkpoint for it to count; by default all of them.",
    HelpName = "N",
};
var hashOnlyOption = new Option<bool>("--hash-only") { Description = "Check hashes, chains and checkpoints only: no signatures, no rules (fast)." };
var jsonOption = new Option<bool>("--json") { Description = "Print the report as JSON." };
var languageOption = new Option<string>("--lang")
{
    Description = "The report's language: zh (Chinese, the default) or en (English). The technical line of each finding and the last line stay as they are.",
    HelpName = "zh|en",
    DefaultValueFactory = _ => "zh",
};
// One line of error, as every other usage error (AcceptOnlyFromAmong lists the values on lines of their own).
languageOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<string>() is not ("zh" or "en"))
    {
        result.AddError($"--lang takes zh (Chinese) or en (English), not {result.GetValueOrDefault<string>()}");
    }
});
var htmlOption = new Option<string?>("--html")
{
    Description = "Also write the report as a printable HTML page to FILE, a new file readable by its owner only (an existing file is never overwritten).",
    HelpName = "FILE",
};
var bundleArgument = new Argument<string>("BUNDLE") { Description = "An offline bundle (docs/FORMAT.md §10.5) to check on its own." };

var verifyEntry = new System.CommandLine.Command("verify-entry", "Check one entry's offline bundle: its signature, its inclusion and its checkpoint.")
{
    bundleArgument,
    logKeyOption,
};
verifyEntry.SetAction(parse => VerifyEntry(parse.GetValue(bundleArgument)!, parse.GetValue(logKeyOption)));

var root = new RootCommand("Audits a Community Ledger export or database end to end, trusting only the registrar's root key.")
{
    exportArgument,
    databaseOption,
    rootKeyOption,
    logKeyOption,
    checkpointOption,
    witnessOption,
    quorumOption,
    hashOnlyOption,
    jsonOption,
    languageOption,
    htmlOption,
    verifyEntry,
};
root.SetAction(parse => AuditLedger(parse.GetValue(exportArgument), parse.GetValue(databaseOption), parse.GetValue(rootKeyOption),
    parse.GetValue(logKeyOption), parse.GetValue(checkpointOption) ?? [], parse.GetValue(witnessOption) ?? [], parse.GetValue(quorumOption),
    parse.GetValue(hashOnlyOption) ? AuditDepth.HashOnly : AuditDepth.Full,
    parse.GetValue(jsonOption), parse.GetValue(languageOption) == "en" ? ReportLanguage.English : ReportLanguage.Chinese, parse.GetValue(htmlOption)));

var parsed = root.Parse(args);
if (parsed.Action is not HelpAction)
{
    // Unknown tokens in the verifier's own words, on one line.
    if (parsed.UnmatchedTokens.Count > 0)
    {
        return Fail($"unexpected argument {parsed.UnmatchedTokens[0]} (--help shows the usage)");
    }
    if (parsed.Errors.Count > 0)
    {
        return Fail($"{parsed.Errors[0].Message} (--help shows the usage)");
    }
}
return parsed.Invoke();

static int AuditLedger(string? exportDirectory, string? connectionString, string? rootKey, string? logKey, string[] checkpointFiles,
    string[] witnessKeys, int? quorum, AuditDepth depth, bool json, ReportLanguage language, string? htmlFile)
{
    if ((exportDirectory is null) == (connectionString is null))
    {
        return Fail("name one export folder (EXPORT_DIR) or one database (--database CONNECTION_STRING) (--help shows the usage)");
    }
    // Said before an audit that may take minutes; writing the file refuses it again if it appears meanwhile.
    if (htmlFile is not null && Path.Exists(htmlFile))
    {
        return Fail($"{htmlFile} already exists: --html writes a new file and never overwrites one");
    }
    string? pinned = null;
    if (rootKey is not null)
    {
        // A key id (32 hex digits, FORMAT.md §4.4) or the 32-byte public key it names.
        pinned = KeyIds.IsKeyId(rootKey) ? rootKey
            : Hex.TryDecode(rootKey, 32, out var publicKey) ? KeyIds.Of(publicKey)
            : null;
        if (pinned is null)
        {
            return Fail("--root-key takes a key id (32 lowercase hex digits) or an Ed25519 public key (64 lowercase hex digits)");
        }
    }

    try
    {
        // Read before the source: a checkpoint file or a witness key that is not one is the command line's mistake (exit 2), found at once.
        var witnesses = WitnessQuorum.Parse(witnessKeys, quorum);
        var pinnedCheckpoints = checkpointFiles.Select(PinnedCheckpoint.Read).ToList();
        ILedgerSource source = exportDirectory is not null ? new ExportSource(exportDirectory) : new DatabaseSource(connectionString!);
        AuditReport report;
        if (!json && !Console.IsErrorRedirected && source.EntryCountHint > 10_000)
        {
            AuditReport? result = null;
            AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress().Start(context =>
            {
                var task = context.AddTask("auditing entries", maxValue: source.EntryCountHint);
                result = Audit.Run(source, pinned, new Progress<long>(read => task.Value = read), logKey, depth, pinnedCheckpoints, witnesses: witnesses);
                task.Value = task.MaxValue;
            });
            report = result!;
        }
        else
        {
            report = Audit.Run(source, pinned, pinnedLogKey: logKey, depth: depth, pinnedCheckpoints: pinnedCheckpoints, witnesses: witnesses);
        }
        if (htmlFile is not null)
        {
            WriteNewPrivateFile(htmlFile, report.ToHtml(language));
        }
        Console.Out.Write(json ? report.ToJson() + "\n" : report.ToText(language));
        return Audit.ExitCodeOf(report);
    }
    catch (UnreadableInputException e)
    {
        return Fail(e.Message);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        return Fail(e.Message);
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        // Every failure the input can cause is a finding (docs/VERIFIER.md "Any input"): this is
        // the verifier's own fault, still told in one line and one of its three exit codes.
        return Fail($"the audit could not be completed: {e}");
    }
}

// An offline bundle (FORMAT.md §10.5): valid or not, with the reason, on one line.
static int VerifyEntry(string bundlePath, string? logKey)
{
    try
    {
        var bytes = File.ReadAllBytes(bundlePath);
        if (bytes.Length > MaxBundleBytes)
        {
            return Fail($"{bundlePath} is larger than a bundle can be ({MaxBundleBytes} bytes)");
        }
        var verdict = OfflineBundle.Parse(bytes).Verify(logKey);
        Console.Out.WriteLine((verdict.IsValid ? "VALID: " : "INVALID: ") + verdict.Reason);
        return verdict.IsValid ? 0 : 1;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or CanonicalFormException)
    {
        return Fail(e.Message);
    }
}

// Readable by its owner only from the moment it exists, as every file the tools write: the
// report lists every household's shares and points. CreateNew: never another file overwritten.
static void WriteNewPrivateFile(string path, string text)
{
    var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
    if (!OperatingSystem.IsWindows())
    {
        options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    }
    using var file = new FileStream(path, options);
    file.Write(Encoding.UTF8.GetBytes(text));
}

static int Fail(string message)
{
    Console.Error.WriteLine($"verifier: {message}");
    return Audit.UnusableExitCode;
}
