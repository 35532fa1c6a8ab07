// The test's own signer, written apart from the page's code so that it checks the page rather
// than agreeing with it: canonical JSON (docs/FORMAT.md §2) and Ed25519 with node:crypto.

import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
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
