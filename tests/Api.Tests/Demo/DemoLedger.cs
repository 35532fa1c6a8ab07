using System.Diagnostics;
using Ledger.Api;
using Ledger.Api.Demo;
using Ledger.Tests.Support;

namespace Ledger.Tests.Demo;

/// <summary>
/// The demo run once, in this process, on a fresh data folder over a test database of its
/// own (the connection string stands in for the zero-setup local cluster, which the server
/// process tests cover). Each test class that takes it gets its own.
/// </summary>
public sealed class DemoLedger : IAsyncLifetime
{
    readonly TestFolder folder = TestFolder.Create();

    public TestDatabase Database { get; } = new();

    public string DataFolder => Path.Combine(folder.Path, "data");

    /// <summary>A folder of this fixture for a test's own files, e.g. an export.</summary>
    public string NewFolderPath(string name) => Path.Combine(folder.Path, name);

    public ServerOptions Options => new(DataFolder, Database.ConnectionString, "http://127.0.0.1:0");

    /// <summary>What the first run printed.</summary>
    public string Output { get; private set; } = "";

    /// <summary>How long the first run took.</summary>
    public TimeSpan FirstRunDuration { get; private set; }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var stopwatch = Stopwatch.StartNew();
        var (exitCode, output, error) = await RunDemoAsync();
        FirstRunDuration = stopwatch.Elapsed;
        Assert.True(exitCode == DemoCommand.Seeded, $"the demo failed with {exitCode}: {error}\n{output}");
        Output = output;
    }

    /// <summary>Runs the demo's entry point, as `dotnet run --project src/Api -- demo` does, over this fixture's database.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunDemoAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await DemoCommand.RunAsync(Options, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        folder.Dispose();
    }
}
