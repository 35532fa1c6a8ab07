using System.Diagnostics;
using Ledger.Bench.Limits;
using Ledger.Verifier.Verification;

namespace Ledger.Bench.Verifier;

/// <summary>The verifier's throughput at both depths over one export, in entries audited per second, one figure per run.</summary>
/// <param name="Valid">Whether every audit found the export valid, as a generated export must be.</param>
public sealed record VerifierFigures(long Entries, IReadOnlyList<double> SignaturesPerSecond, IReadOnlyList<double> HashOnlyPerSecond, bool Valid);

/// <summary>
/// Issue 6 item 6 and issue 8: generates an export of N entries and audits it with the verifier
/// library, fully (bounded by Ed25519 verification) and hash-only (bounded by SHA-256), each
/// next to this machine's rate of its bound, measured in the same run.
/// </summary>
public static class VerifierThroughput
{
    /// <summary>
    /// Generates the export, then audits it fully and hash-only, each timed, <paramref name="runs"/>
    /// times (one export, generated once: the runs differ only by the machine); writes nothing to
    /// the console. Hash-only is timed from its second audit on: its first, a second or two at
    /// 10^6 entries, also pays for compiling its code to the last tier and growing the heap, which
    /// a full audit of a minute amortises.
    /// </summary>
    /// <param name="keepDirectory">Where to write the export and leave it; null for a temporary folder, deleted afterwards.</param>
    public static VerifierFigures Measure(long entries, int households, string? keepDirectory, int runs = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var directory = keepDirectory ?? Path.Combine(Path.GetTempPath(), $"ledger-bench-export-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        try
        {
            var (_, rootKeyId) = SyntheticLedger.Write(directory, entries, households);
            var full = Enumerable.Range(0, runs).Select(_ => Audited(directory, rootKeyId, AuditDepth.Full)).ToList();
            Audited(directory, rootKeyId, AuditDepth.HashOnly);
            var hashOnly = Enumerable.Range(0, runs).Select(_ => Audited(directory, rootKeyId, AuditDepth.HashOnly)).ToList();
            return new VerifierFigures(full[0].Report.EntryCount, [.. full.Select(a => a.EntriesPerSecond)], [.. hashOnly.Select(a => a.EntriesPerSecond)],
                full.Concat(hashOnly).All(a => a.Report.Valid));
        }
        finally
        {
            if (keepDirectory is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The `verifier` subcommand: the limits, then <see cref="Measure"/>, as a table of each figure against its limit.</summary>
    public static int Run(long entries, int households, string? keepDirectory)
    {
        Console.WriteLine(Machine.Describe());
        var (ed25519OneCore, ed25519AllCores) = Ed25519Rate.Measure(TimeSpan.FromSeconds(2));
        Console.WriteLine($"Ed25519 verify: {ed25519OneCore:N0}/s on one core, {ed25519AllCores:N0}/s on all cores");
        var (sha256OneCore, sha256AllCores) = Sha256Rate.Measure(TimeSpan.FromSeconds(2));
        Console.WriteLine($"SHA-256 of {Sha256Rate.InputBytes} bytes: {sha256OneCore:N0}/s on one core, {sha256AllCores:N0}/s on all cores");
        Console.WriteLine($"generating {entries:N0} entries, then auditing them fully and hash-only …");

        var figures = Measure(entries, households, keepDirectory);

        Console.WriteLine(figures.Valid ? "both audits: valid" : "an audit found the generated export INVALID");
        Console.WriteLine();
        Console.WriteLine("| figure | measured | limit (same run) | ratio |");
        Console.WriteLine("|---|---|---|---|");
        void Row(string figure, double measured, string limit, double limitPerSecond) =>
            Console.WriteLine($"| verifier, {figure}, {figures.Entries:N0} entries | {measured:N0} entries/s | {limit}: {limitPerSecond:N0}/s | {measured / limitPerSecond:N2} |");
        Row("signatures checked", figures.SignaturesPerSecond[0], "Ed25519 verify, all cores", ed25519AllCores);
        Row("signatures checked", figures.SignaturesPerSecond[0], "Ed25519 verify, one core", ed25519OneCore);
        Row("hash-only", figures.HashOnlyPerSecond[0], $"SHA-256 of {Sha256Rate.InputBytes} bytes, all cores", sha256AllCores);
        Row("hash-only", figures.HashOnlyPerSecond[0], $"SHA-256 of {Sha256Rate.InputBytes} bytes, one core", sha256OneCore);
        return figures.Valid ? 0 : 1;
    }

    static (AuditReport Report, double EntriesPerSecond) Audited(string directory, string rootKeyId, AuditDepth depth)
    {
        var stopwatch = Stopwatch.StartNew();
        var report = Audit.Run(new ExportSource(directory), rootKeyId, depth: depth);
        return (report, report.EntryCount / stopwatch.Elapsed.TotalSeconds);
    }
}
