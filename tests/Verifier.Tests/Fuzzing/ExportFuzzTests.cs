using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Export;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Merkle;
using Ledger.Signing;
using Ledger.Tests.Tampering;
using Ledger.Verifier.Verification;
using Xunit.Abstractions;

namespace Ledger.Tests.Fuzzing;

/// <summary>
/// Issue 15: a seeded fuzzer over the demo export. Each case mutates one file of a valid export
/// — deletes, duplicates, swaps or splices lines, flips bytes, writes extreme numbers, deep
/// nesting, a byte-order mark or CRLF — and audits it in process, through the same library and
/// exit-code mapping as the command line. Every case must give a report and an exit code of 0,
/// 1 or 2; a case that changed any byte must never be VALID, and one that changed none must be.
/// </summary>
/// <remarks>
/// The export is a prefix of the demo's log (a prefix of a valid log is valid) with two
/// checkpoints signed by a log key of the fuzzer's own, so that a case costs milliseconds; and
/// one case in <see cref="FullAuditEvery"/> replays the rules, which takes most of an audit's
/// time, the others auditing hashes only. The seed is printed; set <see cref="SeedVariable"/>
/// to run another.
/// </remarks>
[Collection(DemoExportCollection.Name)]
public sealed class ExportFuzzTests(DemoExport demo, ITestOutputHelper log)
{
    public const string SeedVariable = "VERIFIER_FUZZ_SEED";
    const int DefaultSeed = 20_260_415;
    const int Cases = 10_000;

    /// <summary>The registry's people, and the elevator project's opening with its first payments.</summary>
    const int PrefixLines = 101;

    /// <summary>One case in this many replays every rule (most of a case's time); the others check hashes, chains, the manifest and the checkpoints.</summary>
    const int FullAuditEvery = 8;

    enum Mutation
    {
        DeleteLine,
        DuplicateLine,
        SwapLines,
        SpliceLines,
        FlipByte,
        NumberExtreme,
        DeepNesting,
        ByteOrderMark,
        CarriageReturns,
        Truncate,
        JunkLine,
        PrettyPrint,
    }

    /// <summary>What a number in the export may be made into: beyond 2^53, beyond a long, a double, negative zero.</summary>
    static readonly string[] NumberExtremes =
    [
        "9007199254740991", "9007199254740992", "-9007199254740992", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "1e308", "-1e308", "1E400", "-0", "0.5", "00", "2147483648", "-1",
    ];

    [Fact]
    public void NoMutationOfTheExportCrashesTheAuditOrPassesForValid()
    {
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : DefaultSeed;
        log.WriteLine($"seed {seed} ({SeedVariable}={seed} runs these cases again)");
        var random = new Random(seed);
        var folder = demo.NewFolder("fuzz");
        Directory.CreateDirectory(folder);
        var original = PristineFiles();
        var pristine = AuditOnce(folder, original, pinLogKey: true, AuditDepth.Full);
        Assert.True(pristine.ExitCode == Audit.ValidExitCode, $"the unmutated prefix: {pristine.Summary}");

        var outcomes = new Dictionary<(string File, Mutation Mutation), int[]>();
        var stopwatch = Stopwatch.StartNew();
        var processorTime = Process.GetCurrentProcess().TotalProcessorTime;
        for (var number = 0; number < Cases; number++)
        {
            var files = new Dictionary<string, byte[]>(original);
            var file = random.Next(10) switch
            {
                < 7 => LedgerExport.EntriesFileName,
                < 9 => LedgerExport.CheckpointsFileName,
                _ => LedgerExport.ManifestFileName,
            };
            var mutations = Enumerable.Range(0, random.Next(10) < 8 ? 1 : 2).Select(_ => (Mutation)random.Next(Enum.GetValues<Mutation>().Length)).ToList();
            foreach (var mutation in mutations)
            {
                files[file] = Mutate(files[file], mutation, random);
            }
            var pinLogKey = random.Next(2) == 0;
            var depth = random.Next(FullAuditEvery) == 0 ? AuditDepth.Full : AuditDepth.HashOnly;
            var changed = files.Any(f => !f.Value.AsSpan().SequenceEqual(original[f.Key]));
            var signedBytesChanged = files.Any(f => SignedBytesChanged(f.Key, original[f.Key], f.Value));
            var where = $"case {number} (seed {seed}): {string.Join(" + ", mutations)} of {file}, {depth}, log key {(pinLogKey ? "pinned" : "not pinned")}";

            var outcome = AuditOnce(folder, files, pinLogKey, depth, where);

            Assert.True(outcome.ExitCode is Audit.ValidExitCode or Audit.FindingsExitCode or Audit.UnusableExitCode, $"{where}: exit {outcome.ExitCode}");
            if (signedBytesChanged)
            {
                Assert.True(outcome.ExitCode != Audit.ValidExitCode, $"{where}: a changed byte passed as VALID");
            }
            else if (!changed)
            {
                Assert.True(outcome.ExitCode == Audit.ValidExitCode, $"{where}: nothing changed, yet {outcome.Summary}");
            }
            var counts = outcomes.TryGetValue((file, mutations[0]), out var seen) ? seen : outcomes[(file, mutations[0])] = new int[3];
            counts[outcome.ExitCode]++;
        }

        log.WriteLine($"{Cases} cases in {stopwatch.Elapsed.TotalSeconds:0.0} s ({(Process.GetCurrentProcess().TotalProcessorTime - processorTime).TotalSeconds:0.0} s of processor time) over a prefix of {PrefixLines} entries; exit codes 0 / 1 / 2 by file and first mutation:");
        foreach (var ((file, mutation), counts) in outcomes.OrderBy(o => o.Key.File, StringComparer.Ordinal).ThenBy(o => o.Key.Mutation))
        {
            log.WriteLine($"  {file,-18} {mutation,-16} {counts[0],5} {counts[1],5} {counts[2],5}");
        }
    }

    sealed record Outcome(int ExitCode, string Summary);

    /// <summary>
    /// Whether a byte that a hash, a signature or the manifest's checks cover was changed. Every
    /// byte of the entries and the manifest is; of the checkpoints, a line dropped whole is not
    /// (a checkpoint left out is not a checkpoint changed: the export just proves less), any
    /// other change is.
    /// </summary>
    static bool SignedBytesChanged(string file, byte[] original, byte[] mutated)
    {
        if (file != LedgerExport.CheckpointsFileName || (mutated.Length > 0 && mutated[^1] != '\n'))
        {
            return !mutated.AsSpan().SequenceEqual(original);
        }
        var originalLines = new List<byte[]>();
        EditLines(original, originalLines.AddRange);
        var next = 0;
        var kept = true;
        EditLines(mutated, lines =>
        {
            foreach (var line in lines.Where(l => l.Length > 0))
            {
                while (next < originalLines.Count && !originalLines[next].AsSpan().SequenceEqual(line))
                {
                    next++;
                }
                kept &= next++ < originalLines.Count;
            }
        });
        return !kept;
    }

    /// <summary>Writes the files and audits them as the command line does: a report and its exit code, or exit 2 for a source that cannot be read.</summary>
    Outcome AuditOnce(string folder, IReadOnlyDictionary<string, byte[]> files, bool pinLogKey, AuditDepth depth, string where = "the pristine prefix")
    {
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        }
        AuditReport report;
        try
        {
            report = Audit.Run(new ExportSource(folder), demo.RootKeyId, pinnedLogKey: pinLogKey ? FuzzLogKey.VerifierKey.Format() : null, depth: depth);
        }
        catch (UnreadableInputException e)
        {
            return new Outcome(Audit.UnusableExitCode, e.Message);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{where}: the audit threw {e}");
        }
        // The report is written, as the command line writes it, in both forms.
        Assert.False(string.IsNullOrEmpty(report.ToText()), where);
        Assert.False(string.IsNullOrEmpty(report.ToJson()), where);
        return new Outcome(Audit.ExitCodeOf(report), report.Valid ? "VALID" : string.Join("; ", report.Findings.Take(3)));
    }

    /// <summary>The demo's log key, which its registry names among the first entries (FORMAT.md §10.3).</summary>
    NoteSigner FuzzLogKey => demo.LogSigner;

    /// <summary>A valid export of the first entries of the demo's log, with two checkpoints (so that consistency is checked) signed by the demo's log key.</summary>
    Dictionary<string, byte[]> PristineFiles()
    {
        var folder = demo.Tamper().KeepFirst(PrefixLines).WriteTo("fuzz-pristine");
        var tree = new MerkleTree();
        foreach (var line in demo.Lines.Take(PrefixLines))
        {
            tree.Append(MerkleHash.Leaf(Entry.Parse(line).Hash.Bytes));
        }
        var checkpoints = new MemoryStream();
        foreach (var size in new long[] { PrefixLines / 2, PrefixLines })
        {
            var note = Encoding.UTF8.GetString(SignedNote.Sign(Checkpoint.Create(FuzzLogKey.Name, size, tree.Root(size)).Format(), FuzzLogKey));
            checkpoints.Write(CanonicalJson.Encode(new JsonObject { ["note"] = note, ["treeSize"] = size }));
            checkpoints.WriteByte((byte)'\n');
        }
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [LedgerExport.EntriesFileName] = File.ReadAllBytes(Path.Combine(folder, LedgerExport.EntriesFileName)),
            [LedgerExport.ManifestFileName] = File.ReadAllBytes(Path.Combine(folder, LedgerExport.ManifestFileName)),
            [LedgerExport.CheckpointsFileName] = checkpoints.ToArray(),
        };
    }

    static byte[] Mutate(byte[] file, Mutation mutation, Random random)
    {
        switch (mutation)
        {
            case Mutation.DeleteLine:
                return EditLines(file, lines => lines.RemoveAt(random.Next(lines.Count)));
            case Mutation.DuplicateLine:
                return EditLines(file, lines => lines.Insert(random.Next(lines.Count + 1), lines[random.Next(lines.Count)]));
            case Mutation.SwapLines:
                return EditLines(file, lines =>
                {
                    var (first, second) = (random.Next(lines.Count), random.Next(lines.Count));
                    (lines[first], lines[second]) = (lines[second], lines[first]);
                });
            case Mutation.SpliceLines:
                return EditLines(file, lines =>
                {
                    var (head, tail) = (lines[random.Next(lines.Count)], lines[random.Next(lines.Count)]);
                    lines[random.Next(lines.Count)] = [.. head.AsSpan(0, random.Next(head.Length + 1)), .. tail.AsSpan(random.Next(tail.Length + 1))];
                });
            case Mutation.FlipByte:
            {
                var flipped = file.ToArray();
                if (flipped.Length > 0)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }
                return flipped;
            }
            case Mutation.NumberExtreme:
                return ReplaceAValue(file, random, isNumber: true, NumberExtremes[random.Next(NumberExtremes.Length)]);
            case Mutation.DeepNesting:
            {
                var depth = new[] { CanonicalJson.MaxDepth - 1, CanonicalJson.MaxDepth + 1, 64, 65, 10_000 }[random.Next(5)];
                return ReplaceAValue(file, random, isNumber: random.Next(2) == 0, new string('[', depth) + "1" + new string(']', depth));
            }
            case Mutation.ByteOrderMark:
                return EditLines(file, lines =>
                {
                    var index = random.Next(2) == 0 ? 0 : random.Next(lines.Count);
                    lines[index] = [0xEF, 0xBB, 0xBF, .. lines[index]];
                });
            case Mutation.CarriageReturns:
                return random.Next(2) == 0
                    ? EditLines(file, lines => { for (var i = 0; i < lines.Count; i++) { lines[i] = [.. lines[i], (byte)'\r']; } })
                    : EditLines(file, lines => { var i = random.Next(lines.Count); lines[i] = [.. lines[i], (byte)'\r']; });
            case Mutation.Truncate:
                return file[..random.Next(file.Length)];
            case Mutation.JunkLine:
                return EditLines(file, lines =>
                {
                    var junk = new byte[random.Next(1, 200)];
                    random.NextBytes(junk);
                    lines.Insert(random.Next(lines.Count + 1), [.. junk.Where(b => b != '\n')]);
                });
            case Mutation.PrettyPrint:
                return EditLines(file, lines =>
                {
                    var index = random.Next(lines.Count);
                    try
                    {
                        lines[index] = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(JsonDocument.Parse(lines[index]).RootElement, new JsonSerializerOptions { WriteIndented = true }).Replace("\n", " ", StringComparison.Ordinal));
                    }
                    catch (JsonException)
                    {
                        // Already not JSON: left as it is.
                    }
                });
            default:
                throw new ArgumentOutOfRangeException(nameof(mutation));
        }
    }

    /// <summary>Edits a file's lines (each without its line feed), then joins them as the file had them: each ended by a line feed, the last one too if it was.</summary>
    static byte[] EditLines(byte[] file, Action<List<byte[]>> edit)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < file.Length; i++)
        {
            if (file[i] == '\n')
            {
                lines.Add(file[start..i]);
                start = i + 1;
            }
        }
        var unterminated = start < file.Length;
        if (unterminated)
        {
            lines.Add(file[start..]);
        }
        if (lines.Count == 0)
        {
            lines.Add([]);
        }
        edit(lines);
        var edited = new MemoryStream();
        for (var i = 0; i < lines.Count; i++)
        {
            edited.Write(lines[i]);
            if (i < lines.Count - 1 || !unterminated)
            {
                edited.WriteByte((byte)'\n');
            }
        }
        return edited.ToArray();
    }

    /// <summary>Replaces one number (or one string) of the file, picked at random, by <paramref name="replacement"/>.</summary>
    static byte[] ReplaceAValue(byte[] file, Random random, bool isNumber, string replacement)
    {
        var text = Encoding.UTF8.GetString(file);
        var matches = (isNumber ? Numbers : Strings).Matches(text);
        if (matches.Count == 0)
        {
            return file;
        }
        var match = matches[random.Next(matches.Count)];
        return Encoding.UTF8.GetBytes(text[..match.Index] + replacement + text[(match.Index + match.Length)..]);
    }

    static readonly System.Text.RegularExpressions.Regex Numbers = new(@"(?<=[:\[,])-?[0-9]+(?=[,\]}])");

    static readonly System.Text.RegularExpressions.Regex Strings = new("(?<=:)\"[^\"\\\\]*\"");
}
