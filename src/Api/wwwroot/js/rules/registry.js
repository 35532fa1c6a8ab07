// The registry stream's rules and state (src/Ledger/Rules/Registry): who holds which key and
// role at each log position. Decide returns { entries } or { refuse: { code, message } };
// apply folds an entry into a new state or throws, leaving the old one as it was.

import { concat, fromHex, keyIdOf, toBase64, toHex } from '../crypto.js';
import { parseVerifierKey } from '../merkle.js';
import { isFullOrderPoint } from './edwards.js';
import { added, Fields, FormatError, invariant, isHex, isIdentifier, isShortText, lookup } from './fields.js';
import { applyPolicy } from './pointspolicy.js';

export const Stream = 'registry';

/** src/Ledger/Rules/Role.cs, in its order (the order of a person's roles in PersonRegistered). */
export const Roles = ['FinanceOfficer', 'ProjectManager', 'ConstructionSupervisor', 'OwnerRepresentative', 'ResidentSupervisor',
  'VolunteerCoordinator', 'Resident', 'Registrar', 'Auditor'];

const MaxDisplayNameLength = 100;
const MaxReasonLength = 500;
const OpenMembers = ['displayName', 'publicKey', 'registrarId', 'trial'];
const OpenedMembers = ['displayName', 'keyId', 'publicKey', 'registrarId', 'trial'];
const RegisteredMembers = ['displayName', 'householdId', 'keyId', 'personId', 'publicKey', 'roles'];
const KeyAddedMembers = ['keyId', 'personId', 'publicKey'];
const KeyRevokedMembers = ['keyId', 'personId', 'reason'];
const RoleGrantedMembers = ['householdId', 'personId', 'role'];
const RoleRevokedMembers = ['personId', 'role'];
const LogKeyNamedMembers = ['keyId', 'origin', 'publicKey', 'verifierKey'];

export const refuse = (code, message) => ({ refuse: { code, message } });
export const accept = (...entries) => ({ entries });
export const newEntry = (stream, type, body) => ({ stream, type, body });

/**
 * The empty registry: not open, nobody, no key. People: id → { roles: Set, householdId }; keys:
 * id → { personId, publicKey, revoked }; logKeys: the log keys named, oldest first, as vkey text.
 */
export function emptyRegistry() {
  return { sequence: -1, rootKeyId: null, trial: false, people: new Map(), keys: new Map(), logKeys: [], pointsPolicy: [], floorAreas: new Map() };
}

export const isOpen = registry => registry.rootKeyId !== null;

/** Whether some registrar still holds a key that is not revoked: the registry must never lock itself out. */
function hasActiveRegistrarKey(registry, { exceptKeyId = null, exceptPersonId = null } = {}) {
  for (const [keyId, key] of registry.keys) {
    if (!key.revoked && keyId !== exceptKeyId && key.personId !== exceptPersonId
      && lookup(registry.people, key.personId).roles.has('Registrar')) {
      return true;
    }
  }
  return false;
}

/** A key as hex and its id, or null when it is not 64 lowercase hex digits. */
async function tryReadKey(hex) {
  return isHex(hex, 32) ? { keyId: await keyIdOf(fromHex(hex, 32)), publicKey: hex } : null;
}

/** The key a registry command asks to record: readable, and a point of full order (issue 15). */
async function newKey(hex) {
  const key = await tryReadKey(hex);
  if (key === null) {
    return refuse('InvalidPublicKey', 'publicKey must be 64 lowercase hex digits');
  }
  return isFullOrderPoint(fromHex(hex, 32))
    ? { key }
    : refuse('PublicKeyNotFullOrder', 'publicKey must encode an Ed25519 point of full order (RFC 8032 §5.1.3, canonical, not of small or mixed order)');
}

/** The root key an OpenRegistry command names, if it names its own signing key (hex), else null. */
export async function rootKeyOf(command) {
  try {
    const body = new Fields(command.body, 'body', OpenMembers);
    const key = await tryReadKey(body.string('publicKey'));
    return key !== null && key.keyId === command.keyId ? key.publicKey : null;
  } catch (error) {
    if (error instanceof FormatError) {
      return null;
    }
    throw error;
  }
}

function householdProblem(resident, householdId) {
  if (resident && householdId === null) {
    return refuse('HouseholdRequired', 'a resident is registered with the householdId of their household');
  }
  if (resident && !isIdentifier(householdId)) {
    return refuse('MalformedCommand', 'householdId is not a valid identifier');
  }
  if (!resident && householdId !== null) {
    return refuse('HouseholdNotAllowed', 'householdId is given only with the Resident role');
  }
  return null;
}

const displayNameProblem = name => isShortText(name, MaxDisplayNameLength)
  ? null
  : `displayName must be 1 to ${MaxDisplayNameLength} characters without control characters`;

/** Whether an opening command or entry says it is a trial (RegistryRules.IsTrial). */
const isTrial = fields => fields.has('trial') && fields.boolean('trial');

export async function open(registry, command) {
  const body = new Fields(command.body, 'body', OpenMembers);
  if (isOpen(registry)) {
    return refuse('RegistryAlreadyOpen', 'the registry is already open');
  }
  const rootKey = await newKey(body.string('publicKey'));
  if (rootKey.refuse) {
    return rootKey;
  }
  const registrarId = body.string('registrarId');
  if (!isIdentifier(registrarId) || command.personId !== registrarId || command.keyId !== rootKey.key.keyId) {
    return refuse('RootKeyMismatch', 'the registry is opened by its registrar with the root key it names');
  }
  const problem = displayNameProblem(body.string('displayName'));
  if (problem) {
    return refuse('MalformedCommand', problem);
  }
  const opened = { displayName: body.string('displayName'), keyId: rootKey.key.keyId, publicKey: rootKey.key.publicKey, registrarId };
  // Only a trial says so: an entry has one spelling, and a real opening's is the one it always had.
  if (isTrial(body)) {
    opened.trial = true;
  }
  return accept(newEntry(Stream, 'RegistryOpened', opened));
}

/** A note verifier key (FORMAT.md §10.3) as its members, or null: valid, and spelled as it formats. */
async function readVerifierKey(text) {
  const parsed = await parseVerifierKey(text);
  if (parsed.error) {
    return null;
  }
  const keyId = toHex(parsed.keyId);
  const formatted = `${parsed.name}+${keyId}+${toBase64(concat(new Uint8Array([1]), parsed.publicKey))}`;
  return formatted === text ? { keyId, origin: parsed.name, publicKey: toHex(parsed.publicKey), verifierKey: text } : null;
}

/** Names the log key (RegistryRules.NameLogKey): from this entry on, checkpoints are signed by it. */
export async function nameLogKey(registry, command) {
  const body = new Fields(command.body, 'body', ['verifierKey']);
  const key = await readVerifierKey(body.string('verifierKey'));
  if (key === null) {
    return refuse('InvalidLogVerifierKey', 'verifierKey must be an Ed25519 note verifier key <origin>+<8 hex key ID>+<base64 of 0x01 and the key> (docs/FORMAT.md §10.3)');
  }
  if (!isFullOrderPoint(fromHex(key.publicKey, 32))) {
    return refuse('PublicKeyNotFullOrder', 'the public key must encode an Ed25519 point of full order (RFC 8032 §5.1.3, canonical, not of small or mixed order)');
  }
  if (registry.logKeys.at(-1) === key.verifierKey) {
    return refuse('LogKeyAlreadyNamed', `${key.verifierKey} is already the log key`);
  }
  return accept(newEntry(Stream, 'LogKeyNamed', key));
}

export async function register(registry, command) {
  const body = new Fields(command.body, 'body', ['displayName', 'householdId', 'personId', 'publicKey', 'roles']);
  const personId = body.string('personId');
  if (!isIdentifier(personId)) {
    return refuse('MalformedCommand', 'personId is not a valid identifier');
  }
  const problem = displayNameProblem(body.string('displayName'));
  if (problem) {
    return refuse('MalformedCommand', problem);
  }
  if (registry.people.has(personId)) {
    return refuse('PersonAlreadyRegistered', `${personId} is already registered`);
  }
  const roles = [];
  for (const name of body.array('roles')) {
    if (!Roles.includes(name) || roles.includes(name)) {
      return refuse('UnknownRole', `roles must be distinct names of roles: ${Roles.join(', ')}`);
    }
    roles.push(name);
  }
  const householdId = body.optionalString('householdId');
  const householdRefusal = householdProblem(roles.includes('Resident'), householdId);
  if (householdRefusal) {
    return householdRefusal;
  }
  const key = await newKey(body.string('publicKey'));
  if (key.refuse) {
    return key;
  }
  if (registry.keys.has(key.key.keyId)) {
    return refuse('KeyAlreadyRegistered', `key ${key.key.keyId} is already registered`);
  }
  const entry = {
    displayName: body.string('displayName'), keyId: key.key.keyId, personId, publicKey: key.key.publicKey,
    roles: [...roles].sort((a, b) => Roles.indexOf(a) - Roles.indexOf(b)),
  };
  if (householdId !== null) {
    entry.householdId = householdId;
  }
  return accept(newEntry(Stream, 'PersonRegistered', entry));
}

export async function addKey(registry, command) {
  const body = new Fields(command.body, 'body', ['personId', 'publicKey']);
  const personId = body.string('personId');
  if (!registry.people.has(personId)) {
    return refuse('UnknownPerson', `${personId} is not registered`);
  }
  const key = await newKey(body.string('publicKey'));
  if (key.refuse) {
    return key;
  }
  if (registry.keys.has(key.key.keyId)) {
    return refuse('KeyAlreadyRegistered', `key ${key.key.keyId} is already registered`);
  }
  return accept(newEntry(Stream, 'KeyAdded', { keyId: key.key.keyId, personId, publicKey: key.key.publicKey }));
}

export function revokeKey(registry, command) {
  const body = new Fields(command.body, 'body', ['keyId', 'personId', 'reason']);
  const personId = body.string('personId');
  const keyId = body.string('keyId');
  const reason = body.string('reason');
  if (reason.length === 0 || reason.length > MaxReasonLength) {
    return refuse('MalformedCommand', `reason must be 1 to ${MaxReasonLength} characters`);
  }
  if (!registry.people.has(personId)) {
    return refuse('UnknownPerson', `${personId} is not registered`);
  }
  const key = registry.keys.get(keyId);
  if (!key || key.personId !== personId) {
    return refuse('KeyNotOfPerson', `key ${keyId} is not a key of ${personId}`);
  }
  if (key.revoked) {
    return refuse('KeyAlreadyRevoked', `key ${keyId} is already revoked`);
  }
  if (!hasActiveRegistrarKey(registry, { exceptKeyId: keyId })) {
    return refuse('LastRegistrarKey', 'revoking it would leave no registrar able to sign: add another registrar key first');
  }
  return accept(newEntry(Stream, 'KeyRevoked', { keyId, personId, reason }));
}

export function grantRole(registry, command) {
  const body = new Fields(command.body, 'body', ['householdId', 'personId', 'role']);
  const personId = body.string('personId');
  const person = registry.people.get(personId);
  if (!person) {
    return refuse('UnknownPerson', `${personId} is not registered`);
  }
  const role = body.string('role');
  if (!Roles.includes(role)) {
    return refuse('UnknownRole', `role must be one of: ${Roles.join(', ')}`);
  }
  const householdId = body.optionalString('householdId');
  const householdRefusal = householdProblem(role === 'Resident', householdId);
  if (householdRefusal) {
    return householdRefusal;
  }
  if (person.roles.has(role)) {
    return refuse('RoleAlreadyHeld', `${personId} already holds ${role}`);
  }
  const entry = { personId, role };
  if (householdId !== null) {
    entry.householdId = householdId;
  }
  return accept(newEntry(Stream, 'RoleGranted', entry));
}

export function revokeRole(registry, command) {
  const body = new Fields(command.body, 'body', ['personId', 'role']);
  const personId = body.string('personId');
  const person = registry.people.get(personId);
  if (!person) {
    return refuse('UnknownPerson', `${personId} is not registered`);
  }
  const role = body.string('role');
  if (!Roles.includes(role)) {
    return refuse('UnknownRole', `role must be one of: ${Roles.join(', ')}`);
  }
  if (!person.roles.has(role)) {
    return refuse('RoleNotHeld', `${personId} does not hold ${role}`);
  }
  if (role === 'Registrar' && !hasActiveRegistrarKey(registry, { exceptPersonId: personId })) {
    return refuse('LastRegistrarKey', 'revoking it would leave no registrar able to sign');
  }
  return accept(newEntry(Stream, 'RoleRevoked', { personId, role }));
}

/** A recorded key (RegistryRules.ReadKey): readable and named by its id; its order is not asked, so state still loads. */
async function readKey(body) {
  const key = await tryReadKey(body.string('publicKey'));
  if (key === null || key.keyId !== body.string('keyId')) {
    throw new FormatError('keyId must be the key id of publicKey');
  }
  return key;
}

function readRole(value) {
  if (!Roles.includes(value)) {
    throw new FormatError('unknown role');
  }
  return value;
}

/** The registry after one of its entries (RegistryState.ApplyBody). */
const MaxFloorAreaHundredths = 10_000_000;

/** RegistryRules.RecordFloorArea: a household's exclusive floor area, in hundredths of a square metre. */
export function recordFloorArea(registry, command) {
  const body = new Fields(command.body, 'body', ['floorAreaHundredths', 'householdId']);
  const householdId = body.string('householdId');
  if (!isIdentifier(householdId)) {
    return refuse('MalformedCommand', 'householdId is not a valid identifier');
  }
  const area = body.integer('floorAreaHundredths');
  if (area < 1 || area > MaxFloorAreaHundredths) {
    return refuse('FloorAreaOutOfRange', `floorAreaHundredths is from 1 to ${MaxFloorAreaHundredths} (hundredths of a square metre)`);
  }
  return accept(newEntry(Stream, 'FloorAreaRecorded', { floorAreaHundredths: area, householdId }));
}

export async function applyRegistry(state, entry) {
  const body = entry.body;
  const next = { ...state };
  switch (entry.type) {
    case 'FloorAreaRecorded': {
      const fields = new Fields(body, entry.type, ['floorAreaHundredths', 'householdId']);
      next.floorAreas = new Map(state.floorAreas).set(fields.string('householdId'), fields.integer('floorAreaHundredths'));
      return next;
    }
    case 'RegistryOpened': {
      const fields = new Fields(body, entry.type, OpenedMembers);
      const key = await readKey(fields);
      const registrarId = fields.string('registrarId');
      next.rootKeyId = key.keyId;
      next.trial = isTrial(fields);
      next.people = added(state.people, registrarId, { roles: new Set(['Registrar']), householdId: null, displayName: fields.string('displayName') });
      next.keys = added(state.keys, key.keyId, { personId: registrarId, publicKey: key.publicKey, revoked: false });
      return next;
    }
    case 'PersonRegistered': {
      const fields = new Fields(body, entry.type, RegisteredMembers);
      const key = await readKey(fields);
      const personId = fields.string('personId');
      const person = { displayName: fields.string('displayName'), roles: new Set(fields.array('roles').map(readRole)), householdId: fields.optionalString('householdId') };
      next.people = added(state.people, personId, person);
      next.keys = added(state.keys, key.keyId, { personId, publicKey: key.publicKey, revoked: false });
      return next;
    }
    case 'KeyAdded': {
      const fields = new Fields(body, entry.type, KeyAddedMembers);
      const key = await readKey(fields);
      const personId = fields.string('personId');
      // An entry that names an unregistered person (a forged export) must not leave a key whose person the registry lacks.
      invariant(state.people.has(personId), `a key is added to a registered person (${personId})`);
      next.keys = added(state.keys, key.keyId, { personId, publicKey: key.publicKey, revoked: false });
      return next;
    }
    case 'KeyRevoked': {
      const keyId = new Fields(body, entry.type, KeyRevokedMembers).string('keyId');
      next.keys = new Map(state.keys).set(keyId, { ...lookup(state.keys, keyId), revoked: true });
      return next;
    }
    case 'RoleGranted':
    case 'RoleRevoked': {
      const granted = entry.type === 'RoleGranted';
      const fields = new Fields(body, entry.type, granted ? RoleGrantedMembers : RoleRevokedMembers);
      const personId = fields.string('personId');
      const person = lookup(state.people, personId);
      const role = readRole(fields.string('role'));
      const roles = new Set(person.roles);
      if (granted) {
        roles.add(role);
      } else {
        roles.delete(role);
      }
      const householdId = role !== 'Resident' ? person.householdId : granted ? fields.string('householdId') : null;
      next.people = new Map(state.people).set(personId, { ...person, roles, householdId });
      return next;
    }
    case 'LogKeyNamed': {
      // A recorded naming's members must all say the same key (RegistryRules.ReadLogKey).
      const fields = new Fields(body, entry.type, LogKeyNamedMembers);
      const key = await readVerifierKey(fields.string('verifierKey'));
      if (key === null || key.origin !== fields.string('origin') || key.keyId !== fields.string('keyId') || key.publicKey !== fields.string('publicKey')) {
        throw new FormatError('keyId, origin and publicKey must be those of verifierKey');
      }
      next.logKeys = [...state.logKeys, key.verifierKey];
      return next;
    }
    case 'PointsPolicyProposed':
    case 'PointsPolicyApproved':
      next.pointsPolicy = applyPolicy(state.pointsPolicy, entry);
      return next;
    default:
      throw new FormatError(`the registry has no entry type ${entry.type}`);
  }
}
