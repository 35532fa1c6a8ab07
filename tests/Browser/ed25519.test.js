// The page's Ed25519 verification (src/Api/wwwroot/js/crypto.js) gives the verdicts of
// docs/FORMAT.md §6.2 on tests/vectors/ed25519_strict.json, the same as the .NET verifier
// (tests/Ledger.Tests/Signing/StrictVerificationTests.cs): WebCrypto alone would accept the
// identity key's "signature" of any message. And on the published and corrupted vectors.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fromHex, verifyEd25519 } from '../../src/Api/wwwroot/js/crypto.js';
import { repository } from './ledger.js';

const vectors = name => JSON.parse(readFileSync(join(repository, 'tests/vectors', name), 'utf8'));
const bytes = hex => fromHex(hex, hex.length / 2);

describe('Ed25519 as the ledger accepts it (FORMAT.md §6.2)', () => {
  for (const c of vectors('ed25519_strict.json').cases) {
    it(`${c.accept ? 'accepts' : 'rejects'} ${c.name}`, async () => {
      assert.equal(await verifyEd25519(bytes(c.publicKeyHex), bytes(c.signatureHex), bytes(c.messageHex)), c.accept, c.rule);
    });
  }

  it('agrees with RFC 8032 §7.1 and with every corrupted variant of it', async () => {
    const published = vectors('published/ed25519_rfc8032.json').vectors;
    assert.equal(published.length, 5);
    for (const c of published) {
      assert.equal(await verifyEd25519(bytes(c.public_key_hex), bytes(c.signature_hex), bytes(c.message_hex)), true, c.name);
    }
    for (const c of vectors('ed25519_corrupted.json').cases) {
      assert.equal(await verifyEd25519(bytes(c.publicKeyHex), bytes(c.signatureHex), bytes(c.messageHex)), !c.wantErr, c.name);
    }
  });
});
