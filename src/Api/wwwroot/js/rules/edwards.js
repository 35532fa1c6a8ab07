// Whether 32 bytes are the canonical encoding of an Ed25519 point of full order L (RFC 8032
// §5.1.3 decoding, then [L]P = identity and P ≠ identity), as src/Ledger/Signing/Edwards25519.cs
// decides it: only such keys are registered (ResultCode PublicKeyNotFullOrder). BigInt, exact;
// called once per key registered, so speed does not matter.

const p = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const d = mod(-121665n * inverse(121666n));
const sqrtM1 = power(2n, (p - 1n) / 4n);

function mod(a) {
  const r = a % p;
  return r < 0n ? r + p : r;
}

function power(base, exponent) {
  let result = 1n;
  let b = mod(base);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) {
      result = (result * b) % p;
    }
    b = (b * b) % p;
    e >>= 1n;
  }
  return result;
}

function inverse(a) {
  return power(a, p - 2n);
}

/** RFC 8032 §5.1.3: the affine point, or null for a non-canonical y, a y with no x, or x = 0 with the sign bit set. */
function decode(bytes) {
  if (bytes.length !== 32) {
    return null;
  }
  let y = 0n;
  for (let i = 31; i >= 0; i--) {
    y = (y << 8n) | BigInt(i === 31 ? bytes[i] & 0x7f : bytes[i]);
  }
  const sign = (bytes[31] & 0x80) !== 0;
  if (y >= p) {
    return null;
  }
  const u = mod(y * y - 1n);
  const v = mod(d * y * y + 1n);
  let x = mod(u * power(v, 3n) * power(u * power(v, 7n), (p - 5n) / 8n));
  const vxx = mod(v * x * x);
  if (vxx === mod(-u)) {
    x = mod(x * sqrtM1);
  } else if (vxx !== u) {
    return null;
  }
  if (x === 0n && sign) {
    return null;
  }
  if ((x & 1n) !== (sign ? 1n : 0n)) {
    x = p - x;
  }
  return { x, y };
}

// Extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z.
function add(P, Q) {
  const a = mod((P[1] - P[0]) * (Q[1] - Q[0]));
  const b = mod((P[1] + P[0]) * (Q[1] + Q[0]));
  const c = mod(2n * d * P[3] * Q[3]);
  const dd = mod(2n * P[2] * Q[2]);
  const e = b - a;
  const f = dd - c;
  const g = dd + c;
  const h = b + a;
  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}

function isIdentity(P) {
  return mod(P[0]) === 0n && mod(P[1] - P[2]) === 0n;
}

export function isFullOrderPoint(bytes) {
  const point = decode(bytes);
  if (point === null) {
    return false;
  }
  const P = [point.x, point.y, 1n, mod(point.x * point.y)];
  let result = [0n, 1n, 1n, 0n];
  let addend = P;
  for (let k = L; k > 0n; k >>= 1n) {
    if (k & 1n) {
      result = add(result, addend);
    }
    addend = add(addend, addend);
  }
  return !isIdentity(P) && isIdentity(result);
}
