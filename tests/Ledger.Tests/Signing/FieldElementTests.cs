// The arithmetic mod p = 2^255 - 19 under Edwards25519.cs (src/Ledger/Signing/FieldElement.cs),
// against System.Numerics.BigInteger: the edges of its representation (values at and just below
// p, limbs at 2^51, sums and products that reach p or more and must be reduced) and seeded values.
using System.Numerics;
using Ledger.Signing;
using static Ledger.Tests.Signing.Edwards25519Reference;

namespace Ledger.Tests.Signing;

public sealed class FieldElementTests
{
    private static readonly BigInteger TwoTo255 = BigInteger.Pow(2, 255);

    // Values whose limbs sit at their bounds, and p - 1, the largest canonical value.
    private static readonly BigInteger[] Edges =
    [
        0, 1, 2, 18, 19, 20,
        BigInteger.Pow(2, 51) - 1, BigInteger.Pow(2, 51), BigInteger.Pow(2, 102) - 1, BigInteger.Pow(2, 204),
        BigInteger.Pow(2, 254), BigInteger.Pow(2, 255) - 20 - BigInteger.Pow(2, 51),
        P - 19, P - 2, P - 1,
    ];

    public static TheoryData<string, string> EdgePairs()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var a in Edges)
        {
            foreach (var b in Edges)
            {
                pairs.Add(a.ToString(), b.ToString());
            }
        }
        return pairs;
    }

    [Theory]
    [MemberData(nameof(EdgePairs))]
    public void ArithmeticOnTheEdgesAgreesWithBigInteger(string aText, string bText)
    {
        var (a, b) = (BigInteger.Parse(aText), BigInteger.Parse(bText));

        AssertAgrees(a, b);
    }

    [Fact]
    public void ArithmeticOnSeededValuesAgreesWithBigInteger()
    {
        var random = new Random(25519);
        var bytes = new byte[32];
        for (var i = 0; i < 1_000; i++)
        {
            random.NextBytes(bytes);
            var a = Mod(new BigInteger(bytes, isUnsigned: true));
            random.NextBytes(bytes);
            var b = Mod(new BigInteger(bytes, isUnsigned: true));

            AssertAgrees(a, b);
        }
    }

    // Every number from p to 2^255 - 1 is a second encoding of 0 to 18, which RFC 8032 §5.1.3
    // refuses; bit 255 is x's sign, not part of the number.
    [Fact]
    public void OnlyNumbersBelowPAreRead()
    {
        for (var value = P - 1; value < TwoTo255; value++)
        {
            var bytes = Bytes(value);

            Assert.Equal(value < P, FieldElement.TryRead(bytes, out _));
            bytes[31] |= 0x80;
            Assert.Equal(value < P, FieldElement.TryRead(bytes, out _));
        }
        Assert.True(FieldElement.TryRead(Bytes(TwoTo255 + 5), out var five));
        Assert.Equal(Read(5), five);
    }

    // (p - 1) + 1 and (p - 1) + 19 leave the limbs of p and of 2^255 - 1 after the operation's
    // carry: only the canonical reduction behind comparing, zero and the sign sees 0 and 18.
    [Fact]
    public void ResultsOfPOrMoreAreReducedWhereTheyAreCompared()
    {
        var pMinusOne = Read(P - 1);

        var p = pMinusOne + FieldElement.One;
        var twoTo255MinusOne = pMinusOne + Read(19);

        Assert.True(p.IsZero);
        Assert.Equal(FieldElement.Zero, p);
        Assert.False(p.IsNegative);
        Assert.Equal(Read(18), twoTo255MinusOne);
        Assert.False(twoTo255MinusOne.IsNegative);
        Assert.NotEqual(Read(17), twoTo255MinusOne);
        Assert.Equal(p.GetHashCode(), FieldElement.Zero.GetHashCode());
        Assert.False(pMinusOne.IsNegative);
        Assert.True(Read(P - 2).IsNegative);
        Assert.NotEqual(FieldElement.Zero, pMinusOne);
    }

    private static void AssertAgrees(BigInteger a, BigInteger b)
    {
        var (x, y) = (Read(a), Read(b));
        var context = $"a = {a}, b = {b}";

        Assert.True(Read(Mod(a + b)) == x + y, context + ": a + b");
        Assert.True(Read(Mod(a - b)) == x - y, context + ": a - b");
        Assert.True(Read(Mod(-a)) == -x, context + ": -a");
        Assert.True(Read(Mod(a * b)) == x * y, context + ": a * b");
        Assert.True(Read(Mod(a * a)) == x.Square(), context + ": a²");
        Assert.True(Read(BigInteger.ModPow(a, (P - 5) / 8, P)) == x.PowPMinus5Over8(), context + ": a^((p-5)/8)");
        Assert.Equal(a.IsZero, x.IsZero);
        Assert.Equal(!a.IsEven, x.IsNegative);
        Assert.Equal(a == b, x == y);
    }

    private static FieldElement Read(BigInteger value)
    {
        Assert.True(FieldElement.TryRead(Bytes(value), out var element), value.ToString());
        return element;
    }
}
