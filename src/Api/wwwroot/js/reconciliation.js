// 银行对账 (docs/BANK.md): the finance officer imports the bank's statement of a project's
// co-managed account, sees it matched against the ledger, and signs the reconciliation with
// exactly what the match found; a resident supervisor other than the signer countersigns it.
// The file is read and hashed here (SHA-256, in the browser); it goes to the server only as the
// body of a signed read, which writes nothing, and the ledger keeps its hash, not the file.

import { ApiError, signedPost } from './api.js';
import { sha256, toHex } from './crypto.js';
import { h, hash, money, moneyText, person, table, time } from './dom.js';
import { refusal, t } from './i18n.js';
import { act, field, formError, hashCheck, onPress, projectSelect } from './work.js';

/** BankEndpoints.MaxStatementBytes: the server refuses a bigger statement. */
const MaxStatementBytes = 1 << 20;
const Day = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The calendar quarters a statement's lines fall in, first day to last, or null when no line starts with a date. */
function quartersCovered(text) {
  const days = text.split(/\r?\n/).slice(1).map(line => line.split(',')[0]).filter(day => Day.test(day)).sort();
  if (days.length === 0) {
    return null;
  }
  const [fromYear, fromMonth] = days[0].split('-').map(Number);
  const [toYear, toMonth] = days.at(-1).split('-').map(Number);
  const firstMonth = fromMonth - (fromMonth - 1) % 3;
  const lastMonth = toMonth - (toMonth - 1) % 3 + 2;
  // Day 0 of the month after is the last day of the quarter's last month.
  const lastDay = new Date(Date.UTC(toYear, lastMonth, 0)).getUTCDate();
  const two = n => String(n).padStart(2, '0');
  return { from: `${fromYear}-${two(firstMonth)}-01`, to: `${toYear}-${two(lastMonth)}-${two(lastDay)}` };
}

/** The finance officer's 银行对账: a project, the statement file and the period, matched; then signed. */
export function reconciliationForm(context, open) {
  const project = projectSelect(open, 'statement-project');
  const file = h('input', { type: 'file', accept: '.csv,text/csv' });
  const from = h('input', { type: 'date' });
  const to = h('input', { type: 'date' });
  const submit = h('button', { type: 'button', class: 'button', id: 'match-statement' }, t('bank.match'));
  const result = h('div', { id: 'statement-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'work-form', id: 'statement-form', onsubmit: e => e.preventDefault() },
    h('h3', {}, t('bank.title')), h('p', { class: 'small muted' }, t('bank.lead')),
    field('statement-project', t('portal.project'), project), field('statement-file', t('bank.file'), file),
    field('statement-from', t('bank.from'), from), field('statement-to', t('bank.to'), to),
    h('p', { class: 'small muted' }, t('bank.periodHint')), submit, result);
  // The period proposed once the file is read: busy meanwhile, so that what is typed after is not overwritten.
  file.addEventListener('change', async () => {
    form.setAttribute('aria-busy', 'true');
    const period = file.files[0] ? quartersCovered(await file.files[0].text()) : null;
    if (period) {
      from.value = period.from;
      to.value = period.to;
    }
    form.setAttribute('aria-busy', 'false');
  });
  onPress(submit, form, async () => {
    result.replaceChildren();
    const statement = file.files[0];
    if (!statement) {
      return formError(form, t('bank.fileNeeded'));
    }
    if (!Day.test(from.value) || !Day.test(to.value) || from.value > to.value) {
      return formError(form, t('bank.periodNeeded'));
    }
    if (statement.size > MaxStatementBytes) {
      return formError(form, t('bank.tooLarge'));
    }
    const bytes = new Uint8Array(await statement.arrayBuffer());
    const statementHash = toHex(await sha256(bytes));
    let match;
    try {
      match = await signedPost(context.key,
        `/v1/projects/${encodeURIComponent(project.value)}/statement-match?fromDate=${from.value}&toDate=${to.value}`, bytes, 'text/csv');
    } catch (error) {
      const problem = error instanceof ApiError ? error.problem : null;
      return result.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'statement-problem', dataset: { code: problem?.code ?? '', line: String(problem?.line ?? ''), column: String(problem?.column ?? '') } },
        problem?.code === 'MalformedStatement' ? t('bank.malformedAt', problem.line, problem.column) : '', refusal(error)));
    }
    // The server hashed the bytes it received: the same file, or nothing is signed.
    if (match.statementHash !== statementHash) {
      return result.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'statement-problem' }, t('bank.hashDiffers')));
    }
    result.replaceChildren(matchView(context, match));
  });
  return form;
}

function statementLine(line) {
  return [h('td', { class: 'num' }, String(line.line)), h('td', {}, line.date), h('td', { class: 'num' }, money(line.amountFen)),
    h('td', {}, line.counterparty), h('td', {}, line.reference)];
}

function ledgerEntry(entry) {
  return [h('td', { class: 'num' }, `#${entry.entrySequence}`), h('td', {}, time(entry.recordedAt)), h('td', { class: 'num' }, money(entry.amountFen)),
    h('td', {}, entry.reference ?? '—')];
}

/** What the match found, and the button that signs exactly that. */
function matchView(context, match) {
  const lineHeaders = ['#' + t('bank.line'), t('bank.date'), '#' + t('bank.amount'), t('bank.counterparty'), t('bank.reference')];
  const entryHeaders = ['#' + t('bank.entry'), t('bank.recordedAt'), '#' + t('bank.amount'), t('bank.reference')];
  const sign = h('button', { type: 'button', class: 'button primary', id: 'sign-reconciliation' }, t('bank.sign'));
  const view = h('div', { class: 'statement-match', dataset: { agree: String(match.balancesAgree) } },
    h('h4', {}, t('bank.result', match.fromDate, match.toDate)),
    h('dl', { class: 'kv' },
      h('dt', {}, t('bank.statementHash')), h('dd', { id: 'statement-hash' }, hash(match.statementHash)),
      h('dt', {}, t('bank.statementClosing')), h('dd', { id: 'statement-closing' }, money(match.statementClosingBalanceFen)),
      h('dt', {}, t('bank.ledgerClosing')), h('dd', { id: 'ledger-closing' }, money(match.ledgerClosingBalanceFen), ' ',
        match.balancesAgree ? h('span', { class: 'ok' }, t('bank.agree'))
          : h('span', { class: 'error' }, t('bank.disagree', moneyText(match.statementClosingBalanceFen - match.ledgerClosingBalanceFen))))),
    // What pairs is the most of a quarter and needs no action: folded, so that on a phone what does not pair comes first.
    h('details', { class: 'matched' }, h('summary', {}, t('bank.matched', match.matched.length)),
      match.matched.length === 0 ? h('p', { class: 'muted' }, t('bank.none')) : table(
        [...lineHeaders, '#' + t('bank.entry'), t('bank.recordedAt')],
        match.matched.map(m => h('tr', { dataset: { line: String(m.line.line), entry: String(m.entry.entrySequence) } },
          ...statementLine(m.line), h('td', { class: 'num' }, `#${m.entry.entrySequence}`), h('td', {}, time(m.entry.recordedAt)))),
        { id: 'matched' })),
    h('h5', {}, t('bank.unmatchedLines', match.unmatchedLines.length)),
    match.unmatchedLines.length === 0 ? h('p', { class: 'muted' }, t('bank.none')) : table(lineHeaders,
      match.unmatchedLines.map(line => h('tr', { dataset: { line: String(line.line) } }, ...statementLine(line))), { id: 'unmatched-lines' }),
    h('h5', {}, t('bank.unmatchedEntries', match.unmatchedEntries.length)),
    match.unmatchedEntries.length === 0 ? h('p', { class: 'muted' }, t('bank.none')) : table(entryHeaders,
      match.unmatchedEntries.map(entry => h('tr', { dataset: { entry: String(entry.entrySequence) } }, ...ledgerEntry(entry))), { id: 'unmatched-entries' }),
    sign);
  // The rules check the period and the balance (a refusal says which); the signed counts and hash are the match's, unchanged.
  onPress(sign, view, () => act(context, 'SignReconciliation', {
    projectId: match.projectId, statementHash: match.statementHash, fromDate: match.fromDate, toDate: match.toDate,
    closingBalanceFen: match.statementClosingBalanceFen, matchedCount: match.matched.length,
    unmatchedStatementCount: match.unmatchedLines.length, unmatchedLedgerCount: match.unmatchedEntries.length,
  }, t('bank.signed', match.fromDate, match.toDate)));
  return view;
}

/** The resident supervisor's 待复核的银行对账: every reconciliation not yet countersigned; not their own to countersign. */
export function reconciliationsToCountersign(context) {
  // A closed or cancelled project's stream takes no more entries (docs/BANK.md "Limits"): only open projects' are offered.
  const waiting = context.projects.filter(p => p.status === 'Open')
    .flatMap(p => p.reconciliations.filter(r => r.countersignedBy === null).map(r => ({ project: p, r })));
  return h('section', { class: 'panel', id: 'reconciliations' },
    h('h2', {}, t('bank.waiting'), ' ',
      h('span', { class: 'count', id: 'reconciliation-count', dataset: { count: String(waiting.length) } }, String(waiting.length))),
    waiting.length === 0 ? h('p', { class: 'muted' }, t('project.none')) : waiting.map(({ project, r }) => {
      const own = r.signedBy === context.person.personId;
      const countersign = own ? '' : h('button', { type: 'button', class: 'button primary countersign-reconciliation' }, t('bank.countersign'));
      const card = h('article', { class: 'card waiting', dataset: { project: project.projectId, reconciliation: String(r.reconciliationId) } },
        h('h3', {}, `${project.name} · #${r.reconciliationId} `, t('bank.periodText', r.fromDate, r.toDate)),
        h('dl', { class: 'kv' },
          h('dt', {}, t('bank.closing')), h('dd', {}, money(r.closingBalanceFen)),
          h('dt', {}, t('bank.counts')), h('dd', { class: 'counts' }, t('bank.countsText', r.matchedCount, r.unmatchedStatementCount, r.unmatchedLedgerCount)),
          h('dt', {}, t('bank.statementHash')), h('dd', {}, hash(r.statementHash)),
          h('dt', {}, t('bank.signedBy')), h('dd', {}, person(r.signedBy, project.staffNames))),
        hashCheck(r.statementHash, `check-statement-${project.projectId}-${r.reconciliationId}`),
        own ? h('p', { class: 'muted small why' }, t('bank.ownReconciliation')) : h('div', { class: 'actions' }, countersign));
      if (!own) {
        onPress(countersign, card, () => act(context, 'CountersignReconciliation', { projectId: project.projectId, reconciliationId: r.reconciliationId },
          t('bank.countersigned', r.reconciliationId)));
      }
      return card;
    }));
}
