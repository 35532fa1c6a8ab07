// The replay of docs/FORMAT.md §7 step 6 and §8, as the .NET verifier makes it
// (src/Verifier/Verification/LedgerAudit.cs): the entries of one command (consecutive, one
// signed command) are gathered; the command is authenticated and decided by the rules on the
// states before it — the registry as it stood just before it in the log — and the entries it
// makes (stream, type, canonical body) must be the entries found. Then the entries found are
// folded into the states, as the server folded them, so that later commands are judged against
// the ledger as it was written. Findings are [i18n key, ...args] for i18n.js `say`.

import { canonicalize } from '../canonical.js';
import { applyEntry, decide, findRule, initialState, signingKey, streamsOf } from './commands.js';
import { commandProblem, FormatError, parseTime } from './fields.js';
import { emptyRegistry, Stream as RegistryStream } from './registry.js';

export class Replay {
  /**
   * @param verify (publicKeyHex, entry) → Promise<boolean>: the entry's command signature under the key.
   * @param fail (text, where, technical): reports a finding.
   */
  constructor(verify, fail) {
    this.verify = verify;
    this.fail = fail;
    this.states = new Map();
    this.idempotencyKeys = new Set();
    this.group = [];
    this.groupCommand = null;
  }

  /**
   * The next entry of the log whose shape audit.js found right; `where` = { stream, sequence,
   * logPosition }. One whose command cannot be read (Command.FromJson) is, as for the .NET
   * verifier, an unreadable entry: a finding, and neither replayed nor folded in.
   */
  async add(entry, where) {
    const problem = commandProblem(entry.signedCommand.command);
    if (problem !== null) {
      await this.flush();
      this.fail(['audit.ruleUnreadable', String(entry.signedCommand.command.type), problem], where, '');
      return;
    }
    const command = `${entry.signedCommand.signature}\n${canonicalize(entry.signedCommand.command)}`;
    if (this.groupCommand !== null && this.groupCommand !== command) {
      await this.flush();
    }
    this.groupCommand = command;
    this.group.push({ entry, where });
  }

  /** An entry that could not be read: the command before it is complete. */
  async interrupt() {
    await this.flush();
  }

  registry() {
    return this.states.get(RegistryStream) ?? emptyRegistry();
  }

  stateOf(stream) {
    return this.states.get(stream) ?? initialState(stream);
  }

  /** Replays the gathered command, then folds its entries into the states. */
  async flush() {
    if (this.group.length === 0) {
      return;
    }
    const { entry: first, where } = this.group[0];
    const command = first.signedCommand.command;
    let found = false;
    const fail = (text, at = where, technical = '') => {
      found = true;
      this.fail(text, at, technical);
    };
    const idempotency = JSON.stringify([command.personId, command.idempotencyKey]);
    if (this.idempotencyKeys.has(idempotency)) {
      fail(['audit.ruleCommandAgain', command.personId, command.idempotencyKey]);
    }
    this.idempotencyKeys.add(idempotency);
    try {
      const rule = findRule(command.type);
      if (rule === null) {
        fail(['audit.ruleUnknownCommand', command.type]);
      } else {
        await this.replay(rule, first, fail);
      }
    } catch (error) {
      // The rules throw only on a state they say cannot be, or on numbers no command carries:
      // entries the server could not have written.
      fail(['audit.ruleUndecided', command.type], where, `${error.constructor.name}: ${error.message}`);
    }
    for (const { entry, where: at } of this.group) {
      try {
        this.states.set(entry.stream, await applyEntry(this.stateOf(entry.stream), entry));
      } catch (error) {
        if (!found) {
          fail(['audit.ruleNotApplied'], at, `${error.constructor.name}: ${error.message}`);
        }
      }
    }
    this.group = [];
    this.groupCommand = null;
  }

  async replay(rule, first, fail) {
    const command = first.signedCommand.command;
    const registry = this.registry();
    const key = await signingKey(registry, command);
    if (key.refuse) {
      fail(['audit.ruleRefused', command.type, key.refuse.code], undefined, key.refuse.message);
      return;
    }
    if (!(await this.verify(key.key, first))) {
      fail(['audit.ruleRefused', command.type, 'BadSignature'], undefined, 'the signature does not verify under the named key');
      return;
    }
    let streams;
    try {
      streams = streamsOf(rule, command);
    } catch (error) {
      if (!(error instanceof FormatError)) {
        throw error;
      }
      fail(['audit.ruleUnreadable', command.type, error.message]);
      return;
    }
    const states = new Map(streams.map(s => [s, this.stateOf(s)]));
    const decision = await decide(rule, { registry, states, command, now: parseTime(first.recordedAt) });
    if (decision.refuse) {
      fail(['audit.ruleRefused', command.type, decision.refuse.code], undefined, decision.refuse.message);
      return;
    }
    this.compare(decision.entries, fail);
  }

  compare(decided, fail) {
    const describe = list => list.map(e => `${e.type} on ${e.stream}`).join(', ');
    if (decided.length !== this.group.length) {
      fail(['audit.ruleEntries', this.group[0].entry.signedCommand.command.type, describe(decided), describe(this.group.map(g => g.entry))]);
      return;
    }
    decided.forEach((expected, i) => {
      const { entry, where } = this.group[i];
      const expectedBody = canonicalize(expected.body);
      const foundBody = canonicalize(entry.body);
      if (expected.stream !== entry.stream || expected.type !== entry.type || expectedBody !== foundBody) {
        fail(['audit.ruleDiffers', entry.signedCommand.command.type], where,
          `expected ${expected.type} on ${expected.stream} ${expectedBody}; found ${entry.type} on ${entry.stream} ${foundBody}`);
      }
    });
  }
}
