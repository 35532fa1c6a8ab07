// The household streams' rules and state (src/Ledger/Rules/Households): points awarded for
// volunteering and redeemed from the catalog, and the crowdfunding a household paid.

import { notOffered, Stream as CatalogStream } from './catalog.js';
import { added, checked, Fields, FormatError, invariant, isIdentifier, isShortText, lookup, parseTime, sum } from './fields.js';
import { price } from './pointspolicy.js';
import { accept, newEntry, refuse } from './registry.js';
import { applyBallot } from './votes.js';

export const Activities = ['VolunteerService', 'WasteSorting', 'CouncilParticipation', 'ResourceDonation'];

const MaxPointsPerAward = 100_000;
const MaxQuantity = 10_000;
const MaxReferenceLength = 128;
const PaidMembers = ['amountFen', 'projectId', 'reference'];
const RefundedMembers = ['amountFen', 'projectId'];
const AwardedMembers = ['activity', 'points', 'policyVersion', 'quantity', 'reference'];
const ReservedMembers = ['itemId', 'points', 'quantity', 'redemptionId'];
const FulfilledMembers = ['points', 'redemptionId'];
const CancelledMembers = ['points', 'reason', 'redemptionId'];

export const streamOf = householdId => `household/${householdId}`;

/** A member of a command's body that names a stream: an identifier, else the command is malformed. */
export function identifierOf(command, member) {
  const body = command.body;
  const value = typeof body === 'object' && body !== null && !Array.isArray(body) && Object.hasOwn(body, member) ? body[member] : undefined;
  if (!isIdentifier(value)) {
    throw new FormatError(`${member} must be an identifier`);
  }
  return value;
}

export const householdIdOf = command => identifierOf(command, 'householdId');

/**
 * Redemptions: id → { itemId, quantity, points, status: 'Reserved' | 'Fulfilled' | 'Cancelled' }; awards, oldest first:
 * { activity, quantity, points, policyVersion (null: no policy in force), recordedAt (ms) }.
 */
export function emptyHousehold(householdId) {
  return { sequence: -1, householdId, contributionsFen: new Map(), awardedPoints: 0, awardReferences: new Set(), awards: [], redemptions: new Map(), ballots: new Map() };
}

const pointsOf = (household, status) => sum([...household.redemptions.values()].filter(r => r.status === status).map(r => r.points));

export function balancePoints(household) {
  return checked(household.awardedPoints - pointsOf(household, 'Fulfilled') - pointsOf(household, 'Reserved'));
}

export function residentCheck(context, householdId) {
  const person = lookup(context.registry.people, context.command.personId);
  return person.roles.has('Resident') && person.householdId === householdId
    ? null
    : refuse('NotResidentOfHousehold', `${context.command.personId} is not a registered resident of household ${householdId}`);
}

const household = context => context.state(streamOf(householdIdOf(context.command)));

function reference(body, member) {
  const text = body.string(member);
  if (!isShortText(text, MaxReferenceLength)) {
    throw new FormatError(`${member} must be 1 to ${MaxReferenceLength} characters without control characters`);
  }
  return text;
}

export function awardPoints(context) {
  const body = new Fields(context.command.body, 'body', ['activity', 'householdId', 'points', 'quantity', 'reference']);
  const state = household(context);
  const activity = body.string('activity');
  if (!Activities.includes(activity)) {
    return refuse('UnknownActivity', `activity is one of ${Activities.join(', ')}`);
  }
  const points = body.integer('points');
  const quantity = body.integer('quantity');
  if (points < 1 || points > MaxPointsPerAward || quantity < 1 || quantity > MaxQuantity) {
    return refuse('PointsOutOfRange', `points are from 1 to ${MaxPointsPerAward}, quantity from 1 to ${MaxQuantity}`);
  }
  const ref = reference(body, 'reference');
  if (state.awardReferences.has(ref)) {
    return refuse('AwardReferenceUsed', `household ${state.householdId} was awarded for ${ref} already`);
  }
  const priced = price(context.registry, state, activity, quantity, points, context.now);
  if (priced.refuse) {
    return priced;
  }
  const awarded = { activity, points, quantity, reference: ref };
  if (priced.version !== null) {
    awarded.policyVersion = priced.version;
  }
  return accept(newEntry(streamOf(state.householdId), 'PointsAwarded', awarded));
}

export function reserveRedemption(context) {
  const body = new Fields(context.command.body, 'body', ['householdId', 'itemId', 'quantity']);
  const state = household(context);
  const catalog = context.state(CatalogStream);
  const notResident = residentCheck(context, state.householdId);
  if (notResident) {
    return notResident;
  }
  const quantity = body.integer('quantity');
  if (quantity < 1 || quantity > MaxQuantity) {
    return refuse('PointsOutOfRange', `quantity is from 1 to ${MaxQuantity}`);
  }
  const refusal = notOffered(catalog, body.string('itemId'));
  if (refusal) {
    return refusal;
  }
  const itemId = body.string('itemId');
  const item = lookup(catalog.items, itemId);
  if (item.stock !== null && item.stock < quantity) {
    return refuse('OutOfStock', `${item.stock} of ${itemId} left`);
  }
  const points = checked(item.pricePoints * quantity);
  const balance = balancePoints(state);
  if (points > balance) {
    return refuse('InsufficientPoints', `${points} points needed, ${balance} available`);
  }
  const redemptionId = state.sequence + 1;
  return accept(
    newEntry(streamOf(state.householdId), 'RedemptionReserved', { itemId, points, quantity, redemptionId }),
    newEntry(CatalogStream, 'ItemReserved', { householdId: state.householdId, itemId, quantity, redemptionId }));
}

export function fulfilRedemption(context) {
  const body = new Fields(context.command.body, 'body', ['householdId', 'redemptionId']);
  const state = household(context);
  const refusal = notReserved(state, body.integer('redemptionId'));
  if (refusal) {
    return refusal;
  }
  const id = body.integer('redemptionId');
  const redemption = lookup(state.redemptions, id);
  return accept(newEntry(streamOf(state.householdId), 'RedemptionFulfilled', { points: redemption.points, redemptionId: id }));
}

export function cancelRedemption(context) {
  const body = new Fields(context.command.body, 'body', ['householdId', 'reason', 'redemptionId']);
  const state = household(context);
  const person = lookup(context.registry.people, context.command.personId);
  if (!person.roles.has('VolunteerCoordinator')) {
    const notResident = residentCheck(context, state.householdId);
    if (notResident) {
      return notResident;
    }
  }
  const refusal = notReserved(state, body.integer('redemptionId'));
  if (refusal) {
    return refusal;
  }
  const id = body.integer('redemptionId');
  const redemption = lookup(state.redemptions, id);
  return accept(
    newEntry(streamOf(state.householdId), 'RedemptionCancelled', { points: redemption.points, reason: reference(body, 'reason'), redemptionId: id }),
    newEntry(CatalogStream, 'ItemReleased', { householdId: state.householdId, itemId: redemption.itemId, quantity: redemption.quantity, redemptionId: id }));
}

function notReserved(state, redemptionId) {
  const redemption = state.redemptions.get(redemptionId);
  if (!redemption) {
    return refuse('UnknownRedemption', `household ${state.householdId} has no redemption #${redemptionId}`);
  }
  return redemption.status === 'Reserved' ? null : refuse('RedemptionNotReserved', `redemption #${redemptionId} is ${redemption.status.toLowerCase()}`);
}

/** A household after one of its entries (HouseholdState.ApplyBody): its points never below zero. */
export function applyHousehold(state, entry) {
  const body = entry.body;
  let next;
  switch (entry.type) {
    case 'BallotIssued':
    case 'BallotCast':
    case 'BallotCounted':
      next = applyBallot(state, entry);
      break;
    case 'CrowdfundingPaid':
      next = contribution(state, new Fields(body, entry.type, PaidMembers), +1);
      break;
    case 'CrowdfundingRefunded':
      next = contribution(state, new Fields(body, entry.type, RefundedMembers), -1);
      break;
    case 'PointsAwarded': {
      const fields = new Fields(body, entry.type, AwardedMembers);
      const award = {
        activity: fields.enumName(Activities, 'activity', 'Activity'), quantity: fields.integer('quantity'), points: fields.integer('points'),
        policyVersion: fields.optionalInteger('policyVersion'), recordedAt: parseTime(entry.recordedAt),
      };
      next = {
        ...state,
        awardedPoints: checked(state.awardedPoints + fields.integer('points')),
        awardReferences: new Set(state.awardReferences).add(fields.string('reference')),
        awards: [...state.awards, award],
      };
      break;
    }
    case 'RedemptionReserved': {
      const fields = new Fields(body, entry.type, ReservedMembers);
      invariant(fields.integer('redemptionId') === entry.sequence, 'a redemption is named by the sequence of its reservation');
      next = {
        ...state,
        redemptions: added(state.redemptions, entry.sequence,
          { itemId: fields.string('itemId'), quantity: fields.integer('quantity'), points: fields.integer('points'), status: 'Reserved' }),
      };
      break;
    }
    case 'RedemptionFulfilled':
    case 'RedemptionCancelled': {
      const fulfilled = entry.type === 'RedemptionFulfilled';
      const id = new Fields(body, entry.type, fulfilled ? FulfilledMembers : CancelledMembers).integer('redemptionId');
      const redemption = lookup(state.redemptions, id);
      invariant(redemption.status === 'Reserved', 'only a reserved redemption is fulfilled or cancelled');
      next = { ...state, redemptions: new Map(state.redemptions).set(id, { ...redemption, status: fulfilled ? 'Fulfilled' : 'Cancelled' }) };
      break;
    }
    default:
      throw new FormatError(`a household has no entry type ${entry.type}`);
  }
  invariant(balancePoints(next) >= 0, `household ${state.householdId}'s points balance is never negative (after #${entry.sequence})`);
  return next;
}

function contribution(state, body, sign) {
  const projectId = body.string('projectId');
  const paid = checked((state.contributionsFen.get(projectId) ?? 0) + sign * body.integer('amountFen'));
  invariant(paid >= 0, `household ${state.householdId}'s contribution to ${projectId} is never negative`);
  return { ...state, contributionsFen: new Map(state.contributionsFen).set(projectId, paid) };
}
