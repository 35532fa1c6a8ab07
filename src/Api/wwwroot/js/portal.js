// The resident portal 居民服务: a resident's key (a key file, docs/API.md "Key files", or a key
// made here for the registrar to register), their household's view read with a signed read,
// and redemptions of points signed here. The key lives in this module's memory only.

import { ApiError, getJson, postCommand, signCommand, signedGet } from './api.js';
import { fromHex, generateSigningKey, keyIdOf, signingKeyFromSeed, toHex } from './crypto.js';
import { h, hash, money, table, time } from './dom.js';
import { t, term } from './i18n.js';

let key = null;
let householdId = '';

export async function renderPortal(main) {
  main.replaceChildren(
    h('section', { class: 'hero' }, h('h1', {}, t('portal.title')), h('p', {}, t('portal.lead'))),
    keySection(),
    h('div', { id: 'household-view' }),
  );
  if (key && householdId) {
    await showHousehold();
  }
}

function keySection() {
  const status = h('p', { id: 'key-status', class: 'muted' }, key ? t('portal.keyLoaded', key.personId, key.keyId) : t('portal.noKey'));
  const household = h('input', { id: 'household', type: 'text', value: householdId, placeholder: 'b3-0602', autocomplete: 'off', size: 12 });
  const file = h('input', { id: 'key-file', type: 'file', accept: '.json,application/json' });
  file.addEventListener('change', async () => {
    try {
      key = await readKeyFile(await file.files[0].text());
      status.textContent = t('portal.keyLoaded', key.personId, key.keyId);
      status.className = 'ok';
      // The demo names residents "resident-<household>": a good guess, which the resident can correct.
      const guess = /^resident-(.+)$/.exec(key.personId);
      if (guess && !household.value) {
        household.value = guess[1];
      }
    } catch (error) {
      key = null;
      status.textContent = t('portal.badKeyFile', error.message);
      status.className = 'error';
    }
  });
  const open = h('button', { type: 'button', id: 'open-household', class: 'button primary' }, t('portal.open'));
  open.addEventListener('click', async () => {
    householdId = household.value.trim();
    await showHousehold();
  });
  return h('section', { class: 'panel', id: 'key-section' },
    h('h2', {}, t('portal.key')),
    h('div', { class: 'form-row' }, h('label', { for: 'key-file' }, t('portal.loadFile')), file),
    status,
    h('div', { class: 'form-row' }, h('label', { for: 'household' }, t('portal.household')), household, open),
    createKey(status));
}

/** A key file: {personId, seed, publicKey, keyId}; the seed must give that public key, and the key that key id. */
async function readKeyFile(text) {
  const file = JSON.parse(text);
  for (const member of ['personId', 'seed', 'publicKey', 'keyId']) {
    if (typeof file[member] !== 'string') {
      throw new Error(`${member} is missing`);
    }
  }
  const { privateKey, publicKey } = await signingKeyFromSeed(fromHex(file.seed, 32));
  if (toHex(publicKey) !== file.publicKey || await keyIdOf(publicKey) !== file.keyId) {
    throw new Error('publicKey and keyId do not belong to the seed');
  }
  return { personId: file.personId, keyId: file.keyId, privateKey, publicKeyHex: file.publicKey };
}

function createKey(status) {
  const personId = h('input', { id: 'new-person-id', type: 'text', placeholder: 'resident-b3-0602', autocomplete: 'off', size: 24 });
  const output = h('div', { id: 'new-key' });
  const generate = h('button', { type: 'button', id: 'generate-key', class: 'button' }, t('portal.generate'));
  generate.addEventListener('click', async () => {
    const made = await generateSigningKey();
    const publicKey = toHex(made.publicKey);
    const keyId = await keyIdOf(made.publicKey);
    const id = personId.value.trim();
    key = { personId: id, keyId, privateKey: made.privateKey, publicKeyHex: publicKey };
    const file = JSON.stringify({ personId: id, seed: toHex(made.seed), publicKey, keyId }, null, 2);
    const download = h('a', {
      class: 'button', download: `${id || 'key'}.json`,
      href: URL.createObjectURL(new Blob([file], { type: 'application/json' })),
    }, t('portal.download'));
    output.replaceChildren(h('dl', { class: 'kv' },
      h('dt', {}, t('portal.publicKey')), h('dd', {}, h('code', { class: 'hash', id: 'new-public-key' }, publicKey)),
      h('dt', {}, t('portal.keyId')), h('dd', {}, h('code', { class: 'hash', id: 'new-key-id' }, keyId))), download);
    status.textContent = t('portal.keyLoaded', id, keyId);
    status.className = 'ok';
  });
  return h('details', { class: 'create-key' },
    h('summary', {}, t('portal.create')),
    h('p', { class: 'small' }, t('portal.createLead')),
    h('div', { class: 'form-row' }, h('label', { for: 'new-person-id' }, t('portal.personId')), personId, generate),
    output);
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
  try {
    [household, catalog, projects] = await Promise.all([
      signedGet(key, `/v1/households/${encodeURIComponent(householdId)}`), getJson('/v1/catalog'), getJson('/v1/projects'),
    ]);
  } catch (error) {
    view.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'household-error' }, t('error.load', error.message)));
    return;
  }
  const points = household.points;
  const projectName = id => projects.find(p => p.projectId === id)?.name ?? id;
  view.replaceChildren(
    message ?? '',
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
          const quantity = h('input', { type: 'number', min: 1, value: 1, class: 'quantity', 'aria-label': t('portal.quantity') });
          const redeem = h('button', {
            type: 'button', class: 'button', dataset: { item: item.itemId },
            disabled: item.withdrawn || item.stock === 0 || item.pricePoints > points.balance,
          }, t('portal.redeem'));
          redeem.addEventListener('click', () => reserve(item, Number(quantity.value), redeem));
          return h('tr', { dataset: { item: item.itemId } },
            h('td', {}, item.name), h('td', {}, term(item.kind)), h('td', { class: 'num' }, String(item.pricePoints)),
            h('td', { class: 'num' }, item.stock === null ? t('portal.unlimited') : String(item.stock)),
            h('td', { class: 'actions' }, quantity, redeem));
        }))),
    h('section', { id: 'shares' },
      h('h2', {}, t('portal.shares')),
      household.shares.length === 0 ? h('p', { class: 'muted' }, t('project.none')) :
        table([t('portal.project'), t('project.status'), '#' + t('portal.share'), '#' + t('portal.paid'), '#' + t('portal.due')],
          household.shares.map(s => h('tr', { dataset: { project: s.projectId } },
            h('td', {}, projectName(s.projectId)), h('td', {}, term(s.projectStatus)), h('td', { class: 'num' }, money(s.shareFen)),
            h('td', { class: 'num' }, money(s.paidFen)), h('td', { class: 'num' }, money(s.dueFen)))))),
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
            h('td', { class: 'num' }, String(r.quantity)), h('td', { class: 'num' }, String(r.points)), h('td', {}, term(r.status)))))),
    h('section', { id: 'household-history' },
      h('h2', {}, t('portal.history')),
      table([t('project.seq'), t('project.time'), t('project.type'), t('project.signer'), t('project.hash')],
        household.history.map(e => h('tr', {},
          h('td', {}, `#${e.sequence}`), h('td', {}, time(e.recordedAt)), h('td', {}, term(e.type)), h('td', {}, e.personId),
          h('td', {}, hash(e.hash, true)))))),
  );
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
      t('portal.refused', error instanceof ApiError && error.problem?.detail ? `${error.problem.detail} (${error.problem.code})` : error.message));
  }
  await showHousehold(message);
}
