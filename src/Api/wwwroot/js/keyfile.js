// Key files, docs/FORMAT.md §11: the plain key file (§11.1) and the passphrase-protected key
// file (§11.2: PBKDF2-SHA-256 and AES-256-GCM, with WebCrypto). Reading either gives a signing
// key that WebCrypto will never export: the seed is imported as a non-extractable Ed25519 key
// and the page's copy of it is wiped.

import { canonicalize } from './canonical.js';
import { concat, fromHex, keyIdOf, signEd25519, toHex, utf8, verifyEd25519 } from './crypto.js';

export const ProtectedKeyFormat = 'CommunityLedger/v1/protected-key';
export const MinIterations = 600_000;
export const MinPassphraseLength = 8;
const AdditionalDataPrefix = ProtectedKeyFormat + '\n';

// PKCS #8 PrivateKeyInfo of an Ed25519 key (RFC 8410 §7): this DER prefix, then the 32-byte seed.
const Pkcs8Prefix = fromHex('302e020100300506032b657004220420');

/** A key file's problem, named by a stable code the page translates (i18n "keyfile.*"). */
export class KeyFileError extends Error {
  constructor(code, detail = '') {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
  }
}

/** Whether a key file's text is a protected one (and so needs its passphrase). */
export function isProtected(text) {
  try {
    return JSON.parse(text).format === ProtectedKeyFormat;
  } catch {
    return false;
  }
}

/**
 * A signing key from a key file's text: {personId, keyId, publicKeyHex, privateKey}, the
 * private key a non-extractable WebCrypto key. A protected file needs its passphrase.
 */
export async function readKeyFile(text, passphrase = '') {
  let file;
  try {
    file = JSON.parse(text);
  } catch {
    throw new KeyFileError('notJson');
  }
  if (file === null || typeof file !== 'object' || Array.isArray(file)) {
    throw new KeyFileError('notJson');
  }
  const seed = file.format === ProtectedKeyFormat ? await openProtected(file, passphrase) : plainSeed(file);
  try {
    return await importSigningKey(file.personId, seed, file.publicKey, file.keyId);
  } finally {
    seed.fill(0);
  }
}

function plainSeed(file) {
  requireStrings(file, ['personId', 'seed', 'publicKey', 'keyId']);
  try {
    return fromHex(file.seed, 32);
  } catch (error) {
    throw new KeyFileError('badMember', `seed: ${error.message}`);
  }
}

const ProtectedMembers = ['cipher', 'ciphertext', 'format', 'iterations', 'kdf', 'keyId', 'nonce', 'personId', 'publicKey', 'salt'];

async function openProtected(file, passphrase) {
  const members = Object.keys(file).sort();
  if (members.join() !== ProtectedMembers.join()) {
    throw new KeyFileError('badMember', `members are exactly ${ProtectedMembers.join(', ')}`);
  }
  requireStrings(file, ProtectedMembers.filter(m => m !== 'iterations'));
  if (file.kdf !== 'PBKDF2-SHA-256' || file.cipher !== 'AES-256-GCM') {
    throw new KeyFileError('badMember', 'kdf is PBKDF2-SHA-256 and cipher AES-256-GCM');
  }
  if (!Number.isSafeInteger(file.iterations) || file.iterations < MinIterations) {
    throw new KeyFileError('weakIterations', `at least ${MinIterations}`);
  }
  let salt, nonce, ciphertext;
  try {
    salt = fromHex(file.salt, 16);
    nonce = fromHex(file.nonce, 12);
    ciphertext = fromHex(file.ciphertext, 48);
  } catch (error) {
    throw new KeyFileError('badMember', error.message);
  }
  const key = await passphraseKey(passphrase, salt, file.iterations, ['decrypt']);
  try {
    return new Uint8Array(await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: additionalData(file), tagLength: 128 }, key, ciphertext));
  } catch {
    // AES-GCM does not say which: the passphrase, or a changed member of the file.
    throw new KeyFileError('wrongPassphrase');
  }
}

/** The AES-GCM additional data: the prefix, then the canonical JSON of every member but the ciphertext. */
function additionalData(file) {
  const { ciphertext: _, ...members } = file;
  return utf8(AdditionalDataPrefix + canonicalize(members));
}

async function passphraseKey(passphrase, salt, iterations, usages) {
  const material = await crypto.subtle.importKey('raw', utf8(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material,
    { name: 'AES-GCM', length: 256 }, false, usages);
}

function requireStrings(file, members) {
  for (const member of members) {
    if (typeof file[member] !== 'string') {
      throw new KeyFileError('badMember', `${member} is missing`);
    }
  }
}

/**
 * The seed as a non-extractable signing key, after checking that it is the key the file
 * names: a signature it makes verifies under the file's public key, whose key id is the file's.
 */
async function importSigningKey(personId, seed, publicKeyHex, keyId) {
  let publicKey;
  try {
    publicKey = fromHex(publicKeyHex, 32);
  } catch (error) {
    throw new KeyFileError('badMember', `publicKey: ${error.message}`);
  }
  const pkcs8 = concat(Pkcs8Prefix, seed);
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  pkcs8.fill(0);
  const probe = utf8('CommunityLedger/v1/key-file-check\n' + keyId);
  if (!await verifyEd25519(publicKey, await signEd25519(privateKey, probe), probe) || await keyIdOf(publicKey) !== keyId) {
    throw new KeyFileError('notItsKey');
  }
  return { personId, keyId, publicKeyHex, privateKey };
}

/**
 * A new key made in this browser: the signing key (non-extractable) and, when a passphrase is
 * given, its protected key file to keep as a copy. The seed exists only inside this function.
 */
export async function createKey(personId, passphrase) {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const seed = pkcs8.slice(pkcs8.length - 32);
  pkcs8.fill(0);
  try {
    const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const publicKeyHex = toHex(publicKey);
    const keyId = await keyIdOf(publicKey);
    const file = passphrase ? await protectSeed({ personId, seed, publicKeyHex, keyId, passphrase }) : null;
    return { key: await importSigningKey(personId, seed, publicKeyHex, keyId), file };
  } finally {
    seed.fill(0);
  }
}

/** A protected key file (FORMAT.md §11.2) holding this seed; salt and nonce are fresh unless given (test vectors). */
export async function protectSeed({ personId, seed, publicKeyHex, keyId, passphrase, iterations = MinIterations, salt, nonce }) {
  if (passphrase.normalize('NFC').length < MinPassphraseLength) {
    throw new KeyFileError('shortPassphrase', `at least ${MinPassphraseLength} characters`);
  }
  salt ??= crypto.getRandomValues(new Uint8Array(16));
  nonce ??= crypto.getRandomValues(new Uint8Array(12));
  const file = {
    cipher: 'AES-256-GCM', format: ProtectedKeyFormat, iterations, kdf: 'PBKDF2-SHA-256', keyId,
    nonce: toHex(nonce), personId, publicKey: publicKeyHex, salt: toHex(salt),
  };
  const key = await passphraseKey(passphrase, salt, iterations, ['encrypt']);
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: additionalData(file), tagLength: 128 }, key, seed);
  return { ...file, ciphertext: toHex(new Uint8Array(ciphertext)) };
}
