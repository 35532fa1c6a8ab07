using System.Diagnostics;
using Ledger.Bench.Limits;
using Ledger.Verifier.Verification;

namespace Ledger.Bench.Verifier;

/// <summary>
/// Issue 6 item 6: generates an export of N entries and audits it with the verifier library,
/// reporting entries audited per second next to this machine's Ed25519 verify rate, measured
/// in the same run.
/// </summary>
public static class VerifierThroughput
{
    public static int Run(long entries, int households, string? keepDirectory)
    {
        var directory = keepDirectory ?? Path.Combine(Path.GetTempPath(), $"ledger-bench-export-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        try
        {
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            var (oneCore, allCores) = Ed25519Rate.Measure(TimeSpan.FromSeconds(2));
            Console.WriteLine($"Ed25519 verify: {oneCore:N0}/s on one core, {allCores:N0}/s on all cores");

            var generating = Stopwatch.StartNew();
            var (manifest, rootKeyId) = SyntheticLedger.Write(directory, entries, households);
            Console.WriteLine($"generated {manifest.EntryCount:N0} entries in {manifest.Streams.Count:N0} streams in {generating.Elapsed.TotalSeconds:N1} s ({directory})");

            var auditing = Stopwatch.StartNew();
            var report = Audit.Run(new ExportSource(directory), rootKeyId);
            var seconds = auditing.Elapsed.TotalSeconds;
            var rate = report.EntryCount / seconds;
            Console.WriteLine($"audited {report.EntryCount:N0} entries in {seconds:N1} s: {rate:N0} entries/s, {(report.Valid ? "valid" : $"{report.Findings.Count} findings")}");
            Console.WriteLine();
            Console.WriteLine("| figure | measured | limit (same run) | ratio |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine($"| verifier, signatures checked | {rate:N0} entries/s | Ed25519 verify, all cores: {allCores:N0}/s | {rate / allCores:N2} |");
            Console.WriteLine($"| verifier, signatures checked | {rate:N0} entries/s | Ed25519 verify, one core: {oneCore:N0}/s | {rate / oneCore:N2} |");
            return report.Valid ? 0 : 1;
        }
        finally
        {
            if (keepDirectory is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
