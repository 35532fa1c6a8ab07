// The check view (#/check?…), where the notice's QR code leads (docs/API.md "The notice's check
// link"): a phone checks, in its own browser, that what a printed notice says is what the ledger
// holds. (a) The printed checkpoint is signed by the log key; (b) the ledger's current checkpoint
// extends it (a consistency proof, FORMAT.md §10.2); (c) the project entry the notice names is
// in the printed checkpoint with the hash it prints (an inclusion proof). The server supplies
// notes and proofs; every conclusion is computed here, and a failure names what differs.

import { getJson, getText } from './api.js';
import { canonicalize } from './canonical.js';
import { entryHash, fromBase64, fromBase64Url, fromHex, toBase64Url, toHex, utf8 } from './crypto.js';
import { h, hash } from './dom.js';
import { t } from './i18n.js';
import {
  leafHash, parseCheckpoint, parseCosignatureKey, parseVerifierKey, signatureNames, verifyConsistency, verifyCosignature, verifyInclusion, verifyNote,
} from './merkle.js';

const Hex64 = /^[0-9a-f]{64}$/;
const Decimal = /^(0|[1-9][0-9]*)$/;

/**
 * The link a notice prints as its QR code: the checkpoint note exactly as signed (base64url of
 * its UTF-8 bytes, so that the phone checks the very bytes the log key signed), and the project
 * entry the notice names by stream, sequence and entry hash.
 */
export function checkLink(note, stream, sequence, entryHashHex) {
  const query = new URLSearchParams({ c: toBase64Url(utf8(note)), s: stream, q: String(sequence), h: entryHashHex });
  return `${location.origin}${location.pathname}#/check?${query}`;
}

export async function renderCheck(main, query) {
  const printed = readPrinted(query);
  const title = h('h1', {}, t('checkView.title'));
  if (printed.error) {
    main.replaceChildren(h('section', { class: 'check-view', id: 'check-result', dataset: { status: 'fail' } },
      title, h('p', { class: 'verdict fail', role: 'alert' }, '✗ ', t('checkView.badLink', printed.error))));
    return;
  }
  const [vkey, currentNote, witnessKeys] = await Promise.all([getText('/v1/log/vkey'), getText('/v1/log/checkpoint'),
    getText('/v1/log/witnesses').catch(() => '')]);
  const key = await parseVerifierKey(vkey);
  if (key.error) {
    throw new Error(`GET /v1/log/vkey: ${key.error}`);
  }
  const keyName = t('checkView.keyName', key.name, toHex(key.keyId));
  const checks = [
    await guarded('signature', () => checkSignature(printed, key, keyName)),
    await guarded('consistency', () => checkConsistency(printed, key, keyName, currentNote)),
    await guarded('inclusion', () => checkInclusion(printed)),
  ];
  const valid = checks.every(c => c.ok);
  const failed = checks.filter(c => !c.ok).map(c => t(`checkView.${c.id}`));
  main.replaceChildren(h('section', { class: 'check-view', id: 'check-result', dataset: { status: valid ? 'pass' : 'fail' } },
    title,
    h('p', { class: 'muted' }, t('checkView.lead')),
    valid ? h('p', { class: 'verdict pass', id: 'check-verdict' }, '✓ ', t('checkView.pass'))
      : h('p', { class: 'verdict fail', id: 'check-verdict', role: 'alert' }, '✗ ', t('checkView.fail', failed.join(t('checkView.separator')))),
    h('ol', { class: 'check-steps' }, checks.map(step)),
    await witnessesLine(printed.note, key.name, witnessKeys),
    h('details', { class: 'check-technical' }, h('summary', {}, t('checkView.technical')),
      h('dl', { class: 'kv' },
        h('dt', {}, t('checkView.logKey')), h('dd', {}, h('code', {}, vkey)),
        ...checks.flatMap(c => c.technical.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]))),
      h('p', { class: 'small muted' }, t('checkView.sections')))));
}

/**
 * Who cosigned the printed checkpoint: the names of its signature lines other than the log
 * key's (C2SP tlog-cosignature, FORMAT.md §10.7). The cosignature of each witness the server
 * names (GET /v1/log/witnesses) is verified here, Ed25519 strict; a line by any other name is
 * named as not checked, since this page has no key for it (the verifier checks with --witness).
 */
async function witnessesLine(note, logKeyName, witnessKeys) {
  const names = signatureNames(note).filter(name => name !== logKeyName);
  const keys = (await Promise.all(witnessKeys.split('\n').filter(Boolean).map(parseCosignatureKey))).filter(k => !k.error);
  const verdicts = await Promise.all(keys.map(async k => ({ name: k.name, ...await verifyCosignature(note, k) })));
  const verified = verdicts.filter(v => v.valid).map(v => v.name);
  const failed = verdicts.filter(v => !v.valid && !v.absent).map(v => v.name);
  const unchecked = names.filter(name => !keys.some(k => k.name === name));
  const separator = t('checkView.separator');
  const parts = [
    verified.length > 0 ? t('checkView.witnessesVerified', verified.join(separator)) : '',
    failed.length > 0 ? t('checkView.witnessesFailed', failed.join(separator)) : '',
    unchecked.length > 0 ? t('checkView.witnessesUnchecked', unchecked.join(separator)) : '',
  ].filter(Boolean);
  return h('p', { class: 'small', id: 'check-witnesses', dataset: { witnesses: names.join(' '), verified: verified.join(' '), failed: failed.join(' ') } },
    parts.length === 0 ? t('checkView.noWitnesses') : parts.join(' '));
}

/** The notice's values from the link, each as the notice printed it, or what is wrong with the link. */
function readPrinted(query) {
  const [c, s, q, hex] = ['c', 's', 'q', 'h'].map(name => query.get(name));
  if (!c || !s || !q || !hex) {
    return { error: t('checkView.missing') };
  }
  let note;
  try {
    note = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(c));
  } catch {
    return { error: t('checkView.unreadable') };
  }
  if (!Decimal.test(q) || !Number.isSafeInteger(Number(q)) || !Hex64.test(hex)) {
    return { error: t('checkView.unreadable') };
  }
  const split = note.lastIndexOf('\n\n');
  return { note, checkpoint: parseCheckpoint(split < 0 ? note : note.slice(0, split + 1)), stream: s, sequence: Number(q), entryHash: hex };
}

/** A check that could not be completed (the server refused or was unreachable) is a failed check, saying why. */
async function guarded(id, run) {
  try {
    return await run();
  } catch (error) {
    return { id, ok: false, line: t('checkView.unavailable', error.message), differences: [], technical: [] };
  }
}

/** (a) The printed note verifies under the log key, and its text is a checkpoint of that key's origin. */
async function checkSignature(printed, key, keyName) {
  const verdict = await verifyNote(printed.note, key);
  const checkpoint = printed.checkpoint;
  const reason = verdict.reason ?? checkpoint.error ?? (checkpoint.origin !== key.name ? `origin ${checkpoint.origin} is not ${key.name}` : null);
  if (!reason) {
    return { id: 'signature', ok: true, line: t('checkView.signature.pass', checkpoint.treeSize, keyName), differences: [], technical: [] };
  }
  // What the ledger signed at the size the notice prints, to say which printed value differs.
  const size = checkpoint.error ? null : checkpoint.treeSize;
  const found = size === null ? null : await getText(`/v1/log/checkpoints/${size}`).catch(() => null);
  const differences = found === null
    ? [{ field: 'checkpoint', printed: size === null ? t('checkView.unreadableNote') : t('checkView.size', size), found: t('checkView.noneAtSize') }]
    : noteDifferences(printed.note, found);
  return {
    id: 'signature', ok: false, line: t('checkView.signature.fail', keyName), differences,
    technical: [[t('checkView.printedNote'), h('pre', { class: 'note' }, printed.note)], [t('checkView.reason'), reason]],
  };
}

/** (b) The ledger's current checkpoint, verified under the same key, extends the printed one. */
async function checkConsistency(printed, key, keyName, currentNote) {
  const verdict = await verifyNote(currentNote, key);
  const current = verdict.valid ? parseCheckpoint(verdict.text) : { error: verdict.reason };
  const technical = [[t('checkView.currentNote'), h('pre', { class: 'note' }, currentNote)]];
  if (current.error || current.origin !== key.name) {
    return { id: 'consistency', ok: false, line: t('checkView.consistency.currentBad', keyName), differences: [], technical };
  }
  const ofPrinted = printed.checkpoint;
  if (ofPrinted.error) {
    return { id: 'consistency', ok: false, line: t('checkView.unreadableNote'), differences: [], technical };
  }
  if (current.treeSize < ofPrinted.treeSize) {
    return {
      id: 'consistency', ok: false, line: t('checkView.consistency.smaller', current.treeSize, ofPrinted.treeSize),
      differences: [{ field: 'size', printed: String(ofPrinted.treeSize), found: String(current.treeSize) }], technical,
    };
  }
  let result;
  let foundRoot = toHex(current.root);
  if (current.treeSize === ofPrinted.treeSize) {
    result = await verifyConsistency(ofPrinted.treeSize, current.treeSize, [], ofPrinted.root, current.root);
  } else {
    const proof = await getJson(`/v1/log/consistency?from=${ofPrinted.treeSize}&to=${current.treeSize}`);
    result = proof.from === ofPrinted.treeSize && proof.to === current.treeSize
      ? await verifyConsistency(ofPrinted.treeSize, current.treeSize, proof.proof.map(p => fromHex(p, 32)), ofPrinted.root, current.root)
      : { valid: false, reason: `the proof is from ${proof.from} to ${proof.to}` };
    // The server's root at the printed size: only its say-so, shown to name what differs.
    foundRoot = proof.fromRootHash;
    technical.push([t('checkView.consistencyProof'), t('checkView.proofOf', ofPrinted.treeSize, current.treeSize, proof.proof.length)]);
  }
  if (!result.valid) {
    technical.push([t('checkView.reason'), result.reason]);
    return {
      id: 'consistency', ok: false, line: t('checkView.consistency.fail', current.treeSize, ofPrinted.treeSize),
      differences: [{ field: 'root', printed: hash(toHex(ofPrinted.root)), found: hash(foundRoot) }], technical,
    };
  }
  const line = current.treeSize === ofPrinted.treeSize
    ? t('checkView.consistency.same', current.treeSize)
    : t('checkView.consistency.pass', current.treeSize, ofPrinted.treeSize, current.treeSize - ofPrinted.treeSize);
  return { id: 'consistency', ok: true, line, differences: [], technical };
}

/** (c) The entry the notice names is the ledger's, with the hash printed, and in the printed checkpoint. */
async function checkInclusion(printed) {
  const { stream, sequence } = printed;
  const page = await getJson(`/v1/entries?stream=${encodeURIComponent(stream)}&from=${sequence}&limit=1`);
  const view = page.entries.find(e => e.sequence === sequence);
  if (!view) {
    return { id: 'inclusion', ok: false, line: t('checkView.inclusion.none', stream, sequence), differences: [], technical: [] };
  }
  // The hash of the entry as this browser computes it, not as the server states it.
  const computed = await entryHash(canonicalize(view.entry));
  const differences = computed === printed.entryHash ? [] : [{ field: 'entryHash', printed: hash(printed.entryHash), found: hash(computed) }];
  const technical = [[t('checkView.entry'), `${stream} #${sequence} · ${t('project.logPosition')} ${view.logPosition}`]];
  const ofPrinted = printed.checkpoint;
  if (ofPrinted.error) {
    return { id: 'inclusion', ok: false, line: t('checkView.unreadableNote'), differences, technical };
  }
  if (view.logPosition >= ofPrinted.treeSize) {
    return {
      id: 'inclusion', ok: false, line: t('checkView.inclusion.later', stream, sequence, view.logPosition, ofPrinted.treeSize), differences, technical,
    };
  }
  const proof = await getJson(`/v1/log/inclusion?stream=${encodeURIComponent(stream)}&sequence=${sequence}&treeSize=${ofPrinted.treeSize}`);
  const verdict = proof.leafIndex === view.logPosition
    ? await verifyInclusion(view.logPosition, ofPrinted.treeSize, await leafHash(fromHex(printed.entryHash, 32)), proof.proof.map(p => fromHex(p, 32)), ofPrinted.root)
    : { valid: false, reason: `the proof is for leaf ${proof.leafIndex}, not ${view.logPosition}` };
  technical.push([t('checkView.inclusionProof'), t('checkView.proofPath', view.logPosition, ofPrinted.treeSize, proof.proof.length)]);
  if (!verdict.valid) {
    technical.push([t('checkView.reason'), verdict.reason]);
    if (differences.length === 0 && proof.rootHash !== toHex(ofPrinted.root)) {
      differences.push({ field: 'root', printed: hash(toHex(ofPrinted.root)), found: hash(proof.rootHash) });
    }
  }
  const ok = verdict.valid && differences.length === 0;
  return {
    id: 'inclusion', ok, differences, technical,
    line: ok ? t('checkView.inclusion.pass', stream, sequence, ofPrinted.treeSize) : t('checkView.inclusion.fail', stream, sequence, ofPrinted.treeSize),
  };
}

/** The fields of two checkpoint notes that differ: origin, size, root and signature, each in the page's notation. */
function noteDifferences(printedNote, foundNote) {
  const [printed, found] = [printedNote, foundNote].map(noteFields);
  return Object.keys(found).filter(field => printed[field] !== found[field])
    .map(field => ({ field, printed: shown(field, printed[field]), found: shown(field, found[field]) }));
}

function noteFields(note) {
  const [origin = '', size = '', root = '', , signature = ''] = note.split('\n');
  return { origin, size, root: asHex(root), signature: asHex(signature.split(' ').at(-1)) };
}

/** A base64 value in lowercase hex, or as it stands when it is not base64. */
function asHex(text) {
  try {
    return toHex(fromBase64(text));
  } catch {
    return text;
  }
}

function shown(field, value) {
  return (field === 'root' || field === 'signature') && /^[0-9a-f]+$/.test(value) ? hash(value) : h('code', {}, value);
}

function step(check) {
  return h('li', { class: `check-step check-${check.ok ? 'pass' : 'fail'}`, dataset: { check: check.id, status: check.ok ? 'pass' : 'fail' } },
    h('span', { class: 'mark', role: 'img', 'aria-label': t(check.ok ? 'checkView.passed' : 'checkView.failed') }, check.ok ? '✓' : '✗'),
    h('div', {},
      h('strong', {}, t(`checkView.${check.id}`)),
      h('p', {}, check.line),
      check.differences.length === 0 ? '' : h('dl', { class: 'differences' },
        check.differences.flatMap(d => [
          h('dt', { dataset: { field: d.field } }, t(`checkView.field.${d.field}`)),
          h('dd', { dataset: { field: d.field } },
            h('div', { class: 'printed' }, t('checkView.printed'), ' ', d.printed),
            h('div', { class: 'found' }, t('checkView.found'), ' ', d.found)),
        ]))));
}
