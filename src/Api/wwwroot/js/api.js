// The ledger's HTTP API (docs/API.md), as the page uses it: public views, signed reads and
// signed commands made exactly as src/Client/LedgerClient.cs makes them.

import { canonicalize } from './canonical.js';
import { commandMessage, randomKey, signEd25519, toBase64Url, toHex, utf8 } from './crypto.js';

/**
 * An answer that is not 2xx: its status and, for a problem (RFC 9457), the problem. The page
 * says what went wrong from the problem's code (i18n.js refusal), never from its English detail.
 */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.code ? `${problem.code} (HTTP ${status})` : `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function request(path, options = {}) {
  const response = await fetch(path, { cache: 'no-store', ...options });
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      // a body that is not JSON: the status says enough
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

export async function getJson(path, headers = {}) {
  return (await request(path, { headers })).json();
}

export async function getText(path) {
  return (await request(path)).text();
}

/**
 * Every entry of a stream, in pages of up to 1000. If the server refuses a page (a broken
 * chain or a stored hash that no longer matches trips its own guards, and it answers 500),
 * the entries are fetched one at a time from there, so that the browser can still show which
 * ones it can and cannot check. Returns the entries, the sequences the server could not
 * serve, and how the download went.
 */
export async function streamEntries(stream) {
  const entries = [];
  const missing = [];
  let requests = 0;
  let refusedStatus = null;
  let from = 0;
  while (from !== null) {
    requests++;
    try {
      const page = await getJson(`/v1/entries?stream=${encodeURIComponent(stream)}&from=${from}&limit=1000`);
      entries.push(...page.entries);
      from = page.next;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status < 500) {
        throw error;
      }
      refusedStatus = error.status;
      const single = await oneByOne(stream, from);
      entries.push(...single.entries);
      missing.push(...single.missing);
      requests += single.requests;
      from = null;
    }
  }
  return { entries, missing, requests, refusedStatus };
}

async function oneByOne(stream, from) {
  const entries = [];
  const missing = [];
  let requests = 0;
  // A sequence past the stream's end answers an empty page, not an error: every miss is an
  // entry the server has and would not serve. Bounded all the same, at 20 misses in a row.
  let misses = 0;
  for (let sequence = from; misses < 20; sequence++) {
    requests++;
    try {
      const page = await getJson(`/v1/entries?stream=${encodeURIComponent(stream)}&from=${sequence}&limit=1`);
      if (page.entries.length === 0) {
        break;
      }
      entries.push(page.entries[0]);
      misses = 0;
      if (page.next === null) {
        break;
      }
    } catch (error) {
      if (!(error instanceof ApiError) || error.status < 500) {
        throw error;
      }
      missing.push({ sequence, status: error.status });
      misses++;
    }
  }
  return { entries, missing, requests };
}

/** A person's key as the page holds it: person id, key id and the WebCrypto private key. */
export function signCommand(key, type, body, idempotencyKey = 'portal/' + randomKey()) {
  const command = {
    body,
    idempotencyKey,
    issuedAt: new Date().toISOString(),
    keyId: key.keyId,
    personId: key.personId,
    type,
  };
  return signEd25519(key.privateKey, commandMessage(command))
    .then(signature => ({ command, signature: toHex(signature) }));
}

/**
 * A signed read (docs/API.md "Signed reads"): a ReadRequest naming this method and target,
 * signed like a command, sent as the base64url of its canonical JSON.
 */
export async function signedGet(key, target) {
  return (await signedRead(key, target)).json();
}

/** A signed read's bytes, for what is not JSON (the export's zip). */
export async function signedBytes(key, target) {
  return new Uint8Array(await (await signedRead(key, target)).arrayBuffer());
}

/**
 * A signed read that sends a file (the bank statement matched against a project, docs/API.md
 * "Bank statements"): the ReadRequest names the method POST; the body is the file's bytes as they are.
 */
export async function signedPost(key, target, bytes, contentType) {
  return (await signedRead(key, target, { method: 'POST', headers: { 'Content-Type': contentType }, body: bytes })).json();
}

async function signedRead(key, target, { method = 'GET', headers = {}, body } = {}) {
  const signed = await signCommand(key, 'ReadRequest', { method, target }, randomKey());
  return request(target, { method, body, headers: { ...headers, Authorization: 'Ledger ' + toBase64Url(utf8(canonicalize(signed))) } });
}

/** Posts a signed command (FORMAT.md §6) as its canonical JSON; a lost answer is retried once with the same bytes. */
export async function postCommand(signed) {
  return postJson(`/v1/commands/${signed.command.type}`, canonicalize(signed));
}

/** The most commands a batch holds (CommandBatchEndpoints.MaxCommands, docs/API.md "Batches"). */
export const MaxBatchCommands = 500;

/**
 * Posts signed commands as one batch (docs/API.md "Batches"), each as the canonical JSON it would
 * be posted as alone; a lost answer is retried once with the same bytes. Returns, in the order
 * given, each command's acknowledgement or, for a refused one, its ApiError; a batch refused as a
 * whole throws its ApiError.
 */
export async function postCommands(signed) {
  const { results } = await postJson('/v1/commands', `[${signed.map(canonicalize).join(',')}]`);
  return results.map(r => r.acknowledgement ?? new ApiError(r.status, r.problem));
}

async function postJson(path, body) {
  const send = () => request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  let response;
  try {
    response = await send();
  } catch (error) {
    if (error instanceof ApiError) {
      throw error;
    }
    response = await send();
  }
  return response.json();
}
