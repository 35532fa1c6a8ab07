using Ledger.Tests.Support;

namespace Ledger.Tests.Server;

/// <summary>
/// Issue 14: the server's command line on System.CommandLine, run as a person runs it (the real
/// Api.dll in a folder of its own). --help starts nothing and creates nothing; bad arguments
/// exit with 2 and bad settings with 1, each with one line and no stack trace.
/// </summary>
[Collection(nameof(ServerProcessCollection))]
public sealed class CommandLineTests
{
    static readonly Dictionary<string, string?> NoConfiguration = new() { ["ConnectionStrings__Ledger"] = null };

    [Theory]
    [InlineData("--help")]
    [InlineData("demo --help")]
    [InlineData("export --help")]
    public async Task HelpPrintsTheUsageAndStartsNothing(string arguments)
    {
        using var folder = TestFolder.Create();

        var (exitCode, output) = await ServerProcess.RunToExitInAsync(folder.Path, NoConfiguration, arguments.Split(' '));

        Assert.True(exitCode == 0, output);
        Assert.Contains("Usage:", output);
        Assert.Contains("--data", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Theory]
    [InlineData("ledger: ", "unexpected-word")]
    [InlineData("ledger: ", "--Log:Origin")]
    [InlineData("ledger demo: ", "demo --bogus")]
    [InlineData("ledger export: ", "export")]
    [InlineData("ledger export: ", "export one two")]
    public async Task BadArgumentsExitWithTwoAndOneLine(string prefix, string arguments)
    {
        using var folder = TestFolder.Create();

        var (exitCode, output) = await ServerProcess.RunToExitInAsync(folder.Path, NoConfiguration, arguments.Split(' '));

        Assert.True(exitCode == 2, output);
        Assert.StartsWith(prefix, Assert.Single(Lines(output)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Theory]
    [InlineData("Log:CheckpointIntervalSeconds", "abc")]
    [InlineData("Log:CheckpointIntervalSeconds", "0")]
    [InlineData("Database:CommandTimeoutSeconds", "0")]
    [InlineData("Health:TimeoutMilliseconds", "soon")]
    [InlineData("Health:CheckpointUnhealthyAfterSeconds", "1")]
    [InlineData("Grains:MaxAttempts", "0")]
    [InlineData("Grains:IdleAfter", "-00:01:00")]
    [InlineData("Grains:SnapshotEvery", "0")]
    [InlineData("Grains:DirectoryCacheSize", "-1")]
    [InlineData("urls", "ftp://127.0.0.1:21")]
    [InlineData("Witness:Witnesses:0:VerifierKey", "community-ledger/x+6fea19f8+Ac8gUENYFq7Hme0+NdaMfcqUtSforJA2N5zARveb5CxL")]
    [InlineData("Witness:ExportWaitSeconds", "0")]
    public async Task ABadSettingStopsTheStartWithOneLineNamingItBeforeTouchingAnything(string setting, string value)
    {
        using var folder = TestFolder.Create();

        var (exitCode, output) = await ServerProcess.RunToExitInAsync(folder.Path, NoConfiguration, $"--{setting}", value);

        Assert.True(exitCode == 1, output);
        var line = Assert.Single(Lines(output));
        Assert.StartsWith("ledger: ", line);
        Assert.Contains(setting, line);
        Assert.DoesNotContain("   at ", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public async Task AWitnessWithoutAnHttpAddressStopsTheStart()
    {
        using var folder = TestFolder.Create();

        var (exitCode, output) = await ServerProcess.RunToExitInAsync(folder.Path, NoConfiguration,
            "--Witness:Witnesses:0:VerifierKey", "witness.example/residents-committee+3bafa591+BNnXH/PhbZ3avyY3SnxqO6FtVRiFSeGm5iFieg/sxi8m",
            "--Witness:Witnesses:0:Url", "witness.example:7380");

        Assert.True(exitCode == 1, output);
        Assert.Contains("Witness:Witnesses:0:Url", Assert.Single(Lines(output)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public async Task ASettingFromTheEnvironmentIsCheckedToo()
    {
        using var folder = TestFolder.Create();
        var environment = new Dictionary<string, string?>(NoConfiguration) { ["Log__CheckpointIntervalSeconds"] = "-5" };

        var (exitCode, output) = await ServerProcess.RunToExitInAsync(folder.Path, environment);

        Assert.True(exitCode == 1, output);
        Assert.Contains("Log:CheckpointIntervalSeconds", Assert.Single(Lines(output)));
    }

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
