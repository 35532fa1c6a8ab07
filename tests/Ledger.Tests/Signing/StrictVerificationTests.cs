// The acceptance rules of docs/FORMAT.md §6.2, one vector each (tests/vectors/ed25519_strict.json,
// made by tests/vectors/generate/ed25519_strict.py without any Ed25519 library): S < L, canonical
// A and R, neither of small order. The page's verifier is held to the same file
// (tests/Browser/ed25519.test.js).
using Ledger.Signing;

namespace Ledger.Tests.Signing;

public sealed class StrictVerificationTests
{
    public static TheoryData<string> CaseNames() => new(Ed25519Vectors.Strict.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void VerifiesAsTheFormatSays(string name)
    {
        var testCase = Ed25519Vectors.Strict.Single(c => c.Name == name);
        Assert.Equal(testCase.Accept, VerificationKey.FromBytes(testCase.PublicKey).Verify(testCase.Message, testCase.Signature));
    }

    [Fact]
    public void TheRegistryRefusesEveryKeyTheVectorsUseExceptTheHonestOne()
    {
        var keys = Ed25519Vectors.Strict.Select(c => Convert.ToHexString(c.PublicKey)).Distinct().ToList();
        var honest = Convert.ToHexString(Ed25519Vectors.Strict.Single(c => c.Name == "valid").PublicKey);
        Assert.All(keys, key => Assert.Equal(key == honest, VerificationKey.FromBytes(Convert.FromHexString(key)).IsFullOrderPoint));
    }
}
