// Bytes, hashes, key ids and Ed25519 with WebCrypto, as docs/FORMAT.md §1, §3, §4 and §6 define
// them. Nothing here holds a key longer than the caller does.

import { canonicalize } from './canonical.js';

const encoder = new TextEncoder();

/** Domain-separation prefixes, docs/FORMAT.md §3. */
export const EntryPrefix = 'CommunityLedger/v1/entry\n';
export const CommandPrefix = 'CommunityLedger/v1/command\n';
export const KeyPrefix = 'CommunityLedger/v1/key\n';

export const ZeroHash = '0'.repeat(64);

export function utf8(text) {
  return encoder.encode(text);
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** Lowercase hex only (FORMAT.md §1): anything else, or the wrong length, throws. */
export function fromHex(text, length) {
  if (typeof text !== 'string' || !/^([0-9a-f]{2})*$/.test(text) || (length !== undefined && text.length !== 2 * length)) {
    throw new Error(`not ${length ?? 'some'} bytes of lowercase hex`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(text.substr(2 * i, 2), 16);
  }
  return out;
}

/** Standard padded base64 (RFC 4648 §4), strictly: it must re-encode to the same text. */
export function fromBase64(text) {
  const binary = atob(text);
  const out = Uint8Array.from(binary, c => c.charCodeAt(0));
  if (toBase64(out) !== text) {
    throw new Error('not canonical padded base64');
  }
  return out;
}

export function toBase64(bytes) {
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary);
}

/** base64url without padding (RFC 4648 §5), as a signed read's header carries it. */
export function toBase64Url(bytes) {
  return toBase64(bytes).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** base64url without padding, strictly: it must re-encode to the same text. */
export function fromBase64Url(text) {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  const out = fromBase64(standard + '='.repeat((4 - standard.length % 4) % 4));
  if (toBase64Url(out) !== text) {
    throw new Error('not canonical base64url');
  }
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** The SHA-256 of a file chosen in the page, hex: the file is read here and never sent anywhere. */
export async function fileSha256(file) {
  return toHex(await sha256(new Uint8Array(await file.arrayBuffer())));
}

export function equalBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The entry hash of FORMAT.md §4.2, over the entry's canonical JSON text. */
export async function entryHash(canonicalText) {
  return toHex(await sha256(utf8(EntryPrefix + canonicalText)));
}

/** The key id of FORMAT.md §4.4: the first 16 bytes of SHA-256("CommunityLedger/v1/key\n" ‖ public key), hex. */
export async function keyIdOf(publicKey) {
  return toHex((await sha256(concat(utf8(KeyPrefix), publicKey))).subarray(0, 16));
}

/** The message a command's signature covers (FORMAT.md §6.2). */
export function commandMessage(command) {
  return utf8(CommandPrefix + canonicalize(command));
}

/**
 * Ed25519 verification (RFC 8032) by the browser's WebCrypto. False, never an exception, for
 * a signature or key that does not verify or cannot be read.
 */
// docs/FORMAT.md §6.2: the ledger accepts what libsodium accepts. WebCrypto's Ed25519 (OpenSSL in
// Node, BoringSSL in Chromium) is laxer: it lets the identity key "sign" every message. So S < L,
// canonical encodings of A and R, and neither of small order are checked here first
// (tests/vectors/ed25519_strict.json).
const GroupOrder = (1n << 252n) + 27742317777372353535851937790883648493n;
const FieldPrime = (1n << 255n) - 19n;
const SmallOrderPoints = new Set([
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
]);

function littleEndian(bytes) {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

/** A canonical point encoding (RFC 8032 §5.1.3: y < p; x = 0 only with sign 0) of a point not of small order. */
function isStrictPoint(encoding) {
  const y = littleEndian(encoding) & ((1n << 255n) - 1n);
  const sign = encoding[31] >> 7;
  if (y >= FieldPrime || (sign === 1 && (y === 1n || y === FieldPrime - 1n))) return false;
  return !SmallOrderPoints.has(toHex(encoding));
}

export async function verifyEd25519(publicKey, signature, message) {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  if (!isStrictPoint(publicKey) || !isStrictPoint(signature.subarray(0, 32)) || littleEndian(signature.subarray(32)) >= GroupOrder) {
    return false;
  }
  try {
    const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
  } catch {
    return false;
  }
}

export async function signEd25519(privateKey, message) {
  return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, message));
}

/** A random idempotency key: 128 bits in hex. */
export function randomKey() {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}
