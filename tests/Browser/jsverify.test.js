// tools/jsverify/verify.mjs, the page's audit (audit.js) under Node, over the demo's export
// written by `dotnet Api.dll export DIR` (docs/FORMAT.md §9): VALID as it is; INVALID, naming
// the entry, when one amount is changed and its stream re-chained and the manifest rebuilt to
// match (what someone holding the database but not the signers' keys can do).

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { apiDll, repository } from './ledger.js';
import { canonical } from './signing.js';

const run = promisify(execFile);
let folder;
let exported;
let rootKey;

function jsverify(...args) {
  const result = spawnSync(process.execPath, [join(repository, 'tools/jsverify/verify.mjs'), ...args], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

const sha256 = text => createHash('sha256').update(text).digest('hex');

/**
 * A copy of the export with one entry changed by `change(entry)`, its stream re-chained after it
 * (each later entry's previousHash), and the manifest's head hash and file digest made to match.
 */
function tampered(name, pick, change) {
  const copy = join(folder, name);
  cpSync(exported, copy, { recursive: true });
  const entries = readFileSync(join(copy, 'entries.jsonl'), 'utf8').trimEnd().split('\n').map(line => JSON.parse(line));
  const target = entries.find(pick);
  change(target);
  let previous = null;
  const lines = entries.map(entry => {
    if (entry.stream === target.stream && entry.sequence > target.sequence) {
      entry.previousHash = previous;
    }
    const line = canonical(entry);
    if (entry.stream === target.stream) {
      previous = sha256('CommunityLedger/v1/entry\n' + line);
    }
    return line;
  });
  const file = lines.join('\n') + '\n';
  writeFileSync(join(copy, 'entries.jsonl'), file);
  const manifest = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
  manifest.streams[target.stream].headHash = previous;
  manifest.entriesSha256 = sha256(file);
  writeFileSync(join(copy, 'manifest.json'), canonical(manifest) + '\n');
  return { copy, target };
}

const receiptOf = entry => entry.stream === 'project/b3-elevator' && entry.type === 'ReceiptRecorded';

describe('tools/jsverify over the demo export', { timeout: 180_000 }, () => {
  before(async () => {
    const dll = await apiDll();
    // PostgreSQL runs as the postgres user when the tests run as root: the folder must be traversable.
    folder = mkdtempSync(join(tmpdir(), 'ledger-jsverify-'));
    chmodSync(folder, 0o755);
    const data = join(folder, 'data');
    exported = join(folder, 'export');
    await run('dotnet', [dll, 'demo', '--data', data], { maxBuffer: 1 << 24 });
    const { stdout } = await run('dotnet', [dll, 'export', exported, '--data', data], { maxBuffer: 1 << 24 });
    rootKey = /root key fingerprint ([0-9a-f]{32})/.exec(stdout)?.[1];
    assert.ok(rootKey, stdout);
  });

  after(() => {
    if (folder && !process.env.LEDGER_KEEP_DATA) {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('says VALID, exit 0, pinning the root key', () => {
    const { status, output } = jsverify(exported, '--root-key', rootKey, '--lang', 'en');
    assert.equal(status, 0, output);
    assert.match(output, /^VALID\nThe accounts agree: all \d+ entries, \d+ streams and 2 projects check out\./);
    assert.doesNotMatch(output, /✗/);
  });

  it('says INVALID, exit 1, for another root key', () => {
    const { status, output } = jsverify(exported, '--root-key', '0'.repeat(32), '--lang', 'en');
    assert.equal(status, 1, output);
    assert.match(output, new RegExp(`the registry's root key ${rootKey} is not the trusted root key 0{32}`));
  });

  it("names the receipt whose amount was changed in its body, re-chained: not the amount signed", () => {
    const { copy, target } = tampered('body-amount', receiptOf, entry => { entry.body.amountFen += 100; });
    const { status, output } = jsverify(copy, '--root-key', rootKey, '--lang', 'en');
    assert.equal(status, 1, output);
    assert.match(output, /^INVALID\n/);
    assert.match(output, new RegExp(`project/b3-elevator #${target.sequence} @\\d+: the money cannot be computed from the entries \\(records ${target.body.amountFen} fen where its signed command says ${target.body.amountFen - 100} fen\\)`));
    // The chain and the manifest were made to match; the signatures still verify; the signed checkpoints do not.
    assert.match(output, /✓ Every stream's sequence is unbroken/);
    assert.match(output, /✓ Every signature verifies/);
    assert.match(output, /✗ Every checkpoint is signed by the log key/);
  });

  it('names the receipt whose amount was changed in its body and its signed command: the signature fails', () => {
    const { copy, target } = tampered('signed-amount', receiptOf, entry => {
      entry.body.amountFen += 100;
      entry.signedCommand.command.body.amountFen += 100;
    });
    const { status, output } = jsverify(copy, '--root-key', rootKey, '--lang', 'en');
    assert.equal(status, 1, output);
    assert.match(output, new RegExp(`project/b3-elevator #${target.sequence} @\\d+: the signature does not verify under ${target.signedCommand.command.personId}'s key`));
  });

  it('names the entry after one whose recorded time was set years ahead (FORMAT.md §4.5)', () => {
    const { copy, target } = tampered('time-travel', entry => entry.stream === 'project/b3-elevator' && entry.type === 'MilestoneAttested',
      entry => { entry.recordedAt = '2029-01-01T00:00:00.000Z'; });
    const { status, output } = jsverify(copy, '--root-key', rootKey, '--lang', 'en');
    assert.equal(status, 1, output);
    const lines = readFileSync(join(copy, 'entries.jsonl'), 'utf8').trimEnd().split('\n');
    const position = lines.findIndex(line => JSON.parse(line).recordedAt === '2029-01-01T00:00:00.000Z');
    const next = JSON.parse(lines[position + 1]);
    assert.match(output, new RegExp(`${next.stream} #${next.sequence} @${position + 1}: recorded at ${next.recordedAt}, more than 2 s before 2029-01-01T00:00:00.000Z`));
    assert.match(output, new RegExp(`${target.stream} #${target.sequence} @${position}: issued .* recorded 2029-01-01T00:00:00.000Z`));
  });

  it('exits 2 when there is no export to read', () => {
    const { status, output } = jsverify(join(folder, 'nothing-here'));
    assert.equal(status, 2);
    assert.match(output, /usage: node tools\/jsverify\/verify\.mjs EXPORT_DIR/);
  });
});
