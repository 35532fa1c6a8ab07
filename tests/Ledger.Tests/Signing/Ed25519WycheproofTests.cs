// Wycheproof EddsaVerify (C2SP/wycheproof testvectors_v1/ed25519_test.json): every case, one
// theory row per tcId. A strict RFC 8032 §5.1.7 verifier accepts exactly the "valid" ones.
using Ledger.Signing;

namespace Ledger.Tests.Signing;

public sealed class Ed25519WycheproofTests
{
    public static TheoryData<int> TcIds() => new(Ed25519Vectors.Wycheproof.Select(c => c.TcId));

    [Fact]
    public void EveryDeclaredWycheproofCaseIsLoaded()
    {
        Assert.Equal(Ed25519Vectors.WycheproofDeclaredCount, Ed25519Vectors.Wycheproof.Count);
        Assert.Equal(151, Ed25519Vectors.Wycheproof.Count);
    }

    [Theory]
    [MemberData(nameof(TcIds))]
    public void VerifyAcceptsExactlyTheCasesWycheproofCallsValid(int tcId)
    {
        var testCase = Ed25519Vectors.Wycheproof.Single(c => c.TcId == tcId);
        var key = VerificationKey.FromBytes(testCase.PublicKey);

        var verified = key.Verify(testCase.Message, testCase.Signature);

        Assert.True(
            verified == (testCase.Result == "valid"),
            $"tcId {tcId} ({testCase.Comment}): Wycheproof says {testCase.Result}, Verify returned {verified}");
    }
}
