// The group behind Ed25519 (RFC 8032 §5.1), for one question NSec and libsodium's verify do
// not answer: is a public key a point of full order? libsodium's verify refuses non-canonical
// and small-order keys but accepts a mixed-order one (a key plus a point of order 2, 4 or 8),
// for which signatures verify or not depending on the message. A key the registry records must
// be a canonical encoding of a point of order exactly L (issue 15).
// Not constant time, and it need not be: it reads public keys only. Never used to sign or verify.
// The arithmetic is FieldElement's fixed-size limbs, since the check runs for every registration
// the verifier replays (tests/Ledger.Tests/Signing/Edwards25519Reference.cs keeps the plain
// BigInteger version it replaced, as the oracle of a differential test).
namespace Ledger.Signing;

internal static class Edwards25519
{
    // RFC 8032 §5.1's constants as little-endian encodings (values in Edwards25519Reference.cs):
    // d = -121665/121666 mod p, 2d for the addition, and sqrt(-1) = 2^((p-1)/4) mod p.
    private static readonly FieldElement D = Constant("a3785913ca4deb75abd841414d0a700098e879777940c78c73fe6f2bee6c0352");
    private static readonly FieldElement TwoD = Constant("59f1b226949bd6eb56b183829a14e00030d1f3eef2808e19e7fcdf56dcd90624");
    private static readonly FieldElement SqrtMinusOne = Constant("b0a00e4a271beec478e42fad0618432fa7d7fb3d99004d2b0bdfc14f8024832b");

    // The base point's order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    private static readonly byte[] L = Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    private const int LBits = 253;

    private static readonly Point Identity = new(FieldElement.Zero, FieldElement.One, FieldElement.One, FieldElement.Zero);

    /// <summary>A point in extended coordinates (RFC 8032 §5.1.4): x = X/Z, y = Y/Z, x*y = T/Z.</summary>
    private readonly record struct Point(FieldElement X, FieldElement Y, FieldElement Z, FieldElement T);

    /// <summary>
    /// True when <paramref name="encoded"/> is the canonical encoding of a point whose order
    /// is L: it decodes (RFC 8032 §5.1.3, refusing y ≥ p and x = 0 with the sign bit set),
    /// is not the identity, and [L]P is the identity. The group has order 8L, so this refuses
    /// the eight points of small order and every mixed-order point as well.
    /// </summary>
    internal static bool IsFullOrderPoint(ReadOnlySpan<byte> encoded)
    {
        if (!TryDecode(encoded, out var affine))
        {
            return false;
        }
        var point = new Point(affine.X, affine.Y, FieldElement.One, affine.X * affine.Y);
        return !IsIdentity(point) && IsIdentity(MultiplyByL(point));
    }

    /// <summary>RFC 8032 §5.1.3, step by step.</summary>
    internal static bool TryDecode(ReadOnlySpan<byte> encoded, out (FieldElement X, FieldElement Y) point)
    {
        point = default;
        if (encoded.Length != Ed25519.PublicKeySizeBytes)
        {
            return false;
        }

        // Step 1: y is the little-endian number without bit 255, which is the sign of x.
        var xSign = (encoded[31] & 0x80) != 0;
        if (!FieldElement.TryRead(encoded, out var y))
        {
            return false;
        }

        // Step 2: x^2 = u/v; the candidate root x = u v^3 (u v^7)^((p-5)/8).
        var yy = y.Square();
        var u = yy - FieldElement.One;
        var v = (D * yy) + FieldElement.One;
        var v3 = v.Square() * v;
        var x = u * v3 * (u * v3.Square() * v).PowPMinus5Over8();

        // Step 3: either x, or x times sqrt(-1), is a root; if neither, y is not on the curve.
        var vxx = v * x.Square();
        if (vxx == -u)
        {
            x *= SqrtMinusOne;
        }
        else if (vxx != u)
        {
            return false;
        }

        // Step 4: x = 0 has no negative, so a set sign bit there is a second encoding.
        if (x.IsZero && xSign)
        {
            return false;
        }
        if (x.IsNegative != xSign)
        {
            x = -x;
        }

        point = (x, y);
        return true;
    }

    private static bool IsIdentity(Point point) => point.X.IsZero && point.Y == point.Z;

    // Double-and-add from L's top bit down: 252 doublings and one addition for each of its 73 set bits.
    private static Point MultiplyByL(Point addend)
    {
        var result = Identity;
        for (var bit = LBits - 1; bit >= 0; bit--)
        {
            result = Double(result);
            if ((L[bit / 8] >> (bit % 8) & 1) == 1)
            {
                result = Add(result, addend);
            }
        }
        return result;
    }

    // RFC 8032 §5.1.4's addition, complete on this curve (a = -1, d not a square).
    private static Point Add(Point p, Point q)
    {
        var a = (p.Y - p.X) * (q.Y - q.X);
        var b = (p.Y + p.X) * (q.Y + q.X);
        var c = p.T * TwoD * q.T;
        var d = p.Z * (q.Z + q.Z);
        var e = b - a;
        var f = d - c;
        var g = d + c;
        var h = b + a;
        return new Point(e * f, g * h, f * g, e * h);
    }

    // RFC 8032 §5.1.4's doubling: four squarings and four multiplications where the addition
    // takes nine multiplications, and doublings are most of [L]P.
    private static Point Double(Point p)
    {
        var a = p.X.Square();
        var b = p.Y.Square();
        var zz = p.Z.Square();
        var c = zz + zz;
        var h = a + b;
        var e = h - (p.X + p.Y).Square();
        var g = a - b;
        var f = c + g;
        return new Point(e * f, g * h, f * g, e * h);
    }

    private static FieldElement Constant(string littleEndianHex) =>
        FieldElement.TryRead(Convert.FromHexString(littleEndianHex), out var element)
            ? element
            : throw new InvalidOperationException($"{littleEndianHex} is no canonical field element");
}
