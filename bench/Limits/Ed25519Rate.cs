using System.Diagnostics;
using Ledger.Signing;

namespace Ledger.Bench.Limits;

/// <summary>
/// The Ed25519 verify rate of this machine, measured in the run that reports against it:
/// absolute speeds drift between runs, ratios to a limit measured alongside do not.
/// </summary>
public static class Ed25519Rate
{
    /// <returns>Verifications per second on one core and on all cores.</returns>
    public static (double OneCore, double AllCores) Measure(TimeSpan duration) =>
        (Rate(1, duration), Rate(Environment.ProcessorCount, duration));

    /// <returns>Verifications per second on one core.</returns>
    public static double OneCore(TimeSpan duration) => Rate(1, duration);

    static double Rate(int threads, TimeSpan duration)
    {
        using var key = SigningKey.FromSeed(new byte[32]);
        var message = new byte[300];
        var signature = key.Sign(message);
        var publicKey = key.PublicKey;
        var stopwatch = Stopwatch.StartNew();
        long total = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            long count = 0;
            while (stopwatch.Elapsed < duration)
            {
                for (var i = 0; i < 64; i++)
                {
                    if (!publicKey.Verify(message, signature))
                    {
                        throw new InvalidOperationException("a valid signature failed to verify");
                    }
                }
                count += 64;
            }
            Interlocked.Add(ref total, count);
        });
        return total / stopwatch.Elapsed.TotalSeconds;
    }
}
