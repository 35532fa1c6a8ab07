// 积分规则 in the page (docs/ENTRIES.md "Points policy"): the policy as anyone reads it
// (GET /v1/points-policy), with every version and when it takes effect; the volunteer
// coordinator's proposal of a new version; a resident supervisor's approval of one; and what an
// award earns under the version in force. Whether a proposal or an approval would be accepted is
// asked of the rules' own port (rules/pointspolicy.js) over the versions the server lists, so the
// page refuses before signing exactly what the ledger would, in the words of its result code.

import { getJson, signedGet } from './api.js';
import { fromBeijing, h, person, table, time } from './dom.js';
import { t, term } from './i18n.js';
import { ChinaStandardTimeMs, FormatError, parseTime } from './rules/fields.js';
import { Activities } from './rules/households.js';
import { approve, CapPeriods, pointsFor, propose, Units } from './rules/pointspolicy.js';
import { act, field, formError, onPress } from './work.js';

/** The unit each activity is naturally counted in (seeds 002–004): what a new proposal starts from. */
const NaturalUnits = { VolunteerService: 'Hour', WasteSorting: 'Day', CouncilParticipation: 'Meeting', ResourceDonation: 'Item' };

/** The version of `policy` (GET /v1/points-policy) pricing awards at the server's time, or undefined. */
export function versionInForce(policy) {
  return policy.versions.find(v => v.version === policy.inForce);
}

/** A rate in words: "5 积分/天，每户每月至多 20 积分". */
function rateText(rate) {
  const each = t('policy.perUnit', rate.pointsPerUnit, term(rate.unit));
  return rate.capPoints === null ? each : `${each}${t('policy.capText', term(rate.capPeriod), rate.capPoints)}`;
}

/**
 * What the rules decide about `body` from `personId` now, over the versions the server listed:
 * the port's { entries } or { refuse: { code } }.
 */
function decide(rule, policy, personId, body) {
  const registry = { pointsPolicy: policy.versions.map(v => ({ ...v, effectiveFrom: parseTime(v.effectiveFrom) })) };
  try {
    return rule({ command: { personId, body }, state: () => registry, now: Date.now() });
  } catch (error) {
    if (error instanceof FormatError) {
      return { refuse: { code: 'MalformedCommand' } };
    }
    throw error;
  }
}

/** Where a version stands now: in force, approved and waiting for its time, replaced, waiting for approval, or lapsed. */
function standing(policy, version) {
  if (version.version === policy.inForce) {
    return 'InForce';
  }
  if (version.approved) {
    return parseTime(version.effectiveFrom) > Date.now() ? 'Scheduled' : 'Superseded';
  }
  // A version not approved before its time has passed can never be (docs/ENTRIES.md "When a version may take effect").
  return decide(approve, policy, '', { version: version.version }).refuse?.code === 'PolicyTakesEffectTooEarly' ? 'Lapsed' : 'Pending';
}

function ratesTable(version) {
  return table([t('coordinator.activity'), '#' + t('portal.pointsPerUnit'), t('portal.cap')],
    version.rates.map(r => h('tr', { dataset: { activity: r.activity } },
      h('td', {}, term(r.activity)), h('td', { class: 'num' }, `${r.pointsPerUnit} / ${term(r.unit)}`),
      h('td', {}, r.capPoints === null ? t('portal.unlimited') : `${r.capPoints} / ${term(r.capPeriod)}`))),
    { class: 'policy-rates' });
}

/** Every version, oldest first: its number, when it takes effect, where it stands, who proposed it and its rates. */
function versionsTable(policy, names) {
  return table([t('policy.version'), t('policy.effectiveFrom'), t('portal.status'), t('policy.proposedBy'), t('policy.rates')],
    policy.versions.map(v => {
      const state = standing(policy, v);
      return h('tr', { dataset: { version: String(v.version), standing: state } },
        h('td', {}, t('policy.versionN', v.version)), h('td', {}, time(v.effectiveFrom)), h('td', { class: 'standing' }, t(`policy.standing.${state}`)),
        h('td', {}, person(v.proposedBy, names)),
        h('td', { class: 'rates' }, v.rates.map(r => h('div', {}, `${term(r.activity)}：${rateText(r)}`))));
    }),
    { class: 'policy-versions' });
}

/** The public section: the version in force and its rates, then every version (the portal, for anyone). */
export function policyPublic(policy) {
  const current = versionInForce(policy);
  return h('section', { id: 'points-policy' },
    h('h2', {}, t('portal.policy')),
    current === undefined
      ? h('p', { class: 'muted', id: 'policy-in-force' }, t('portal.policyNone'))
      : [h('p', { class: 'muted', id: 'policy-in-force', dataset: { version: String(current.version) } },
        t('portal.policyInForce', current.version, time(current.effectiveFrom).textContent)), ratesTable(current)],
    policy.versions.length === 0 ? '' : [h('h3', {}, t('policy.history')), versionsTable(policy, {})]);
}

/**
 * The award form's price: the points `quantity` units of `activity` earn under `version`, and
 * the words for it (the version, the rate and its cap), or null when it does not price the activity.
 */
export function awardPrice(version, activity, quantity) {
  const priced = pointsFor(version, activity, quantity);
  return priced && { points: priced.points, text: t('policy.priced', priced.points, version.version, rateText(priced.rate)) };
}

/** Approved versions that take effect later than the one in force: the award form says so. */
export function laterVersions(policy) {
  return policy.versions.filter(v => standing(policy, v) === 'Scheduled');
}

// ── The volunteer coordinator: the policy and a new version of it ─────────────────────────

/** The first day of next month, 00:00 in Beijing, as a datetime-local value: when a change of policy usually starts. */
function nextMonthInBeijing() {
  const beijing = new Date(Date.now() + ChinaStandardTimeMs);
  const first = new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth() + 1, 1));
  return `${first.toISOString().slice(0, 10)}T00:00`;
}

/** 积分规则 in the coordinator's workspace: every version and where it stands, and the form proposing the next. */
export function policyKeeping(context, policy) {
  const names = Object.assign({}, ...context.projects.map(p => p.staffNames));
  return h('div', { class: 'work-form', id: 'policy-keeping' },
    h('h3', {}, t('portal.policy')),
    versionInForce(policy) === undefined ? h('p', { class: 'muted' }, t('portal.policyNone')) : '',
    policy.versions.length === 0 ? '' : versionsTable(policy, names),
    proposalForm(context, policy));
}

function proposalForm(context, policy) {
  // A new version starts from the latest one proposed: a change of policy is usually a change of one rate.
  const latest = policy.versions.at(-1);
  const rows = Activities.map(activity => {
    const rate = latest?.rates.find(r => r.activity === activity);
    const id = `policy-${activity}`;
    const points = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', value: rate?.pointsPerUnit ?? '' });
    const unit = h('select', {}, Units.map(u => h('option', { value: u, selected: u === (rate?.unit ?? NaturalUnits[activity]) }, term(u))));
    const cap = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', value: rate?.capPoints ?? '' });
    const period = h('select', {}, h('option', { value: '' }, t('policy.noCap')),
      CapPeriods.map(p => h('option', { value: p, selected: p === rate?.capPeriod }, term(p))));
    const element = h('fieldset', { class: 'policy-rate', dataset: { activity } }, h('legend', {}, term(activity)),
      field(`${id}-points`, t('policy.pointsPerUnit'), points), field(`${id}-unit`, t('policy.unit'), unit),
      field(`${id}-cap`, t('policy.capPoints'), cap), field(`${id}-period`, t('policy.capPeriod'), period));
    return { activity, points, unit, cap, period, element };
  });
  const effective = h('input', { type: 'datetime-local', step: 1, value: nextMonthInBeijing() });
  const submit = h('button', { type: 'button', class: 'button primary', id: 'propose-policy' }, t('policy.propose'));
  const form = h('form', { class: 'policy-form', id: 'policy-form', onsubmit: e => e.preventDefault() },
    h('h4', {}, t('policy.proposeTitle', policy.versions.length + 1)), h('p', { class: 'small muted' }, t('policy.proposeLead')),
    rows.map(r => r.element), field('policy-effective', t('policy.effectiveFromBeijing'), effective), submit);
  onPress(submit, form, () => {
    const whole = input => /^\d{1,9}$/.test(input.value.trim());
    // An activity left without points per unit is not in the version.
    const priced = rows.filter(r => r.points.value.trim() !== '' || r.cap.value.trim() !== '');
    const unreadable = priced.find(r => !whole(r.points) || (r.cap.value.trim() !== '' && !whole(r.cap)));
    const effectiveFrom = fromBeijing(effective.value);
    if (unreadable) {
      return formError(form, t('policy.notWhole', term(unreadable.activity)));
    }
    if (effectiveFrom === null) {
      return formError(form, t('policy.timeNeeded'));
    }
    const body = {
      effectiveFrom,
      rates: priced.map(r => ({
        activity: r.activity, pointsPerUnit: Number(r.points.value), unit: r.unit.value,
        ...(r.cap.value.trim() !== '' ? { capPoints: Number(r.cap.value) } : {}), ...(r.period.value ? { capPeriod: r.period.value } : {}),
      })),
    };
    const decision = decide(propose, policy, context.person.personId, body);
    if (decision.refuse) {
      return formError(form, t(`code.${decision.refuse.code}`));
    }
    return act(context, 'ProposePointsPolicy', body, t('policy.proposed', decision.entries[0].body.version));
  });
  return form;
}

// ── The resident supervisor: versions to approve ─────────────────────────────────────────

/**
 * Versions waiting for approval, each with its proposer's name as the registry holds it (a
 * resident supervisor reads the people); the approve button only where the rules would accept
 * it from this person now.
 */
export async function policyApproval(context) {
  const [policy, people] = await Promise.all([getJson('/v1/points-policy'), signedGet(context.key, '/v1/registry/people')]);
  const names = Object.fromEntries(people.map(p => [p.personId, p.displayName]));
  const waiting = policy.versions.filter(v => standing(policy, v) === 'Pending');
  return h('section', { class: 'panel', id: 'policy-approval' },
    h('h2', {}, term('ResidentSupervisor'), ' · ', t('policy.toApprove'), ' ',
      h('span', { class: 'count', id: 'policy-count', dataset: { count: String(waiting.length) } }, String(waiting.length))),
    waiting.length === 0 ? h('p', { class: 'muted' }, t('project.none')) : waiting.map(v => {
      const decision = decide(approve, policy, context.person.personId, { version: v.version });
      const button = h('button', { type: 'button', class: 'button primary approve-policy' }, t('policy.approve'));
      const card = h('article', { class: 'card waiting', dataset: { version: String(v.version) } },
        h('h3', {}, t('portal.policy'), ' ', t('policy.versionN', v.version)),
        h('dl', { class: 'kv' },
          h('dt', {}, t('policy.proposedBy')), h('dd', { class: 'proposer' }, person(v.proposedBy, names)),
          h('dt', {}, t('policy.effectiveFrom')), h('dd', {}, time(v.effectiveFrom))),
        ratesTable(v),
        decision.refuse ? h('p', { class: 'why small', dataset: { code: decision.refuse.code } }, t(`code.${decision.refuse.code}`)) : h('div', { class: 'actions' }, button));
      onPress(button, card, () => act(context, 'ApprovePointsPolicy', { version: v.version }, t('policy.approved', v.version)));
      return card;
    }));
}
