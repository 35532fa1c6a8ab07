using System.CommandLine;
using System.CommandLine.Help;
using Ledger.Checkpoints;
using Ledger.Witness;

// The witness's command line, on System.CommandLine (--help on each command). A residents'
// committee, an auditor or a neighbouring street office runs it on its own machine with its own
// key (docs/WITNESS.md). Exit codes: 0 done, 1 failed, 2 bad arguments.
const int FailedExitCode = 1;
const int UsageExitCode = 2;

var stateOption = new Option<string>("--state")
{
    Description = "The witness's folder: its key (witness-key.json) and the newest checkpoint it cosigned for each log.",
    HelpName = "DIR",
    Required = true,
};
var nameOption = new Option<string>("--name")
{
    Description = "The witness's name, e.g. witness.example/residents-committee: non-empty, no spaces, no '+'.",
    HelpName = "NAME",
    Required = true,
};
var logOption = new Option<string[]>("--log")
{
    Description = "A log to witness: its origin, '=', and the verifier key (vkey) of its checkpoints' signer (GET /v1/log/vkey). Repeatable.",
    HelpName = "ORIGIN=VKEY",
    Required = true,
    AllowMultipleArgumentsPerToken = false,
};
var listenOption = new Option<string>("--listen")
{
    Description = "The address to serve add-checkpoint on, e.g. http://0.0.0.0:7380.",
    HelpName = "URL",
    Required = true,
};

var init = new Command("init", "Make the witness's key in a new state folder and print its verifier key (vkey), to give to the logs and verifiers that trust it.")
{
    nameOption,
    stateOption,
};
init.SetAction(parse => Init(parse.GetValue(nameOption)!, parse.GetValue(stateOption)!));

var serve = new Command("serve", "Serve C2SP tlog-witness's POST /add-checkpoint: cosign each checkpoint consistent with the last one cosigned for its log, never two inconsistent ones.")
{
    stateOption,
    logOption,
    listenOption,
};
serve.SetAction((parse, cancellationToken) =>
    ServeAsync(parse.GetValue(stateOption)!, parse.GetValue(logOption) ?? [], parse.GetValue(listenOption)!, cancellationToken));

var root = new RootCommand("Community Ledger witness: cosigns the ledger's checkpoints (C2SP tlog-witness, tlog-cosignature) so that a rollback or a fork shows.")
{
    init,
    serve,
};
var parsed = root.Parse(args);
if (parsed.Action is not HelpAction && parsed.Errors.Count > 0)
{
    return Usage($"{parsed.Errors[0].Message} (--help shows the usage)");
}
return await parsed.InvokeAsync();

static int Init(string name, string stateFolder)
{
    if (!NoteVerifierKey.IsValidName(name))
    {
        return Usage($"--name {name}: a witness name is non-empty, without spaces, '+' or control characters");
    }
    try
    {
        Directory.CreateDirectory(stateFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var vkey = WitnessKeyFile.Create(stateFolder, name);
        Console.Out.WriteLine(vkey.Format());
        return 0;
    }
    catch (IOException e) when (File.Exists(Path.Combine(stateFolder, WitnessKeyFile.FileName)))
    {
        return Fail($"{stateFolder} already holds a witness key, which is never overwritten: {e.Message}");
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        return Fail(e.Message);
    }
}

static async Task<int> ServeAsync(string stateFolder, string[] logArguments, string listenUrl, CancellationToken cancellationToken)
{
    var logs = new List<WitnessedLog>();
    foreach (var group in logArguments.Select(ParseLog).GroupBy(l => l.Origin, StringComparer.Ordinal))
    {
        if (group.Any(l => l.Key is null))
        {
            return Usage(group.First(l => l.Key is null).Problem!);
        }
        logs.Add(new WitnessedLog(group.Key, [.. group.Select(l => l.Key!).Distinct()]));
    }
    if (logs.Count == 0)
    {
        return Usage("name at least one log with --log ORIGIN=VKEY");
    }
    try
    {
        var (name, key) = WitnessKeyFile.Read(stateFolder);
        using (key)
        using (var state = WitnessState.Open(stateFolder))
        {
            var signer = new CosignatureSigner(name, key);
            await using var app = WitnessServer.Build(listenUrl, signer, logs, state, TimeProvider.System);
            await app.StartAsync(cancellationToken);
            Console.Out.WriteLine($"witness {signer.VerifierKey} serving {string.Join(", ", logs.Select(l => l.Origin))} on {string.Join(", ", app.Urls)}");
            await app.WaitForShutdownAsync(cancellationToken);
        }
        return 0;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidDataException)
    {
        return Fail(e.Message);
    }
}

// ORIGIN=VKEY, split at the first '=': an origin is a key name, and base64 ends in '=' of its own.
static (string Origin, NoteVerifierKey? Key, string? Problem) ParseLog(string argument)
{
    var split = argument.IndexOf('=', StringComparison.Ordinal);
    if (split < 0)
    {
        return (argument, null, $"--log {argument}: give ORIGIN=VKEY");
    }
    var origin = argument[..split];
    if (!NoteVerifierKey.IsValidName(origin))
    {
        return (origin, null, $"--log {argument}: the origin is not a valid log name");
    }
    var key = NoteVerifierKey.Parse(argument[(split + 1)..]);
    return key.IsValid
        ? (origin, key.Key, null)
        : (origin, null, $"--log {argument}: the log's key is not a vkey ({key.Result})");
}

static int Usage(string message)
{
    Console.Error.WriteLine($"witness: {message}");
    return UsageExitCode;
}

static int Fail(string message)
{
    Console.Error.WriteLine($"witness: {message}");
    return FailedExitCode;
}
