using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Verifier.Verification;
using Spectre.Console;

// Usage:
//   dotnet run --project src/Verifier -- EXPORT_DIR [--root-key KEY] [--log-key VKEY] [--hash-only] [--json]
//   dotnet run --project src/Verifier -- --database CONNECTION_STRING [--root-key KEY] [--log-key VKEY] [--hash-only] [--json]
//   dotnet run --project src/Verifier -- verify-entry BUNDLE [--log-key VKEY]
// Exit codes: 0 valid, 1 findings (or an invalid bundle), 2 usage or unreadable input.
const int MaxBundleBytes = 1 << 20;
const string Usage = "usage: verifier EXPORT_DIR | --database CONNECTION_STRING  [--root-key KEY_ID_OR_PUBLIC_KEY] [--log-key VKEY] [--hash-only] [--json]"
    + "  |  verifier verify-entry BUNDLE [--log-key VKEY]";

if (args.Length > 0 && args[0] == "verify-entry")
{
    return VerifyEntry(args[1..]);
}

string? exportDirectory = null, connectionString = null, rootKey = null, logKey = null;
var json = false;
var depth = AuditDepth.Full;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--database" when i + 1 < args.Length: connectionString = args[++i]; break;
        case "--root-key" when i + 1 < args.Length: rootKey = args[++i]; break;
        case "--log-key" when i + 1 < args.Length: logKey = args[++i]; break;
        case "--json": json = true; break;
        case "--hash-only": depth = AuditDepth.HashOnly; break;
        case var value when !value.StartsWith("--", StringComparison.Ordinal) && exportDirectory is null: exportDirectory = value; break;
        default: return Fail($"unexpected argument {args[i]}; {Usage}");
    }
}
if ((exportDirectory is null) == (connectionString is null))
{
    return Fail(Usage);
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
    ILedgerSource source = exportDirectory is not null ? new ExportSource(exportDirectory) : new DatabaseSource(connectionString!);
    AuditReport report;
    if (!json && !Console.IsErrorRedirected && source.EntryCountHint > 10_000)
    {
        AuditReport? result = null;
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress().Start(context =>
        {
            var task = context.AddTask("auditing entries", maxValue: source.EntryCountHint);
            result = Audit.Run(source, pinned, new Progress<long>(read => task.Value = read), logKey, depth);
            task.Value = task.MaxValue;
        });
        report = result!;
    }
    else
    {
        report = Audit.Run(source, pinned, pinnedLogKey: logKey, depth: depth);
    }
    Console.Out.Write(json ? report.ToJson() + "\n" : report.ToText());
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

// An offline bundle (FORMAT.md §10.5): valid or not, with the reason, on one line.
static int VerifyEntry(string[] arguments)
{
    string? bundlePath = null, logKey = null;
    for (var i = 0; i < arguments.Length; i++)
    {
        switch (arguments[i])
        {
            case "--log-key" when i + 1 < arguments.Length: logKey = arguments[++i]; break;
            case var value when !value.StartsWith("--", StringComparison.Ordinal) && bundlePath is null: bundlePath = value; break;
            default: return Fail($"unexpected argument {arguments[i]}; usage: verifier verify-entry BUNDLE [--log-key VKEY]");
        }
    }
    if (bundlePath is null)
    {
        return Fail("usage: verifier verify-entry BUNDLE [--log-key VKEY]");
    }
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

static int Fail(string message)
{
    Console.Error.WriteLine($"verifier: {message}");
    return Audit.UnusableExitCode;
}
