// The global log's proofs and checkpoints, docs/FORMAT.md §10: RFC 9162 §2.1 Merkle hashing
// (unchanged from RFC 6962), inclusion proofs verified as RFC 9162 §2.1.3.2, checkpoints as
// C2SP tlog-checkpoint notes signed as C2SP signed-note with Ed25519, keys in the vkey text of
// golang.org/x/mod/sumdb/note. Each function returns a result with the reason it fails;
// none trusts a root or size the server states beside a checkpoint.

import { concat, equalBytes, fromBase64, sha256, toHex, utf8, verifyEd25519 } from './crypto.js';

/** RFC 9162 §2.1.1: the leaf hash of an entry is SHA-256(0x00 ‖ its 32-byte entry hash) (FORMAT.md §10.1). */
export async function leafHash(entryHashBytes) {
  return sha256(concat(Uint8Array.of(0), entryHashBytes));
}

export async function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or the reason it cannot lead to any.
 * Indices are kept as numbers below 2^53 and halved arithmetically: bit operators would cut them to 32 bits.
 */
export async function rootFromInclusionProof(leafIndex, treeSize, leaf, proof) {
  if (!(Number.isSafeInteger(leafIndex) && Number.isSafeInteger(treeSize) && leafIndex >= 0 && leafIndex < treeSize)) {
    return { error: `leaf index ${leafIndex} is not in a tree of ${treeSize}` };
  }
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32) {
      return { error: 'a proof hash is not 32 bytes' };
    }
    if (sn === 0) {
      return { error: 'the proof is longer than the path to the root' };
    }
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) {
    return { error: 'the proof is shorter than the path to the root' };
  }
  return { root: r };
}

export async function verifyInclusion(leafIndex, treeSize, leaf, proof, root) {
  const computed = await rootFromInclusionProof(leafIndex, treeSize, leaf, proof);
  if (computed.error) {
    return { valid: false, reason: computed.error };
  }
  return equalBytes(computed.root, root)
    ? { valid: true, root: computed.root }
    : { valid: false, root: computed.root, reason: `the proof leads to root ${toHex(computed.root)}, not ${toHex(root)}` };
}

/**
 * A verifier key in vkey text, "<name>+<8 hex key ID>+<base64(0x01 ‖ public key)>" (FORMAT.md
 * §10.3), with its key ID checked: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4].
 */
export function parseVerifierKey(vkey) {
  return parseKeyText(vkey, 1, 'not an Ed25519 key (type byte 0x01 and 32 bytes)');
}

/**
 * A witness's verifier key, "<name>+<8 hex key ID>+<base64(0x04 ‖ public key)>" (FORMAT.md
 * §10.7, C2SP tlog-cosignature), with its key ID checked: SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4].
 */
export function parseCosignatureKey(vkey) {
  return parseKeyText(vkey, 4, 'not a cosignature/v1 key (type byte 0x04 and 32 bytes)');
}

/** Vkey text whose key is <typeByte> and 32 bytes, its key ID checked; otherwise { error }, wrongType for a key of another type. */
async function parseKeyText(vkey, typeByte, wrongType) {
  // The name has no '+'; the base64 key may.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const parts = first < 0 || second < 0 ? [] : [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
  if (parts.length !== 3 || parts[0] === '' || /\s/.test(parts[0]) || !/^[0-9a-f]{8}$/.test(parts[1])) {
    return { error: 'not vkey text: name+keyid+key' };
  }
  let key;
  try {
    key = fromBase64(parts[2]);
  } catch {
    return { error: 'the key is not base64' };
  }
  if (key.length !== 33 || key[0] !== typeByte) {
    return { error: wrongType };
  }
  const id = (await sha256(concat(utf8(parts[0] + '\n'), key))).subarray(0, 4);
  if (toHex(id) !== parts[1]) {
    return { error: `the key ID ${parts[1]} is not the key's (${toHex(id)})` };
  }
  return { name: parts[0], keyId: id, publicKey: key.subarray(1) };
}

/** The names of a signed note's signature lines, in order, each once (the log's and the witnesses'). */
export function signatureNames(note) {
  const split = note.lastIndexOf('\n\n');
  return split < 0 ? [] : [...new Set(note.slice(split + 2).split('\n').map(line => /^\u2014 (\S+) \S+$/.exec(line)?.[1]).filter(Boolean))];
}


/**
 * The witness's cosignature of a signed note (C2SP tlog-cosignature, FORMAT.md §10.7): a line
 * "— <name> <base64(key ID ‖ 8-byte big-endian timestamp ‖ signature)>" by the key's name and
 * ID, the signature over "cosignature/v1\ntime <timestamp>\n" and the note's text.
 * { valid } if one verifies, else why not ({ absent: true } when the note has no line by it).
 */
export async function verifyCosignature(note, key) {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) {
    return { valid: false, reason: 'not a signed note: no blank line before the signatures' };
  }
  const text = note.slice(0, split + 1);
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    let signature;
    try {
      signature = match?.[1] === key.name ? fromBase64(match[2]) : null;
    } catch {
      return { valid: false, reason: `the line by ${key.name} is not base64` };
    }
    if (!signature || !equalBytes(signature.subarray(0, 4), key.keyId)) {
      continue;
    }
    if (signature.length !== 76) {
      return { valid: false, reason: `the line by ${key.name} is not 76 bytes` };
    }
    const time = new DataView(signature.buffer, signature.byteOffset + 4, 8).getBigUint64(0);
    if (time === 0n || time > 2n ** 63n - 1n) {
      return { valid: false, reason: `the cosignature by ${key.name} has no valid time` };
    }
    const message = utf8(`cosignature/v1\ntime ${time}\n${text}`);
    return await verifyEd25519(key.publicKey, signature.subarray(12), message)
      ? { valid: true }
      : { valid: false, reason: `the cosignature by ${key.name} does not verify` };
  }
  return { valid: false, absent: true, reason: `no cosignature by ${key.name} with key ID ${toHex(key.keyId)}` };
}

/**
 * A signed note (C2SP signed-note): the text up to the last blank line, and a signature line
 * "— <name> <base64(key ID ‖ signature)>" by the key's name and ID that verifies over the
 * text's UTF-8 bytes, final newline included.
 */
export async function verifyNote(note, key) {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) {
    return { valid: false, reason: 'not a signed note: no blank line before the signatures' };
  }
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  let found = false;
  for (const line of lines) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!match) {
      return { valid: false, reason: `not a signature line: ${line}` };
    }
    if (match[1] !== key.name) {
      continue;
    }
    let signature;
    try {
      signature = fromBase64(match[2]);
    } catch {
      return { valid: false, reason: 'a signature is not base64' };
    }
    if (signature.length !== 68 || !equalBytes(signature.subarray(0, 4), key.keyId)) {
      continue;
    }
    found = true;
    // signed-note: a signature by a known name and key ID that does not verify makes the note invalid.
    if (!await verifyEd25519(key.publicKey, signature.subarray(4), utf8(text))) {
      return { valid: false, text, reason: `the signature by ${key.name} does not verify` };
    }
  }
  return found ? { valid: true, text } : { valid: false, text, reason: `no signature by ${key.name} with key ID ${toHex(key.keyId)}` };
}

/** A checkpoint's note text (C2SP tlog-checkpoint, FORMAT.md §10.3): exactly origin, tree size, base64 root. */
export function parseCheckpoint(text) {
  if (!text.endsWith('\n')) {
    return { error: 'the checkpoint text does not end with a newline' };
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length !== 3) {
    return { error: `a checkpoint here has exactly three lines, not ${lines.length}` };
  }
  if (!/^(0|[1-9][0-9]*)$/.test(lines[1]) || !Number.isSafeInteger(Number(lines[1]))) {
    return { error: `the tree size ${lines[1]} is not a decimal number` };
  }
  let root;
  try {
    root = fromBase64(lines[2]);
  } catch {
    return { error: 'the root is not base64' };
  }
  if (root.length !== 32) {
    return { error: 'the root is not 32 bytes' };
  }
  return { origin: lines[0], treeSize: Number(lines[1]), rootLine: lines[2], root };
}

/**
 * A consistency proof between the trees of sizes `first` ≤ `second` (RFC 9162 §2.1.4.2): that
 * the tree with root `firstRoot` is a prefix of the one with root `secondRoot`. As the Go and
 * Rust transparency libraries check it. There is nothing to prove from the empty tree (FORMAT.md
 * §10.2): a first size of 0 is refused, as those libraries' probes expect.
 */
export async function verifyConsistency(first, second, proof, firstRoot, secondRoot) {
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(second) && first >= 1 && first <= second)) {
    return { valid: false, reason: `there is no consistency proof from a tree of ${first} to one of ${second}` };
  }
  if (proof.some(p => p.length !== 32)) {
    return { valid: false, reason: 'a proof hash is not 32 bytes' };
  }
  if (first === second) {
    if (proof.length > 0) {
      return { valid: false, reason: 'the proof between trees of the same size is empty, and this one is not' };
    }
    return equalBytes(firstRoot, secondRoot)
      ? { valid: true }
      : { valid: false, reason: `the roots of the same size differ: ${toHex(firstRoot)} and ${toHex(secondRoot)}` };
  }
  if (proof.length === 0) {
    return { valid: false, reason: 'the proof is empty' };
  }
  // A first tree of 2^k leaves is a node of the second tree itself: the proof leaves it out.
  const path = Number.isInteger(Math.log2(first)) && 2 ** Math.log2(first) === first ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) {
      return { valid: false, reason: 'the proof is longer than the path to the root' };
    }
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) {
    return { valid: false, reason: 'the proof is shorter than the path to the root' };
  }
  if (!equalBytes(fr, firstRoot)) {
    return { valid: false, reason: `the proof leads to ${toHex(fr)} for the tree of ${first}, not ${toHex(firstRoot)}` };
  }
  if (!equalBytes(sr, secondRoot)) {
    return { valid: false, reason: `the proof leads to ${toHex(sr)} for the tree of ${second}, not ${toHex(secondRoot)}` };
  }
  return { valid: true };
}

/**
 * The roots of a log as it grows leaf by leaf (RFC 9162 §2.1.1), from the perfect subtrees of
 * its size's binary decomposition: the root of every prefix in one pass over the leaves, as an
 * export's checkpoints need (FORMAT.md §9.4 step 5).
 */
export class GrowingTree {
  constructor() {
    this.size = 0;
    this.subtrees = [];
  }

  async push(leaf) {
    let node = { size: 1, hash: leaf };
    while (this.subtrees.length > 0 && this.subtrees.at(-1).size === node.size) {
      const left = this.subtrees.pop();
      node = { size: 2 * left.size, hash: await nodeHash(left.hash, node.hash) };
    }
    this.subtrees.push(node);
    this.size++;
  }

  /** The root of the leaves pushed so far; the empty tree's is SHA-256 of nothing. */
  async root() {
    if (this.subtrees.length === 0) {
      return sha256(new Uint8Array(0));
    }
    let root = this.subtrees.at(-1).hash;
    for (let i = this.subtrees.length - 2; i >= 0; i--) {
      root = await nodeHash(this.subtrees[i].hash, root);
    }
    return root;
  }
}
