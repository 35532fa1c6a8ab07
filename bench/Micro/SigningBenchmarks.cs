using BenchmarkDotNet.Attributes;
using Ledger.Signing;

namespace Ledger.Bench.Micro;

/// <summary>
/// Ed25519 through NSec (src/Ledger/Signing, DESIGN.md decision 9), over the
/// bytes a client signs for a typical command: the command prefix and the canonical command.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SigningBenchmarks
{
    SigningKey key = null!;
    VerificationKey publicKey = null!;
    byte[] message = null!;
    byte[] signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        var community = PreparedCommunity.Create();
        var signed = community.Sign(PreparedCommunity.ResidentOf(PreparedCommunity.Household), Rules.Projects.ProjectCommandTypes.PayShare,
            PreparedCommunity.PayShareBody(100));
        key = community.Key(PreparedCommunity.ResidentOf(PreparedCommunity.Household));
        publicKey = key.PublicKey;
        message = signed.Command.SignedBytes();
        signature = signed.Signature;
        Console.WriteLine($"signed bytes of a PayShare command: {message.Length}");
    }

    [Benchmark]
    public byte[] Sign() => key.Sign(message);

    [Benchmark]
    public bool Verify() => publicKey.Verify(message, signature);
}
