// Corrupted variants of RFC 8032 TEST 1-3 from tests/vectors/ed25519_corrupted.json (STYLE.md 6):
// each must be refused at the stage its `failsAt` names, and Verify must never throw.
using Ledger.Signing;

namespace Ledger.Tests.Signing;

public sealed class Ed25519CorruptedTests
{
    public static TheoryData<string> CaseNames() => new(Ed25519Vectors.Corrupted.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CorruptedInputIsRefusedWhereTheVectorSays(string name)
    {
        var testCase = Ed25519Vectors.Corrupted.Single(c => c.Name == name);

        if (testCase.FailsAt == "FromBytes")
        {
            Assert.True(testCase.WantErr);
            Assert.Throws<ArgumentException>(() => VerificationKey.FromBytes(testCase.PublicKey));
            return;
        }

        Assert.Contains(testCase.FailsAt, new string?[] { null, "Verify" });
        var key = VerificationKey.FromBytes(testCase.PublicKey);
        Assert.Equal(!testCase.WantErr, key.Verify(testCase.Message, testCase.Signature));
    }
}
