// Integers mod p = 2^255 - 19, the field of Ed25519's coordinates (RFC 8032 §5.1), for the
// full-order check of Edwards25519.cs. Fixed-size arithmetic because that check runs for every
// key the registry records and again for every registration the verifier replays: with
// System.Numerics.BigInteger it cost about a millisecond a key.
//
// An element is five limbs of 51 bits, value = l0 + l1·2^51 + l2·2^102 + l3·2^153 + l4·2^204,
// the representation of ref10 and curve25519-donna's 64-bit code. Limbs are kept below 2^52, not
// below 2^51: every operation ends with one carry pass, and only Canonical() reduces fully, so
// an element has more than one representation until it is compared or its sign or zeroness read.
// Below 2^52, a product of two limbs times 19 and summed five times stays under 2^112, and a
// carry times 19 under 2^62; checked arithmetic (Directory.Build.props) would throw if not.
// Not constant time: it only ever handles public keys.
using System.Buffers.Binary;

namespace Ledger.Signing;

internal readonly struct FieldElement : IEquatable<FieldElement>
{
    private const int LimbBits = 51;
    private const ulong LimbMask = (1UL << LimbBits) - 1;

    private readonly ulong _l0, _l1, _l2, _l3, _l4;

    private FieldElement(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4) =>
        (_l0, _l1, _l2, _l3, _l4) = (l0, l1, l2, l3, l4);

    internal static FieldElement Zero => default;

    internal static FieldElement One => new(1, 0, 0, 0, 0);

    /// <summary>
    /// Reads the little-endian number in bits 0 to 254 of 32 bytes; bit 255 is not part of it
    /// (Ed25519 keeps x's sign there). False when the number is p or more: RFC 8032 §5.1.3
    /// refuses such an encoding as non-canonical rather than reducing it.
    /// </summary>
    internal static bool TryRead(ReadOnlySpan<byte> bytes, out FieldElement element)
    {
        var w0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var w1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        var w2 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        var w3 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
        element = new FieldElement(
            w0 & LimbMask,
            ((w0 >> 51) | (w1 << 13)) & LimbMask,
            ((w1 >> 38) | (w2 << 26)) & LimbMask,
            ((w2 >> 25) | (w3 << 39)) & LimbMask,
            (w3 >> 12) & LimbMask);

        // Below 2^255, the number is p or more only when it is p + k for k < 19: the four high
        // limbs all ones and the lowest at least 2^51 - 19.
        var atLeastP = element._l0 >= LimbMask - 18
            && element._l1 == LimbMask && element._l2 == LimbMask && element._l3 == LimbMask && element._l4 == LimbMask;
        return !atLeastP;
    }

    internal bool IsZero => Canonical() is { _l0: 0, _l1: 0, _l2: 0, _l3: 0, _l4: 0 };

    /// <summary>RFC 8032's sign of a coordinate: whether its value below p is odd.</summary>
    internal bool IsNegative => (Canonical()._l0 & 1) == 1;

    public bool Equals(FieldElement other)
    {
        var (a, b) = (Canonical(), other.Canonical());
        return a._l0 == b._l0 && a._l1 == b._l1 && a._l2 == b._l2 && a._l3 == b._l3 && a._l4 == b._l4;
    }

    public override bool Equals(object? obj) => obj is FieldElement other && Equals(other);

    public override int GetHashCode()
    {
        var c = Canonical();
        return HashCode.Combine(c._l0, c._l1, c._l2, c._l3, c._l4);
    }

    public static bool operator ==(FieldElement left, FieldElement right) => left.Equals(right);

    public static bool operator !=(FieldElement left, FieldElement right) => !left.Equals(right);

    public static FieldElement operator +(FieldElement a, FieldElement b) =>
        Carry(a._l0 + b._l0, a._l1 + b._l1, a._l2 + b._l2, a._l3 + b._l3, a._l4 + b._l4);

    // a - b as a + 4p - b: 4p's limbs (4·(2^51 - 19), then 4·(2^51 - 1)) exceed any limb of b,
    // so no limb goes below zero.
    public static FieldElement operator -(FieldElement a, FieldElement b) =>
        Carry(
            a._l0 + (4 * (LimbMask - 18)) - b._l0,
            a._l1 + (4 * LimbMask) - b._l1,
            a._l2 + (4 * LimbMask) - b._l2,
            a._l3 + (4 * LimbMask) - b._l3,
            a._l4 + (4 * LimbMask) - b._l4);

    public static FieldElement operator -(FieldElement a) => Zero - a;

    // Schoolbook on the limbs; a product's part at 2^255 or above comes back down times 19,
    // since 2^255 = 19 (mod p).
    public static FieldElement operator *(FieldElement a, FieldElement b)
    {
        var (b1x19, b2x19, b3x19, b4x19) = (19 * b._l1, 19 * b._l2, 19 * b._l3, 19 * b._l4);
        return Carry(
            Math.BigMul(a._l0, b._l0) + Math.BigMul(a._l1, b4x19) + Math.BigMul(a._l2, b3x19) + Math.BigMul(a._l3, b2x19) + Math.BigMul(a._l4, b1x19),
            Math.BigMul(a._l0, b._l1) + Math.BigMul(a._l1, b._l0) + Math.BigMul(a._l2, b4x19) + Math.BigMul(a._l3, b3x19) + Math.BigMul(a._l4, b2x19),
            Math.BigMul(a._l0, b._l2) + Math.BigMul(a._l1, b._l1) + Math.BigMul(a._l2, b._l0) + Math.BigMul(a._l3, b4x19) + Math.BigMul(a._l4, b3x19),
            Math.BigMul(a._l0, b._l3) + Math.BigMul(a._l1, b._l2) + Math.BigMul(a._l2, b._l1) + Math.BigMul(a._l3, b._l0) + Math.BigMul(a._l4, b4x19),
            Math.BigMul(a._l0, b._l4) + Math.BigMul(a._l1, b._l3) + Math.BigMul(a._l2, b._l2) + Math.BigMul(a._l3, b._l1) + Math.BigMul(a._l4, b._l0));
    }

    /// <summary>this², with the fifteen distinct limb products of a square instead of twenty-five.</summary>
    internal FieldElement Square()
    {
        var (l0x2, l1x2) = (2 * _l0, 2 * _l1);
        var (l1x38, l2x38, l3x19, l3x38, l4x19) = (38 * _l1, 38 * _l2, 19 * _l3, 38 * _l3, 19 * _l4);
        return Carry(
            Math.BigMul(_l0, _l0) + Math.BigMul(l1x38, _l4) + Math.BigMul(l2x38, _l3),
            Math.BigMul(l0x2, _l1) + Math.BigMul(l2x38, _l4) + Math.BigMul(l3x19, _l3),
            Math.BigMul(l0x2, _l2) + Math.BigMul(_l1, _l1) + Math.BigMul(l3x38, _l4),
            Math.BigMul(l0x2, _l3) + Math.BigMul(l1x2, _l2) + Math.BigMul(l4x19, _l4),
            Math.BigMul(l0x2, _l4) + Math.BigMul(l1x2, _l3) + Math.BigMul(_l2, _l2));
    }

    /// <summary>
    /// this^((p - 5)/8) = this^(2^252 - 3), the power in RFC 8032 §5.1.3's square root, by
    /// ref10's addition chain (fe_pow22523): 251 squarings and 11 multiplications.
    /// </summary>
    internal FieldElement PowPMinus5Over8()
    {
        var z2 = Square();
        var z9 = Square(z2, 2) * this;
        var z11 = z2 * z9;
        var z2To5Minus1 = z11.Square() * z9;
        var z2To10Minus1 = Square(z2To5Minus1, 5) * z2To5Minus1;
        var z2To20Minus1 = Square(z2To10Minus1, 10) * z2To10Minus1;
        var z2To40Minus1 = Square(z2To20Minus1, 20) * z2To20Minus1;
        var z2To50Minus1 = Square(z2To40Minus1, 10) * z2To10Minus1;
        var z2To100Minus1 = Square(z2To50Minus1, 50) * z2To50Minus1;
        var z2To200Minus1 = Square(z2To100Minus1, 100) * z2To100Minus1;
        var z2To250Minus1 = Square(z2To200Minus1, 50) * z2To50Minus1;
        return Square(z2To250Minus1, 2) * this;
    }

    private static FieldElement Square(FieldElement a, int times)
    {
        for (var i = 0; i < times; i++)
        {
            a = a.Square();
        }
        return a;
    }

    // One carry pass: each limb keeps its low 51 bits and passes the rest up; what passes out of
    // the top limb (a multiple of 2^255) comes back into the lowest times 19. Afterwards every
    // limb is below 2^51 except the second, below 2^51 + 2^11: within the invariant.
    private static FieldElement Carry(UInt128 r0, UInt128 r1, UInt128 r2, UInt128 r3, UInt128 r4)
    {
        r1 += r0 >> LimbBits;
        r2 += r1 >> LimbBits;
        r3 += r2 >> LimbBits;
        r4 += r3 >> LimbBits;
        var l0 = Low51(r0) + (19 * (ulong)(r4 >> LimbBits));
        return new FieldElement(l0 & LimbMask, Low51(r1) + (l0 >> LimbBits), Low51(r2), Low51(r3), Low51(r4));
    }

    private static ulong Low51(UInt128 value) => (ulong)(value & LimbMask);

    /// <summary>The representation of the same value with every limb below 2^51 and the value below p.</summary>
    private FieldElement Canonical()
    {
        // Two more carry passes leave every limb below 2^51, so the value is below 2^255.
        var (l0, l1, l2, l3, l4) = (_l0, _l1, _l2, _l3, _l4);
        for (var pass = 0; pass < 2; pass++)
        {
            l1 += l0 >> LimbBits;
            l0 &= LimbMask;
            l2 += l1 >> LimbBits;
            l1 &= LimbMask;
            l3 += l2 >> LimbBits;
            l2 &= LimbMask;
            l4 += l3 >> LimbBits;
            l3 &= LimbMask;
            l0 += 19 * (l4 >> LimbBits);
            l4 &= LimbMask;
        }

        // Below 2^255 the value is p or more exactly when value + 19 reaches 2^255; then
        // value - p is value + 19 with bit 255 dropped.
        var reachesP = (l0 + 19) >> LimbBits;
        reachesP = (l1 + reachesP) >> LimbBits;
        reachesP = (l2 + reachesP) >> LimbBits;
        reachesP = (l3 + reachesP) >> LimbBits;
        reachesP = (l4 + reachesP) >> LimbBits;

        l0 += 19 * reachesP;
        l1 += l0 >> LimbBits;
        l0 &= LimbMask;
        l2 += l1 >> LimbBits;
        l1 &= LimbMask;
        l3 += l2 >> LimbBits;
        l2 &= LimbMask;
        l4 += l3 >> LimbBits;
        l3 &= LimbMask;
        l4 &= LimbMask;
        return new FieldElement(l0, l1, l2, l3, l4);
    }
}
