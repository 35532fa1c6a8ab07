// The full audit of an export (docs/FORMAT.md §9.4): every entry's canonical form, hash and
// chain, its signature under the key the registry held for its signer just before it (§8, the
// registry read from the export itself), the manifest's claims, every checkpoint's signature
// and root recomputed from the entries (§10.6), the inclusion of every stream's head under the
// newest checkpoint, every command replayed through the rules on the ledger as it stood
// (rules/replay.js, FORMAT.md §7 step 6), and every project's money folded from its entries
// (money.js), compared with the project views when the page has them.
//
// Pure and without the page's words: findings are [i18n key, ...args] for i18n.js `say`, so the
// same code runs in the page's worker (audit-worker.js) and under Node (tools/jsverify).

import { canonicalize, isCanonical } from './canonical.js';
import { entryHash, fromHex, keyIdOf, sha256, toHex, ZeroHash } from './crypto.js';
import { shapeProblems, signatureVerifies, withinIssueWindow } from './entrycheck.js';
import { GrowingTree, leafHash, parseCheckpoint, parseVerifierKey, verifyNote } from './merkle.js';
import { foldProject, MoneyError, moneyDifferences } from './money.js';
import { Replay } from './rules/replay.js';

/** The checks, in the order they are reported, each with the section of FORMAT.md it applies. */
export const AuditChecks = [
  { id: 'manifest', section: 'FORMAT.md §9.1–9.4' },
  { id: 'canonical', section: 'FORMAT.md §2, §4.2' },
  { id: 'chain', section: 'FORMAT.md §4.2–4.3, §7' },
  { id: 'keys', section: 'FORMAT.md §4.4, §8' },
  { id: 'signature', section: 'FORMAT.md §6.2, §8' },
  { id: 'time', section: 'FORMAT.md §4.5' },
  { id: 'checkpoint', section: 'FORMAT.md §10.2–10.3, §10.6' },
  { id: 'inclusion', section: 'FORMAT.md §10.4, §10.6' },
  { id: 'rules', section: 'FORMAT.md §7 step 6, §8; docs/ENTRIES.md' },
  { id: 'money', section: 'docs/ENTRIES.md, docs/API.md (ProjectView)' },
];

// Findings kept per check; the rest are counted (a damaged export must not make a report without end).
const MaxFindings = 50;
// FORMAT.md §4.5: a recorded time may lie at most S = 2 s before the greatest one before it.
const RecordedSkewMs = 2000;
const ProgressEvery = 100;

class AuditCheck {
  constructor({ id, section }) {
    this.id = id;
    this.section = section;
    this.findings = [];
    this.more = 0;
    this.checked = 0;
  }

  fail(text, where = {}, technical = '') {
    if (this.findings.length < MaxFindings) {
      this.findings.push({ text, ...where, technical });
    } else {
      this.more++;
    }
  }
}

/**
 * Audits an export: `files` = { entries: bytes of entries.jsonl, checkpoints: text of
 * checkpoints.jsonl, manifest: text of manifest.json }. `options`: `rootKeyId` and
 * `logVerifierKey` to trust (each compared with the export's when given), `views` (project id →
 * project view) to compare the money with, `progress(done, total)`.
 * Returns { valid, checks: [{ id, section, checked, findings: [{ text, stream, sequence, logPosition, technical }], more }], summary }.
 */
export async function auditExport(files, options = {}) {
  const { rootKeyId = null, logVerifierKey = null, views = null, progress = () => {} } = options;
  const check = Object.fromEntries(AuditChecks.map(c => [c.id, new AuditCheck(c)]));
  const summary = { entries: 0, streams: 0, projects: 0, checkpoints: 0, treeSize: null, root: null, entriesSha256: null, rootKeyId: null };

  const manifest = readManifest(files.manifest, check.manifest);
  summary.entriesSha256 = toHex(await sha256(files.entries));
  if (manifest && manifest.entriesSha256 !== summary.entriesSha256) {
    check.manifest.fail(['audit.manifestDiffers', 'entriesSha256', manifest.entriesSha256, summary.entriesSha256]);
  }
  const lines = entryLines(files.entries, check.manifest);
  if (manifest && (manifest.entryCount !== lines.length || manifest.logSize !== lines.length)) {
    check.manifest.fail(['audit.manifestDiffers', 'entryCount / logSize', `${manifest.entryCount} / ${manifest.logSize}`, lines.length]);
  }
  const checkpoints = await readCheckpoints(files.checkpoints, manifest, logVerifierKey, lines.length, check.checkpoint);

  const streams = new Map();
  const clock = { latest: null, previous: null };
  const keys = new Map();
  const verified = new Map();
  const projects = new Map();
  const tree = new GrowingTree();
  // Every command decided again by the rules on the ledger as it stood (rules/replay.js).
  const rules = new Replay(signatureVerifies, (text, where, technical) => check.rules.fail(text, where, technical));
  let nextCheckpoint = 0;
  // A checkpoint of the empty log has the empty tree's root.
  while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint].treeSize === 0) {
    await compareRoot(checkpoints[nextCheckpoint++], tree, check.checkpoint);
  }
  for (let position = 0; position < lines.length; position++) {
    if (position % ProgressEvery === 0) {
      progress(position, lines.length);
    }
    const line = lines[position];
    const hash = await entryHash(line);
    await tree.push(await leafHash(fromHex(hash, 32)));
    let entry = null;
    try {
      entry = await checkEntry(line, hash, position, { check, streams, clock, keys, verified, rootKeyId, manifest, summary });
    } catch (error) {
      // A member of the wrong kind where the checks expect another (a body that is no object …):
      // a finding at its place, never the end of the audit.
      check.canonical.fail(['audit.shape', error.message], { logPosition: position });
    }
    if (entry) {
      check.rules.checked++;
      await rules.add(entry, { stream: entry.stream, sequence: entry.sequence, logPosition: position });
    } else {
      await rules.interrupt();
    }
    if (entry && typeof entry.stream === 'string' && entry.stream.startsWith('project/')) {
      const list = projects.get(entry.stream) ?? [];
      list.push({ ...entry, logPosition: position });
      projects.set(entry.stream, list);
    }
    while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint].treeSize === tree.size) {
      await compareRoot(checkpoints[nextCheckpoint++], tree, check.checkpoint);
    }
  }
  await rules.flush();
  progress(lines.length, lines.length);
  summary.entries = lines.length;
  summary.streams = streams.size;

  compareStreams(manifest, streams, check.manifest);
  const newest = checkpoints.at(-1);
  if (newest) {
    summary.treeSize = newest.treeSize;
    summary.root = toHex(newest.root);
  }
  summary.checkpoints = checkpoints.length;
  checkInclusion(streams, newest, lines.length, check.inclusion);
  summary.projects = checkMoney(projects, views, check.money);

  const result = AuditChecks.map(({ id }) => {
    const c = check[id];
    return { id, section: c.section, checked: c.checked, findings: c.findings, more: c.more };
  });
  return { valid: result.every(c => c.findings.length === 0), checks: result, summary };
}

function readManifest(text, check) {
  check.checked++;
  let manifest;
  try {
    if (!text.endsWith('\n') || !isCanonical(text.slice(0, -1))) {
      throw new Error('not canonical JSON followed by one line feed');
    }
    manifest = JSON.parse(text);
  } catch (error) {
    check.fail(['audit.manifestUnreadable', error.message]);
    return null;
  }
  if (manifest.format !== 1) {
    check.fail(['audit.manifestDiffers', 'format', manifest.format, 1]);
  }
  return manifest;
}

// The lines of entries.jsonl as text, each one entry (§9.1): UTF-8, every line ended by a line feed.
function entryLines(bytes, check) {
  check.checked++;
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    check.fail(['audit.entriesUnreadable', 'not UTF-8']);
    return [];
  }
  if (text === '') {
    return [];
  }
  if (!text.endsWith('\n')) {
    check.fail(['audit.entriesUnreadable', 'the last line has no line feed']);
  }
  return text.replace(/\n$/, '').split('\n');
}

async function readCheckpoints(text, manifest, trustedVkey, logSize, check) {
  if (typeof manifest?.logVerifierKey !== 'string') {
    if (text !== '') {
      check.fail(['audit.logKeyUnreadable', 'the manifest names no log key']);
    }
    return [];
  }
  if (trustedVkey !== null && manifest.logVerifierKey !== trustedVkey) {
    check.fail(['audit.logKeyDiffers', manifest.logVerifierKey, trustedVkey]);
  }
  const key = await parseVerifierKey(manifest.logVerifierKey);
  if (key.error) {
    check.fail(['audit.logKeyUnreadable', key.error]);
    return [];
  }
  if (text !== '' && !text.endsWith('\n')) {
    check.fail(['audit.checkpointBad', '—', 'the last line has no line feed']);
  }
  const checkpoints = [];
  for (const line of text === '' ? [] : text.replace(/\n$/, '').split('\n')) {
    check.checked++;
    let claimed;
    try {
      if (!isCanonical(line)) {
        throw new Error('not canonical JSON');
      }
      claimed = JSON.parse(line);
      if (Object.keys(claimed).sort().join() !== 'note,treeSize' || typeof claimed.note !== 'string') {
        throw new Error('not {note, treeSize}');
      }
    } catch (error) {
      check.fail(['audit.checkpointBad', '—', error.message]);
      continue;
    }
    const verdict = await verifyNote(claimed.note, key);
    const parsed = verdict.valid ? parseCheckpoint(verdict.text) : { error: verdict.reason };
    const problem = parsed.error
      ?? (parsed.origin !== key.name ? `origin ${parsed.origin} is not the key's name ${key.name}` : null)
      ?? (parsed.treeSize !== claimed.treeSize ? `the note's tree size is ${parsed.treeSize}` : null)
      ?? (parsed.treeSize > logSize ? `larger than the export's ${logSize} entries` : null)
      ?? (checkpoints.length > 0 && parsed.treeSize <= checkpoints.at(-1).treeSize ? 'sizes do not strictly increase' : null);
    if (problem) {
      check.fail(['audit.checkpointBad', claimed.treeSize, problem], {}, claimed.note);
      continue;
    }
    checkpoints.push(parsed);
  }
  return checkpoints;
}

async function compareRoot(checkpoint, tree, check) {
  const root = await tree.root();
  if (toHex(root) !== toHex(checkpoint.root)) {
    check.fail(['audit.checkpointRoot', checkpoint.treeSize], {}, `signed ${toHex(checkpoint.root)}, recomputed ${toHex(root)}`);
  }
}

async function checkEntry(line, hash, position, context) {
  const { check, streams, clock, keys, verified, rootKeyId, manifest, summary } = context;
  check.canonical.checked++;
  let entry;
  try {
    entry = JSON.parse(line);
    if (canonicalize(entry) !== line) {
      throw new Error('the line is not the canonical form of what it holds');
    }
  } catch (error) {
    check.canonical.fail(['audit.notCanonical', error.message], { logPosition: position });
    return null;
  }
  const problems = shapeProblems(entry);
  const where = { stream: entry.stream, sequence: entry.sequence, logPosition: position };
  if (problems.length > 0) {
    check.canonical.fail(['audit.shape', problems.join('; ')], where);
    return null;
  }

  check.chain.checked++;
  const stream = streams.get(entry.stream) ?? { entries: 0, headHash: ZeroHash, headPosition: null };
  if (entry.sequence !== stream.entries) {
    check.chain.fail(['audit.sequence', entry.sequence, stream.entries], where);
  }
  if (entry.previousHash !== stream.headHash) {
    check.chain.fail(['audit.chain', stream.entries - 1], where, `previousHash ${entry.previousHash}, computed ${stream.headHash}`);
  }
  streams.set(entry.stream, { entries: stream.entries + 1, headHash: hash, headPosition: position });

  checkTime(entry, where, clock, check.time);

  const command = entry.signedCommand.command;
  let key;
  check.keys.checked++;
  if (position === 0) {
    key = await rootKey(entry, where, check.keys, rootKeyId, manifest, summary);
  } else {
    key = keys.get(command.keyId);
    if (!key) {
      check.keys.fail(['audit.unknownKey', command.keyId], where);
    } else if (key.personId !== command.personId) {
      check.keys.fail(['detail.keyOfOther', command.keyId, key.personId, command.personId], where);
      key = null;
    } else if (key.revoked) {
      check.keys.fail(['audit.keyRevoked', command.keyId], where);
    }
  }

  check.signature.checked++;
  if (key) {
    // The entries one command wrote share its signature: it is verified once.
    const signature = `${command.keyId}/${entry.signedCommand.signature}`;
    if (!verified.has(signature)) {
      verified.set(signature, await signatureVerifies(key.publicKey, entry));
    }
    if (!verified.get(signature)) {
      check.signature.fail(['detail.badSignature', command.personId, command.keyId], where, `hash ${hash}`);
    }
  }
  if (!withinIssueWindow(entry)) {
    check.signature.fail(['detail.window', command.issuedAt, entry.recordedAt], where);
  }
  if (entry.stream === 'registry') {
    await applyRegistry(entry, keys, where, check.keys);
  }
  return entry;
}

// FORMAT.md §4.5: one command's entries (consecutive, one signed command) share one recorded
// time, and no time lies more than S before the greatest one before it.
function checkTime(entry, where, clock, check) {
  check.checked++;
  const recorded = Date.parse(entry.recordedAt);
  if (clock.latest !== null && recorded < clock.latest.time - RecordedSkewMs) {
    check.fail(['audit.timeWentBack', entry.recordedAt, clock.latest.text], where);
  }
  const previous = clock.previous;
  if (previous && previous.signature === entry.signedCommand.signature && previous.recordedAt !== entry.recordedAt) {
    check.fail(['audit.timeSplit', entry.recordedAt, previous.recordedAt], where);
  }
  if (clock.latest === null || recorded > clock.latest.time) {
    clock.latest = { time: recorded, text: entry.recordedAt };
  }
  clock.previous = { signature: entry.signedCommand.signature, recordedAt: entry.recordedAt };
}

// Entry 0 opens the registry with the root key named in its own body (§8 step 1).
async function rootKey(entry, where, check, trusted, manifest, summary) {
  const body = entry.body;
  if (entry.stream !== 'registry' || entry.type !== 'RegistryOpened') {
    check.fail(['audit.notOpening'], where);
    return null;
  }
  if (await keyIdOfHex(body.publicKey) !== body.keyId || entry.signedCommand.command.keyId !== body.keyId) {
    check.fail(['audit.keyIdDiffers', body.keyId, body.publicKey], where);
    return null;
  }
  summary.rootKeyId = body.keyId;
  if (trusted !== null && body.keyId !== trusted) {
    check.fail(['audit.rootKeyDiffers', body.keyId, trusted], where);
  }
  if (manifest && (manifest.rootKeyId !== body.keyId || manifest.rootPublicKey !== body.publicKey)) {
    check.fail(['audit.manifestDiffers', 'rootKeyId', manifest.rootKeyId, body.keyId], where);
  }
  return { personId: entry.signedCommand.command.personId, publicKey: body.publicKey, revoked: false };
}

async function keyIdOfHex(publicKey) {
  try {
    return await keyIdOf(fromHex(publicKey, 32));
  } catch {
    return null;
  }
}

// The keys as the registry holds them after this entry (src/Ledger/Rules/Registry/RegistryState.cs).
async function applyRegistry(entry, keys, where, check) {
  const body = entry.body;
  switch (entry.type) {
    case 'RegistryOpened':
    case 'PersonRegistered':
    case 'KeyAdded':
      if (await keyIdOfHex(body.publicKey) !== body.keyId) {
        check.fail(['audit.keyIdDiffers', body.keyId, body.publicKey], where);
        return;
      }
      keys.set(body.keyId, { personId: entry.type === 'RegistryOpened' ? body.registrarId : body.personId, publicKey: body.publicKey, revoked: false });
      return;
    case 'KeyRevoked':
      if (keys.has(body.keyId)) {
        keys.get(body.keyId).revoked = true;
      }
      return;
    default:
      return;
  }
}

function compareStreams(manifest, streams, check) {
  if (!manifest) {
    return;
  }
  const claimed = manifest.streams ?? {};
  if (manifest.streamCount !== streams.size || Object.keys(claimed).length !== streams.size) {
    check.fail(['audit.manifestDiffers', 'streamCount', manifest.streamCount, streams.size]);
  }
  for (const [id, stream] of streams) {
    const claim = claimed[id];
    if (claim?.entries !== stream.entries || claim?.headHash !== stream.headHash) {
      check.fail(['audit.manifestDiffers', `streams["${id}"]`, claim ? `${claim.entries} / ${claim.headHash}` : '—', `${stream.entries} / ${stream.headHash}`],
        { stream: id });
    }
  }
}

// With every checkpoint's root recomputed from the entries, a head at a position under the
// newest checkpoint is in it; the heads above it are under no signature.
function checkInclusion(streams, newest, logSize, check) {
  if (!newest) {
    if (logSize > 0) {
      check.fail(['detail.noCheckpoint']);
    }
    return;
  }
  for (const [id, stream] of streams) {
    check.checked++;
    if (stream.headPosition >= newest.treeSize) {
      check.fail(['audit.notIncluded', stream.headPosition, newest.treeSize], { stream: id, sequence: stream.entries - 1, logPosition: stream.headPosition });
    }
  }
}

function checkMoney(projects, views, check) {
  for (const [stream, entries] of projects) {
    check.checked++;
    const at = sequence => ({ stream, sequence, logPosition: entries.find(e => e.sequence === sequence)?.logPosition });
    const projectId = stream.slice('project/'.length);
    try {
      if (views === null) {
        foldProject(entries);
        continue;
      }
      const view = views[projectId];
      if (!view) {
        check.fail(['audit.noView', projectId], { stream });
        continue;
      }
      for (const d of moneyDifferences(view, entries)) {
        check.fail(['detail.moneyDiffers', { figure: d.figure }, String(d.view ?? '—'), String(d.computed ?? '—')], at(d.sequence));
      }
    } catch (error) {
      if (!(error instanceof MoneyError)) {
        throw error;
      }
      check.fail(['detail.moneyUnfolded', { text: error.text }], at(error.sequence));
    }
  }
  for (const projectId of Object.keys(views ?? {})) {
    if (!projects.has(`project/${projectId}`)) {
      check.fail(['audit.noStream', projectId], { stream: `project/${projectId}` });
    }
  }
  return projects.size;
}
