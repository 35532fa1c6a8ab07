// The public notice 公示: a printable quarterly statement of one project (seed 001: income and
// spending published every quarter), with a QR code linking to the check view (check.js) with
// the latest signed checkpoint and the project's head under it, so that anyone can check the
// copy on the notice board against the online ledger at any later time, from a phone.

import { getJson, getText, streamEntries } from './api.js';
import { checkLink } from './check.js';
import { toHex } from './crypto.js';
import { beijingParts, h, hash, money, moneyText, nowText, person, qrCode, table, time } from './dom.js';
import { language, t, term } from './i18n.js';
import { parseCheckpoint, signatureNames } from './merkle.js';
import { noticeVotes } from './ownersvote.js';

const chineseNumerals = ['', '一', '二', '三', '四'];

export async function renderNotice(main, projectId, quarterText) {
  const [project, download, keys, vkey] = await Promise.all([
    getJson(`/v1/projects/${encodeURIComponent(projectId)}`),
    streamEntries(`project/${projectId}`),
    getJson('/v1/keys'),
    getText('/v1/log/vkey'),
  ]);
  const entries = download.entries.filter(e => e.sequence <= project.sequence);
  const head = entries.find(e => e.sequence === project.sequence);
  const quarters = [...new Set(entries.map(e => quarterKey(beijingParts(e.recordedAt))))];
  const selected = quarters.includes(quarterText) ? quarterText : quarters.at(-1);
  const [year, quarter] = selected.split('Q').map(Number);
  const checkpoint = await checkpointCovering(head);

  const toolbar = h('div', { class: 'toolbar no-print' },
    h('a', { href: `#/project/${encodeURIComponent(projectId)}`, class: 'back' }, t('notice.back')),
    h('label', {}, t('notice.quarter'), ' ', h('select', {
      id: 'quarter',
      onchange: event => { location.hash = `#/project/${encodeURIComponent(projectId)}/notice/${event.target.value}`; },
    }, quarters.map(q => h('option', { value: q, selected: q === selected }, q)))),
    h('button', { type: 'button', class: 'button primary', onclick: () => window.print() }, t('notice.print')));

  const inQuarter = entries.filter(e => quarterKey(beijingParts(e.recordedAt)) === selected);
  const sheet = h('article', { class: 'notice-sheet', id: 'notice' },
    h('h1', {}, t('notice.title', project.name, year, language() === 'en' ? quarter : chineseNumerals[quarter])),
    h('p', { class: 'issuer' }, t('notice.issuer', project.community, nowText())),
    h('p', { class: 'muted' }, t('notice.asOf', project.sequence, head ? time(head.recordedAt).textContent : '')),
    h('h2', {}, t('notice.sources')),
    table([t('project.source'), '#' + t('project.planned'), '#' + t('project.received')],
      project.fundingSources.map(s => h('tr', { dataset: { source: s.source } },
        h('td', {}, term(s.source)), h('td', { class: 'num' }, money(s.plannedFen)), h('td', { class: 'num' }, money(s.receivedFen))))),
    h('dl', { class: 'totals' },
      ...[['receivedFen', 'project.totalReceived'], ['paidFen', 'project.totalPaid'], ['pendingFen', 'project.totalPending'], ['availableFen', 'project.totalAvailable']]
        .flatMap(([member, key]) => [h('dt', {}, t(key)), h('dd', { dataset: { total: member } }, money(project.totals[member]))])),
    reconciled(project.lastReconciled),
    noticeVotes(project, entries),
    h('h2', {}, t('notice.movements')),
    movements(inQuarter, entries, project),
    h('h2', {}, t('notice.tranches')),
    table([t('project.tranche'), '#' + t('project.percent'), '#' + t('project.cap'), t('project.unlocked'), '#' + t('project.paid')],
      project.tranches.map(tr => h('tr', {},
        h('td', {}, term(tr.tranche)), h('td', { class: 'num' }, `${tr.percent}%`), h('td', { class: 'num' }, money(tr.cumulativeCapFen)),
        h('td', {}, tr.unlocked ? t('project.yes') : t('project.no')), h('td', { class: 'num' }, money(tr.paidFen))))),
    h('h2', {}, t('notice.verify')),
    verification(projectId, project, head, checkpoint, keys, vkey),
    h('p', { class: 'signatures' }, t('notice.sign')));

  main.replaceChildren(toolbar, sheet);
}

/** The last period a resident supervisor countersigned (docs/BANK.md), and its closing balance. */
function reconciled(last) {
  return last
    ? h('p', { id: 'notice-reconciled', dataset: { toDate: last.toDate } }, t('notice.reconciled', last.fromDate, last.toDate, moneyText(last.closingBalanceFen)))
    : h('p', { id: 'notice-reconciled', class: 'muted' }, t('notice.notReconciled'));
}

function quarterKey({ year, quarter }) {
  return `${year}Q${quarter}`;
}

/** The quarter's receipts, payments and reversals one by one; the households' crowdfunding payments as one line. */
function movements(inQuarter, entries, project) {
  const bySequence = new Map(entries.map(e => [e.sequence, e]));
  const rows = [];
  for (const e of inQuarter) {
    const body = e.entry.body;
    if (e.type === 'ReceiptRecorded') {
      const receipt = project.receipts.find(r => r.sequence === e.sequence);
      rows.push(h('tr', { class: receipt?.reversed ? 'reversed' : '' }, h('td', {}, time(e.recordedAt)),
        h('td', {}, t('notice.receipt', term(body.source)), body.reference ? h('div', { class: 'muted small' }, body.reference) : '',
          receipt?.reversed ? h('span', { class: 'tag' }, t('project.reversed')) : ''),
        h('td', { class: 'num' }, money(body.amountFen)), h('td', {}, person(e.personId, project.staffNames))));
    } else if (e.type === 'DisbursementPaid') {
      const disbursement = project.disbursements.find(d => d.disbursementId === body.disbursementId);
      const signers = disbursement ? Object.entries(disbursement.approvals).map(([role, id]) => `${term(role)} ${project.staffNames[id] ?? id}`).join('，') : '';
      rows.push(h('tr', {}, h('td', {}, time(e.recordedAt)),
        h('td', {}, t('notice.payment', term(disbursement?.tranche ?? ''), disbursement?.payee ?? ''), h('div', { class: 'muted small' }, signers)),
        h('td', { class: 'num' }, '−', money(body.amountFen)), h('td', {}, person(e.personId, project.staffNames))));
    } else if (e.type === 'ReversalProposed') {
      rows.push(h('tr', {}, h('td', {}, time(e.recordedAt)),
        h('td', {}, t('notice.reversal', body.entrySequence, term(body.kind)), h('div', { class: 'muted small' }, body.reason)),
        h('td', { class: 'num' }, money(body.amountFen)), h('td', {}, person(e.personId, project.staffNames))));
    }
  }
  const contributions = inQuarter.filter(e => e.type === 'ContributionReceived');
  if (contributions.length > 0) {
    // A sum for the notice's reader: each payment is an entry of the history, listed on the project page.
    const sum = contributions.reduce((total, e) => total + e.entry.body.amountFen, 0);
    const first = time(contributions[0].recordedAt).textContent.slice(0, 10);
    const last = time(contributions.at(-1).recordedAt).textContent.slice(0, 10);
    rows.push(h('tr', {}, h('td', {}, first === last ? first : `${first} – ${last}`),
      h('td', {}, t('notice.contributions', contributions.length)), h('td', { class: 'num' }, money(sum)), h('td', {}, '')));
  }
  return rows.length === 0 ? h('p', { class: 'muted' }, t('notice.noMovements'))
    : table([t('project.time'), t('notice.kind'), '#' + t('project.amount'), t('project.signer')], rows, { class: 'movements' });
}

/**
 * The latest checkpoint, waited for (a few seconds at most) until it covers the project's head
 * and carries the cosignature of every witness the server names (GET /v1/log/witnesses), so that
 * the QR code prints the cosigned note; if a witness has not cosigned by then, the covering
 * checkpoint with the cosignatures it has.
 */
async function checkpointCovering(head) {
  const witnesses = (await getText('/v1/log/witnesses').catch(() => '')).split('\n').filter(Boolean).map(vkey => vkey.split('+')[0]);
  let covering = null;
  for (let attempt = 0; attempt < 6; attempt++) {
    if (attempt > 0) {
      await new Promise(resolve => setTimeout(resolve, 2000));
    }
    const note = await getText('/v1/log/checkpoint').catch(() => null);
    const parsed = note === null ? { error: 'none' } : parseCheckpoint(note.slice(0, note.lastIndexOf('\n\n') + 1));
    if (!parsed.error && (!head || head.logPosition < parsed.treeSize)) {
      covering = { ...parsed, note };
      if (witnesses.every(name => signatureNames(note).includes(name))) {
        return covering;
      }
    }
  }
  return covering;
}

function verification(projectId, project, head, checkpoint, keys, vkey) {
  if (!checkpoint || !head) {
    return h('p', { class: 'error' }, t('detail.noCheckpoint'));
  }
  const link = checkLink(checkpoint.note, head.stream, head.sequence, head.hash);
  const qr = qrCode(link, t('notice.qr'), 3);
  qr.id = 'notice-qr';
  qr.dataset.link = link;
  return h('div', { class: 'notice-verify' },
    h('figure', {}, qr, h('figcaption', { class: 'small' }, t('notice.qr'))),
    h('div', {},
      h('p', { class: 'small' }, t('notice.verifyLead')),
      h('dl', { class: 'kv', id: 'notice-values' },
        h('dt', {}, t('project.checkpointOrigin')), h('dd', {}, h('code', {}, checkpoint.origin)),
        h('dt', {}, t('project.checkpointSize')), h('dd', { dataset: { treeSize: String(checkpoint.treeSize) } }, String(checkpoint.treeSize)),
        h('dt', {}, t('project.checkpointRoot')), h('dd', { dataset: { root: toHex(checkpoint.root) } }, hash(toHex(checkpoint.root))),
        h('dt', {}, t('notice.head')), h('dd', { dataset: { stream: head.stream, sequence: String(head.sequence) } }, `${head.stream} #${head.sequence}`),
        h('dt', {}, t('project.hash')), h('dd', {}, hash(head.hash)),
        h('dt', {}, t('notice.rootKey')), h('dd', {}, h('code', { class: 'hash' }, keys.rootKeyId)),
        h('dt', {}, t('home.logKey')), h('dd', {}, h('code', { class: 'hash' }, vkey)))));
}
