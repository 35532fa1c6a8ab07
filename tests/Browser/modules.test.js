// The page's own modules (src/Api/wwwroot/js) against the repository's vectors, in Node's
// WebCrypto: canonical JSON (tests/vectors/canonical_json.json), entry hashes and command
// signatures (tests/vectors/format_v1.json), RFC 6962 inclusion and consistency proofs and C2SP signed notes
// (tests/vectors/published/). The browser runs the same files.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { canonicalize, isCanonical } from '../../src/Api/wwwroot/js/canonical.js';
import { splitShares } from '../../src/Api/wwwroot/js/dom.js';
import { entryHash, fromBase64Url, fromHex, keyIdOf, toBase64Url, toHex, utf8, verifyEd25519 } from '../../src/Api/wwwroot/js/crypto.js';
import { parseCheckpoint, parseVerifierKey, verifyConsistency, verifyInclusion, verifyNote } from '../../src/Api/wwwroot/js/merkle.js';
import { protectSeed, readKeyFile } from '../../src/Api/wwwroot/js/keyfile.js';
import { repository } from './ledger.js';

const vectors = name => JSON.parse(readFileSync(join(repository, 'tests/vectors', name), 'utf8'));

describe('canonical JSON (FORMAT.md §2)', () => {
  const { cases } = vectors('canonical_json.json');
  for (const vector of cases) {
    it(vector.name, () => {
      if (vector.canonical !== undefined) {
        assert.equal(canonicalize(JSON.parse(vector.input)), vector.canonical);
        assert.ok(isCanonical(vector.canonical));
      } else {
        // Whatever JSON.parse makes of it, the text is not the canonical form of anything.
        assert.equal(isCanonical(vector.input), false, vector.wantErr);
      }
    });
  }
});

describe('entries of format version 1 (FORMAT.md §4, §6)', () => {
  const format = vectors('format_v1.json');
  const signers = new Map(format.signers.map(s => [s.name, s]));
  for (const vector of format.entries) {
    it(`${vector.name}: canonical, hash and signature`, async () => {
      assert.ok(isCanonical(vector.entryBytes));
      assert.equal(await entryHash(vector.entryBytes), vector.entryHash);
      const signer = signers.get(vector.signer);
      assert.equal(await keyIdOf(fromHex(signer.publicKey)), signer.keyId);
      const signed = JSON.parse(vector.entryBytes).signedCommand;
      assert.equal('CommunityLedger/v1/command\n' + canonicalize(signed.command), vector.commandSignedBytes);
      assert.ok(await verifyEd25519(fromHex(signer.publicKey), fromHex(signed.signature), utf8(vector.commandSignedBytes)));
    });
  }
  for (const vector of format.corrupted.filter(c => c.wantErr === 'canonical' || c.wantErr === 'signature')) {
    it(`corrupted: ${vector.name} fails its ${vector.wantErr} check`, async () => {
      if (vector.wantErr === 'canonical') {
        assert.equal(isCanonical(vector.entryBytes), false);
        return;
      }
      const signed = JSON.parse(vector.entryBytes).signedCommand;
      const keys = [...signers.values()].map(s => fromHex(s.publicKey));
      const message = utf8('CommunityLedger/v1/command\n' + canonicalize(signed.command));
      for (const key of keys) {
        assert.equal(await verifyEd25519(key, fromHex(signed.signature), message), false);
      }
    });
  }
});

describe('RFC 6962 inclusion proofs (FORMAT.md §10.2)', () => {
  const { inclusion_proofs: proofs } = vectors('published/merkle_rfc6962.json');
  for (const p of proofs) {
    it(`leaf ${p.leaf_index} of ${p.tree_size} verifies, and a flipped bit, a wrong index or an extra hash does not`, async () => {
      const path = p.path_hex.map(x => fromHex(x));
      const leaf = fromHex(p.leaf_hash_hex);
      const root = fromHex(p.root_hex);
      assert.equal((await verifyInclusion(p.leaf_index, p.tree_size, leaf, path, root)).valid, true);
      const flipped = Uint8Array.from(leaf);
      flipped[0] ^= 1;
      assert.equal((await verifyInclusion(p.leaf_index, p.tree_size, flipped, path, root)).valid, false);
      assert.equal((await verifyInclusion(p.leaf_index, p.tree_size, leaf, [...path, root], root)).valid, false);
      if (p.tree_size > 1) {
        assert.equal((await verifyInclusion((p.leaf_index + 1) % p.tree_size, p.tree_size, leaf, path, root)).valid, false);
      }
      assert.equal((await verifyInclusion(p.tree_size, p.tree_size, leaf, path, root)).valid, false);
    });
  }
});

describe('base64url, as the notice\'s check link carries its checkpoint (docs/API.md "The notice\'s check link")', () => {
  it('reads back what it writes, every length of the last group included', () => {
    for (const length of [0, 1, 2, 3, 4, 65]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + 250) % 256);
      assert.deepEqual(fromBase64Url(toBase64Url(bytes)), bytes);
    }
  });

  it('refuses padding, standard base64 characters and unused bits that are set', () => {
    for (const text of ['_w==', '/w', '+w', '_x']) {
      assert.throws(() => fromBase64Url(text), undefined, text);
    }
  });
});

describe('RFC 6962 consistency proofs (FORMAT.md §10.2)', () => {
  const { consistency_proofs: proofs } = vectors('published/merkle_rfc6962.json');
  for (const p of proofs) {
    it(`${p.size1} to ${p.size2} verifies, and a flipped bit, swapped roots or a missing hash do not`, async () => {
      const path = p.path_hex.map(x => fromHex(x));
      const [root1, root2] = [fromHex(p.root1_hex), fromHex(p.root2_hex)];
      assert.equal((await verifyConsistency(p.size1, p.size2, path, root1, root2)).valid, true);
      const flipped = Uint8Array.from(root1);
      flipped[31] ^= 1;
      assert.equal((await verifyConsistency(p.size1, p.size2, path, flipped, root2)).valid, false);
      if (p.size1 < p.size2) {
        assert.equal((await verifyConsistency(p.size1, p.size2, path, root2, root1)).valid, false);
      }
      if (path.length > 0) {
        assert.equal((await verifyConsistency(p.size1, p.size2, path.slice(1), root1, root2)).valid, false);
      }
    });
  }

  // transparency-dev/merkle's probes: happy paths and mutations, each to fail exactly when wantErr says.
  const { consistency: probes } = vectors('published/merkle_probes_transparency_dev.json');
  for (const probe of probes) {
    it(`${probe.file}: ${probe.desc} ${probe.wantErr ? 'fails' : 'verifies'}`, async () => {
      const bytes = text => Uint8Array.from(Buffer.from(text ?? '', 'base64'));
      const verdict = await verifyConsistency(probe.size1, probe.size2, (probe.proof ?? []).map(bytes), bytes(probe.root1), bytes(probe.root2));
      assert.equal(verdict.valid, !probe.wantErr, verdict.reason);
    });
  }
});

describe('C2SP signed notes and checkpoints (FORMAT.md §10.3)', () => {
  const notes = vectors('published/signed_note_checkpoint.json');
  for (const key of notes.keys) {
    it(`vkey ${key.vkey} parses with its key ID`, async () => {
      const parsed = await parseVerifierKey(key.vkey);
      assert.equal(parsed.error, undefined);
      assert.equal(parsed.name, key.name);
      assert.equal(toHex(parsed.publicKey), key.public_key_hex);
    });
  }
  for (const bad of notes.bad_vkeys_go.cases) {
    it(`a bad vkey is refused: ${bad.why}`, async () => {
      assert.ok((await parseVerifierKey(bad.vkey)).error);
    });
  }
  for (const note of notes.notes) {
    it(`${note.id}: ${note.expect.slice(0, 60)}`, async () => {
      const key = await parseVerifierKey(note.vkeys[0]);
      const verdict = await verifyNote(note.note, key);
      assert.equal(verdict.valid, note.expect.startsWith('verifies') || note.expect.startsWith('both'), verdict.reason);
      if (verdict.valid && note.text !== undefined) {
        assert.equal(verdict.text, note.text);
      }
    });
  }
  for (const checkpoint of notes.checkpoints.filter(c => c.tree_size !== undefined)) {
    it(`${checkpoint.id}: the signed checkpoint verifies and reads as origin, size and root`, async () => {
      const verdict = await verifyNote(checkpoint.note, await parseVerifierKey(checkpoint.vkeys[0]));
      assert.ok(verdict.valid, verdict.reason);
      const parsed = parseCheckpoint(verdict.text);
      assert.equal(parsed.origin, checkpoint.origin);
      assert.equal(parsed.treeSize, checkpoint.tree_size);
      assert.equal(parsed.rootLine, checkpoint.root_hash_base64);
    });
  }
});

describe('passphrase-protected key files (FORMAT.md §11.2)', () => {
  const protectedKeys = vectors('protected_key_file.json');
  it('opens the vector to a non-extractable key whose signatures verify under its public key', async () => {
    const key = await readKeyFile(JSON.stringify(protectedKeys.valid), protectedKeys.passphrase);
    assert.equal(key.personId, protectedKeys.valid.personId);
    assert.equal(key.keyId, protectedKeys.valid.keyId);
    assert.equal(key.privateKey.extractable, false);
    const message = utf8('a command');
    const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, message));
    assert.ok(await verifyEd25519(fromHex(protectedKeys.valid.publicKey), signature, message));
    await assert.rejects(crypto.subtle.exportKey('pkcs8', key.privateKey));
  });

  it('writes the vector byte for byte from its seed, passphrase, salt and nonce', async () => {
    const { valid } = protectedKeys;
    const written = await protectSeed({
      personId: valid.personId, seed: fromHex(protectedKeys.seed), publicKeyHex: valid.publicKey, keyId: valid.keyId,
      passphrase: protectedKeys.passphrase, salt: fromHex(valid.salt), nonce: fromHex(valid.nonce),
    });
    assert.deepEqual(written, valid);
  });

  for (const vector of protectedKeys.corrupted) {
    it(`refuses: ${vector.name}`, async () => {
      await assert.rejects(readKeyFile(JSON.stringify(vector.file), vector.passphrase), error => error.code === vector.wantErr);
    });
  }

  it('reads the plain key file of today (docs/API.md "Key files") as a non-extractable key', async () => {
    const { valid, seed } = protectedKeys;
    const key = await readKeyFile(JSON.stringify({ personId: valid.personId, seed, publicKey: valid.publicKey, keyId: valid.keyId }));
    assert.equal(key.privateKey.extractable, false);
    await assert.rejects(readKeyFile(JSON.stringify({ personId: 'x', seed: '00'.repeat(32), publicKey: valid.publicKey, keyId: valid.keyId })),
      error => error.code === 'notItsKey');
  });
});

describe('the share split the campaign preview shows (docs/ENTRIES.md "Share split")', () => {
  it("gives the document's example: 12 households on floors 1–6, 120,000 yuan", () => {
    const households = [1, 2, 3, 4, 5, 6].flatMap(floor => ['01', '02'].map(unit => ({ householdId: `b3-0${floor}${unit}`, weight: floor })));
    const shares = splitShares(12_000_000, households);
    assert.deepEqual(shares.filter((_, i) => i % 2 === 0).map(s => s.shareFen), [285_714, 571_429, 857_143, 1_142_857, 1_428_571, 1_714_286]);
    assert.equal(shares.reduce((sum, s) => sum + s.shareFen, 0), 12_000_000);
  });

  it('gives the fen left over to the largest remainders, ties to the smaller household id', () => {
    assert.deepEqual(splitShares(10_001, [1, 2, 3, 4].map(floor => ({ householdId: `b4-0${floor}01`, weight: floor }))).map(s => s.shareFen),
      [1000, 2000, 3000, 4001]);
    assert.deepEqual(splitShares(5, ['c', 'a', 'b'].map(householdId => ({ householdId, weight: 1 }))),
      [{ householdId: 'a', shareFen: 2 }, { householdId: 'b', shareFen: 2 }, { householdId: 'c', shareFen: 1 }]);
  });
});
