// Every command the ledger takes, in one table (src/Ledger/Rules/CommandRule.cs): who may give
// it, which streams it writes, and the rule that decides it; the envelope's checks before any
// rule (src/Ledger/Rules/Authorization.cs, FORMAT.md §8) in the same order of refusals; and the
// state of any stream, folded from its entries.

import * as catalog from './catalog.js';
import { FormatError, invariant, parseTime } from './fields.js';
import * as households from './households.js';
import * as pointsPolicy from './pointspolicy.js';
import * as projects from './projects.js';
import * as registry from './registry.js';
import * as votes from './votes.js';

const { refuse } = registry;

/** FORMAT.md §8 step 4: how far issuedAt may lie from the recorded time, either way. */
const IssueWindowMs = 5 * 60 * 1000;

const onRegistry = decide => context => decide(context.state(registry.Stream), context.command);
const projectRule = (decide, ...roles) => ({ roles, streams: c => [projects.streamOf(projects.projectIdOf(c))], decide });
const householdRule = (decide, withCatalog, ...roles) => ({
  roles,
  streams: c => withCatalog ? [households.streamOf(households.householdIdOf(c)), catalog.Stream] : [households.streamOf(households.householdIdOf(c))],
  decide,
});
const voteRule = decide => ({
  roles: ['OwnerRepresentative'],
  streams: c => [projects.streamOf(projects.projectIdOf(c)), ...votes.scopeOf(c).map(households.streamOf)],
  decide,
});
const registryRule = decide => ({ roles: ['Registrar'], streams: () => [registry.Stream], decide: onRegistry(decide) });
const catalogRule = decide => ({ roles: ['VolunteerCoordinator'], streams: () => [catalog.Stream], decide });

export const Commands = {
  OpenRegistry: registryRule(registry.open),
  RegisterPerson: registryRule(registry.register),
  AddKey: registryRule(registry.addKey),
  RevokeKey: registryRule(registry.revokeKey),
  GrantRole: registryRule(registry.grantRole),
  RevokeRole: registryRule(registry.revokeRole),
  NameLogKey: registryRule(registry.nameLogKey),
  ProposePointsPolicy: { roles: ['VolunteerCoordinator'], streams: () => [registry.Stream], decide: pointsPolicy.propose },
  ApprovePointsPolicy: { roles: ['ResidentSupervisor'], streams: () => [registry.Stream], decide: pointsPolicy.approve },
  RecordFloorArea: registryRule(registry.recordFloorArea),

  OpenProject: projectRule(projects.open, 'FinanceOfficer'),
  RecordReceipt: projectRule(projects.recordReceipt, 'FinanceOfficer'),
  StartCampaign: projectRule(projects.startCampaign, 'FinanceOfficer'),
  PayShare: {
    roles: ['Resident'],
    streams: c => [households.streamOf(households.householdIdOf(c)), projects.streamOf(projects.projectIdOf(c))],
    decide: projects.payShare,
  },
  AttestMilestone: projectRule(projects.attestMilestone, 'ProjectManager', 'ConstructionSupervisor'),
  RequestDisbursement: projectRule(projects.requestDisbursement, 'FinanceOfficer'),
  ApproveDisbursement: projectRule(projects.approveDisbursement, 'OwnerRepresentative', 'ConstructionSupervisor', 'ProjectManager'),
  RejectDisbursement: projectRule(projects.rejectDisbursement, 'OwnerRepresentative', 'ConstructionSupervisor', 'ProjectManager'),
  PayDisbursement: projectRule(projects.payDisbursement, 'FinanceOfficer'),
  ProposeReversal: projectRule(projects.proposeReversal, 'FinanceOfficer'),
  ApproveReversal: projectRule(projects.approveReversal, 'ResidentSupervisor'),
  SignReconciliation: projectRule(projects.signReconciliation, 'FinanceOfficer'),
  CountersignReconciliation: projectRule(projects.countersignReconciliation, 'ResidentSupervisor'),
  CancelProject: {
    roles: ['FinanceOfficer'],
    streams: c => [projects.streamOf(projects.projectIdOf(c)), ...projects.refundsOf(c).map(households.streamOf)],
    decide: projects.cancel,
  },
  CloseProject: projectRule(projects.close, 'FinanceOfficer'),
  OpenVote: voteRule(votes.openVote),
  CloseVote: voteRule(votes.closeVote),
  CastBallot: householdRule(votes.castBallot, false, 'Resident'),

  AwardPoints: householdRule(households.awardPoints, false, 'VolunteerCoordinator'),
  ReserveRedemption: householdRule(households.reserveRedemption, true, 'Resident'),
  FulfilRedemption: householdRule(households.fulfilRedemption, false, 'VolunteerCoordinator'),
  CancelRedemption: householdRule(households.cancelRedemption, true, 'VolunteerCoordinator', 'Resident'),

  AddCatalogItem: catalogRule(catalog.addItem),
  RestockCatalogItem: catalogRule(catalog.restock),
  WithdrawCatalogItem: catalogRule(catalog.withdraw),
};

export const findRule = type => Object.hasOwn(Commands, type) ? Commands[type] : null;

/** The streams a command writes, distinct, in ordinal order; a body that names none well is a FormatError. */
export function streamsOf(rule, command) {
  return [...new Set(rule.streams(command))].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
}

const isOpening = (state, command) => command.type === 'OpenRegistry' && !registry.isOpen(state);

/**
 * Authentication: the public key (hex) the command must verify under — the registered key of
 * its person, or for the opening the root key in its own body — or a refusal UnknownKey.
 */
export async function signingKey(state, command) {
  if (!registry.isOpen(state) && command.type !== 'OpenRegistry') {
    return refuse('RegistryNotOpen', 'the registry is not open yet: the registrar opens it first (OpenRegistry)');
  }
  const key = isOpening(state, command)
    ? await registry.rootKeyOf(command)
    : state.keys.get(command.keyId)?.personId === command.personId ? state.keys.get(command.keyId).publicKey : null;
  return key === null ? refuse('UnknownKey', `key ${command.keyId} is not a registered key of ${command.personId}`) : { key };
}

/** Whether the command may be taken at all now: the key its person's and not revoked, issued within the window of `now` (ms). */
function admit(state, command, now) {
  if (!isOpening(state, command)) {
    const key = state.keys.get(command.keyId);
    if (!key || key.personId !== command.personId) {
      return refuse('UnknownKey', `key ${command.keyId} is not a registered key of ${command.personId}`);
    }
    if (key.revoked) {
      return refuse('KeyRevoked', `key ${command.keyId} was revoked`);
    }
  }
  const issued = parseTime(command.issuedAt);
  if (issued < now - IssueWindowMs) {
    return refuse('CommandStale', 'the command was issued more than 5 minutes ago: sign it again');
  }
  if (issued > now + IssueWindowMs) {
    return refuse('CommandFromFuture', 'the command is dated more than 5 minutes ahead: check the client\'s clock');
  }
  return null;
}

function authorize(state, command, roles, now) {
  const refusal = admit(state, command, now);
  if (refusal || isOpening(state, command)) {
    return refusal;
  }
  const held = state.people.get(command.personId).roles;
  return roles.some(r => held.has(r)) ? null : refuse('RoleMissing', `${command.type} needs one of the roles ${[...roles].sort((a, b) => registry.Roles.indexOf(a) - registry.Roles.indexOf(b)).join(', ')}`);
}

/**
 * Decides an authenticated command on the states before it (Commands.Decide): authorization by
 * the registry, then the command's rule; a body the rule cannot read is refused as malformed.
 * `context` = { registry, states: Map stream → state, command, now (ms) }.
 */
export async function decide(rule, context) {
  const refusal = authorize(context.registry, context.command, rule.roles, context.now);
  if (refusal) {
    return refusal;
  }
  const full = { ...context, state: stream => context.states.get(stream) };
  try {
    return await rule.decide(full);
  } catch (error) {
    if (error instanceof FormatError) {
      return refuse('MalformedCommand', error.message);
    }
    throw error;
  }
}

/** The state of a stream that has no entries yet. */
export function initialState(stream) {
  if (stream === registry.Stream) {
    return registry.emptyRegistry();
  }
  if (stream === catalog.Stream) {
    return catalog.emptyCatalog();
  }
  if (stream.startsWith('project/')) {
    return projects.emptyProject(stream.slice('project/'.length));
  }
  if (stream.startsWith('household/')) {
    return households.emptyHousehold(stream.slice('household/'.length));
  }
  throw new FormatError(`no rules for stream "${stream}"`);
}

/** The stream's state after `entry`, which must be its next entry (StreamState.Apply); throws, changing nothing, when it cannot be. */
export async function applyEntry(state, entry) {
  invariant(entry.sequence === state.sequence + 1, `entries of a stream apply in sequence order (${entry.stream}#${entry.sequence})`);
  const apply = entry.stream === registry.Stream ? registry.applyRegistry
    : entry.stream === catalog.Stream ? catalog.applyCatalog
      : entry.stream.startsWith('project/') ? projects.applyProject
        : households.applyHousehold;
  return { ...(await apply(state, entry)), sequence: entry.sequence };
}
