// The full-order check as first written, in System.Numerics.BigInteger, line for line after
// RFC 8032 §5.1: too slow for the registry (about a millisecond a key), kept here as the oracle
// that src/Ledger/Signing/Edwards25519.cs's fixed-size arithmetic is compared with
// (Edwards25519DifferentialTests), and to build test points (Sum) and field values.
using System.Numerics;
using Ledger.Signing;

namespace Ledger.Tests.Signing;

internal static class Edwards25519Reference
{
    // RFC 8032 §5.1: p = 2^255 - 19, d = -121665/121666 mod p, the base point's order L.
    internal static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    internal static readonly BigInteger D = Mod(-121665 * Inverse(121666));
    internal static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    // sqrt(-1) mod p = 2^((p-1)/4), the correction of RFC 8032 §5.1.3 step 3.
    internal static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);

    private static readonly Point Identity = new(0, 1, 1, 0);

    /// <summary>A point in extended coordinates (RFC 8032 §5.1.4): x = X/Z, y = Y/Z, x*y = T/Z.</summary>
    private readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z, BigInteger T);

    /// <summary>Decodes, is not the identity, and [L]P is the identity.</summary>
    internal static bool IsFullOrderPoint(ReadOnlySpan<byte> encoded)
    {
        if (!TryDecode(encoded, out var affine))
        {
            return false;
        }
        var point = FromAffine(affine);
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

    /// <summary>The encoding (RFC 8032 §5.1.2) of the sum of two encoded points, which must decode.</summary>
    internal static byte[] Sum(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (!TryDecode(a, out var pointA) || !TryDecode(b, out var pointB))
        {
            throw new ArgumentException("both encodings must decode");
        }
        var sum = Add(FromAffine(pointA), FromAffine(pointB));
        var zInverse = Inverse(sum.Z);
        return Encode(Mod(sum.X * zInverse), Mod(sum.Y * zInverse));
    }

    /// <summary>The 32-byte little-endian encoding of a value below 2^256.</summary>
    internal static byte[] Bytes(BigInteger value)
    {
        var bytes = new byte[32];
        Assert.True(value.Sign >= 0 && value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false));
        return bytes;
    }

    internal static BigInteger Mod(BigInteger value)
    {
        var remainder = value % P;
        return remainder.Sign < 0 ? remainder + P : remainder;
    }

    private static byte[] Encode(BigInteger x, BigInteger y)
    {
        var encoded = Bytes(y);
        encoded[31] |= (byte)(x.IsEven ? 0 : 0x80);
        return encoded;
    }

    private static Point FromAffine((BigInteger X, BigInteger Y) affine) => new(affine.X, affine.Y, 1, Mod(affine.X * affine.Y));

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

    private static BigInteger Inverse(BigInteger value) => BigInteger.ModPow(value, P - 2, P);
}
