#!/usr/bin/env python3
# An independent oracle for tests/Ledger.Tests/Signing/FullOrderPointTests.cs: decodes each
# 32-byte hex argument as RFC 8032 §5.1.3 says, in affine coordinates with Python integers
# (no code shared with src/Ledger/Signing/Edwards25519.cs), and prints the order of the point:
# 1, 2, 4 or 8 (small), L (full: may be registered) or "mixed" (a small-order part remains).
# Run from the repository root:  python3 tests/vectors/generate/ed25519_points.py HEX...
import sys

p = 2**255 - 19
d = -121665 * pow(121666, -1, p) % p
L = 2**252 + 27742317777372353535851937790883648493
SQRT_MINUS_ONE = pow(2, (p - 1) // 4, p)


def decode(encoded):
    n = int.from_bytes(encoded, "little")
    sign, y = n >> 255, n & (2**255 - 1)
    if y >= p:
        return None, "not canonical: y >= p"
    u, v = (y * y - 1) % p, (d * y * y + 1) % p
    x = u * pow(v, 3, p) * pow(u * pow(v, 7, p), (p - 5) // 8, p) % p
    if (v * x * x - u) % p != 0:
        if (v * x * x + u) % p != 0:
            return None, "not on the curve"
        x = x * SQRT_MINUS_ONE % p
    if x == 0 and sign:
        return None, "not canonical: x = 0 with the sign bit set"
    if x & 1 != sign:
        x = p - x
    return (x, y), "decodes"


def add(a, b):
    (x1, y1), (x2, y2) = a, b
    t = d * x1 * x2 * y1 * y2
    return ((x1 * y2 + x2 * y1) * pow(1 + t, -1, p) % p,
            (y1 * y2 + x1 * x2) * pow(1 - t, -1, p) % p)


def multiply(k, point):
    result = (0, 1)
    while k:
        if k & 1:
            result = add(result, point)
        point = add(point, point)
        k >>= 1
    return result


def order(point):
    for k in (1, 2, 4, 8):
        if multiply(k, point) == (0, 1):
            return str(k)
    return "L" if multiply(L, point) == (0, 1) else "mixed"


for argument in sys.argv[1:]:
    point, outcome = decode(bytes.fromhex(argument))
    print(argument, outcome, "order " + order(point) if point else "")
