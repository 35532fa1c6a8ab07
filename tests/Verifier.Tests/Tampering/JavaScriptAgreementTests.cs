using System.Diagnostics;
using System.Text.Json.Nodes;
using Ledger.Api.Export;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Merkle;
using Ledger.Tests.Support;
using Ledger.Verifier.Verification;
using Xunit.Abstractions;

namespace Ledger.Tests.Tampering;

/// <summary>
/// Issue 15 item 7: the second implementation of the verifier (the page's audit, run under Node
/// as tools/jsverify/verify.mjs) gives the .NET verifier's verdict on the untampered export and
/// on every tampering of the suite. Each tampered export is the insider's: a checkpoint over the
/// whole tampered log signed with the server's own log key, so that neither verifier can lean on
/// a checkpoint the tampering broke and only the entries and the rules replayed decide.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class JavaScriptAgreementTests(DemoExport demo, ITestOutputHelper log)
{
    static readonly string Script = Path.Combine(RepositoryFolder.Root, "tools", "jsverify", "verify.mjs");

    public static TheoryData<string> Names => TamperSuiteTests.Names;

    [Fact]
    public async Task TheVerifiersAgreeThatTheUntamperedExportIsValid()
    {
        var dotnet = demo.AuditPristine(demo.RootKeyId);

        var (exitCode, output) = await RunNodeAsync(demo.Folder, demo.RootKeyId);

        log.WriteLine(output);
        Assert.True(dotnet.Valid, string.Join("\n", dotnet.Findings));
        Assert.True(exitCode == Audit.ValidExitCode, $"tools/jsverify exited {exitCode}:\n{output}");
    }

    [Fact]
    public async Task TheVerifiersAgreeThatARestrictedProjectsPaymentDrawnAsThePolicySaysIsValid()
    {
        var export = TamperSuiteTests.RestrictedEquipmentPaid(demo).Export.KeepCheckpoints();
        var folder = export.WriteTo("restricted funds, untampered");
        File.WriteAllText(Path.Combine(folder, LedgerExport.CheckpointsFileName), InsidersCheckpointLine(folder));
        var dotnet = Audit.Run(new ExportSource(folder), export.PinnedRootKeyId);

        var (exitCode, output) = await RunNodeAsync(folder, export.PinnedRootKeyId);

        log.WriteLine(output);
        Assert.True(dotnet.Valid, string.Join("\n", dotnet.Findings));
        Assert.True(exitCode == Audit.ValidExitCode, $"tools/jsverify exited {exitCode}:\n{output}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task TheVerifiersAgreeOnTheTampering(string tampering)
    {
        var tampered = TamperSuiteTests.All.Single(t => t.Name == tampering).Apply(demo).KeepCheckpoints();
        var folder = tampered.WriteTo(tampering);
        File.WriteAllText(Path.Combine(folder, LedgerExport.CheckpointsFileName), InsidersCheckpointLine(folder));
        var dotnet = Audit.Run(new ExportSource(folder), tampered.PinnedRootKeyId);

        var (exitCode, output) = await RunNodeAsync(folder, tampered.PinnedRootKeyId);

        log.WriteLine($".NET: {(dotnet.Valid ? "VALID" : "INVALID")}, {string.Join("; ", dotnet.Findings.Take(5))}");
        log.WriteLine(output);
        Assert.True(exitCode == Audit.ExitCodeOf(dotnet),
            $".NET says {(dotnet.Valid ? "VALID" : "INVALID")} ({string.Join("; ", dotnet.Findings.Take(5))}); tools/jsverify exited {exitCode}:\n{output}");
    }

    /// <summary>
    /// The same tamperings with the checkpoints the suite leaves them (the outsider's, whose
    /// checkpoints no longer match, and the insider's, who kept or cut them), so that the two
    /// verifiers also agree where only the log gives the tampering away.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public async Task TheVerifiersAgreeOnTheTamperingWithTheCheckpointsItLeft(string tampering)
    {
        var tampered = TamperSuiteTests.All.Single(t => t.Name == tampering).Apply(demo);
        var folder = tampered.WriteTo($"{tampering} as left");
        var dotnet = Audit.Run(new ExportSource(folder), tampered.PinnedRootKeyId);

        var (exitCode, output) = await RunNodeAsync(folder, tampered.PinnedRootKeyId);

        log.WriteLine($".NET: {(dotnet.Valid ? "VALID" : "INVALID")}, {string.Join("; ", dotnet.Findings.Take(5))}");
        log.WriteLine(output);
        Assert.True(exitCode == Audit.ExitCodeOf(dotnet),
            $".NET says {(dotnet.Valid ? "VALID" : "INVALID")} ({string.Join("; ", dotnet.Findings.Take(5))}); tools/jsverify exited {exitCode}:\n{output}");
    }

    /// <summary>
    /// A checkpoint over every line of the export's entries file, parsable or not (a leaf is the
    /// entry hash of a line's bytes as they are), signed with the log key the server keeps.
    /// </summary>
    string InsidersCheckpointLine(string folder)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, LedgerExport.EntriesFileName));
        var tree = new MerkleTree();
        var start = 0;
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            var line = bytes.AsSpan(start, (end < 0 ? bytes.Length : end) - start);
            tree.Append(MerkleHash.Leaf(Hash.Of(FormatVersion.EntryHashPrefix, line).Bytes));
            start = end < 0 ? bytes.Length : end + 1;
        }
        var signer = demo.LogSigner;
        var note = System.Text.Encoding.UTF8.GetString(SignedNote.Sign(Checkpoint.Create(signer.VerifierKey.Name, tree.Size, tree.Root(tree.Size)).Format(), signer));
        return System.Text.Encoding.UTF8.GetString(CanonicalJson.Encode(new JsonObject { ["note"] = note, ["treeSize"] = tree.Size })) + "\n";
    }

    /// <summary>`node tools/jsverify/verify.mjs FOLDER`, as CI runs it; a machine without node fails here, never skips.</summary>
    static async Task<(int ExitCode, string Output)> RunNodeAsync(string folder, string? rootKeyId)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in rootKeyId is null ? [Script, folder] : new[] { Script, folder, "--root-key", rootKeyId })
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("node is needed to run the second verifier (tools/jsverify): install Node.js 20 or later (.ci/run installs it)", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            // Bounded only so that a hung verifier fails the test instead of the run.
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            return (process.ExitCode, await output + await error);
        }
    }
}
