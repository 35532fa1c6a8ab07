using Ledger.Checkpoints;

namespace Ledger.Witness.Tests;

public sealed class WitnessCommandLineTests : IDisposable
{
    readonly string stateFolder = Path.Combine(Path.GetTempPath(), $"witness-tests-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(stateFolder))
        {
            Directory.Delete(stateFolder, recursive: true);
        }
    }

    [Fact]
    public async Task InitMakesAnOwnerOnlyKeyFileWithoutAByteOrderMarkAndPrintsItsVerifierKey()
    {
        var (exitCode, output, error) = await WitnessProcess.InitAsync(stateFolder, "witness.example/auditor");

        Assert.True(exitCode == 0, error);
        var vkey = CosignatureVerifierKey.Parse(output.TrimEnd('\n'));
        Assert.True(vkey.IsValid, output);
        Assert.Equal("witness.example/auditor", vkey.Key!.Name);
        var keyFile = Path.Combine(stateFolder, WitnessKeyFile.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal((byte)'{', File.ReadAllBytes(keyFile)[0]);
        var (name, key) = WitnessKeyFile.Read(stateFolder);
        using (key)
        {
            Assert.Equal(vkey.Key, new CosignatureSigner(name, key).VerifierKey);
        }
    }

    [Fact]
    public async Task InitNeverOverwritesAWitnessKey()
    {
        var (_, first, _) = await WitnessProcess.InitAsync(stateFolder, "witness.example/auditor");
        var before = await File.ReadAllBytesAsync(Path.Combine(stateFolder, WitnessKeyFile.FileName));

        var (exitCode, _, error) = await WitnessProcess.InitAsync(stateFolder, "witness.example/auditor");

        Assert.Equal(1, exitCode);
        Assert.Contains("never overwritten", error);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(stateFolder, WitnessKeyFile.FileName)));
        Assert.NotEmpty(first);
    }

    [Theory]
    [InlineData("init", "--name", "has space", "--state", "STATE")]
    [InlineData("init", "--name", "a+b", "--state", "STATE")]
    [InlineData("serve", "--state", "STATE", "--listen", "http://127.0.0.1:0")]
    [InlineData("serve", "--state", "STATE", "--log", "no-equals-sign", "--listen", "http://127.0.0.1:0")]
    [InlineData("serve", "--state", "STATE", "--log", "origin=not-a-vkey", "--listen", "http://127.0.0.1:0")]
    public async Task BadArgumentsAreAUsageErrorWithExitCode2(params string[] arguments)
    {
        var (exitCode, _, error) = await WitnessProcess.RunToExitAsync([.. arguments.Select(a => a == "STATE" ? stateFolder : a)]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("witness: ", error);
    }

    [Fact]
    public async Task HelpNamesBothCommands()
    {
        var (exitCode, output, _) = await WitnessProcess.RunToExitAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("init", output);
        Assert.Contains("serve", output);
    }
}
