// What the rules read from a command's body and an entry's, as src/Ledger/Canonical/JsonFields.cs
// reads it, and the arithmetic they do on it: integers as C# `long` under `checked`, exact within
// 2^53 (a canonical JSON number never exceeds it) and an error beyond, never a rounded result.
// Pure: no DOM, no I/O; runs in the page's worker and under Node.

/** A command or entry the rules cannot read (C# FormatException): a command refused as malformed. */
export class FormatError extends Error {}

/** A state the rules say cannot be (C# InvariantViolationException): entries the server could not have written. */
export class InvariantError extends Error {}

/** A sum or product out of range (C# OverflowException under `checked`), or a lookup of what is not there. */
export class StateError extends Error {}

export function invariant(holds, what) {
  if (!holds) {
    throw new InvariantError(`invariant violated: ${what}`);
  }
}

/** A C# `checked` result: exact, or an error. JavaScript numbers are exact up to 2^53 − 1. */
export function checked(value) {
  if (!Number.isSafeInteger(value)) {
    throw new StateError('arithmetic overflow');
  }
  return value;
}

/** A C# `(int)` cast under `checked`. */
export function toInt32(value) {
  if (value < -2147483648 || value > 2147483647) {
    throw new StateError('arithmetic overflow');
  }
  return value;
}

/** `dictionary[key]` in C#: a missing key is an error, not undefined. */
export function lookup(map, key) {
  if (!map.has(key)) {
    throw new StateError(`the given key '${key}' was not present in the dictionary`);
  }
  return map.get(key);
}

/** `ImmutableDictionary.Add`: a key already present is an error. */
export function added(map, key, value) {
  if (map.has(key)) {
    throw new StateError(`an item with the same key has already been added: ${key}`);
  }
  return new Map(map).set(key, value);
}

export function sum(values) {
  return values.reduce((total, value) => checked(total + value), 0);
}

const Identifier = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TypeName = /^[A-Z][A-Za-z0-9]{0,63}$/;
const KeyId = /^[0-9a-f]{32}$/;
const Hash = /^[0-9a-f]{64}$/;
const Time = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;
// char.IsControl: the Unicode category Cc.
const Control = /[\u0000-\u001f\u007f-\u009f]/;

/** docs/FORMAT.md §5 (src/Ledger/Entries/Names.cs): `$` here matches only at the very end, as `\z` does. */
export function isIdentifier(text) {
  return typeof text === 'string' && Identifier.test(text);
}

export function isHex(text, bytes) {
  return typeof text === 'string' && text.length === 2 * bytes && /^[0-9a-f]*$/.test(text);
}

/** 1 to `max` UTF-16 code units (C# string.Length) without control characters. */
export function isShortText(text, max) {
  return text.length >= 1 && text.length <= max && !Control.test(text);
}

/** A time of FORMAT.md §1 as milliseconds since the epoch, or null; the calendar must hold it. */
export function parseTime(text) {
  const match = typeof text === 'string' ? Time.exec(text) : null;
  if (!match) {
    return null;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) || new Date(ms).toISOString() !== text ? null : ms;
}

export function formatTime(ms) {
  return new Date(ms).toISOString();
}

/** China Standard Time (北京时间), UTC+8 all year, no daylight saving time since 1991 (LedgerTime.cs). */
export const ChinaStandardTimeMs = 8 * 3_600_000;

/**
 * DateTimeOffset.AddMonths: the same day of the month `months` later, or the month's last day;
 * beyond the year 9999 an error.
 */
export function addMonths(ms, months) {
  const date = new Date(ms);
  const target = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(target / 12);
  const month = ((target % 12) + 12) % 12;
  if (year > 9999) {
    throw new StateError('the added or subtracted value results in an un-representable DateTime');
  }
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const result = new Date(ms);
  result.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
  return result.getTime();
}

/** The checks of Command.FromJson that an entry's shape does not make: what makes a command unreadable. */
export function commandProblem(command) {
  if (typeof command.body !== 'object' || command.body === null || Array.isArray(command.body)) {
    return 'member "body" must be an object';
  }
  for (const name of ['personId', 'keyId', 'type', 'idempotencyKey', 'issuedAt']) {
    if (typeof command[name] !== 'string') {
      return `member "${name}" must be a string`;
    }
  }
  if (parseTime(command.issuedAt) === null) {
    return 'member "issuedAt" must be a time like 2026-01-31T08:00:00.000Z';
  }
  if (!isIdentifier(command.personId)) {
    return 'personId is not a valid identifier';
  }
  if (!KeyId.test(command.keyId)) {
    return 'keyId must be 32 lowercase hex digits';
  }
  if (!TypeName.test(command.type)) {
    return 'type is not a valid command type';
  }
  if (command.idempotencyKey.length === 0 || command.idempotencyKey.length > 128) {
    return 'idempotencyKey must be 1 to 128 characters';
  }
  return null;
}

/** JsonFields: an object with no member but the allowed ones, read strictly by kind. */
export class Fields {
  constructor(value, what, allowed) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new FormatError(`${what} must be a JSON object`);
    }
    for (const name of Object.keys(value)) {
      if (!allowed.includes(name)) {
        throw new FormatError(`${what} has an unknown member "${name}"`);
      }
    }
    this.value = value;
  }

  has(name) {
    return Object.hasOwn(this.value, name);
  }

  element(name) {
    if (!this.has(name)) {
      throw new FormatError(`member "${name}" is missing`);
    }
    return this.value[name];
  }

  string(name) {
    const member = this.element(name);
    if (typeof member !== 'string') {
      throw new FormatError(`member "${name}" must be a string`);
    }
    return member;
  }

  boolean(name) {
    const member = this.element(name);
    if (typeof member !== 'boolean') {
      throw new FormatError(`member "${name}" must be true or false`);
    }
    return member;
  }

  optionalString(name) {
    return this.has(name) ? this.string(name) : null;
  }

  integer(name) {
    const member = this.element(name);
    if (!Number.isSafeInteger(member)) {
      throw new FormatError(`member "${name}" must be an integer`);
    }
    return member;
  }

  optionalInteger(name) {
    return this.has(name) ? this.integer(name) : null;
  }

  object(name) {
    const member = this.element(name);
    if (typeof member !== 'object' || member === null || Array.isArray(member)) {
      throw new FormatError(`member "${name}" must be an object`);
    }
    return member;
  }

  array(name) {
    const member = this.element(name);
    if (!Array.isArray(member)) {
      throw new FormatError(`member "${name}" must be an array`);
    }
    return member;
  }

  hash(name) {
    const text = this.string(name);
    if (!Hash.test(text)) {
      throw new FormatError(`member "${name}" must be 64 lowercase hex digits`);
    }
    return text;
  }

  /** An exact name of `names` (ProjectRules.ReadEnum), else a format error. */
  enumName(names, name, what) {
    const text = this.string(name);
    if (!names.includes(text)) {
      throw new FormatError(`${name} is not a ${what}`);
    }
    return text;
  }
}
