using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Api.Export;
using Ledger.Grains.Storage;
using Npgsql;

// Usage: dotnet run --project src/Api -- [--urls URL] [--data DIR]
//        dotnet run --project src/Api -- export OUT_DIR [--data DIR]   (docs/FORMAT.md §9)
//        dotnet run --project src/Api -- demo [--data DIR]             (seeds the demo community)
// With ConnectionStrings__Ledger set, that PostgreSQL server is used; otherwise a local
// cluster is created and started under the data folder (default ./data).
switch (args)
{
    case ["export", .. var exportArgs]:
        return await ExportCommand.RunAsync(exportArgs, Console.Out, Console.Error);
    case ["demo", .. var demoArgs]:
        return await DemoCommand.RunAsync(demoArgs, Console.Out, Console.Error);
}
var configuration = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables().Build();
var options = new ServerOptions(
    Path.GetFullPath(configuration["data"] ?? "data"),
    configuration.GetConnectionString("Ledger"),
    configuration["urls"] ?? "http://127.0.0.1:5099");
try
{
    await using var server = await LedgerServer.StartAsync(options, args);
    await server.WaitForShutdownAsync();
    return 0;
}
catch (Exception e) when (e is LocalClusterException or SchemaTooNewException or NpgsqlException)
{
    // One line that says what to do, not a stack trace.
    Console.Error.WriteLine($"ledger: {e.Message}");
    return 1;
}
