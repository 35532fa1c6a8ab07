// "Verify in the browser": a project's stream checked end to end by the browser alone, as
// docs/FORMAT.md §7 (canonical form, hash, chain, signature and key, issue window) and §10.6
// (checkpoint signature, inclusion of the stream's head) say, and the money the project page
// shows recomputed from those entries (money.js) instead of taken from the view. The server
// supplies bytes and proofs; every conclusion is computed here. The result lists every check
// with where it failed.

import { getJson, getText, streamEntries, ApiError } from './api.js';
import { canonicalize } from './canonical.js';
import { entryHash, fromHex, keyIdOf, toHex, ZeroHash } from './crypto.js';
import { shapeProblems, signatureVerifies, withinIssueWindow } from './entrycheck.js';
import { leafHash, parseCheckpoint, parseVerifierKey, verifyInclusion, verifyNote } from './merkle.js';
import { MoneyError, moneyDifferences } from './money.js';
import { moneyFigure, say, t } from './i18n.js';

class Check {
  constructor(id) {
    this.id = id;
    this.failures = [];
    this.detail = '';
    this.done = false;
  }

  fail(detail, entry) {
    this.failures.push({ check: this.id, detail, sequence: entry?.sequence, logPosition: entry?.logPosition });
  }

  get status() {
    return this.failures.length > 0 ? 'fail' : this.done ? 'pass' : 'skipped';
  }
}

/**
 * Checks the project's stream. `progress(text)` is told what is being done.
 * Returns { stream, valid, checks, failures, entries: [{…entry, computedHash, bad}], checkpoint }.
 */
export async function verifyProject(projectId, progress = () => {}) {
  const stream = `project/${projectId}`;
  const check = Object.fromEntries(['download', 'keys', 'fields', 'canonical', 'hash', 'chain', 'signature', 'keyValid', 'window',
    'money', 'logKey', 'checkpoint', 'inclusion'].map(id => [id, new Check(id)]));

  progress(t('check.download'));
  // The view first: the entries, read after it, include every one its figures were folded from.
  // A server that cannot fold the entries answers no view; the other checks go on without it.
  const view = await getJson(`/v1/projects/${encodeURIComponent(projectId)}`).catch(error => {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    check.money.fail(t('detail.noView', error.message));
    return null;
  });
  const download = await streamEntries(stream);
  const entries = download.entries;
  const missing = new Set(download.missing.map(m => m.sequence));
  check.download.detail = download.refusedStatus
    ? t('detail.downloadFallback', download.refusedStatus) + '; ' + t('detail.download', entries.length, download.requests)
    : t('detail.download', entries.length, download.requests);
  for (const miss of download.missing) {
    check.download.fail(t('detail.missing', miss.sequence, miss.status), { sequence: miss.sequence });
  }
  check.download.done = true;

  progress(t('check.keys'));
  const published = await getJson('/v1/keys');
  const keys = new Map();
  for (const key of published.keys) {
    let computed = null;
    try {
      computed = await keyIdOf(fromHex(key.publicKey, 32));
    } catch {
      // not 32 bytes of hex: the key id cannot match
    }
    if (computed !== key.keyId) {
      check.keys.fail(`${key.keyId}: ${key.publicKey}`);
    } else {
      keys.set(key.keyId, key);
    }
  }
  check.keys.detail = t('detail.keys', published.keys.length);
  check.keys.done = true;

  progress(t('check.hash'));
  const hashes = new Map();
  let expected = 0;
  for (const view of entries) {
    const entry = view.entry;
    const where = { sequence: view.sequence, logPosition: view.logPosition };
    // A gap that the download already reported (entries the server would not serve) is not reported again.
    while (missing.has(expected)) {
      expected++;
    }
    const problems = fieldProblems(view, stream, expected);
    problems.forEach(p => check.fields.fail(t('detail.fields', p), where));
    expected = view.sequence + 1;

    let canonical;
    try {
      canonical = canonicalize(entry);
    } catch (error) {
      check.canonical.fail(error.message, where);
      continue;
    }
    const computed = await entryHash(canonical);
    hashes.set(view.sequence, computed);
    view.computedHash = computed;
    if (computed !== view.hash) {
      check.hash.fail(t('detail.hashMismatch', computed, view.hash), where);
    }

    if (entry.sequence === 0) {
      if (entry.previousHash !== ZeroHash) {
        check.chain.fail(t('detail.chainBroken', entry.previousHash, '—', ZeroHash), where);
      }
    } else if (!hashes.has(entry.sequence - 1)) {
      check.chain.fail(t('detail.chainUnchecked', entry.sequence - 1), where);
    } else if (entry.previousHash !== hashes.get(entry.sequence - 1)) {
      check.chain.fail(t('detail.chainBroken', entry.previousHash, entry.sequence - 1, hashes.get(entry.sequence - 1)), where);
    }

    await checkSignature(entry, view, keys, check, where);
  }
  for (const id of ['fields', 'canonical', 'hash', 'chain', 'signature', 'keyValid', 'window']) {
    const failed = new Set(check[id].failures.map(f => f.sequence)).size;
    check[id].detail = failed === 0 ? t('detail.allEntries', entries.length) : t('detail.someFailed', failed, entries.length);
    check[id].done = entries.length > 0;
  }

  if (view) {
    progress(t('check.money'));
    checkMoney(view, entries, check.money);
  }

  progress(t('check.checkpoint'));
  const checkpoint = await checkHead(entries, check);

  const failures = Object.values(check).flatMap(c => c.failures);
  const bad = new Set(failures.filter(f => f.sequence !== undefined).map(f => f.sequence));
  for (const view of entries) {
    view.bad = bad.has(view.sequence);
  }
  return {
    stream,
    valid: failures.length === 0 && Object.values(check).every(c => c.status === 'pass'),
    checks: Object.values(check),
    failures,
    entries,
    checkpoint,
  };
}

function fieldProblems(view, stream, expected) {
  const entry = view.entry;
  const problems = shapeProblems(entry);
  if (typeof entry !== 'object' || entry === null) {
    return problems;
  }
  if (entry.stream !== stream || view.stream !== stream) {
    problems.push(`stream ${entry.stream} is not ${stream}`);
  }
  if (entry.sequence !== view.sequence || entry.sequence !== expected) {
    problems.push(`sequence ${entry.sequence} where ${expected} was due`);
  }
  if (entry.previousHash !== view.previousHash) {
    problems.push(`previous hash ${entry.previousHash} is not the one listed, ${view.previousHash}`);
  }
  if (entry.type !== view.type) {
    problems.push('type differs from the listing');
  }
  return problems;
}

/** Each money figure of the view against the same figure folded from the entries checked (money.js). */
function checkMoney(view, entries, check) {
  const at = sequence => {
    const listed = entries.find(e => e.sequence === sequence);
    return sequence === undefined ? undefined : { sequence, logPosition: listed?.logPosition };
  };
  try {
    const differences = moneyDifferences(view, entries.map(e => e.entry));
    for (const d of differences) {
      check.fail(t('detail.moneyDiffers', moneyFigure(d.figure), shown(d.view), shown(d.computed)), at(d.sequence));
    }
  } catch (error) {
    if (!(error instanceof MoneyError)) {
      throw error;
    }
    check.fail(t('detail.moneyUnfolded', say(error.text)), at(error.sequence));
  }
  check.detail = check.failures.length === 0 ? t('detail.moneyEqual', view.sequence + 1) : '';
  check.done = true;
}

const shown = value => value === null || value === undefined ? '—' : String(value);

async function checkSignature(entry, view, keys, check, where) {
  const signed = entry.signedCommand;
  const command = signed?.command;
  if (!command) {
    check.signature.fail('no signed command', where);
    return;
  }
  const key = keys.get(command.keyId);
  if (!key) {
    check.keyValid.fail(t('detail.unknownKey', command.keyId), where);
    check.signature.fail(t('detail.unknownKey', command.keyId), where);
    return;
  }
  if (key.personId !== command.personId) {
    check.keyValid.fail(t('detail.keyOfOther', key.keyId, key.personId, command.personId), where);
  }
  // FORMAT.md §8: authorized by the registry as it stood before the entry in the global log.
  if (key.addedLogPosition >= view.logPosition) {
    check.keyValid.fail(t('detail.keyNotYet', key.keyId, key.addedLogPosition, view.logPosition), where);
  }
  if (key.revokedLogPosition !== null && key.revokedLogPosition < view.logPosition) {
    check.keyValid.fail(t('detail.keyRevoked', key.keyId, key.revokedLogPosition, view.logPosition), where);
  }
  if (!await signatureVerifies(key.publicKey, entry)) {
    check.signature.fail(t('detail.badSignature', command.personId, command.keyId), where);
  }
  if (!withinIssueWindow(entry)) {
    check.window.fail(t('detail.window', command.issuedAt, entry.recordedAt), where);
  }
}

/** The latest checkpoint, its signature under the log key, and the inclusion of the stream's head in it. */
async function checkHead(entries, check) {
  let key;
  try {
    const vkey = await getText('/v1/log/vkey');
    key = await parseVerifierKey(vkey);
    if (key.error) {
      check.logKey.fail(key.error);
      return null;
    }
    check.logKey.detail = vkey;
    check.logKey.done = true;
  } catch (error) {
    check.logKey.fail(error.message);
    return null;
  }

  const head = entries.at(-1);
  let checkpoint;
  // A stream's newest entries reach a checkpoint within seconds (FORMAT.md §10.3 "When"): wait a little for it.
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      checkpoint = await signedCheckpoint(key, check);
    } catch (error) {
      check.checkpoint.fail(error instanceof ApiError && error.status === 404 ? t('detail.noCheckpoint') : error.message);
      return null;
    }
    if (!checkpoint || !head || head.logPosition < checkpoint.treeSize) {
      break;
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
  if (!checkpoint) {
    return null;
  }
  check.checkpoint.detail = t('detail.checkpoint', checkpoint.treeSize, key.name);
  check.checkpoint.done = true;

  const covered = entries.filter(e => e.logPosition < checkpoint.treeSize).at(-1);
  if (!covered) {
    check.inclusion.fail(t('detail.noCheckpoint'));
    return checkpoint;
  }
  const where = { sequence: covered.sequence, logPosition: covered.logPosition };
  try {
    const proof = await getJson(`/v1/log/inclusion?stream=${encodeURIComponent(covered.stream)}&sequence=${covered.sequence}&treeSize=${checkpoint.treeSize}`);
    if (proof.leafIndex !== covered.logPosition || proof.treeSize !== checkpoint.treeSize) {
      check.inclusion.fail(`the proof is for leaf ${proof.leafIndex} of ${proof.treeSize}, not ${covered.logPosition} of ${checkpoint.treeSize}`, where);
      return checkpoint;
    }
    // The leaf is the hash this browser computed, not the one the server states.
    const leaf = await leafHash(fromHex(covered.computedHash ?? covered.hash, 32));
    const verdict = await verifyInclusion(covered.logPosition, checkpoint.treeSize, leaf, proof.proof.map(p => fromHex(p, 32)), checkpoint.root);
    if (!verdict.valid) {
      check.inclusion.fail(verdict.reason, where);
    } else {
      check.inclusion.detail = t('detail.inclusion', covered.sequence, covered.logPosition, proof.proof.length, toHex(checkpoint.root));
      if (covered !== entries.at(-1)) {
        check.inclusion.detail = t('detail.notCovered', entries.at(-1).logPosition, checkpoint.treeSize, covered.sequence) + '; ' + check.inclusion.detail;
      }
      check.inclusion.done = true;
    }
  } catch (error) {
    // The server keeps its own tree and refuses to prove a leaf it does not hold (an entry
    // changed since it was logged); the browser cannot check inclusion without a proof.
    check.inclusion.fail(t('detail.noProof', checkpoint.treeSize, error.message), where);
  }
  return checkpoint;
}

async function signedCheckpoint(key, check) {
  const note = await getText('/v1/log/checkpoint');
  const verdict = await verifyNote(note, key);
  if (!verdict.valid) {
    check.checkpoint.fail(verdict.reason);
    return null;
  }
  const parsed = parseCheckpoint(verdict.text);
  if (parsed.error) {
    check.checkpoint.fail(parsed.error);
    return null;
  }
  if (parsed.origin !== key.name) {
    check.checkpoint.fail(`the checkpoint's origin ${parsed.origin} is not the key's name ${key.name}`);
    return null;
  }
  return { ...parsed, note };
}
