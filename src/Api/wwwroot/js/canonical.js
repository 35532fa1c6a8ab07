// Canonical JSON of the Community Ledger, docs/FORMAT.md §2: RFC 8785 (JCS) restricted to
// objects, arrays, strings, integers in ±(2^53 − 1) and booleans. Members are sorted by their
// names as sequences of UTF-16 code units (RFC 8785 §3.2.3: exactly what Array.prototype.sort
// does with strings), strings are written as JSON.stringify writes them (RFC 8785 §3.2.2.2:
// only '"', '\' and characters below U+0020 escaped, \u00xx in lowercase), no whitespace.
// null, fractions, −0, out-of-range integers, lone surrogates and nesting deeper than 32
// levels have no canonical form: they throw, they are never normalised.

export const MaxDepth = 32;

export class CanonicalFormError extends Error {}

/** The canonical JSON text of a value parsed from JSON (JSON.parse). */
export function canonicalize(value) {
  return write(value, 0);
}

/** Whether a JSON text is exactly the canonical form of what it holds (FORMAT.md §2, last paragraph). */
export function isCanonical(text) {
  try {
    return canonicalize(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

// depth: how many arrays and objects enclose the value.
function write(value, depth) {
  switch (typeof value) {
    case 'string':
      return writeString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new CanonicalFormError(`${value} is not an integer in ±(2^53 − 1)`);
      }
      if (Object.is(value, -0)) {
        throw new CanonicalFormError('-0 has no canonical form');
      }
      return String(value);
    case 'object':
      if (value === null) {
        throw new CanonicalFormError('null has no canonical form');
      }
      if (depth + 1 > MaxDepth) {
        throw new CanonicalFormError(`nesting deeper than ${MaxDepth} levels`);
      }
      if (Array.isArray(value)) {
        return '[' + value.map(item => write(item, depth + 1)).join(',') + ']';
      }
      return '{' + Object.keys(value).sort()
        .map(name => writeString(name) + ':' + write(value[name], depth + 1)).join(',') + '}';
    default:
      throw new CanonicalFormError(`a ${typeof value} has no canonical form`);
  }
}

function writeString(text) {
  // A lone surrogate is not Unicode text; JSON.stringify would escape it rather than refuse it.
  if (!text.isWellFormed()) {
    throw new CanonicalFormError('a string holds a lone surrogate');
  }
  return JSON.stringify(text);
}
