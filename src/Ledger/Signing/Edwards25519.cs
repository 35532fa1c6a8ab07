// The group behind Ed25519 (RFC 8032 §5.1), in plain arithmetic, for one question NSec and
// libsodium's verify do not answer: is a public key a point of full order? libsodium's verify
// refuses non-canonical and small-order keys but accepts a mixed-order one (a key plus a point
// of order 2, 4 or 8), for which signatures verify or not depending on the message. A key the
// registry records must be a canonical encoding of a point of order exactly L (issue 15).
// Not constant time, and it need not be: it reads public keys only. Never used to sign or verify.
using System.Numerics;

namespace Ledger.Signing;

internal static class Edwards25519
{
    // RFC 8032 §5.1: p = 2^255 - 19, d = -121665/121666 mod p, the base point's order L.
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger D = Mod(-121665 * Inverse(121666));
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    // sqrt(-1) mod p = 2^((p-1)/4), the correction of RFC 8032 §5.1.3 step 3.
    private static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);

    private static readonly Point Identity = new(0, 1, 1, 0);

    /// <summary>A point in extended coordinates (RFC 8032 §5.1.4): x = X/Z, y = Y/Z, x*y = T/Z.</summary>
    private readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z, BigInteger T);

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
        var point = new Point(affine.X, affine.Y, 1, Mod(affine.X * affine.Y));
        return !IsIdentity(point) && IsIdentity(Multiply(L, point));
    }

    /// <summary>RFC 8032 §5.1.3, step by step.</summary>
    internal static bool TryDecode(ReadOnlySpan<byte> encoded, out (BigInteger X, BigInteger Y) point)
    {
        point = default;
        if (encoded.Length != Ed25519.PublicKeySizeBytes)
        {
            return false;
        }

        // Step 1: y is the little-endian number without bit 255, which is the sign of x.
        var xSign = (encoded[31] & 0x80) != 0;
        Span<byte> yBytes = stackalloc byte[Ed25519.PublicKeySizeBytes];
        encoded.CopyTo(yBytes);
        yBytes[31] &= 0x7f;
        var y = new BigInteger(yBytes, isUnsigned: true, isBigEndian: false);
        if (y >= P)
        {
            return false;
        }

        // Step 2: x^2 = u/v; the candidate root x = u v^3 (u v^7)^((p-5)/8).
        var u = Mod(y * y - 1);
        var v = Mod(D * y * y + 1);
        var x = Mod(u * BigInteger.ModPow(v, 3, P) * BigInteger.ModPow(Mod(u * BigInteger.ModPow(v, 7, P)), (P - 5) / 8, P));

        // Step 3: either x, or x times sqrt(-1), is a root; if neither, y is not on the curve.
        var vxx = Mod(v * x * x);
        if (vxx == Mod(-u))
        {
            x = Mod(x * SqrtMinusOne);
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
        if (x.IsEven == xSign)
        {
            x = P - x;
        }

        point = (x, y);
        return true;
    }

    private static bool IsIdentity(Point point) => Mod(point.X).IsZero && Mod(point.Y - point.Z).IsZero;

    private static Point Multiply(BigInteger scalar, Point addend)
    {
        var result = Identity;
        for (; !scalar.IsZero; scalar >>= 1)
        {
            if (!scalar.IsEven)
            {
                result = Add(result, addend);
            }
            addend = Add(addend, addend);
        }
        return result;
    }

    // RFC 8032 §5.1.4's addition, complete on this curve (a = -1, d not a square): it doubles too.
    private static Point Add(Point p, Point q)
    {
        var a = Mod((p.Y - p.X) * (q.Y - q.X));
        var b = Mod((p.Y + p.X) * (q.Y + q.X));
        var c = Mod(p.T * 2 * D * q.T);
        var d = Mod(p.Z * 2 * q.Z);
        var e = b - a;
        var f = d - c;
        var g = d + c;
        var h = b + a;
        return new Point(Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    private static BigInteger Mod(BigInteger value)
    {
        var remainder = value % P;
        return remainder.Sign < 0 ? remainder + P : remainder;
    }

    private static BigInteger Inverse(BigInteger value) => BigInteger.ModPow(value, P - 2, P);
}
