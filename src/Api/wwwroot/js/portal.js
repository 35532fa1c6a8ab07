// The resident portal 居民服务: the household of the person signed in (session.js) — shares,
// payments, points, redemptions and history, read with a signed read — and redemptions of
// points signed here. Staff who may read any household (docs/API.md "Access") choose one.
// The points policy is public: shown to anyone, signed in or not (pointspolicy.js).

import { getJson, postCommand, signCommand, signedGet } from './api.js';
import { h, hash, money, moneyText, parseYuan, table, time, yuan } from './dom.js';
import { refusal, t, term } from './i18n.js';
import { householdBallots } from './ownersvote.js';
import { policyPublic } from './pointspolicy.js';
import { session } from './session.js';
import { identity } from './signin.js';

// The most of one item a household reserves at once: a typo of 999 is refused before signing.
const MaxQuantity = 20;

let key = null;
let householdId = '';
// GET /v1/points-policy as the portal was opened: the units of the household's awards are its versions'.
let policy;
// The household of the person signed in, if a resident: the only one whose ballot they cast.
let ownHousehold = null;

export async function renderPortal(main) {
  const current = await session();
  policy = await getJson('/v1/points-policy');
  key = current?.person ? current.key : null;
  householdId = current?.person?.householdId ?? householdId;
  ownHousehold = current?.person?.householdId ?? null;
  const household = h('input', { id: 'household', type: 'text', value: householdId, placeholder: 'b3-0602', autocomplete: 'off', size: 12 });
  const open = h('button', { type: 'button', id: 'open-household', class: 'button primary' }, t('portal.open'));
  open.addEventListener('click', async () => {
    householdId = household.value.trim();
    await showHousehold();
  });
  main.replaceChildren(
    h('section', { class: 'hero' }, h('h1', {}, t('portal.title')), h('p', {}, t('portal.lead'))),
    identity(current),
    key ? '' : h('p', {}, h('a', { class: 'button primary', href: '#/signin' }, t('signin.in'))),
    key && !current.person.householdId ? h('div', { class: 'form-row' }, h('label', { for: 'household' }, t('portal.household')), household, open) : '',
    h('div', { id: 'household-view' }),
    policyPublic(policy),
  );
  if (key && householdId) {
    await showHousehold();
  }
}

async function showHousehold(message) {
  const view = document.getElementById('household-view');
  if (!key) {
    view.replaceChildren(h('p', { class: 'error' }, t('portal.noKey')));
    return;
  }
  view.replaceChildren(h('p', { class: 'loading' }, t('loading')));
  let household;
  let catalog;
  let projects;
  let ballots;
  try {
    [household, catalog, projects] = await Promise.all([
      signedGet(key, `/v1/households/${encodeURIComponent(householdId)}`), getJson('/v1/catalog'), getJson('/v1/projects'),
    ]);
    ballots = await householdBallots(household, householdId === ownHousehold ? send : null);
  } catch (error) {
    view.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'household-error' }, t('error.load', error.message)));
    return;
  }
  const points = household.points;
  const projectName = id => projects.find(p => p.projectId === id)?.name ?? id;
  view.replaceChildren(
    message ?? '',
    ballots,
    h('section', { id: 'points', class: 'panel' },
      h('h2', {}, `${t('portal.points')} · ${household.householdId}`),
      h('div', { class: 'points' },
        h('div', { class: 'balance' }, h('span', { class: 'label' }, t('portal.balance')),
          h('strong', { id: 'balance', dataset: { points: String(points.balance) } }, String(points.balance))),
        h('dl', { class: 'kv' },
          h('dt', {}, t('portal.awarded')), h('dd', { id: 'awarded' }, String(points.awarded)),
          h('dt', {}, t('portal.reserved')), h('dd', { id: 'reserved' }, String(points.reserved)),
          h('dt', {}, t('portal.spent')), h('dd', { id: 'spent' }, String(points.spent))))),
    h('section', { id: 'catalog' },
      h('h2', {}, t('portal.catalog')),
      table([t('portal.item'), t('portal.kind'), '#' + t('portal.price'), '#' + t('portal.stock'), ''],
        catalog.map(item => {
          const quantity = h('input', { type: 'number', min: 1, max: MaxQuantity, step: 1, value: 1, class: 'quantity', 'aria-label': t('portal.quantity') });
          const redeem = h('button', { type: 'button', class: 'button', dataset: { item: item.itemId } }, t('portal.redeem'));
          const why = h('span', { class: 'why small', dataset: { item: item.itemId } });
          // A button that cannot be used says why beside it, for the quantity typed.
          const explain = () => {
            const count = Number(quantity.value);
            const reason = item.withdrawn ? t('portal.withdrawn')
              : !Number.isInteger(count) || count < 1 || count > MaxQuantity ? t('portal.quantityRange', MaxQuantity)
                : item.stock !== null && item.stock < count ? t('portal.outOfStock')
                  : item.pricePoints * count > points.balance ? t('portal.shortBy', item.pricePoints * count - points.balance) : '';
            redeem.disabled = reason !== '';
            why.textContent = reason;
          };
          quantity.addEventListener('input', explain);
          explain();
          redeem.addEventListener('click', () => reserve(item, Number(quantity.value), redeem));
          return h('tr', { dataset: { item: item.itemId } },
            h('td', {}, item.name), h('td', {}, term(item.kind)), h('td', { class: 'num' }, String(item.pricePoints)),
            h('td', { class: 'num' }, item.stock === null ? t('portal.unlimited') : String(item.stock)),
            h('td', { class: 'actions' }, quantity, redeem, why));
        }))),
    h('section', { id: 'shares' },
      h('h2', {}, t('portal.shares')),
      household.shares.length === 0 ? h('p', { class: 'muted' }, t('project.none')) :
        table([t('portal.project'), t('project.status'), '#' + t('portal.share'), '#' + t('portal.paid'), '#' + t('portal.due'), ''],
          household.shares.map(s => h('tr', { dataset: { project: s.projectId } },
            h('td', {}, projectName(s.projectId)), h('td', {}, term(s.projectStatus)), h('td', { class: 'num' }, money(s.shareFen)),
            h('td', { class: 'num paid' }, money(s.paidFen)), h('td', { class: 'num due' }, money(s.dueFen)),
            h('td', { class: 'actions' }, s.dueFen > 0 && s.projectStatus === 'Open' ? payShare(s) : h('span', { class: 'why small' }, t('portal.notDue'))))))),
    h('section', { id: 'payments' },
      h('h2', {}, t('portal.payments')),
      household.payments.length === 0 ? h('p', { class: 'muted' }, t('project.none')) :
        table([t('project.seq'), t('portal.kind'), t('portal.project'), '#' + t('project.amount'), t('project.reference'), t('project.time')],
          household.payments.map(p => h('tr', {},
            h('td', {}, `#${p.sequence}`), h('td', {}, t(p.kind === 'Refund' ? 'portal.refund' : 'portal.payment')), h('td', {}, projectName(p.projectId)), h('td', { class: 'num' }, money(p.amountFen)),
            h('td', {}, p.reference ?? ''), h('td', {}, time(p.recordedAt)))))),
    h('section', { id: 'redemptions' },
      h('h2', {}, t('portal.redemptions')),
      household.redemptions.length === 0 ? h('p', { class: 'muted' }, t('project.none')) :
        table([t('project.seq'), t('portal.item'), '#' + t('portal.quantity'), '#' + t('portal.points'), t('portal.status')],
          household.redemptions.map(r => h('tr', { dataset: { redemption: String(r.redemptionId) } },
            h('td', {}, `#${r.redemptionId}`), h('td', {}, catalog.find(i => i.itemId === r.itemId)?.name ?? r.itemId),
            h('td', { class: 'num' }, String(r.quantity)), h('td', { class: 'num' }, String(r.points)), h('td', {}, term(r.status),
              r.status === 'Reserved' ? h('button', {
                type: 'button', class: 'button cancel-redemption',
                onclick: () => send('CancelRedemption', { householdId, redemptionId: r.redemptionId, reason: t('portal.cancelReason') }, t('portal.cancelled')),
              }, t('portal.cancel')) : ''))))),
    h('section', { id: 'awards' },
      h('h2', {}, t('portal.awards')),
      table([t('project.time'), t('coordinator.activity'), '#' + t('portal.quantity'), '#' + t('portal.points'), t('coordinator.reference'), t('portal.policyVersion')],
        household.history.filter(e => e.type === 'PointsAwarded').map(e => awardRow(e.sequence, e.recordedAt, e.entry.body)))),
    h('section', { id: 'household-history' },
      h('h2', {}, t('portal.history')),
      table([t('project.seq'), t('project.time'), t('project.type'), t('project.signer'), t('project.hash')],
        household.history.map(e => h('tr', {},
          h('td', {}, `#${e.sequence}`), h('td', {}, time(e.recordedAt)), h('td', {}, term(e.type)), h('td', {}, e.personId),
          h('td', {}, hash(e.hash, true)))))),
  );
}

/** Paying the household's share of a project: yuan to fen exactly, at most what is due, checked before signing. */
function payShare(share) {
  const amount = h('input', { type: 'text', inputmode: 'decimal', class: 'pay-amount', value: yuan(share.dueFen).replace(/,/g, ''), 'aria-label': t('portal.payAmount'), size: 10 });
  const reference = h('input', { type: 'text', class: 'pay-reference', 'aria-label': t('portal.payReference'), placeholder: t('portal.payReference'), size: 14 });
  const pay = h('button', { type: 'button', class: 'button primary pay-share' }, t('portal.pay'));
  pay.addEventListener('click', () => {
    const amountFen = parseYuan(amount.value);
    if (!amountFen || amountFen > share.dueFen) {
      showHousehold(h('p', { class: 'error', id: 'redeem-message', role: 'alert' }, t('portal.payDue', moneyText(share.dueFen))));
      return;
    }
    send('PayShare', { projectId: share.projectId, householdId, amountFen, ...(reference.value.trim() ? { reference: reference.value.trim() } : {}) },
      t('portal.paidShare', moneyText(amountFen)));
  });
  return [amount, reference, pay];
}

/** Signs and sends a command for this household; shows the household anew with what happened. */
async function send(type, body, done) {
  let message;
  try {
    await postCommand(await signCommand(key, type, body));
    message = h('p', { class: 'ok', id: 'redeem-message', role: 'status' }, done);
  } catch (error) {
    message = h('p', { class: 'error', id: 'redeem-message', role: 'alert', dataset: { code: error.problem?.code ?? '' } }, t('work.refused'), refusal(error));
  }
  await showHousehold(message);
}

async function reserve(item, quantity, button) {
  button.disabled = true;
  let message;
  try {
    const signed = await signCommand(key, 'ReserveRedemption', { householdId, itemId: item.itemId, quantity });
    await postCommand(signed);
    const household = await signedGet(key, `/v1/households/${encodeURIComponent(householdId)}`);
    message = h('p', { class: 'ok', id: 'redeem-message', role: 'status' },
      t('portal.redeemed', item.name, quantity, item.pricePoints * quantity, household.points.balance));
  } catch (error) {
    message = h('p', { class: 'error', id: 'redeem-message', role: 'alert' },
      t('portal.refused', refusal(error)));
  }
  await showHousehold(message);
}

/**
 * An award as the household sees it: what for, how much of it (in the unit of the version that
 * priced it), the points, and that version (docs/ENTRIES.md "Points policy"); "—" when none did.
 */
function awardRow(sequence, recordedAt, award) {
  const version = award.policyVersion === undefined ? undefined : policy.versions.find(v => v.version === award.policyVersion);
  const unit = version?.rates.find(r => r.activity === award.activity)?.unit;
  return h('tr', { dataset: { sequence: String(sequence) } },
    h('td', {}, time(recordedAt)), h('td', {}, term(award.activity)),
    h('td', { class: 'num' }, unit ? `${award.quantity} ${term(unit)}` : String(award.quantity)),
    h('td', { class: 'num' }, String(award.points)), h('td', {}, award.reference),
    h('td', { class: 'policy-version', dataset: { version: award.policyVersion === undefined ? '' : String(award.policyVersion) } },
      award.policyVersion === undefined ? '—' : t('policy.versionN', award.policyVersion)));
}
