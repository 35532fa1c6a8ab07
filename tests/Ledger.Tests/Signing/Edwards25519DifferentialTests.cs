// src/Ledger/Signing/Edwards25519.cs against the BigInteger version it replaced
// (Edwards25519Reference): the same decoding and the same verdict on seeded random strings,
// on keys of full order and on every special encoding FullOrderPointTests names.
using System.Numerics;
using Ledger.Signing;

namespace Ledger.Tests.Signing;

public sealed class Edwards25519DifferentialTests
{
    [Fact]
    public void RandomStringsGetTheReferencesDecodingAndVerdict()
    {
        var random = new Random(121666);
        var strings = Enumerable.Range(0, 2_000).Select(_ =>
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            return bytes;
        }).ToList();

        var verdicts = strings.Select(AssertSameAsTheReference).ToList();

        // Half of all y are on the curve, and an eighth of the points have order L: the sample
        // exercises both verdicts and both decodings.
        Assert.InRange(verdicts.Count(v => v == Verdict.FullOrder), 50, 250);
        Assert.InRange(verdicts.Count(v => v == Verdict.NotFullOrder), 600, 1_200);
        Assert.InRange(verdicts.Count(v => v == Verdict.DoesNotDecode), 600, 1_400);
    }

    [Fact]
    public void SpecialEncodingsGetTheReferencesDecodingAndVerdict()
    {
        var special = FullOrderPointTests.RefusedKeys().Select(row => (string)row[1])
            .Concat(FullOrderPointTests.SmallOrderEncodings().Select(row => (string)row[1]))
            .Select(Convert.FromHexString)
            .Concat(FullOrderPointTests.EncodingsOfYAtOrAboveP())
            .Concat(FullOrderPointTests.SeededKeys(seed: 19, count: 50))
            .ToList();

        Assert.All(special, encoded => AssertSameAsTheReference(encoded));
    }

    private enum Verdict { DoesNotDecode, NotFullOrder, FullOrder }

    private static Verdict AssertSameAsTheReference(byte[] encoded)
    {
        var hex = Convert.ToHexStringLower(encoded);
        var decodes = Edwards25519Reference.TryDecode(encoded, out var expected);

        Assert.True(decodes == Edwards25519.TryDecode(encoded, out var actual), hex);
        if (decodes)
        {
            Assert.True(actual.X == Element(expected.X) && actual.Y == Element(expected.Y), hex);
        }
        var fullOrder = Edwards25519Reference.IsFullOrderPoint(encoded);
        Assert.True(fullOrder == Edwards25519.IsFullOrderPoint(encoded), hex);
        return !decodes ? Verdict.DoesNotDecode : fullOrder ? Verdict.FullOrder : Verdict.NotFullOrder;
    }

    private static FieldElement Element(BigInteger value)
    {
        Assert.True(FieldElement.TryRead(Edwards25519Reference.Bytes(value), out var element));
        return element;
    }
}
