#!/usr/bin/env python3
# Writes tests/vectors/ed25519_strict.json: the Ed25519 acceptance rules of docs/FORMAT.md §6.2,
# one case per rule, each an input that some published verifiers accept and this format
# rejects (or, last, accepts). Pure Python integers and hashlib: no code shared with
# src/Ledger/Signing or with any Ed25519 library. Run from the repository root:
#   python3 tests/vectors/generate/ed25519_strict.py > tests/vectors/ed25519_strict.json
import hashlib
import json

p = 2**255 - 19
d = -121665 * pow(121666, -1, p) % p
L = 2**252 + 27742317777372353535851937790883648493
By = 4 * pow(5, -1, p) % p


def recover_x(y, sign):
    u, v = (y * y - 1) % p, (d * y * y + 1) % p
    x = u * pow(v, 3, p) * pow(u * pow(v, 7, p), (p - 5) // 8, p) % p
    if (v * x * x - u) % p != 0:
        x = x * pow(2, (p - 1) // 4, p) % p
    assert (v * x * x - u) % p == 0
    return p - x if x & 1 != sign else x


B = (recover_x(By, 0), By)
IDENTITY = (0, 1)


def add(a, b):
    (x1, y1), (x2, y2) = a, b
    t = d * x1 * x2 * y1 * y2
    return ((x1 * y2 + x2 * y1) * pow(1 + t, -1, p) % p, (y1 * y2 + x1 * x2) * pow(1 - t, -1, p) % p)


def multiply(k, point):
    result = IDENTITY
    while k:
        if k & 1:
            result = add(result, point)
        point = add(point, point)
        k >>= 1
    return result


def encode(point):
    x, y = point
    return (y | (x & 1) << 255).to_bytes(32, "little")


def h(*parts):
    return int.from_bytes(hashlib.sha512(b"".join(parts)).digest(), "little")


seed = hashlib.sha256("FORMAT.md §6.2 strictness vector key".encode()).digest()
digest = hashlib.sha512(seed).digest()
a = int.from_bytes(digest[:32], "little") & ((1 << 254) - 8) | (1 << 254)
A = encode(multiply(a, B))

# A point of order 8 (the canonical encoding libsodium's blocklist names first after the identity).
T8 = bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
t8 = (recover_x(int.from_bytes(T8, "little") & ((1 << 255) - 1), T8[31] >> 7), int.from_bytes(T8, "little") & ((1 << 255) - 1))
assert multiply(8, t8) == IDENTITY and multiply(4, t8) != IDENTITY
IDENTITY_ENC = encode(IDENTITY)
IDENTITY_NONCANONICAL = (p + 1).to_bytes(32, "little")  # y = p + 1 ≡ 1: the identity spelled with y ≥ p
IDENTITY_SIGNED = (1 | 1 << 255).to_bytes(32, "little")  # x = 0 with the sign bit set


def sign(message, r_bytes=None, public=A):
    """R ‖ S with R = rB (r from the key's prefix), or R = r_bytes as given and S = k·a."""
    if r_bytes is None:
        r = h(digest[32:], message) % L
        r_bytes = encode(multiply(r, B))
    else:
        r = 0
    k = h(r_bytes, public, message) % L
    return r_bytes + ((r + k * a) % L).to_bytes(32, "little")


def message_with(predicate, public, r_bytes):
    """The first message "strict n" whose challenge k = H(R ‖ A ‖ M) mod L satisfies predicate."""
    n = 0
    while not predicate(h(r_bytes, public, f"strict {n}".encode()) % L):
        n += 1
    return f"strict {n}".encode()


cases = []


def case(name, rule, public, message, signature, accept, lax):
    cases.append({"name": name, "rule": rule, "publicKeyHex": public.hex(), "messageHex": message.hex(),
                  "signatureHex": signature.hex(), "accept": accept, "laxVerifiersThatAccept": lax})


m = b"CommunityLedger/v1/command\n{}"
good = sign(m)
case("valid", "a signature made by RFC 8032 §5.1.6 verifies", A, m, good, True, "all")
s = int.from_bytes(good[32:], "little")
case("S + L", "S MUST be < L (RFC 8032 §5.1.7 step 1); S + L satisfies the group equation", A, m,
     good[:32] + (s + L).to_bytes(32, "little"), False, "implementations that reduce S mod L (e.g. some before RFC 8032)")
case("identity key, identity R, S = 0", "A MUST NOT be of small order: the identity key 'signs' every message",
     IDENTITY_ENC, m, IDENTITY_ENC + bytes(32), False, "OpenSSL 3 as Node 20 uses it, and any verifier without a small-order check")
m8 = message_with(lambda k: k % 8 == 0, T8, IDENTITY_ENC)
case("order-8 key, identity R, S = 0", "A MUST NOT be of small order; with 8 | k the cofactored equation holds",
     T8, m8, IDENTITY_ENC + bytes(32), False, "cofactored verifiers without a small-order check")
case("identity R, S = k·a", "R MUST NOT be of small order; the cofactorless equation [S]B = R + [k]A holds",
     A, m, sign(m, IDENTITY_ENC), False, "verifiers without a small-order check of R")
case("order-8 R, S = k·a", "R MUST NOT be of small order; only the cofactored equation holds",
     A, m, sign(m, T8), False, "cofactored verifiers without a small-order check of R")
case("non-canonical identity key (y = p + 1), identity R, S = 0", "A MUST be canonical: y < p",
     IDENTITY_NONCANONICAL, m, IDENTITY_ENC + bytes(32), False, "verifiers that reduce y mod p and lack a small-order check")
case("identity key with the sign bit (x = 0, sign 1), identity R, S = 0", "A MUST be canonical: x = 0 has sign bit 0",
     IDENTITY_SIGNED, m, IDENTITY_ENC + bytes(32), False, "verifiers that ignore the sign of x = 0 and lack a small-order check")
case("non-canonical R (identity with y = p + 1), S = k·a", "R MUST be canonical: y < p",
     A, m, sign(m, IDENTITY_NONCANONICAL), False, "verifiers that decode R and compare points instead of encodings")
mixed = encode(add(multiply(a, B), t8))
# A mixed-order key (a full-order key plus an order-8 point): libsodium verifies its signatures
# when the cofactorless equation holds (8 | k); the registry refuses such a key (FORMAT.md §6.2,
# ENTRIES.md PublicKeyNotFullOrder), so no registered key is ever one.
n = 0
while True:
    msg = f"strict {n}".encode()
    r = h(digest[32:], msg) % L
    r_enc = encode(multiply(r, B))
    k = h(r_enc, mixed, msg) % L
    if k % 8 == 0:
        break
    n += 1
case("mixed-order key, 8 | k", "verification alone accepts; the registry never registers such a key (§6.2)",
     mixed, msg, r_enc + ((r + k * a) % L).to_bytes(32, "little"), True, "all")

print(json.dumps({
    "source": "tests/vectors/generate/ed25519_strict.py (pure Python integers and hashlib; the key's seed is SHA-256 of the UTF-8 text 'FORMAT.md §6.2 strictness vector key')",
    "description": "docs/FORMAT.md §6.2: what this format's Ed25519 verification accepts. accept is the verdict every verifier of the ledger MUST give (libsodium's crypto_sign_verify_detached, through NSec, gives it); laxVerifiersThatAccept names who would accept a rejected case.",
    "encoding": "lowercase hex",
    "cases": cases,
}, indent=2, ensure_ascii=False))
