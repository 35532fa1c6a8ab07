// The rules' port (src/Api/wwwroot/js/rules/), without a browser: cases from the C# rules'
// tests (tests/Ledger.Tests/Rules), and a small ledger signed here and replayed command by
// command (rules/replay.js), as the page's audit and tools/jsverify replay an export.

import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { keyIdOf, toHex } from '../../src/Api/wwwroot/js/crypto.js';
import { signatureVerifies } from '../../src/Api/wwwroot/js/entrycheck.js';
import { isFullOrderPoint } from '../../src/Api/wwwroot/js/rules/edwards.js';
import { addMonths, checked, parseTime, StateError } from '../../src/Api/wwwroot/js/rules/fields.js';
import { byLargestRemainder, splitShares } from '../../src/Api/wwwroot/js/rules/projects.js';
import { emptyHousehold } from '../../src/Api/wwwroot/js/rules/households.js';
import { periodOf, price } from '../../src/Api/wwwroot/js/rules/pointspolicy.js';
import { emptyRegistry, nameLogKey } from '../../src/Api/wwwroot/js/rules/registry.js';
import { Replay } from '../../src/Api/wwwroot/js/rules/replay.js';
import { canonical } from './signing.js';

const hex = text => Uint8Array.from(Buffer.from(text, 'hex'));

describe('the points policy (PointsPolicyTests)', () => {
  const at = text => parseTime(text);
  const registry = {
    ...emptyRegistry(),
    pointsPolicy: [{
      version: 1, effectiveFrom: at('2026-03-09T16:00:00.000Z'), proposedBy: 'vera', approved: true,
      rates: [{ activity: 'WasteSorting', pointsPerUnit: 1, unit: 'Day', capPoints: 30, capPeriod: 'Month' }],
    }],
  };
  const household = { ...emptyHousehold('b2-0301'), awards: [{ activity: 'WasteSorting', quantity: 20, points: 20, policyVersion: 1, recordedAt: at('2026-03-12T02:00:00.000Z') }] };
  for (const [what, when, quantity, points, expected] of [
    ['a millisecond before the version takes effect: as before a policy', '2026-03-09T15:59:59.999Z', 1, 7, { version: null }],
    ['the cap reached exactly', '2026-03-31T15:59:59.999Z', 10, 10, { version: 1 }],
    ['one point beyond the cap', '2026-03-31T15:59:59.999Z', 11, 11, 'AwardBeyondCap'],
    ['a new Beijing month', '2026-03-31T16:00:00.000Z', 30, 30, { version: 1 }],
    ['points other than quantity × rate', '2026-03-12T02:00:00.000Z', 2, 3, 'PointsNotAsPolicy'],
  ]) {
    it(what, () => {
      const result = price(registry, household, 'WasteSorting', quantity, points, at(when));
      assert.deepEqual(result.refuse ? result.refuse.code : result, expected);
    });
  }
  it('an activity the version does not price', () => {
    assert.equal(price(registry, household, 'VolunteerService', 1, 1, at('2026-03-12T02:00:00.000Z')).refuse.code, 'ActivityNotInPolicy');
  });
  it('periods are calendar periods in Beijing', () => {
    assert.deepEqual(['Month', 'Quarter', 'Year'].map(p => periodOf(at('2026-12-31T16:00:00.000Z'), p)), ['2027/1', '2027/1', '2027/0']);
    assert.deepEqual(['Month', 'Quarter', 'Year'].map(p => periodOf(at('2026-12-31T15:59:59.999Z'), p)), ['2026/12', '2026/4', '2026/0']);
  });
});

describe('keys the registry records (RegistryRulesTests, FullOrderPointTests)', () => {
  it('a key of full order is one', () => {
    assert.equal(isFullOrderPoint(hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')), true); // RFC 8032 test 1
  });
  for (const [key, what] of [
    ['0000000000000000000000000000000000000000000000000000000000000000', 'order 4'],
    ['0100000000000000000000000000000000000000000000000000000000000000', 'the identity'],
    ['c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 'order 8'],
    ['9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245', 'mixed order'],
    ['0200000000000000000000000000000000000000000000000000000000000000', 'not on the curve'],
    ['edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'y = p, not canonical'],
  ]) {
    it(`${what} is not`, () => assert.equal(isFullOrderPoint(hex(key)), false));
  }
});

describe('the log key the registrar names (RegistryRulesTests: NameLogKey)', () => {
  // FORMAT.md §10.3's example log key.
  const vkey = 'community-ledger/bb58a6d3c1f04e2790d1c6a0f1e37248+6fea19f8+Ac8gUENYFq7Hme0+NdaMfcqUtSforJA2N5zARveb5CxL';
  const name = text => nameLogKey({ ...emptyRegistry(), logKeys: [] }, { body: { verifierKey: text } });
  it('names a valid key, every member the key itself', async () => {
    const { entries } = await name(vkey);
    assert.deepEqual(entries[0].body, { keyId: '6fea19f8', origin: 'community-ledger/bb58a6d3c1f04e2790d1c6a0f1e37248', publicKey: toHex(Buffer.from('Ac8gUENYFq7Hme0+NdaMfcqUtSforJA2N5zARveb5CxL', 'base64').subarray(1)), verifierKey: vkey });
  });
  it('refuses a key ID that is not the key\'s', async () => assert.equal((await name(vkey.replace('+6fea19f8+', '+6fea19f9+'))).refuse.code, 'InvalidLogVerifierKey'));
  it('refuses the same key named again', async () => {
    assert.equal((await nameLogKey({ ...emptyRegistry(), logKeys: [vkey] }, { body: { verifierKey: vkey } })).refuse.code, 'LogKeyAlreadyNamed');
  });
});

describe('share split (ShareSplitTests)', () => {
  const split = (target, ...weights) => Object.fromEntries(splitShares(target, weights.map(([householdId, weight]) => ({ householdId, weight })))
    .map(s => [s.householdId, s.shareFen]));
  it('the leftover fen go to the largest remainders', () => assert.deepEqual(split(7, ['a', 2], ['b', 1], ['c', 1]), { a: 3, b: 2, c: 2 }));
  it('ties go to the smaller id, ordinally', () => assert.deepEqual(split(10, ['h-9', 1], ['h-10', 1], ['h-2', 1], ['h-1', 1]), { 'h-1': 3, 'h-10': 3, 'h-2': 2, 'h-9': 2 }));
  it('households of weight 0 owe nothing', () => assert.deepEqual(split(12_345, ['h-1', 0], ['h-2', 0], ['h-3', 5], ['h-4', 0]), { 'h-1': 0, 'h-2': 0, 'h-3': 12_345, 'h-4': 0 }));
  it('is exact where target × weight passes 2^53', () => {
    const shares = splitShares(1_000_000_000_000, [{ householdId: 'a', weight: 999_999 }, { householdId: 'b', weight: 1 }]);
    assert.deepEqual(shares.map(s => s.shareFen), [999_999_000_000, 1_000_000]);
  });
});

describe('pro-rata drawing on restricted funds (RestrictedFundsTests: Drawings)', () => {
  const draw = (amountFen, ...holdings) => byLargestRemainder(amountFen, holdings.map(([key, weight]) => ({ key, weight }))).map(p => [p.key, p.partFen]);
  it('4 : 3 splits 7 fen exactly', () => assert.deepEqual(draw(7, ['GovernmentSubsidy', 24_000_000], ['SocialCapital', 18_000_000]), [['GovernmentSubsidy', 4], ['SocialCapital', 3]]));
  it('the larger remainder takes the leftover fen', () => assert.deepEqual(draw(10_000_001, ['GovernmentSubsidy', 24_000_000], ['SocialCapital', 18_000_000]),
    [['GovernmentSubsidy', 5_714_286], ['SocialCapital', 4_285_715]]));
  it('ties go to the source listed first, not to a name', () => {
    assert.deepEqual(draw(100, ['SocialCapital', 100], ['GovernmentSubsidy', 100], ['SelfRaised', 100]), [['SocialCapital', 34], ['GovernmentSubsidy', 33], ['SelfRaised', 33]]);
    assert.deepEqual(draw(3, ['SelfRaised', 5], ['GovernmentSubsidy', 5]), [['SelfRaised', 2], ['GovernmentSubsidy', 1]]);
  });
  it('a fen short of everything', () => assert.deepEqual(draw(14, ['GovernmentSubsidy', 3], ['SocialCapital', 5], ['SelfRaised', 7]),
    [['GovernmentSubsidy', 3], ['SocialCapital', 5], ['SelfRaised', 6]]));
  // A = 10^12 − 1, H = 10^12 + 1: A·10^12 = (10^12 − 2)·H + 2, and A·1 = 0·H + A, so the leftover fen goes to social capital.
  it('is exact where amount × holding passes 2^53', () => assert.deepEqual(draw(999_999_999_999, ['GovernmentSubsidy', 1_000_000_000_000], ['SocialCapital', 1]),
    [['GovernmentSubsidy', 999_999_999_998], ['SocialCapital', 1]]));
});

describe('numbers and times as C# has them', () => {
  it('a checked sum beyond 2^53 is an error, never a rounded number', () => {
    assert.throws(() => checked((2 ** 53 - 1) * 2_000), StateError);
    assert.equal(checked(2 ** 53 - 1), 2 ** 53 - 1);
  });
  it('AddMonths keeps the day or takes the month\'s last', () => {
    assert.equal(new Date(addMonths(parseTime('2026-01-31T08:00:00.000Z'), 1)).toISOString(), '2026-02-28T08:00:00.000Z');
    assert.equal(new Date(addMonths(parseTime('2027-01-31T08:00:00.000Z'), 13)).toISOString(), '2028-02-29T08:00:00.000Z');
    assert.equal(new Date(addMonths(parseTime('2026-07-15T00:00:00.000Z'), 24)).toISOString(), '2028-07-15T00:00:00.000Z');
  });
  it('AddMonths beyond the year 9999 is an error', () => assert.throws(() => addMonths(parseTime('2026-07-15T00:00:00.000Z'), 2 ** 31 - 1), StateError));
  it('a time must be a calendar time', () => assert.equal(parseTime('2026-02-30T00:00:00.000Z'), null));
});

// A person with a key of their own, signing as the server's clients do (FORMAT.md §6).
async function person(personId) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  return { personId, privateKey, publicKey: raw.toString('hex'), keyId: await keyIdOf(new Uint8Array(raw)) };
}

/** A log built entry by entry, every command signed; `entries` is what an export would hold. */
class Ledger {
  constructor() {
    this.entries = [];
    this.clock = parseTime('2026-03-01T08:00:00.000Z');
  }

  append(signer, type, body, ...written) {
    this.clock += 60_000;
    const at = new Date(this.clock).toISOString();
    const command = { body, idempotencyKey: randomBytes(8).toString('hex'), issuedAt: at, keyId: signer.keyId, personId: signer.personId, type };
    const signature = sign(null, Buffer.from('CommunityLedger/v1/command\n' + canonical(command)), signer.privateKey).toString('hex');
    for (const [stream, entryType, entryBody] of written) {
      const sequence = this.entries.filter(e => e.stream === stream).length;
      this.entries.push({ body: entryBody, recordedAt: at, sequence, signedCommand: { command, signature }, stream, type: entryType });
    }
    return this;
  }

  async replay() {
    const findings = [];
    const replay = new Replay(signatureVerifies, (text, where, technical) => findings.push({ text, where, technical }));
    for (const [position, entry] of this.entries.entries()) {
      await replay.add(entry, { stream: entry.stream, sequence: entry.sequence, logPosition: position });
    }
    await replay.flush();
    return findings;
  }
}

async function community() {
  const registrar = await person('registrar');
  const officer = await person('officer');
  const manager = await person('manager');
  const ledger = new Ledger()
    .append(registrar, 'OpenRegistry', { displayName: '街道登记员', publicKey: registrar.publicKey, registrarId: 'registrar' },
      ['registry', 'RegistryOpened', { displayName: '街道登记员', keyId: registrar.keyId, publicKey: registrar.publicKey, registrarId: 'registrar' }]);
  for (const [who, role] of [[officer, 'FinanceOfficer'], [manager, 'ProjectManager']]) {
    ledger.append(registrar, 'RegisterPerson', { displayName: who.personId, personId: who.personId, publicKey: who.publicKey, roles: [role] },
      ['registry', 'PersonRegistered', { displayName: who.personId, keyId: who.keyId, personId: who.personId, publicKey: who.publicKey, roles: [role] }]);
  }
  const plan = { GovernmentSubsidy: 600_000, ResidentCrowdfunding: 0, SelfRaised: 400_000, SocialCapital: 0 };
  ledger.append(officer, 'OpenProject',
    { community: '幸福里', contractPriceFen: 1_000_000, fundingPlan: plan, name: '外墙修缮', projectId: 'facade', warrantyMonths: 24 },
    ['project/facade', 'ProjectOpened', {
      community: '幸福里', contractPriceFen: 1_000_000, fundingPlan: plan, name: '外墙修缮', projectId: 'facade', residentShareCapPercent: 30,
      tranches: [{ percent: 60, tranche: 'Progress' }, { percent: 30, tranche: 'Acceptance' }, { percent: 10, tranche: 'Warranty' }], warrantyMonths: 24,
    }]);
  return { ledger, registrar, officer, manager };
}

const receipt = amountFen => ({ amountFen, documentHash: 'ab'.repeat(32), source: 'GovernmentSubsidy' });

describe('the replay of a ledger (LedgerAudit, ReplayTests)', () => {
  it('a ledger written by the rules replays without a finding', async () => {
    const { ledger, officer } = await community();
    ledger.append(officer, 'RecordReceipt', { ...receipt(600_000), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(600_000)]);
    assert.deepEqual(await ledger.replay(), []);
  });

  it('an entry that is not what its rule makes is a finding', async () => {
    const { ledger, officer } = await community();
    ledger.append(officer, 'RecordReceipt', { ...receipt(500_000), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(600_000)]);
    const findings = await ledger.replay();
    assert.deepEqual(findings.map(f => f.text), [['audit.ruleDiffers', 'RecordReceipt']]);
    assert.deepEqual(findings[0].where, { stream: 'project/facade', sequence: 1, logPosition: 4 });
  });

  it('a command the rules refuse is a finding with the C# result code: a receipt beyond its source\'s plan', async () => {
    const { ledger, officer } = await community();
    ledger.append(officer, 'RecordReceipt', { ...receipt(600_001), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(600_001)]);
    assert.deepEqual((await ledger.replay()).map(f => f.text), [['audit.ruleRefused', 'RecordReceipt', 'ReceiptBeyondPlan']]);
  });

  it('authorization comes first: a role the signer does not hold is RoleMissing', async () => {
    const { ledger, manager } = await community();
    ledger.append(manager, 'RecordReceipt', { ...receipt(1), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(1)]);
    assert.deepEqual((await ledger.replay()).map(f => f.text), [['audit.ruleRefused', 'RecordReceipt', 'RoleMissing']]);
  });

  it('a key revoked before the command is KeyRevoked, before its issue time is looked at', async () => {
    const { ledger, registrar, officer } = await community();
    ledger.append(registrar, 'RevokeKey', { keyId: officer.keyId, personId: 'officer', reason: '丢失' },
      ['registry', 'KeyRevoked', { keyId: officer.keyId, personId: 'officer', reason: '丢失' }]);
    ledger.append(officer, 'RecordReceipt', { ...receipt(1), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(1)]);
    ledger.entries.at(-1).recordedAt = '2026-03-01T09:00:00.000Z';
    assert.deepEqual((await ledger.replay()).map(f => f.text), [['audit.ruleRefused', 'RecordReceipt', 'KeyRevoked']]);
  });

  it('a key nobody registered is UnknownKey, and its entry is still folded in', async () => {
    const { ledger } = await community();
    const stranger = { ...(await person('officer')) };
    ledger.append(stranger, 'RecordReceipt', { ...receipt(1), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(1)]);
    assert.deepEqual((await ledger.replay()).map(f => f.text), [['audit.ruleRefused', 'RecordReceipt', 'UnknownKey']]);
  });

  it('a signature that does not verify is BadSignature', async () => {
    const { ledger } = await community();
    const last = ledger.entries.at(-1);
    last.signedCommand = { ...last.signedCommand, signature: (last.signedCommand.signature[0] === '0' ? '1' : '0') + last.signedCommand.signature.slice(1) };
    assert.deepEqual((await ledger.replay()).map(f => f.text), [['audit.ruleRefused', 'OpenProject', 'BadSignature']]);
  });

  it('a command whose entries are missing or extra is a finding', async () => {
    const { ledger, officer } = await community();
    ledger.append(officer, 'RecordReceipt', { ...receipt(1), projectId: 'facade' },
      ['project/facade', 'ReceiptRecorded', receipt(1)], ['project/facade', 'ReceiptRecorded', receipt(1)]);
    assert.deepEqual((await ledger.replay()).map(f => f.text[0]), ['audit.ruleEntries']);
  });

  it('the same idempotency key of a person twice is a command replayed', async () => {
    const { ledger, officer } = await community();
    const opening = ledger.entries.at(-1);
    ledger.append(officer, 'RecordReceipt', { ...receipt(1), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(1)]);
    ledger.entries.push({ ...opening, sequence: 2 });
    const findings = (await ledger.replay()).map(f => f.text[0]);
    assert.ok(findings.includes('audit.ruleCommandAgain'), findings.join());
  });

  it('a command that cannot be read is a finding, and its entry is not folded in', async () => {
    const { ledger, officer } = await community();
    ledger.append({ ...officer, personId: 'officer\n' }, 'RecordReceipt', { ...receipt(1), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(1)]);
    ledger.append(officer, 'RecordReceipt', { ...receipt(1), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(1)]);
    ledger.entries.at(-1).sequence = 1;
    assert.deepEqual((await ledger.replay()).map(f => f.text), [['audit.ruleUnreadable', 'RecordReceipt', 'personId is not a valid identifier']]);
  });

  it('a key added for a person never registered is refused, and the key is never the person\'s (no crash)', async () => {
    const { ledger, registrar } = await community();
    const ghost = await person('ghost');
    ledger.append(registrar, 'AddKey', { personId: 'ghost', publicKey: ghost.publicKey },
      ['registry', 'KeyAdded', { keyId: ghost.keyId, personId: 'ghost', publicKey: ghost.publicKey }]);
    ledger.append(ghost, 'RecordReceipt', { ...receipt(1), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(1)]);
    assert.deepEqual((await ledger.replay()).map(f => f.text), [
      ['audit.ruleRefused', 'AddKey', 'UnknownPerson'], ['audit.ruleRefused', 'RecordReceipt', 'UnknownKey']]);
  });

  it('warrantyMonths of 2^31 is refused as malformed, and later commands on the unopened project too', async () => {
    const { ledger, officer } = await community();
    const opened = ledger.entries.at(-1);
    opened.body = { ...opened.body, warrantyMonths: 2 ** 31 };
    ledger.entries[ledger.entries.length - 1] = opened;
    ledger.append(officer, 'RecordReceipt', { ...receipt(1), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(1)]);
    const findings = (await ledger.replay()).map(f => f.text);
    assert.deepEqual(findings[0], ['audit.ruleDiffers', 'OpenProject']);
    assert.ok(findings.length >= 2, JSON.stringify(findings));
  });
});

describe('the reconciliation with the bank (ReconciliationTests)', () => {
  const signed = (closingBalanceFen, reconciliationId) => ({
    closingBalanceFen, fromDate: '2026-03-01', matchedCount: 1, reconciliationId, statementHash: 'cd'.repeat(32), toDate: '2026-03-01',
    unmatchedLedgerCount: 0, unmatchedStatementCount: 0,
  });
  const command = closingBalanceFen => {
    const { reconciliationId, ...body } = signed(closingBalanceFen, 0);
    return { ...body, projectId: 'facade' };
  };

  /** A receipt of 600,000 fen recorded at `receiptAt`, then a reconciliation of 2026-03-01 (CST) signed at `signAt`. */
  async function reconciled(receiptAt, signAt, closingBalanceFen) {
    const { ledger, officer } = await community();
    ledger.clock = parseTime(receiptAt) - 60_000;
    ledger.append(officer, 'RecordReceipt', { ...receipt(600_000), projectId: 'facade' }, ['project/facade', 'ReceiptRecorded', receipt(600_000)]);
    ledger.clock = parseTime(signAt) - 60_000;
    ledger.append(officer, 'SignReconciliation', command(closingBalanceFen), ['project/facade', 'ReconciliationSigned', signed(closingBalanceFen, 2)]);
    return (await ledger.replay()).map(f => f.text);
  }

  it('a statement that closes on the ledger\'s balance replays without a finding', async () => {
    assert.deepEqual(await reconciled('2026-03-01T15:59:59.999Z', '2026-03-01T16:00:00.000Z', 600_000), []);
  });

  for (const off of [-1, 1]) {
    it(`a statement ${off} fen off is ReconciliationBalanceMismatch`, async () => {
      assert.deepEqual(await reconciled('2026-03-01T12:00:00.000Z', '2026-03-02T00:00:00.000Z', 600_000 + off),
        [['audit.ruleRefused', 'SignReconciliation', 'ReconciliationBalanceMismatch']]);
    });
  }

  it('a receipt recorded at 00:00 CST of the next day is not in the period', async () => {
    assert.deepEqual(await reconciled('2026-03-01T16:00:00.000Z', '2026-03-01T16:01:00.000Z', 0), []);
  });

  it('a period signed before its last day is over is ReconciliationPeriodNotEnded', async () => {
    assert.deepEqual(await reconciled('2026-03-01T12:00:00.000Z', '2026-03-01T15:59:59.999Z', 600_000),
      [['audit.ruleRefused', 'SignReconciliation', 'ReconciliationPeriodNotEnded']]);
  });
});
