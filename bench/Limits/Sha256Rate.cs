using System.Diagnostics;
using Ledger.Hashing;

namespace Ledger.Bench.Limits;

/// <summary>
/// The SHA-256 rate of this machine on inputs of an entry's size: the bound of the verifier's
/// hash-only mode and of log integration (issue 8 item 3). Measured with the SHA-256 the ledger
/// hashes with (<see cref="Sha256"/>), so that the bound is never slower than what it bounds.
/// </summary>
public static class Sha256Rate
{
    /// <summary>A typical entry's canonical bytes are 600 to 800 bytes.</summary>
    public const int InputBytes = 600;

    /// <returns>Hashes per second on one core and on all cores.</returns>
    public static (double OneCore, double AllCores) Measure(TimeSpan duration)
    {
        double Rate(int threads)
        {
            var stopwatch = Stopwatch.StartNew();
            long total = 0;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
            {
                var input = new byte[InputBytes];
                input[0] = (byte)thread;
                Span<byte> digest = stackalloc byte[32];
                long count = 0;
                while (stopwatch.Elapsed < duration)
                {
                    for (var i = 0; i < 1024; i++)
                    {
                        // Chaining each digest into the next input keeps the work from being hoisted.
                        Sha256.HashData(input, digest);
                        digest[..8].CopyTo(input);
                    }
                    count += 1024;
                }
                Interlocked.Add(ref total, count);
            });
            return total / stopwatch.Elapsed.TotalSeconds;
        }
        return (Rate(1), Rate(Environment.ProcessorCount));
    }
}
