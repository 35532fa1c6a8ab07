using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Ledger.Api;
using Ledger.Client;
using Ledger.Canonical;
using Ledger.Tests.Tampering;
using Ledger.Verifier.Verification;
using Xunit.Abstractions;

namespace Ledger.Tests.Cli;

/// <summary>
/// Issue 6, the acceptance of the command line: the real Verifier.dll run as a process, the way
/// a resident supervisor runs it, on the demo export and on tampered copies of it. Exit code 0
/// valid, 1 findings, 2 usage or unreadable input, with one line on stderr.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class VerifierCommandLineTests(DemoExport demo, ITestOutputHelper log)
{
    [Fact]
    public async Task TheDemoExportWithTheRootKeyPinnedIsValid()
    {
        var (exitCode, output, error) = await RunAsync(demo.Folder, "--root-key", demo.RootKeyId);

        log.WriteLine(output);
        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.StartsWith($"账目一致：核对了 {demo.Lines.Count} 条记录", output);
        Assert.Contains($"根密钥 {demo.RootKeyId}：与指定的密钥一致。", output);
        Assert.Equal("VALID: every hash, chain, signature and rule checks out.", Lines(output)[^1]);
    }

    [Fact]
    public async Task WithLangEnTheReportIsInEnglishAndEndsWithTheSameLine()
    {
        var (exitCode, output, error) = await RunAsync(demo.Folder, "--root-key", demo.RootKeyId, "--lang", "en");

        log.WriteLine(output);
        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.StartsWith($"The accounts agree: {demo.Lines.Count} entries in ", output);
        Assert.Contains($"Root key {demo.RootKeyId}: matches the pinned key.", output);
        Assert.Equal("VALID: every hash, chain, signature and rule checks out.", Lines(output)[^1]);
    }

    [Fact]
    public async Task AWrongRootKeyIsSaidInTheVerdictAtTheTop()
    {
        var wrong = DemoExport.UnregisteredKey("someone").KeyId;

        var (exitCode, output, _) = await RunAsync(demo.Folder, "--root-key", wrong, "--lang", "en");

        log.WriteLine(output);
        Assert.Equal(1, exitCode);
        var lines = Lines(output);
        Assert.StartsWith("1 inconsistency found: ", lines[0]);
        Assert.StartsWith($"Wrong root key: you pinned {wrong} with --root-key", lines[1]);
        Assert.DoesNotContain("matches the pinned key", output);
        Assert.Equal("INVALID: 1 finding(s).", lines[^1]);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task HtmlWritesANewPrintablePageReadableByItsOwnerOnlyAndNeverOverwritesOne()
    {
        var file = Path.Combine(Directory.CreateDirectory(demo.Demo.NewFolderPath("html-report")).FullName, "report.html");

        var (exitCode, output, error) = await RunAsync(demo.Folder, "--root-key", demo.RootKeyId, "--html", file);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.StartsWith("账目一致", output);
        var html = await File.ReadAllTextAsync(file);
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"zh-CN\">", html);
        Assert.Contains($"<h1 class=\"agree\">{Lines(output)[0]}</h1>", html);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        var (againExitCode, againOutput, againError) = await RunAsync(demo.Folder, "--root-key", demo.RootKeyId, "--lang", "en", "--html", file);

        Assert.Equal(2, againExitCode);
        Assert.Equal("", againOutput);
        Assert.StartsWith("verifier: ", Assert.Single(Lines(againError)));
        Assert.Contains("already exists", againError);
        Assert.Equal(html, await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task TheRootKeyCanBePinnedByItsPublicKey()
    {
        var (exitCode, output, _) = await RunAsync(demo.Folder, "--root-key", Hex.Encode(demo.Registrar.Key.PublicKey.Bytes));

        Assert.Equal(0, exitCode);
        Assert.Contains("与指定的密钥一致", output);
    }

    [Fact]
    public async Task WithoutARootKeyItPrintsTheFingerprintItFoundAndSaysItWasNotPinned()
    {
        var (exitCode, output, error) = await RunAsync(demo.Folder);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains($"根密钥 {demo.RootKeyId}：未指定", output);
        Assert.StartsWith($"注意：没有指定根密钥。", Lines(output)[1]);
        Assert.Contains($"--root-key {demo.RootKeyId}", output);
    }

    [Fact]
    public async Task TheReportsFiguresAreTheApis()
    {
        var (exitCode, output, error) = await RunAsync(demo.Folder, "--root-key", demo.RootKeyId, "--json");
        Assert.True(exitCode == 0, error);
        using var report = JsonDocument.Parse(output);
        var root = report.RootElement;
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.True(root.GetProperty("rootKeyPinned").GetBoolean());
        Assert.Equal(demo.Lines.Count, root.GetProperty("entryCount").GetInt64());

        await using var server = await LedgerServer.StartAsync(demo.Demo.Options, ["--Logging:LogLevel:Default=Warning"]);
        using var http = new HttpClient { BaseAddress = server.Address };
        var client = new LedgerClient(http, TimeProvider.System);

        var listed = await client.GetAsync("/v1/projects");
        Assert.True(listed.IsSuccess);
        var projects = root.GetProperty("projects").EnumerateArray().ToList();
        Assert.Equal(listed.Body.EnumerateArray().Select(p => p.GetProperty("projectId").GetString()).Order(StringComparer.Ordinal),
            projects.Select(p => p.GetProperty("projectId").GetString()));
        foreach (var project in projects)
        {
            var projectId = project.GetProperty("projectId").GetString()!;
            var view = await client.GetAsync($"/v1/projects/{projectId}");
            Assert.True(view.IsSuccess, view.Body.ToString());
            var totals = view.Body.GetProperty("totals");
            log.WriteLine($"{projectId}: received {Fen(project, "receivedFen")}, paid {Fen(project, "paidFen")}, pending {Fen(project, "pendingFen")}, available {Fen(project, "availableFen")}");
            foreach (var figure in new[] { "receivedFen", "paidFen", "pendingFen", "availableFen" })
            {
                Assert.True(Fen(totals, figure) == Fen(project, figure), $"{projectId} {figure}: the API says {Fen(totals, figure)}, the verifier {Fen(project, figure)}");
            }
            Assert.Equal(Fen(view.Body, "contractPriceFen"), Fen(project, "contractPriceFen"));
            Assert.Equal(Figures(view.Body.GetProperty("fundingSources"), "source", "plannedFen", "receivedFen"),
                Figures(project.GetProperty("sources"), "source", "plannedFen", "receivedFen"));
            Assert.Equal(Figures(view.Body.GetProperty("tranches"), "tranche", "cumulativeCapFen", "paidFen"),
                Figures(project.GetProperty("tranches"), "tranche", "cumulativeCapFen", "paidFen"));
        }

        // Households are private: each is read with its resident's signed read.
        var households = root.GetProperty("households").EnumerateArray().ToDictionary(h => h.GetProperty("householdId").GetString()!);
        foreach (var householdId in new[] { "b1-0101", "b2-0302", "b3-0102", "b3-0602", "b5-0401" })
        {
            var view = await client.GetAsync($"/v1/households/{householdId}", demo.KeyOf($"resident-{householdId}"));
            Assert.True(view.IsSuccess, view.Body.ToString());
            var figures = households[householdId];
            Assert.Equal(view.Body.GetProperty("points").GetProperty("balance").GetInt64(), figures.GetProperty("pointsBalance").GetInt64());
            Assert.Equal(Figures(view.Body.GetProperty("shares"), "projectId", "shareFen", "paidFen", "dueFen"),
                Figures(figures.GetProperty("shares"), "projectId", "shareFen", "paidFen", "dueFen"));
        }
    }

    [Fact]
    public async Task ATamperingOfEachKindExitsWithOneAndTheJsonListsItsFindings()
    {
        // The tamper suite checks every tampering through the library; here the real program
        // runs on the first tampering of each kind of finding the suite expects, two at a time
        // on a small machine (each process spends a few tenths of a second starting and JIT-compiling).
        var runs = TamperSuiteTests.All.GroupBy(t => t.Expect[0].Kind).Select(g => g.First())
            .Select(t => (Tampering: t, Export: t.Apply(demo))).ToList();
        var folders = runs.Select(r => r.Export.WriteTo("cli " + r.Tampering.Name)).ToList();
        var results = new ConcurrentDictionary<int, (int ExitCode, string Output, string Error)>();
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, runs.Count), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (i, _) =>
            {
                string[] pin = runs[i].Export.PinnedRootKeyId is { } key ? ["--root-key", key] : [];
                results[i] = await RunAsync([folders[i], .. pin, "--json"]);
            });
        log.WriteLine($"{runs.Count} tampered exports audited by the command line in {stopwatch.Elapsed.TotalSeconds:0.0} s:");
        foreach (var (tampering, _) in runs)
        {
            log.WriteLine($"  {tampering.Expect[0].Kind}: {tampering.Name}");
        }

        for (var i = 0; i < runs.Count; i++)
        {
            var (tampering, (exitCode, output, error)) = (runs[i].Tampering, results[i]);
            Assert.True(exitCode == 1, $"{tampering.Name}: exit code {exitCode}, {error}");
            using var report = JsonDocument.Parse(output);
            Assert.False(report.RootElement.GetProperty("valid").GetBoolean(), tampering.Name);
            var findings = report.RootElement.GetProperty("findings").EnumerateArray().ToList();
            Assert.NotEmpty(findings);
            foreach (var finding in findings)
            {
                foreach (var member in new[] { "kind", "stream", "sequence", "logPosition", "check", "expected", "found" })
                {
                    Assert.True(finding.TryGetProperty(member, out _), $"{tampering.Name}: a finding without {member}: {finding}");
                }
            }
            foreach (var expected in tampering.Expect)
            {
                Assert.True(findings.Any(f => f.GetProperty("kind").GetString() == expected.Kind.ToString()
                        && (expected.Stream is null || f.GetProperty("stream").GetString() == expected.Stream)),
                    $"{tampering.Name}: no {expected.Kind} finding{(expected.Stream is null ? "" : " in " + expected.Stream)} in\n{output}");
            }
        }
    }

    [Fact]
    public async Task ATamperedExportInTextSaysInvalidAndNamesEachFinding()
    {
        var tampering = TamperSuiteTests.All.Single(t => t.Name == "a payment beyond the unlocked tranche, every signature valid");
        var folder = tampering.Apply(demo).WriteTo("cli text");

        var (exitCode, output, _) = await RunAsync(folder, "--root-key", demo.RootKeyId);

        log.WriteLine(output);
        Assert.Equal(1, exitCode);
        Assert.StartsWith("发现 1 处不一致", output);
        Assert.Contains("这笔操作违反账目规则", output);
        Assert.Contains($"RuleViolation at {DemoExport.FacadeStream}#", output);
        Assert.Contains("BeyondTrancheCap", output);
        Assert.Equal("INVALID: 1 finding(s).", Lines(output)[^1]);
    }

    [Fact]
    public async Task HashOnlyExitsWithZeroOnTheDemoExportAndTheJsonSaysItWasHashOnly()
    {
        var text = RunAsync(demo.Folder, "--root-key", demo.RootKeyId, "--log-key", demo.LogKey, "--hash-only");
        var json = RunAsync(demo.Folder, "--root-key", demo.RootKeyId, "--log-key", demo.LogKey, "--hash-only", "--json");

        var (exitCode, output, error) = await text;
        log.WriteLine(output);
        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains("VALID: every hash, chain and checkpoint checks out; signatures and rules were not checked (--hash-only).", output);
        var (jsonExitCode, jsonOutput, _) = await json;
        Assert.Equal(0, jsonExitCode);
        using var report = JsonDocument.Parse(jsonOutput);
        Assert.Equal("HashOnly", report.RootElement.GetProperty("depth").GetString());
        Assert.True(report.RootElement.GetProperty("valid").GetBoolean());
        Assert.Empty(report.RootElement.GetProperty("projects").EnumerateArray());
    }

    [Fact]
    public async Task HashOnlyExitsWithOneOnABrokenChainAndWithZeroOnARuleViolationItDoesNotCheck()
    {
        var brokenChain = TamperSuiteTests.All.Single(t => t.Name == "an entry edited in place, the later links of its stream left as they were");
        var ruleViolation = TamperSuiteTests.All.Single(t => t.Name == "a payment beyond the unlocked tranche, every signature valid");
        var broken = RunAsync(brokenChain.Apply(demo).WriteTo("cli hash-only chain"), "--root-key", demo.RootKeyId, "--hash-only");
        var violating = RunAsync(ruleViolation.Apply(demo).WriteTo("cli hash-only rule"), "--root-key", demo.RootKeyId, "--hash-only");

        var (brokenExitCode, brokenOutput, _) = await broken;
        var (violatingExitCode, violatingOutput, _) = await violating;

        Assert.Equal(1, brokenExitCode);
        Assert.Contains("ChainBroken", brokenOutput);
        Assert.Equal(0, violatingExitCode);
        Assert.Contains("signatures and rules were not checked", violatingOutput);
    }

    [Fact]
    public async Task AFolderThatIsNotAnExportExitsWithTwoAndOneLine()
    {
        var folder = Directory.CreateDirectory(demo.Demo.NewFolderPath("not-an-export")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "entries.jsonl"), "");

        var (exitCode, output, error) = await RunAsync(folder, "--root-key", demo.RootKeyId);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("verifier: ", line);
        Assert.Contains("is not an export", line);
    }

    [Fact]
    public async Task AManifestThatIsNotJsonIsAFindingAndTheEntriesAreStillAudited()
    {
        // Read and found wrong, not unreadable (issue 15): a report, exit 1, not exit 2.
        var folder = Directory.CreateDirectory(demo.Demo.NewFolderPath("unreadable-manifest")).FullName;
        File.Copy(Path.Combine(demo.Folder, "entries.jsonl"), Path.Combine(folder, "entries.jsonl"));
        await File.WriteAllTextAsync(Path.Combine(folder, "manifest.json"), "{\"format\":1,");

        var (exitCode, output, error) = await RunAsync(folder, "--root-key", demo.RootKeyId);

        Assert.Equal(1, exitCode);
        Assert.Equal("", error);
        Assert.Contains($"{demo.Lines.Count} 条记录", output);
        Assert.Contains(nameof(FindingKind.ManifestMalformed), output);
    }

    [Theory]
    [InlineData("no arguments")]
    [InlineData("a root key that is neither a key id nor a public key")]
    [InlineData("both an export and a database")]
    [InlineData("a language the report is not written in")]
    public async Task BadArgumentsExitWithTwoAndOneLine(string what)
    {
        string[] arguments = what switch
        {
            "no arguments" => [],
            "a root key that is neither a key id nor a public key" => [demo.Folder, "--root-key", "ABCDEF"],
            "both an export and a database" => [demo.Folder, "--database", "Host=127.0.0.1"],
            "a language the report is not written in" => [demo.Folder, "--lang", "fr"],
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var (exitCode, output, error) = await RunAsync(arguments);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith("verifier: ", Assert.Single(Lines(error)));
    }

    [Fact]
    public async Task AnUnknownOptionExitsWithTwoNamingIt()
    {
        var (exitCode, output, error) = await RunAsync(demo.Folder, "--bogus");

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith("verifier: unexpected argument --bogus", Lines(error)[0]);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("verify-entry --help")]
    public async Task HelpPrintsTheUsageAndExitsWithZero(string arguments)
    {
        var (exitCode, output, error) = await RunAsync(arguments.Split(' '));

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains("Usage:", output);
        Assert.Contains("--log-key", output);
    }

    static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments) => VerifierProcess.RunAsync(arguments);

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    static long Fen(JsonElement element, string name) => element.GetProperty(name).GetInt64();

    /// <summary>An array of objects as "key: a, b, …" lines, for comparing two shapes of the same figures.</summary>
    static List<string> Figures(JsonElement array, string key, params string[] values) =>
        [.. array.EnumerateArray()
            .Select(e => $"{e.GetProperty(key).GetString()}: {string.Join(", ", values.Select(v => e.GetProperty(v).GetInt64()))}")
            .Order(StringComparer.Ordinal)];
}
