using System.CommandLine;
using System.CommandLine.Help;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Api.Export;
using Ledger.Grains.LocalPostgres;
using Ledger.Grains.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

// The server, and its two tools, on System.CommandLine (--help on each). With
// ConnectionStrings__Ledger set, that PostgreSQL server is used; otherwise a local cluster is
// created and started under the data folder (default ./data). Every setting of docs/API.md
// "Settings" may also be given as --Section:Key VALUE. Exit codes: 0 done, 1 failed, 2 bad arguments.
var data = new Option<string>("--data")
{
    Description = "The data folder: the local PostgreSQL cluster (without a connection string) and the keys.",
    HelpName = "DIR",
    DefaultValueFactory = _ => "data",
};
var urls = new Option<string>("--urls")
{
    Description = $"The addresses to listen on, separated by ';'. Default {Ledger.Api.Hosting.ServerSettings.DefaultUrls}.",
    HelpName = "URLS",
};
var outputFolder = new Argument<string>("OUT_DIR") { Description = "A new or empty folder to write the export to (docs/FORMAT.md §9)." };

var export = new Command("export", "Write the ledger's export (entries.jsonl, checkpoints.jsonl, manifest.json) without serving HTTP.")
{
    outputFolder,
    data,
};
export.SetAction((parse, cancellationToken) =>
{
    var (dataFolder, connectionString) = CommandLineOptions.Read(parse.GetValue(data)!);
    return ExportCommand.RunAsync(parse.GetValue(outputFolder)!, dataFolder, connectionString, Console.Out, Console.Error, cancellationToken,
        CommandLineOptions.Witnesses());
});

var demo = new Command("demo", "Seed the demo community through the HTTP API of a server started in this process, then stop.") { data };
demo.SetAction((parse, cancellationToken) =>
{
    var (dataFolder, connectionString) = CommandLineOptions.Read(parse.GetValue(data)!);
    return DemoCommand.RunAsync(new ServerOptions(dataFolder, connectionString, "http://127.0.0.1:0"), Console.Out, Console.Error, cancellationToken);
});

var root = new RootCommand("Community Ledger server: signed commands in, entries and proofs out (docs/API.md). "
    + "Any setting of docs/API.md may follow as --Section:Key VALUE, e.g. --Log:CheckpointIntervalSeconds 5.")
{
    data,
    urls,
    export,
    demo,
};
// Settings beyond --data and --urls go to the host's configuration as they are.
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction(async (parse, _) =>
{
    if (CommandLineOptions.UnexpectedSetting(parse.UnmatchedTokens) is { } unexpected)
    {
        return BadArguments("ledger", unexpected);
    }
    try
    {
        await using var server = await LedgerServer.StartAsync(args);
        await server.WaitForShutdownAsync();
        return 0;
    }
    catch (Exception e) when (e is OptionsValidationException or LocalClusterException
        or SchemaTooNewException or NpgsqlException)
    {
        // One line that says what to do, not a stack trace.
        Console.Error.WriteLine($"ledger: {string.Join("; ", e is OptionsValidationException invalid ? invalid.Failures : [e.Message])}");
        return 1;
    }
});

var parsed = root.Parse(args);
var command = parsed.CommandResult.Command;
if (parsed.Action is not HelpAction)
{
    // Only the server takes settings beyond its options; the tools take none.
    var error = parsed.Errors.FirstOrDefault()?.Message
        ?? (command != root && parsed.UnmatchedTokens.Count > 0 ? $"unexpected argument '{parsed.UnmatchedTokens[0]}'" : null);
    if (error is not null)
    {
        return BadArguments(command == root ? "ledger" : $"ledger {command.Name}", error);
    }
}
// The host stops the server on Ctrl+C and SIGTERM itself, signing a last checkpoint first.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

static int BadArguments(string program, string message)
{
    Console.Error.WriteLine($"{program}: {message} (--help shows the usage)");
    return 2;
}
