// Which public keys may be registered (issue 15): the canonical encoding of a point of order L.
// Every expected outcome below was computed independently with the Python of
// tests/vectors/generate/ed25519_points.py (run: python3 tests/vectors/generate/ed25519_points.py HEX...),
// which prints each encoding's decoding and the order of its point.
using Ledger.Signing;

namespace Ledger.Tests.Signing;

public sealed class FullOrderPointTests
{
    // RFC 8032 §7.1 TEST 1's public key: order L.
    private const string ValidKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    public static TheoryData<string, string> RefusedKeys() => new()
    {
        // y = 0 decodes to (sqrt(-1), 0), a point of order 4.
        { "all zero bytes", "0000000000000000000000000000000000000000000000000000000000000000" },
        // (0, 1), the neutral element.
        { "the identity", "0100000000000000000000000000000000000000000000000000000000000000" },
        // (0, -1), order 2.
        { "the point of order 2", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" },
        // The two points of order 8 in libsodium's small-order blocklist (ed25519_ref10.c).
        { "a point of order 8", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a" },
        { "another point of order 8", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05" },
        // TEST 1's key plus the order-8 point above: on the curve, canonical, not small order,
        // yet not in the prime-order subgroup (libsodium's verify accepts it as a key).
        { "a mixed-order point", "9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245" },
        // y = p + 3: non-canonical; y = 3 would decode to a (mixed-order) point.
        { "y at or above p", "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" },
        // y = 1 with the sign bit set: x = 0 has no negative, so this is a second encoding of the identity.
        { "x = 0 with the sign bit set", "0100000000000000000000000000000000000000000000000000000000000080" },
        // y = 2: (y^2 - 1)/(d y^2 + 1) is not a square mod p.
        { "a y not on the curve", "0200000000000000000000000000000000000000000000000000000000000000" },
    };

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public void KeyThatIsNotAPointOfFullOrderIsRefused(string what, string hex)
    {
        Assert.False(VerificationKey.FromBytes(Convert.FromHexString(hex)).IsFullOrderPoint, what);
    }

    [Fact]
    public void TheRfc8032KeyIsAPointOfFullOrder()
    {
        Assert.True(VerificationKey.FromBytes(Convert.FromHexString(ValidKey)).IsFullOrderPoint);
    }

    [Fact]
    public void EveryPublishedVectorKeyIsAPointOfFullOrder()
    {
        var keys = Ed25519Vectors.Rfc8032.Select(v => v.PublicKey)
            .Concat(Ed25519Vectors.Wycheproof.Select(c => c.PublicKey))
            .Select(Convert.ToHexStringLower)
            .Distinct()
            .ToList();

        Assert.All(keys, hex => Assert.True(VerificationKey.FromBytes(Convert.FromHexString(hex)).IsFullOrderPoint, hex));
    }

    // The two refusals that a looser decoder would turn into points: the checks of RFC 8032
    // §5.1.3 themselves, seen where the order test cannot hide them.
    [Theory]
    [InlineData("f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // y = p + 3
    [InlineData("0100000000000000000000000000000000000000000000000000000000000080")] // x = 0, sign 1
    [InlineData("0200000000000000000000000000000000000000000000000000000000000000")] // not on the curve
    public void NonCanonicalOrOffCurveEncodingDoesNotDecode(string hex)
    {
        Assert.False(Edwards25519.TryDecode(Convert.FromHexString(hex), out _));
    }

    [Theory]
    [InlineData("0300000000000000000000000000000000000000000000000000000000000000")] // y = 3, the reduction of y = p + 3
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")] // the identity, canonically
    [InlineData(ValidKey)]
    public void CanonicalEncodingOfAPointDecodes(string hex)
    {
        Assert.True(Edwards25519.TryDecode(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void DecodingRecoversTheBasePoint()
    {
        // RFC 8032 §5.1: B = (x, 4/5) with x positive (even); encoded as 5866…66.
        var encoded = Convert.FromHexString("5866666666666666666666666666666666666666666666666666666666666666");

        Assert.True(Edwards25519.TryDecode(encoded, out var point));
        Assert.True(FieldElement.TryRead(
            Edwards25519Reference.Bytes(System.Numerics.BigInteger.Parse("15112221349535400772501151409588531511454012693041857206046113283949847762202")),
            out var x));
        Assert.Equal(x, point.X);
    }

    // The eight points of small order (1, 2, 4 and 8: the group is 8L), each encoding of them
    // that the curve has: canonical, with the sign bit set where x = 0 forbids it, and with y + p
    // where that is below 2^255. ed25519_points.py prints each one's order or its refusal.
    public static TheoryData<string, string> SmallOrderEncodings() => new()
    {
        { "order 1 (the identity)", "0100000000000000000000000000000000000000000000000000000000000000" },
        { "order 1, x = 0 with the sign bit", "0100000000000000000000000000000000000000000000000000000000000080" },
        { "order 1, y = p + 1", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" },
        { "order 1, y = p + 1 with the sign bit", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" },
        { "order 2", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" },
        { "order 2, x = 0 with the sign bit", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" },
        { "order 4, x even", "0000000000000000000000000000000000000000000000000000000000000000" },
        { "order 4, x odd", "0000000000000000000000000000000000000000000000000000000000000080" },
        { "order 4, y = p", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" },
        { "order 4, y = p with the sign bit", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" },
        { "order 8, first y, x even", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a" },
        { "order 8, first y, x odd", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa" },
        { "order 8, second y, x even", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05" },
        { "order 8, second y, x odd", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85" },
    };

    [Theory]
    [MemberData(nameof(SmallOrderEncodings))]
    public void EveryEncodingOfAPointOfSmallOrderIsRefused(string what, string hex)
    {
        Assert.False(Edwards25519.IsFullOrderPoint(Convert.FromHexString(hex)), what);
    }

    // Keys of full order as NSec derives them from seeds (seeded, so a failure can be replayed).
    internal static IEnumerable<byte[]> SeededKeys(int seed, int count)
    {
        var random = new Random(seed);
        var keySeed = new byte[Ed25519.SeedSizeBytes];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(keySeed);
            using var key = SigningKey.FromSeed(keySeed);
            yield return key.PublicKey.Bytes.ToArray();
        }
    }

    [Fact]
    public void KeysThatNSecGeneratesArePointsOfFullOrder()
    {
        Assert.All(SeededKeys(seed: 8032, count: 1_000), key => Assert.True(Edwards25519.IsFullOrderPoint(key), Convert.ToHexStringLower(key)));
    }

    // A key plus each of the seven points of small order but the identity: on the curve,
    // canonical, not of small order, and not of order L. The sums come from the BigInteger oracle.
    [Fact]
    public void KeysPlusAPointOfSmallOrderAreRefused()
    {
        var smallOrder = SmallOrderEncodings().Select(row => Convert.FromHexString((string)row[1]))
            .Where(encoded => Edwards25519Reference.TryDecode(encoded, out _))
            .Where(encoded => !encoded.AsSpan().SequenceEqual(Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000000")))
            .ToList();
        Assert.Equal(7, smallOrder.Count);

        var mixed = SeededKeys(seed: 15, count: 20).SelectMany(key => smallOrder.Select(point => Edwards25519Reference.Sum(key, point))).ToList();

        Assert.All(mixed, key => Assert.False(Edwards25519.IsFullOrderPoint(key), Convert.ToHexStringLower(key)));
    }

    // Every y from p to 2^255 - 1 (a second encoding of 0 to 18), with either sign bit.
    public static IEnumerable<byte[]> EncodingsOfYAtOrAboveP()
    {
        for (var y = Edwards25519Reference.P; y < System.Numerics.BigInteger.Pow(2, 255); y++)
        {
            var encoded = Edwards25519Reference.Bytes(y);
            yield return encoded;
            encoded = [.. encoded];
            encoded[31] |= 0x80;
            yield return encoded;
        }
    }

    [Fact]
    public void EveryYAtOrAbovePIsRefused()
    {
        var encodings = EncodingsOfYAtOrAboveP().ToList();

        Assert.Equal(38, encodings.Count);
        Assert.All(encodings, encoded =>
        {
            Assert.False(Edwards25519.TryDecode(encoded, out _));
            Assert.False(Edwards25519.IsFullOrderPoint(encoded));
        });
    }

    // x = 0 only for y = 1 and y = -1; with the sign bit set, each is a second encoding.
    [Theory]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000080")] // y = 1
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")] // y = p - 1
    public void XZeroWithTheSignBitIsRefused(string hex)
    {
        Assert.False(Edwards25519.TryDecode(Convert.FromHexString(hex), out _));
        Assert.False(Edwards25519.IsFullOrderPoint(Convert.FromHexString(hex)));
    }
}
