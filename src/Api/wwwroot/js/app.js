// The page at /: the transparency page (项目公开), the public notice (公示) and the resident
// portal (居民服务), routed by the URL's fragment: #/, #/project/ID, #/project/ID/notice/2026Q2, #/portal,
// and the check view a notice's QR code opens, #/check?….

import { getJson, getText, streamEntries } from './api.js';
import { fundingChart, trancheChart } from './chart.js';
import { renderCheck } from './check.js';
import { toHex } from './crypto.js';
import { h, hash, money, person, table, time } from './dom.js';
import { language, setLanguage, t, term } from './i18n.js';
import { parseCheckpoint } from './merkle.js';
import { renderNotice } from './notice.js';
import { projectVotes } from './ownersvote.js';
import { renderPortal } from './portal.js';
import { session, signedInKey } from './session.js';
import { renderSignIn } from './signin.js';
import { verifyProject } from './verify.js';
import { renderWork } from './work.js';

const main = document.getElementById('main');
// Whether the registry was opened as a trial (GET /v1/keys): read once, shown on every view.
const trial = getJson('/v1/keys').then(keys => keys.trial === true, () => false);

function route() {
  const [path, query = ''] = (location.hash.replace(/^#/, '') || '/').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  document.documentElement.lang = language() === 'en' ? 'en' : 'zh-CN';
  renderChrome();
  main.replaceChildren(h('p', { class: 'loading' }, t('loading')));
  const render = parts[0] === 'project' && parts[1] && parts[2] === 'notice' ? () => renderNotice(main, parts[1], parts[3])
    : parts[0] === 'project' && parts[1] ? () => renderProject(parts[1])
      : parts[0] === 'portal' ? () => renderPortal(main)
        : parts[0] === 'signin' ? () => renderSignIn(main)
        : parts[0] === 'work' ? () => renderWork(main)
        : parts[0] === 'check' ? () => renderCheck(main, new URLSearchParams(query))
        : () => renderHome();
  render().catch(error => {
    main.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('error.load', error.message)));
  });
}

function renderChrome() {
  document.title = t('brand');
  document.querySelectorAll('[data-i18n]').forEach(element => {
    element.textContent = t(element.dataset.i18n);
  });
  const current = ['portal', 'work', 'signin'].find(name => location.hash.startsWith(`#/${name}`)) ?? 'projects';
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('current', a.dataset.nav === current));
  trial.then(isTrial => { document.getElementById('trial').hidden = !isTrial; });
  // The header says whose key this browser holds: the person id it names at once, then the name
  // the registry holds for them (an unknown or revoked key keeps the id; #/signin says why).
  signedInKey().then(key => {
    const who = document.getElementById('who');
    who.textContent = key ? key.personId : t('nav.signin');
    who.dataset.signedIn = String(Boolean(key));
    if (key) {
      session().then(current => {
        if (current?.person) {
          who.textContent = current.person.displayName;
        }
      }, () => {});
    }
  }, () => {});
}

document.getElementById('lang').addEventListener('click', () => {
  setLanguage(language() === 'en' ? 'zh' : 'en');
  route();
});
window.addEventListener('hashchange', route);
route();

async function renderHome() {
  const [projects, keys, checkpoint, vkey] = await Promise.all([
    getJson('/v1/projects'), getJson('/v1/keys'), getText('/v1/log/checkpoint').catch(() => null), getText('/v1/log/vkey').catch(() => null),
  ]);
  const cards = projects.map(project => h('a', { class: 'card project-card', href: `#/project/${encodeURIComponent(project.projectId)}`, dataset: { project: project.projectId } },
    h('h3', {}, project.name),
    h('p', { class: 'muted' }, `${project.community} · ${term(project.status)}`),
    h('dl', { class: 'figures' },
      h('dt', {}, t('home.contract')), h('dd', {}, money(project.contractPriceFen)),
      h('dt', {}, t('home.available')), h('dd', {}, money(project.availableFen))),
    h('span', { class: 'link' }, t('home.open') + ' →')));
  main.replaceChildren(
    h('section', { class: 'hero' }, h('h1', {}, t('home.title')), h('p', {}, t('home.lead'))),
    h('section', {}, h('h2', {}, t('home.projects')), h('div', { class: 'cards' }, cards)),
    h('section', { class: 'panel' }, h('h2', {}, t('home.ledger')),
      checkpointBox(checkpoint),
      h('dl', { class: 'kv' },
        h('dt', {}, t('home.rootKey')), h('dd', {}, h('code', { class: 'hash', id: 'root-key' }, keys.rootKeyId)),
        h('dt', {}, t('home.logKey')), h('dd', {}, h('code', { class: 'hash' }, vkey ?? '—')))),
  );
}

/** The latest checkpoint as the server states it (the verify button checks its signature). */
function checkpointBox(note) {
  if (!note) {
    return h('p', { class: 'muted' }, t('detail.noCheckpoint'));
  }
  const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
  const parsed = parseCheckpoint(text);
  return h('div', { class: 'checkpoint', id: 'checkpoint' },
    parsed.error ? h('p', { class: 'error' }, parsed.error) : h('dl', { class: 'kv' },
      h('dt', {}, t('project.checkpointOrigin')), h('dd', {}, h('code', {}, parsed.origin)),
      h('dt', {}, t('project.checkpointSize')), h('dd', { dataset: { treeSize: String(parsed.treeSize) } }, String(parsed.treeSize)),
      h('dt', {}, t('project.checkpointRoot')), h('dd', { dataset: { root: toHex(parsed.root) } }, hash(toHex(parsed.root)))),
    h('details', {}, h('summary', {}, t('project.checkpointNote')), h('pre', { class: 'note' }, note)));
}

/** The entries of a project stream, indexed for the tables: who did what when. */
export function indexEntries(entries) {
  const bySequence = new Map(entries.map(e => [e.sequence, e]));
  const ofType = type => entries.filter(e => e.type === type);
  return { bySequence, ofType };
}

function who(entry, names) {
  return entry ? h('span', { class: 'who' }, person(entry.personId, names), ' ', time(entry.recordedAt)) : '—';
}

async function renderProject(projectId) {
  const [project, download, checkpoint] = await Promise.all([
    getJson(`/v1/projects/${encodeURIComponent(projectId)}`),
    streamEntries(`project/${projectId}`),
    getText('/v1/log/checkpoint').catch(() => null),
  ]);
  const entries = download.entries;
  const index = indexEntries(entries);
  const approvalsOf = id => new Map(index.ofType('DisbursementApproved').filter(e => e.entry.body.disbursementId === id)
    .map(e => [e.entry.body.role, e]));
  const attestationsOf = milestone => new Map(index.ofType('MilestoneAttested').filter(e => e.entry.body.milestone === milestone)
    .map(e => [e.entry.body.role, e]));

  const header = h('section', { class: 'project-header' },
    h('a', { href: '#/', class: 'back no-print' }, t('project.back')),
    h('h1', {}, project.name),
    h('dl', { class: 'facts' },
      h('dt', {}, t('project.community')), h('dd', {}, project.community),
      h('dt', {}, t('project.status')), h('dd', {}, term(project.status)),
      h('dt', {}, t('project.contract')), h('dd', {}, money(project.contractPriceFen)),
      h('dt', {}, t('project.shareCap')), h('dd', {}, `${project.residentShareCapPercent}%`),
      h('dt', {}, t('project.warranty')), h('dd', {}, t('project.months', project.warrantyMonths))),
    h('p', {}, h('a', { class: 'button', href: `#/project/${encodeURIComponent(projectId)}/notice`, id: 'notice-link' }, t('project.notice'))));

  const funding = h('section', { id: 'funding' },
    h('h2', {}, t('project.funding')),
    fundingChart(project.fundingSources),
    table([t('project.source'), '#' + t('project.planned'), '#' + t('project.received'), '#' + t('project.ratio')],
      project.fundingSources.map(s => h('tr', { dataset: { source: s.source } },
        h('td', {}, term(s.source)), h('td', { class: 'num planned' }, money(s.plannedFen)),
        h('td', { class: 'num received' }, money(s.receivedFen)),
        h('td', { class: 'num' }, s.plannedFen > 0 ? `${Math.floor(100 * s.receivedFen / s.plannedFen)}%` : '—')))),
    h('dl', { class: 'totals', id: 'totals' },
      ...[['receivedFen', 'project.totalReceived'], ['paidFen', 'project.totalPaid'], ['pendingFen', 'project.totalPending'], ['availableFen', 'project.totalAvailable']]
        .flatMap(([member, key]) => [h('dt', {}, t(key)), h('dd', { dataset: { total: member } }, money(project.totals[member]))])),
    project.fundDrawing ? restrictedFunds(project) : '');

  const tranches = h('section', { id: 'tranches' },
    h('h2', {}, t('project.tranches')),
    trancheChart(project.tranches, project.contractPriceFen),
    table([t('project.tranche'), '#' + t('project.percent'), '#' + t('project.cap'), t('project.milestone'), t('project.unlocked'), '#' + t('project.paid'), '#' + t('project.pending')],
      project.tranches.map(tr => h('tr', { dataset: { tranche: tr.tranche } },
        h('td', {}, term(tr.tranche)), h('td', { class: 'num' }, `${tr.percent}%`), h('td', { class: 'num cap' }, money(tr.cumulativeCapFen)),
        h('td', {}, term(tr.milestone)), h('td', { class: tr.unlocked ? 'ok' : 'locked' }, tr.unlocked ? t('project.yes') : t('project.no')),
        h('td', { class: 'num paid' }, money(tr.paidFen)), h('td', { class: 'num pending' }, money(tr.pendingFen))))),
    h('h3', {}, t('project.milestones')),
    table([t('project.milestone'), t('project.attestedBy'), t('project.reachedAt')],
      project.milestones.map(m => {
        const attested = attestationsOf(m.milestone);
        return h('tr', {},
          h('td', {}, term(m.milestone)),
          h('td', {}, Object.entries(m.attestedBy).map(([role, id]) =>
            h('div', {}, term(role) + t('colon'), attested.get(role) ? who(attested.get(role), project.staffNames) : person(id, project.staffNames)))),
          h('td', {}, m.reachedAt ? time(m.reachedAt) : h('span', { class: 'muted' }, t('project.notReached'))));
      })),
    project.campaign ? [h('h3', {}, t('project.campaign')), h('dl', { class: 'facts', id: 'campaign' },
      h('dt', {}, t('project.campaignTarget')), h('dd', {}, money(project.campaign.targetFen)),
      h('dt', {}, t('project.campaignRule')), h('dd', {}, term(project.campaign.rule)),
      h('dt', {}, t('project.campaignHouseholds')), h('dd', {}, String(project.campaign.households)),
      h('dt', {}, t('project.campaignPaid')), h('dd', {}, money(project.campaign.paidFen)))] : []);

  const receipts = h('section', { id: 'receipts' },
    h('h2', {}, t('project.receipts')),
    table([t('project.seq'), t('project.source'), '#' + t('project.amount'), t('project.reference'), t('project.recordedAt'), t('project.documentHash')],
      project.receipts.map(r => {
        const entry = index.bySequence.get(r.sequence);
        return h('tr', { class: r.reversed ? 'reversed' : '', dataset: { sequence: String(r.sequence) } },
          h('td', {}, `#${r.sequence}`), h('td', {}, term(r.source)),
          h('td', { class: 'num' }, money(r.amountFen), r.reversed ? h('span', { class: 'tag' }, t('project.reversed')) : ''),
          h('td', {}, entry?.entry.body.reference ?? ''), h('td', {}, entry ? time(entry.recordedAt) : ''),
          h('td', {}, hash(r.documentHash, true)));
      })));

  const disbursements = h('section', { id: 'disbursements' },
    h('h2', {}, t('project.disbursements')),
    project.disbursements.length === 0 ? h('p', { class: 'muted' }, t('project.none')) : project.disbursements.map(d => {
      const approvals = approvalsOf(d.disbursementId);
      return h('article', { class: 'card disbursement', dataset: { disbursement: String(d.disbursementId) } },
        h('header', {}, h('strong', {}, `#${d.disbursementId} ${term(d.tranche)}`), ' ', money(d.amountFen), ' ',
          h('span', { class: `status status-${d.status}` }, term(d.status))),
        h('dl', { class: 'kv' },
          h('dt', {}, t('project.payee')), h('dd', {}, d.payee),
          ...(d.category ? [h('dt', {}, t('project.category')), h('dd', { class: 'category' }, term(d.category))] : []),
          ...(Object.keys(d.allocationFen).length ? [h('dt', {}, t('project.drawnFrom')), h('dd', { class: 'allocation' }, byTerm(d.allocationFen))] : []),
          h('dt', {}, t('project.requestedBy')), h('dd', { class: 'requested' }, who(index.bySequence.get(d.disbursementId), project.staffNames)),
          h('dt', {}, t('project.approvals')), h('dd', { class: 'approvals' },
            Object.entries(d.approvals).map(([role, id]) => h('div', { dataset: { role } }, term(role) + t('colon'),
              approvals.get(role) ? who(approvals.get(role), project.staffNames) : person(id, project.staffNames))),
            d.approvalsMissing.length ? h('div', { class: 'muted' }, t('project.missing', d.approvalsMissing.map(term).join('、'))) : ''),
          h('dt', {}, t('project.paidBy')), h('dd', { class: 'paid' }, d.paidSequence !== null ? who(index.bySequence.get(d.paidSequence), project.staffNames) : '—'),
          h('dt', {}, t('project.bankReference')), h('dd', {}, d.bankReference ?? '—'),
          h('dt', {}, t('project.invoiceHash')), h('dd', {}, hash(d.invoiceHash))));
    }));

  const reversals = h('section', { id: 'reversals' },
    h('h2', {}, t('project.reversals')),
    project.reversals.length === 0 ? h('p', { class: 'muted' }, t('project.none')) :
      table([t('project.seq'), t('project.reversalKind'), t('project.reversalOf'), '#' + t('project.amount'), t('project.reason'), t('project.proposedBy'), t('project.approvedBy')],
        project.reversals.map(r => {
          const proposed = index.bySequence.get(r.reversalId);
          const approved = index.ofType('ReversalApproved').find(e => e.entry.body.reversalId === r.reversalId);
          return h('tr', { dataset: { reversal: String(r.reversalId) } },
            h('td', {}, `#${r.reversalId}`), h('td', {}, term(r.kind)), h('td', {}, `#${r.entrySequence}`),
            h('td', { class: 'num' }, money(r.amountFen)),
            h('td', { class: 'reason' }, proposed?.entry.body.reason ?? ''),
            h('td', {}, who(proposed, project.staffNames)),
            h('td', {}, r.approved ? who(approved, project.staffNames) : h('span', { class: 'muted' }, t('project.notApproved'))));
        })));

  // Each period a finance officer reconciled with the bank, and whether a resident supervisor
  // countersigned it: what the notice's "last reconciled" line stands on (docs/BANK.md).
  const reconciliations = h('section', { id: 'project-reconciliations' },
    h('h2', {}, t('project.reconciliations')),
    project.reconciliations.length === 0 ? h('p', { class: 'muted' }, t('project.none')) :
      table([t('project.seq'), t('project.period'), '#' + t('bank.closing'), t('bank.counts'), t('project.statementHash'), t('bank.signedBy'), t('project.countersignedBy')],
        project.reconciliations.map(r => {
          const countersigned = index.ofType('ReconciliationCountersigned').find(e => e.entry.body.reconciliationId === r.reconciliationId);
          return h('tr', { dataset: { reconciliation: String(r.reconciliationId) } },
            h('td', {}, `#${r.reconciliationId}`), h('td', {}, t('project.periodDates', r.fromDate, r.toDate)),
            h('td', { class: 'num' }, money(r.closingBalanceFen)),
            h('td', { class: 'counts' }, t('bank.countsText', r.matchedCount, r.unmatchedStatementCount, r.unmatchedLedgerCount)),
            h('td', {}, hash(r.statementHash, true)),
            h('td', { class: 'signed' }, who(index.bySequence.get(r.reconciliationId), project.staffNames)),
            h('td', { class: 'countersigned' }, r.countersignedBy !== null ? who(countersigned, project.staffNames) : h('span', { class: 'muted' }, t('project.notCountersigned'))));
        })));

  const verifySection = h('section', { id: 'verify', class: 'panel' },
    h('h2', {}, t('verify.title')),
    h('p', {}, t('verify.lead')),
    h('button', { type: 'button', id: 'verify-button', class: 'button primary', onclick: () => runVerification(projectId) }, t('verify.button')),
    h('div', { id: 'verify-result', dataset: { status: 'idle' }, 'aria-live': 'polite' }),
    h('p', { class: 'muted small' }, t('verify.limits')));

  const checkpointSection = h('section', { id: 'checkpoint-section', class: 'panel' },
    h('h2', {}, t('project.checkpoint')), checkpointBox(checkpoint));

  const history = h('section', { id: 'history' },
    h('h2', {}, t('project.history')),
    h('p', { class: 'muted' }, t('project.history.lead', `project/${projectId}`, entries.length)),
    historyTable(entries));

  main.replaceChildren(header, funding, tranches, projectVotes(project, entries), receipts, disbursements, reversals, reconciliations, verifySection, checkpointSection, history);
}

export function historyTable(entries) {
  return table([t('project.seq'), '#' + t('project.logPosition'), t('project.time'), t('project.type'), t('project.signer'), t('project.hash')],
    entries.map(e => h('tr', { dataset: { sequence: String(e.sequence) } },
      h('td', {}, `#${e.sequence}`), h('td', { class: 'num' }, String(e.logPosition)), h('td', {}, time(e.recordedAt)),
      h('td', {}, h('span', { title: e.type }, term(e.type))), h('td', {}, e.personId),
      h('td', { class: 'hashes' }, hash(e.hash), h('div', { class: 'previous' }, '← ', hash(e.previousHash)),
        h('details', {}, h('summary', {}, t('project.entryJson')), h('pre', { class: 'entry-json' }, JSON.stringify(e.entry, null, 1)))))),
    { class: 'history' });
}

async function runVerification(projectId) {
  const button = document.getElementById('verify-button');
  const result = document.getElementById('verify-result');
  button.disabled = true;
  result.dataset.status = 'running';
  result.replaceChildren(h('p', {}, t('verify.running')));
  try {
    const report = await verifyProject(projectId, step => {
      result.replaceChildren(h('p', {}, `${t('verify.running')} ${step}`));
    });
    const summary = report.valid
      ? h('p', { class: 'verdict pass' }, '✓ ', t('verify.pass', report.entries.length, report.checkpoint?.treeSize))
      : h('p', { class: 'verdict fail', role: 'alert' }, '✗ ', t('verify.fail', report.failures.length));
    const checks = table([t('verify.check'), t('verify.result'), t('verify.detail')],
      report.checks.map(c => h('tr', { class: `check-${c.status}`, dataset: { check: c.id, status: c.status } },
        h('td', {}, t(`check.${c.id}`)),
        h('td', { class: 'mark' }, c.status === 'pass' ? '✓' : c.status === 'fail' ? '✗' : '–'),
        h('td', {}, c.detail || (c.failures[0]?.detail ?? '')))),
      { class: 'checks' });
    const failures = report.failures.length === 0 ? '' : h('div', { class: 'failures' },
      h('h3', {}, t('verify.where')),
      h('ul', {}, report.failures.map(f => h('li', {
        dataset: { check: f.check, stream: report.stream, sequence: f.sequence === undefined ? '' : String(f.sequence) },
      }, h('strong', {}, f.sequence === undefined ? t(`check.${f.check}`)
        : `${report.stream} #${f.sequence}${f.logPosition === undefined ? '' : ` (${t('project.logPosition')} ${f.logPosition})`} · ${t(`check.${f.check}`)}`),
      t('colon'), f.detail))));
    result.dataset.status = report.valid ? 'pass' : 'fail';
    result.replaceChildren(summary, failures, checks);
    // Mark the rows of the history that failed a check.
    document.querySelectorAll('#history tr[data-sequence]').forEach(row => {
      row.classList.toggle('bad', report.failures.some(f => String(f.sequence) === row.dataset.sequence));
    });
  } catch (error) {
    result.dataset.status = 'fail';
    result.replaceChildren(h('p', { class: 'verdict fail', role: 'alert' }, '✗ ', t('error.load', error.message)));
  } finally {
    button.disabled = false;
  }
}

/** Fen by source or by category, each named as the notice names it: "政府补贴 ¥4,000.00、社会资本 ¥500.00". */
function byTerm(fen) {
  return Object.entries(fen).flatMap(([name, amount], i) => [i ? '、' : '', term(name), ' ', money(amount)]);
}

/** Restricted funds (docs/ENTRIES.md §"Restricted funds"): what each source may pay for and has paid for. */
function restrictedFunds(project) {
  return h('div', { id: 'restricted-funds' },
    h('p', {}, t('project.restricted', term(project.fundDrawing))),
    table([t('project.source'), t('project.permitted'), t('project.spent')],
      project.fundingSources.map(s => h('tr', { dataset: { source: s.source } },
        h('td', {}, term(s.source)), h('td', { class: 'permitted' }, s.permittedCategories.map(term).join('、') || '—'),
        h('td', { class: 'spent' }, Object.keys(s.spentFen).length ? byTerm(s.spentFen) : '—')))));
}
