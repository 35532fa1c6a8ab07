// The page's own modules (src/Api/wwwroot/js) against the repository's vectors, in Node's
// WebCrypto: canonical JSON (tests/vectors/canonical_json.json), entry hashes and command
// signatures (tests/vectors/format_v1.json), RFC 6962 inclusion and consistency proofs and C2SP
// signed notes (tests/vectors/published/), a project's money folded from a stream built here,
// figure by figure as src/Ledger/Rules/Projects/ProjectState.cs defines it, the log's roots as it
// grows, and the export's zip. The browser runs the same files.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { canonicalize, isCanonical } from '../../src/Api/wwwroot/js/canonical.js';
import { moneyText, splitShares } from '../../src/Api/wwwroot/js/dom.js';
import { entryHash, fromBase64Url, fromHex, keyIdOf, toBase64Url, toHex, utf8, verifyEd25519 } from '../../src/Api/wwwroot/js/crypto.js';
import {
  GrowingTree, leafHash, nodeHash, parseCheckpoint, parseCosignatureKey, parseVerifierKey, verifyConsistency, verifyCosignature, verifyInclusion, verifyNote,
} from '../../src/Api/wwwroot/js/merkle.js';
import { foldProject, MoneyError, moneyDifferences, percentOf, projectFigures } from '../../src/Api/wwwroot/js/money.js';
import { protectSeed, readKeyFile } from '../../src/Api/wwwroot/js/keyfile.js';
import { unzip } from '../../src/Api/wwwroot/js/unzip.js';
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

describe("witnesses' cosignatures, as the check view verifies them (FORMAT.md §10.7, tests/vectors/cosignature_v1.json)", () => {
  const vector = vectors('cosignature_v1.json');
  it('parses the witness key and verifies its cosignature; the other witness has none', async () => {
    const key = await parseCosignatureKey(vector.witness.vkey);
    assert.equal(key.name, vector.witness.name);
    assert.equal(toHex(key.publicKey), vector.witness.public_key_hex);
    assert.deepEqual(await verifyCosignature(vector.cosigned_note, key), { valid: true });
    const other = await verifyCosignature(vector.cosigned_note, await parseCosignatureKey(vector.other_witness.vkey));
    assert.equal(other.absent, true);
    // The log's key spells 0x01, not 0x04: not a witness key.
    assert.ok((await parseCosignatureKey(vector.log.vkey)).error);
    assert.ok((await parseCosignatureKey(vector.witness.vkey.replace('3bafa591', '3bafa592'))).error);
  });
  for (const corrupted of vector.corrupted) {
    it(`refuses ${corrupted.id}`, async () => {
      const verdict = await verifyCosignature(corrupted.cosigned_note, await parseCosignatureKey(vector.witness.vkey));
      assert.equal(verdict.valid, false);
      assert.equal(verdict.absent === true, corrupted.wantErr === 'NoCosignature', verdict.reason);
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

describe('amounts as the page shows them (dom.js moneyText, as the verifier\'s AuditReport.Yuan)', () => {
  it('writes fen exactly, thousands separated, the sign before the currency and kept under one yuan', () => {
    assert.equal(moneyText(0), '¥0.00');
    assert.equal(moneyText(5), '¥0.05');
    assert.equal(moneyText(123_456_789), '¥1,234,567.89');
    assert.equal(moneyText(-50), '-¥0.50');
    assert.equal(moneyText(-600_000), '-¥6,000.00');
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

describe('RFC 9162 roots of a growing log (merkle.js GrowingTree)', () => {
  // RFC 9162 §2.1.1 MTH, written from its definition: split at the largest power of two below n.
  async function mth(leaves) {
    if (leaves.length === 1) {
      return leaves[0];
    }
    let k = 1;
    while (2 * k < leaves.length) {
      k *= 2;
    }
    return nodeHash(await mth(leaves.slice(0, k)), await mth(leaves.slice(k)));
  }

  it('gives the root of every prefix, as the recursive definition does', async () => {
    const tree = new GrowingTree();
    const leaves = [];
    for (let n = 1; n <= 21; n++) {
      const leaf = await leafHash(Uint8Array.of(n));
      leaves.push(leaf);
      await tree.push(leaf);
      assert.equal(toHex(await tree.root()), toHex(await mth(leaves)), `size ${n}`);
    }
  });
});

describe("a project's money from its entries (money.js, as ProjectState.cs)", () => {
  const hash = 'ab'.repeat(32);
  // A project stream as the rules write it: each entry's body, and its signed command's body.
  function stream(...steps) {
    return steps.map(([type, body, commandBody = {}], sequence) => ({ type, sequence, body, signedCommand: { command: { body: commandBody } } }));
  }
  const opened = ['ProjectOpened', {
    contractPriceFen: 333_333_333,
    fundingPlan: { GovernmentSubsidy: 200_000_000, ResidentCrowdfunding: 100_000_000, SelfRaised: 33_333_333 },
    tranches: [{ percent: 60, tranche: 'Progress' }, { percent: 30, tranche: 'Acceptance' }, { percent: 10, tranche: 'Warranty' }],
  }];
  const receipt = amount => ['ReceiptRecorded', { amountFen: amount, documentHash: hash, source: 'GovernmentSubsidy' }, { amountFen: amount }];
  const paid = (household, amount) => ['ContributionReceived', { amountFen: amount, householdId: household }, { amountFen: amount }];
  const entries = stream(
    opened, //                                                                    0
    receipt(20_000_000), //                                                        1  reversed by 3, 4
    receipt(180_000_000), //                                                       2
    ['ReversalProposed', { amountFen: 20_000_000, entrySequence: 1, kind: 'Receipt' }],
    ['ReversalApproved', { amountFen: 20_000_000, entrySequence: 1, reversalId: 3 }],
    ['CampaignStarted', { shares: [{ householdId: 'b1-0101' }, { householdId: 'b1-0102' }], targetFen: 100_000_000 }],
    paid('b1-0101', 50_000_000), //                                                6
    paid('b1-0102', 12_345), //                                                    7
    ['DisbursementRequested', { amountFen: 150_000_000, disbursementId: 8, tranche: 'Progress' }, { amountFen: 150_000_000 }],
    ['DisbursementPaid', { amountFen: 150_000_000, disbursementId: 8 }], //        9
    ['DisbursementRequested', { amountFen: 1_000_000, disbursementId: 10, tranche: 'Progress' }, { amountFen: 1_000_000 }],
    ['DisbursementRequested', { amountFen: 2_000_000, disbursementId: 11, tranche: 'Acceptance' }, { amountFen: 2_000_000 }],
    ['DisbursementRejected', { disbursementId: 11 }],
    ['ReversalProposed', { amountFen: 150_000_000, entrySequence: 9, kind: 'Payment' }],
    ['ReversalApproved', { amountFen: 150_000_000, entrySequence: 9, reversalId: 13 }],
    ['DisbursementRequested', { amountFen: 5_000_000, disbursementId: 15, tranche: 'Acceptance' }, { amountFen: 5_000_000 }],
    ['DisbursementPaid', { amountFen: 5_000_000, disbursementId: 15 }],
    // Progress verified by both attesters; acceptance by one only: only the first tranche unlocks.
    ['MilestoneAttested', { milestone: 'ProgressVerified', role: 'ProjectManager' }],
    ['MilestoneAttested', { milestone: 'ProgressVerified', role: 'ConstructionSupervisor' }],
    ['MilestoneAttested', { milestone: 'AcceptancePassed', role: 'ProjectManager' }],
  );

  it('computes every figure the project view shows, reversals and rejections included, in integer fen', () => {
    const figures = projectFigures(foldProject(entries));
    assert.deepEqual(figures.fundingSources, [
      { source: 'GovernmentSubsidy', plannedFen: 200_000_000, receivedFen: 180_000_000 },
      { source: 'ResidentCrowdfunding', plannedFen: 100_000_000, receivedFen: 50_012_345 },
      { source: 'SelfRaised', plannedFen: 33_333_333, receivedFen: 0 },
    ]);
    // Caps rounded down to the fen: 60 % and 90 % of 333,333,333 fen.
    assert.deepEqual(figures.tranches.map(t => [t.tranche, t.cumulativeCapFen, t.unlocked, t.paidFen, t.pendingFen]), [
      ['Progress', 199_999_999, true, 0, 1_000_000],
      ['Acceptance', 299_999_999, false, 5_000_000, 0],
      ['Warranty', 333_333_333, false, 0, 0],
    ]);
    assert.deepEqual(figures.totals, { receivedFen: 230_012_345, paidFen: 5_000_000, pendingFen: 1_000_000, availableFen: 224_012_345 });
    assert.deepEqual(figures.campaign, { targetFen: 100_000_000, households: 2, paidFen: 50_012_345 });
    assert.deepEqual(figures.receipts.map(r => [r.sequence, r.reversed]), [[1, true], [2, false]]);
    assert.deepEqual(figures.disbursements.map(d => [d.disbursementId, d.status]), [[8, 'PaymentReversed'], [10, 'Pending'], [11, 'Rejected'], [15, 'Paid']]);
  });

  it('rounds a percentage of a price down, exactly, as Money.PercentOf', () => {
    assert.equal(percentOf(333_333, 33), 109_999);
    assert.equal(percentOf(1_000_000_000_000, 99), 990_000_000_000);
    assert.equal(percentOf(199, 50), 99);
  });

  // A view as the API serves it, made here from the figures, then changed one figure at a time.
  function viewOf(list) {
    const figures = projectFigures(foldProject(list));
    return { ...figures, sequence: list.at(-1).sequence };
  }

  it('finds no difference with a view of the same entries, and names each figure that differs', () => {
    assert.deepEqual(moneyDifferences(viewOf(entries), entries), []);
    const view = viewOf(entries);
    view.totals.availableFen += 100;
    view.receipts[1].amountFen = 1;
    assert.deepEqual(moneyDifferences(view, entries), [
      { figure: 'totals.availableFen', view: 224_012_445, computed: 224_012_345, sequence: undefined },
      { figure: 'receipts[#2].amountFen', view: 1, computed: 180_000_000, sequence: 2 },
    ]);
  });

  it("folds only the entries up to the view's sequence, and says when the view is ahead of them", () => {
    const earlier = viewOf(entries.slice(0, 3));
    assert.deepEqual(moneyDifferences(earlier, entries), []);
    const ahead = { ...viewOf(entries), sequence: 99 };
    assert.deepEqual(moneyDifferences(ahead, entries).map(d => d.figure), ['sequence']);
  });

  it('refuses, naming the entry, an amount other than the one signed, a fraction of a fen, a payment of another amount, overdrawing', () => {
    const refused = (list, sequence, pattern) => assert.throws(() => foldProject(list),
      error => error instanceof MoneyError && error.sequence === sequence && pattern.test(error.message));
    refused(stream(opened, ['ReceiptRecorded', { amountFen: 900, source: 'SelfRaised' }, { amountFen: 100 }]), 1, /records 900 fen where its signed command says 100/);
    refused(stream(opened, receipt(100.5)), 1, /amountFen is 100.5, not a whole number of fen/);
    refused(stream(opened, receipt(1000), ['DisbursementRequested', { amountFen: 500, tranche: 'Progress' }, { amountFen: 500 }],
      ['DisbursementPaid', { amountFen: 600, disbursementId: 2 }]), 3, /pays 600 fen for a request of 500 fen/);
    refused(stream(opened, receipt(1000), ['DisbursementRequested', { amountFen: 1001, tranche: 'Progress' }, { amountFen: 1001 }]), 2, /commits 1 fen more than was received/);
    refused(stream(opened, receipt(1000), ['ReversalProposed', { amountFen: 999, entrySequence: 1, kind: 'Receipt' }]), 2, /which is of 1000 fen/);
  });
});

describe('the export zip (unzip.js, PKWARE APPNOTE 6.3)', () => {
  // A zip as ZipArchive writes it: local headers, then the central directory, then its end record.
  function zip(members) {
    const locals = [];
    const central = [];
    let offset = 0;
    for (const { name, data, method } of members) {
      const stored = method === 8 ? deflateRawSync(data) : data;
      const fileName = Buffer.from(name);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(stored.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(fileName.length, 26);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(method, 10);
      header.writeUInt32LE(stored.length, 20);
      header.writeUInt32LE(data.length, 24);
      header.writeUInt16LE(fileName.length, 28);
      header.writeUInt32LE(offset, 42);
      locals.push(local, fileName, stored);
      central.push(header, fileName);
      offset += local.length + fileName.length + stored.length;
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(members.length, 8);
    end.writeUInt16LE(members.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    return new Uint8Array(Buffer.concat([...locals, directory, end]));
  }

  it('reads deflated and stored members by their names', async () => {
    const entries = Buffer.from('{"a":1}\n'.repeat(1000));
    const members = await unzip(zip([
      { name: 'entries.jsonl', data: entries, method: 8 },
      { name: 'manifest.json', data: Buffer.from('{}\n'), method: 0 },
    ]));
    assert.deepEqual(Object.keys(members), ['entries.jsonl', 'manifest.json']);
    assert.equal(Buffer.from(members['entries.jsonl']).toString(), entries.toString());
    assert.equal(Buffer.from(members['manifest.json']).toString(), '{}\n');
  });

  it('refuses what is no zip, and a compression it does not read', async () => {
    await assert.rejects(unzip(new TextEncoder().encode('not a zip at all, just some text')), /no end of central directory/);
    await assert.rejects(unzip(zip([{ name: 'x', data: Buffer.from('x'), method: 12 }])), /compression method 12/);
  });
});
