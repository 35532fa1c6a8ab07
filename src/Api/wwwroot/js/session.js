// Who is signed in, in this browser: the signing key, kept in IndexedDB as a non-extractable
// WebCrypto key (a CryptoKey is stored as itself, structured-cloned; its secret cannot be read
// back by any script), and the person the registry says it belongs to now (GET /v1/registry/me).
// Signing out deletes the key. Nothing here ever sends the key anywhere: it only signs.

import { ApiError, signedGet } from './api.js';

const DatabaseName = 'community-ledger';
const StoreName = 'keys';
const Slot = 'signed-in';

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DatabaseName, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(StoreName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inStore(mode, action) {
  const database = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = database.transaction(StoreName, mode);
      const request = action(transaction.objectStore(StoreName));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    database.close();
  }
}

/** Keeps this key as the one signed in, in place of any other. */
export async function signIn(key) {
  if (key.privateKey.extractable) {
    throw new Error('only a non-extractable key is kept');
  }
  await inStore('readwrite', store => store.put(key, Slot));
}

/** Forgets the key: the browser no longer holds it. */
export async function signOut() {
  await inStore('readwrite', store => store.delete(Slot));
}

/** The key signed in here, or null. */
export async function signedInKey() {
  return (await inStore('readonly', store => store.get(Slot))) ?? null;
}

/**
 * The session: null when no key is kept; else {key, person} with the person as the registry
 * holds them now, or {key, person: null, refusal} with the result code of a key the registry
 * does not accept (UnknownKey, KeyRevoked, RoleMissing …).
 */
export async function session() {
  const key = await signedInKey();
  if (!key) {
    return null;
  }
  try {
    return { key, person: await signedGet(key, '/v1/registry/me') };
  } catch (error) {
    if (error instanceof ApiError && error.problem?.code) {
      return { key, person: null, refusal: error.problem.code };
    }
    throw error;
  }
}
