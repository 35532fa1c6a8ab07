// One entry's own checks of docs/FORMAT.md §7, shared by the project check (verify.js) and the
// whole-ledger audit (audit.js): its members and their forms, its signature under a given key,
// and its issue window (§8 step 4). Pure: no DOM, no network, no words of the page.

import { commandMessage, fromHex, verifyEd25519 } from './crypto.js';

const EntryMembers = ['body', 'format', 'previousHash', 'recordedAt', 'sequence', 'signedCommand', 'stream', 'type'];
const CommandMembers = ['body', 'idempotencyKey', 'issuedAt', 'keyId', 'personId', 'type'];
const IssueWindowMs = 5 * 60 * 1000;
const Hex64 = /^[0-9a-f]{64}$/;
const Time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** What is wrong with an entry's shape (§4.2, §6.1), in English as FORMAT.md says it; empty when nothing is. */
export function shapeProblems(entry) {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return ['the entry is not a JSON object'];
  }
  const problems = [];
  const members = Object.keys(entry).sort();
  if (members.join() !== EntryMembers.join()) {
    problems.push(`members ${members.join(', ')} are not ${EntryMembers.join(', ')}`);
  }
  if (entry.format !== 1) {
    problems.push(`format ${entry.format} is not 1`);
  }
  if (!Hex64.test(entry.previousHash ?? '')) {
    problems.push(`previous hash ${entry.previousHash} is not 32 bytes of lowercase hex`);
  }
  if (typeof entry.type !== 'string' || !Time.test(entry.recordedAt ?? '')) {
    problems.push('type or recorded time malformed');
  }
  const signed = entry.signedCommand;
  const command = signed?.command;
  if (!command || Object.keys(signed).sort().join() !== 'command,signature'
    || Object.keys(command).sort().join() !== CommandMembers.join()) {
    problems.push('signedCommand is not {command: {body, idempotencyKey, issuedAt, keyId, personId, type}, signature}');
  }
  return problems;
}

/** Whether the entry's command signature verifies under a public key in hex (§6.2); false for anything unreadable. */
export async function signatureVerifies(publicKeyHex, entry) {
  try {
    return await verifyEd25519(fromHex(publicKeyHex, 32), fromHex(entry.signedCommand.signature, 64), commandMessage(entry.signedCommand.command));
  } catch {
    return false;
  }
}

/** §8 step 4: the command was issued within 5 minutes either way of the entry's recording. */
export function withinIssueWindow(entry) {
  const issued = Date.parse(entry.signedCommand?.command?.issuedAt);
  const recorded = Date.parse(entry.recordedAt);
  return Math.abs(issued - recorded) <= IssueWindowMs;
}
