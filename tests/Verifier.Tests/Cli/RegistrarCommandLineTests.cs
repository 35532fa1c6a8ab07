using Ledger.Api;
using Ledger.Api.Export;
using Ledger.Tests.Support;

namespace Ledger.Tests.Cli;

/// <summary>
/// Issue 15 item 2, end to end: the registrar makes the root key on their own machine with the
/// real Registrar.dll, a production server is given only its fingerprint, the registrar opens the
/// registry and names the server's log key over HTTP, and the verifier, given the root
/// fingerprint alone, says the export is VALID: the log key is learned from the registry.
/// </summary>
public sealed class RegistrarCommandLineTests : IAsyncLifetime
{
    readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheRegistrarOpensAProductionLedgerAndTheVerifierSaysValidWithTheRootKeyAlone()
    {
        using var folder = TestFolder.Create();
        var keyFile = Path.Combine(folder.Path, "registrar.key");

        var (initExit, initOutput, initError) = await VerifierProcess.RunRegistrarAsync("init", "--key", keyFile, "--id", "registrar", "--name", "街道管理员");
        Assert.True(initExit == 0, initError);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.NotEqual(0xEF, File.ReadAllBytes(keyFile)[0]);
        var fingerprint = initOutput.Split('\n').Single(line => line.StartsWith("Root fingerprint: ", StringComparison.Ordinal))["Root fingerprint: ".Length..].Trim();
        Assert.Equal(1, (await VerifierProcess.RunRegistrarAsync("init", "--key", keyFile, "--id", "registrar", "--name", "again")).ExitCode);

        await using var server = await LedgerServer.StartAsync(new ServerOptions(Path.Combine(folder.Path, "data"), database.ConnectionString, "http://127.0.0.1:0"),
            [$"--Registry:RootFingerprint={fingerprint}"]);
        var (openExit, openOutput, openError) = await VerifierProcess.RunRegistrarAsync("open", "--key", keyFile, "--server", server.Address.ToString().TrimEnd('/'));
        Assert.True(openExit == 0, openError);
        Assert.Contains(server.Log.VerifierKey!.Format(), openOutput);
        var (againExit, _, againError) = await VerifierProcess.RunRegistrarAsync("open", "--key", keyFile, "--server", server.Address.ToString().TrimEnd('/'));
        Assert.Equal(1, againExit);
        Assert.Contains("RegistryAlreadyOpen", againError);

        // The opening and the naming, under a checkpoint the server signed (now, or already in the background).
        Assert.Equal(2, (await server.Log.IntegrateAndSignNowAsync(default)).Latest?.TreeSize);
        var export = Directory.CreateDirectory(Path.Combine(folder.Path, "export")).FullName;
        await LedgerExport.WriteDirectoryAsync(server.Database, server.Log, null, export, default);
        var (verifyExit, report, _) = await VerifierProcess.RunAsync(export, "--root-key", fingerprint, "--lang", "en");

        Assert.True(verifyExit == 0, report);
        Assert.Equal("VALID: every hash, chain, signature and rule checks out.", report.TrimEnd().Split('\n')[^1]);
        Assert.DoesNotContain("TRIAL", report);
    }
}
