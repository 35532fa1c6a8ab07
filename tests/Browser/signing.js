// The test's own signer, written apart from the page's code so that it checks the page rather
// than agreeing with it: canonical JSON (docs/FORMAT.md §2) and Ed25519 with node:crypto.

import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, pbkdf2Sync, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function canonical(value) {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new Error(`not an integer: ${value}`);
  }
  return JSON.stringify(value);
}

export function loadKey(path) {
  const file = JSON.parse(readFileSync(path, 'utf8'));
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(file.seed, 'hex')]);
  return { ...file, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
}

export function signCommand(key, type, body) {
  const command = {
    body, idempotencyKey: 'browser-test/' + randomBytes(8).toString('hex'), issuedAt: new Date().toISOString(),
    keyId: key.keyId, personId: key.personId, type,
  };
  const signature = sign(null, Buffer.from('CommunityLedger/v1/command\n' + canonical(command)), key.privateKey).toString('hex');
  return { command, signature };
}

export async function signedGet(base, key, target) {
  const header = Buffer.from(canonical(signCommand(key, 'ReadRequest', { method: 'GET', target }))).toString('base64url');
  const response = await fetch(base + target, { headers: { Authorization: `Ledger ${header}` } });
  if (!response.ok) {
    throw new Error(`${target}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

export async function post(base, signed) {
  const response = await fetch(`${base}/v1/commands/${signed.command.type}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: canonical(signed),
  });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(`${signed.command.type}: ${response.status} ${JSON.stringify(body)}`);
  }
  return body;
}

export function sha256Hex(text) {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A passphrase-protected key file (docs/FORMAT.md §11.2) of a plain one, made with node:crypto
 * as tests/vectors/generate/protected_key_file.mjs makes the vectors.
 */
export function protectKeyFile(path, passphrase) {
  const { personId, seed, publicKey, keyId } = JSON.parse(readFileSync(path, 'utf8'));
  const members = {
    cipher: 'AES-256-GCM', format: 'CommunityLedger/v1/protected-key', iterations: 600000, kdf: 'PBKDF2-SHA-256', keyId,
    nonce: randomBytes(12).toString('hex'), personId, publicKey, salt: randomBytes(16).toString('hex'),
  };
  const key = pbkdf2Sync(Buffer.from(passphrase.normalize('NFC')), Buffer.from(members.salt, 'hex'), members.iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(members.nonce, 'hex'));
  cipher.setAAD(Buffer.from('CommunityLedger/v1/protected-key\n' + canonical(members)));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(seed, 'hex')), cipher.final(), cipher.getAuthTag()]);
  return JSON.stringify({ ...members, ciphertext: ciphertext.toString('hex') });
}

/**
 * The seed (hex) in a protected key file's text, opened with node:crypto; throws when the
 * passphrase is wrong, a member was changed, or the seed is not the file's public key's.
 */
export function openProtectedKeyFile(text, passphrase) {
  const { ciphertext, ...members } = JSON.parse(text);
  const sealed = Buffer.from(ciphertext, 'hex');
  const key = pbkdf2Sync(Buffer.from(passphrase.normalize('NFC')), Buffer.from(members.salt, 'hex'), members.iterations, 32, 'sha256');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(members.nonce, 'hex'));
  decipher.setAAD(Buffer.from('CommunityLedger/v1/protected-key\n' + canonical(members)));
  decipher.setAuthTag(sealed.subarray(32));
  const seed = Buffer.concat([decipher.update(sealed.subarray(0, 32)), decipher.final()]);
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const publicKey = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' }).subarray(-32);
  if (publicKey.toString('hex') !== members.publicKey) {
    throw new Error('the seed is not the key file\'s public key');
  }
  return seed.toString('hex');
}
