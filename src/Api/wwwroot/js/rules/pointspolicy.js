// The points policy (src/Ledger/Rules/Households/PointsPolicyRules.cs, PointsPolicy.cs;
// docs/ENTRIES.md "Points policy"): versions proposed by the volunteer coordinator and approved
// by a resident supervisor, kept in the registry; an award priced by the version in force at
// its recorded time, capped per household and calendar period in China Standard Time.

import { ChinaStandardTimeMs, checked, Fields, FormatError, formatTime, invariant, parseTime, sum } from './fields.js';
import { Activities } from './households.js';
import { accept, newEntry, refuse, Stream } from './registry.js';

export const Units = ['Hour', 'Day', 'Meeting', 'Item'];
export const CapPeriods = ['Month', 'Quarter', 'Year'];

const MaxPointsPerUnit = 100_000;
const MaxCapPoints = 10_000_000;
/** FORMAT.md §4.5: the log's recorded times go back by at most this much. */
const MinimumLeadMs = 2000;
const ProposeMembers = ['effectiveFrom', 'rates'];
const RateMembers = ['activity', 'capPeriod', 'capPoints', 'pointsPerUnit', 'unit'];
const ProposedMembers = ['effectiveFrom', 'rates', 'version'];
const ApprovedMembers = ['effectiveFrom', 'version'];

/** The approved version with the latest effective time at or before `at` (ms); null: none is in force. */
export function inForce(versions, at) {
  let best = null;
  for (const version of versions) {
    if (version.approved && version.effectiveFrom <= at && (best === null || version.effectiveFrom > best.effectiveFrom)) {
      best = version;
    }
  }
  return best;
}

/** The calendar period of `period` that `at` (ms) falls in, as "year/index", in Beijing. */
export function periodOf(at, period) {
  const beijing = new Date(at + ChinaStandardTimeMs);
  const month = beijing.getUTCMonth() + 1;
  const index = period === 'Month' ? month : period === 'Quarter' ? Math.floor((month + 2) / 3) : 0;
  return `${beijing.getUTCFullYear()}/${index}`;
}

function time(text, member) {
  const ms = parseTime(text);
  if (ms === null) {
    throw new FormatError(`${member} must be a time like 2026-01-31T08:00:00.000Z`);
  }
  return ms;
}

function tooEarly(registry, effectiveFrom, now) {
  if (effectiveFrom <= now + MinimumLeadMs) {
    return refuse('PolicyTakesEffectTooEarly', `a version takes effect more than 2 seconds after it is approved, not at ${formatTime(effectiveFrom)}`);
  }
  const later = registry.pointsPolicy.find(v => v.approved && v.effectiveFrom >= effectiveFrom);
  return later ? refuse('PolicyTakesEffectTooEarly', `version ${later.version} takes effect at ${formatTime(later.effectiveFrom)}: a new version takes effect after it`) : null;
}

function rateProblem(fields, earlier) {
  const activity = fields.string('activity');
  if (!Activities.includes(activity) || earlier.some(r => r.activity === activity)) {
    return { problem: `each rate names one of ${Activities.join(', ')}, each at most once` };
  }
  const pointsPerUnit = fields.integer('pointsPerUnit');
  if (pointsPerUnit < 1 || pointsPerUnit > MaxPointsPerUnit) {
    return { problem: `pointsPerUnit is from 1 to ${MaxPointsPerUnit}` };
  }
  const unit = fields.string('unit');
  if (!Units.includes(unit)) {
    return { problem: `unit is one of ${Units.join(', ')}` };
  }
  const capPoints = fields.optionalInteger('capPoints');
  const capPeriod = fields.optionalString('capPeriod');
  if ((capPoints !== null || capPeriod !== null) && (capPoints === null || capPoints < 1 || capPoints > MaxCapPoints || !CapPeriods.includes(capPeriod))) {
    return { problem: `a cap has capPoints from 1 to ${MaxCapPoints} and a capPeriod, one of ${CapPeriods.join(', ')}` };
  }
  return { rate: { activity, pointsPerUnit, unit, capPoints, capPeriod } };
}

const rateJson = rate => rate.capPoints === null
  ? { activity: rate.activity, pointsPerUnit: rate.pointsPerUnit, unit: rate.unit }
  : { activity: rate.activity, capPeriod: rate.capPeriod, capPoints: rate.capPoints, pointsPerUnit: rate.pointsPerUnit, unit: rate.unit };

export function propose(context) {
  const body = new Fields(context.command.body, 'body', ProposeMembers);
  const registry = context.state(Stream);
  const effectiveFrom = time(body.string('effectiveFrom'), 'effectiveFrom');
  // Every rate is read as a body before any is judged (PointsRateBody.Read).
  const fields = body.array('rates').map(r => new Fields(r, 'rate', RateMembers));
  const rates = [];
  for (const rate of fields) {
    const read = rateProblem(rate, rates);
    if (read.problem) {
      return refuse('InvalidPointsPolicy', read.problem);
    }
    rates.push(read.rate);
  }
  if (rates.length === 0) {
    return refuse('InvalidPointsPolicy', 'a policy prices at least one activity');
  }
  const early = tooEarly(registry, effectiveFrom, context.now);
  if (early) {
    return early;
  }
  rates.sort((a, b) => a.activity < b.activity ? -1 : a.activity > b.activity ? 1 : 0);
  return accept(newEntry(Stream, 'PointsPolicyProposed',
    { effectiveFrom: formatTime(effectiveFrom), rates: rates.map(rateJson), version: registry.pointsPolicy.length + 1 }));
}

export function approve(context) {
  const body = new Fields(context.command.body, 'body', ['version']);
  const registry = context.state(Stream);
  const number = body.integer('version');
  if (number < 1 || number > registry.pointsPolicy.length) {
    return refuse('UnknownPolicyVersion', `no points policy version ${number} was proposed`);
  }
  const version = registry.pointsPolicy[number - 1];
  if (version.approved) {
    return refuse('PolicyVersionAlreadyApproved', `points policy version ${number} is approved already`);
  }
  if (version.proposedBy === context.command.personId) {
    return refuse('ProposerCannotApprovePolicy', `${context.command.personId} proposed version ${number}: another person approves it`);
  }
  const early = tooEarly(registry, version.effectiveFrom, context.now);
  if (early) {
    return early;
  }
  return accept(newEntry(Stream, 'PointsPolicyApproved', { effectiveFrom: formatTime(version.effectiveFrom), version: number }));
}

/**
 * What `quantity` units of `activity` earn under `version` (its rates as the rules hold them, or as
 * GET /v1/points-policy lists them): { rate, points }, or null when the version does not price it.
 */
export function pointsFor(version, activity, quantity) {
  const rate = version.rates.find(r => r.activity === activity);
  return rate ? { rate, points: checked(quantity * rate.pointsPerUnit) } : null;
}

/**
 * Prices an award by the version in force at `at` (ms): { version: null } when none is in force,
 * { version } when the award is as the version says, else a refusal.
 */
export function price(registry, household, activity, quantity, points, at) {
  const policy = inForce(registry.pointsPolicy, at);
  if (policy === null) {
    return { version: null };
  }
  const priced = pointsFor(policy, activity, quantity);
  if (priced === null) {
    return refuse('ActivityNotInPolicy', `points policy version ${policy.version} does not price ${activity}`);
  }
  const { rate } = priced;
  if (points !== priced.points) {
    return refuse('PointsNotAsPolicy', `points policy version ${policy.version} prices ${quantity} ${rate.unit} of ${activity} at ${priced.points} points, not ${points}`);
  }
  if (rate.capPoints !== null) {
    const current = periodOf(at, rate.capPeriod);
    const earned = sum(household.awards.filter(a => a.activity === activity && periodOf(a.recordedAt, rate.capPeriod) === current).map(a => a.points));
    if (checked(earned + points) > rate.capPoints) {
      return refuse('AwardBeyondCap', `${household.householdId} has ${earned} points for ${activity} this ${rate.capPeriod.toLowerCase()}; the cap is ${rate.capPoints}`);
    }
  }
  return { version: policy.version };
}

/** The registry's versions after a PointsPolicyProposed or PointsPolicyApproved entry (RegistryState.ApplyPolicy…). */
export function applyPolicy(versions, entry) {
  if (entry.type === 'PointsPolicyProposed') {
    const fields = new Fields(entry.body, entry.type, ProposedMembers);
    const version = fields.integer('version');
    invariant(version === versions.length + 1, 'points policy versions are numbered 1, 2, 3 … in order');
    const rates = fields.array('rates').map(r => {
      const rate = new Fields(r, 'a rate', RateMembers);
      return {
        activity: rate.enumName(Activities, 'activity', 'Activity'), pointsPerUnit: rate.integer('pointsPerUnit'), unit: rate.enumName(Units, 'unit', 'PointsUnit'),
        capPoints: rate.optionalInteger('capPoints'), capPeriod: rate.has('capPeriod') ? rate.enumName(CapPeriods, 'capPeriod', 'CapPeriod') : null,
      };
    });
    return [...versions, { version, effectiveFrom: time(fields.string('effectiveFrom'), 'effectiveFrom'), rates, proposedBy: entry.signedCommand.command.personId, approved: false }];
  }
  const number = new Fields(entry.body, entry.type, ApprovedMembers).integer('version');
  invariant(number >= 1 && number <= versions.length, `points policy version ${number} was proposed`);
  invariant(!versions[number - 1].approved, 'a points policy version is approved once');
  return versions.map(v => v.version === number ? { ...v, approved: true } : v);
}
