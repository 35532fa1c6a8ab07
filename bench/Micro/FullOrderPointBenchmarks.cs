using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Ledger.Signing;

namespace Ledger.Bench.Micro;

/// <summary>
/// The full-order check every registered key passes (src/Ledger/Signing/Edwards25519.cs), which
/// the verifier repeats for every replayed registration: keys of full order, the common case,
/// derived from seeds (SHA-256 of an index) and cycled so that no single key is timed over and over.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class FullOrderPointBenchmarks
{
    const int Keys = 64;

    VerificationKey[] keys = null!;
    int next;

    [GlobalSetup]
    public void Setup() =>
        keys = Enumerable.Range(0, Keys).Select(i =>
        {
            using var key = SigningKey.FromSeed(SHA256.HashData(BitConverter.GetBytes(i)));
            return key.PublicKey;
        }).ToArray();

    [Benchmark]
    public bool IsFullOrderPoint()
    {
        var key = keys[next];
        next = (next + 1) % Keys;
        return key.IsFullOrderPoint;
    }
}
