using BenchmarkDotNet.Attributes;
using Ledger.Bench.Verifier;
using Ledger.Verifier.Verification;

namespace Ledger.Bench.Micro;

/// <summary>
/// Issue 16 item 7, the verifier's per-entry path as the command line runs it: an export's
/// lines read from the file, parsed, hashed (entry, log leaf, the file's checksum), each
/// signature checked and each command replayed — every figure per entry, over a generated
/// export of <see cref="Entries"/> (bench/Verifier/SyntheticLedger.cs: points awards and
/// redemptions, as `bench verifier` audits). The memory diagnoser counts what every thread
/// allocates, so the parallel preparation is in the bytes. The stages alone say where the
/// bytes and the time of an audit go: reading the lines, then preparing them, then the whole
/// audit at each depth.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class VerifierEntryBenchmarks
{
    /// <summary>Four batches of the full audit's preparation, so that the pipeline overlaps as it does on a large export.</summary>
    const int Entries = 16_384;

    string directory = null!;
    string rootKeyId = null!;

    [GlobalSetup]
    public void Setup()
    {
        directory = Path.Combine(Path.GetTempPath(), $"ledger-bench-verifier-entry-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        (_, rootKeyId) = SyntheticLedger.Write(directory, Entries, households: 1_000);
        foreach (var depth in new[] { AuditDepth.Full, AuditDepth.HashOnly })
        {
            if (Audit(depth) is { Valid: false } or { EntryCount: not Entries })
            {
                throw new InvalidOperationException($"the {depth} audit of the generated export is not a valid one of {Entries} entries: the benchmark would time findings");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(directory, recursive: true);

    /// <summary>The lines alone, as the export source reads them and checksums the file.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public long ReadLines()
    {
        long bytes = 0;
        foreach (var entry in new ExportSource(directory).Entries())
        {
            bytes += entry.Bytes.Length;
        }
        return bytes;
    }

    /// <summary>Read, parsed, hashed and signatures checked on every core, in log order, without the replay.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int Prepare()
    {
        var valid = 0;
        foreach (var entry in EntryPreparation.Prepare(new ExportSource(directory).Entries()))
        {
            valid += entry.SignatureValid ? 1 : 0;
        }
        return valid;
    }

    [Benchmark(OperationsPerInvoke = Entries)]
    public AuditReport FullAudit() => Audit(AuditDepth.Full);

    [Benchmark(OperationsPerInvoke = Entries)]
    public AuditReport HashOnlyAudit() => Audit(AuditDepth.HashOnly);

    AuditReport Audit(AuditDepth depth) => Ledger.Verifier.Verification.Audit.Run(new ExportSource(directory), rootKeyId, depth: depth);
}
