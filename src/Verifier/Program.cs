using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Verifier.Verification;
using Spectre.Console;

// Usage:
//   dotnet run --project src/Verifier -- EXPORT_DIR [--root-key KEY] [--json]
//   dotnet run --project src/Verifier -- --database CONNECTION_STRING [--root-key KEY] [--json]
// Exit codes: 0 valid, 1 findings, 2 usage or unreadable input.
const string Usage = "usage: verifier EXPORT_DIR | --database CONNECTION_STRING  [--root-key KEY_ID_OR_PUBLIC_KEY] [--json]";

string? exportDirectory = null, connectionString = null, rootKey = null;
var json = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--database" when i + 1 < args.Length: connectionString = args[++i]; break;
        case "--root-key" when i + 1 < args.Length: rootKey = args[++i]; break;
        case "--json": json = true; break;
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
            result = Audit.Run(source, pinned, new Progress<long>(read => task.Value = read));
            task.Value = task.MaxValue;
        });
        report = result!;
    }
    else
    {
        report = Audit.Run(source, pinned);
    }
    Console.Out.Write(json ? report.ToJson() + "\n" : report.ToText());
    return report.Valid ? 0 : 1;
}
catch (UnreadableInputException e)
{
    return Fail(e.Message);
}

static int Fail(string message)
{
    Console.Error.WriteLine($"verifier: {message}");
    return 2;
}
