// 全面核查: a resident supervisor's (or an auditor's) audit of the whole ledger in this browser.
// The export (GET /v1/export, a signed read) and the project views are fetched here; the checking
// runs in a module worker (audit-worker.js → audit.js), so the page stays responsive while a
// progress bar follows it. The result says in plain words what was checked and what failed;
// FORMAT.md sections and hashes are shown on request.

import { getJson, getText, signedBytes } from './api.js';
import { h } from './dom.js';
import { say, t } from './i18n.js';

export function fullAudit(context) {
  const button = h('button', { type: 'button', class: 'button primary', id: 'audit-button' }, t('audit.button'));
  const bar = h('progress', { id: 'audit-progress', max: '1', value: '0', hidden: true, 'aria-label': t('audit.title') });
  const status = h('p', { id: 'audit-status', 'aria-live': 'polite' });
  const result = h('div', { id: 'audit-result' });
  const parts = { button, bar, status, result };
  button.addEventListener('click', () => run(context, parts).catch(error => {
    result.dataset.status = 'fail';
    status.textContent = '';
    result.replaceChildren(h('p', { class: 'verdict fail', role: 'alert' }, '✗ ', t('audit.failed', error.message)));
    button.disabled = false;
  }));
  return h('section', { class: 'panel', id: 'audit' },
    h('h2', {}, t('audit.title')),
    h('p', { class: 'muted' }, t('audit.lead')),
    h('div', { class: 'actions' }, button), bar, status, result);
}

async function run(context, { button, bar, status, result }) {
  button.disabled = true;
  result.dataset.status = 'running';
  result.replaceChildren();
  bar.hidden = false;
  bar.removeAttribute('value');
  status.textContent = t('audit.downloading');
  // The views first: the export, taken after them, holds every entry their figures come from.
  // A view the server cannot give (it cannot fold the project's entries) is left out, and the
  // audit says that project's money could not be compared.
  const views = Object.fromEntries((await Promise.all((await getJson('/v1/projects'))
    .map(async p => [p.projectId, await getJson(`/v1/projects/${encodeURIComponent(p.projectId)}`).catch(() => null)])))
    .filter(([, view]) => view !== null));
  const [keys, logVerifierKey] = await Promise.all([getJson('/v1/keys'), getText('/v1/log/vkey')]);
  const zip = await signedBytes(context.key, '/v1/export');

  const worker = new Worker(new URL('./audit-worker.js', import.meta.url), { type: 'module' });
  const report = await new Promise((done, fail) => {
    worker.onmessage = ({ data }) => {
      if (data.progress) {
        bar.max = Math.max(1, data.progress.total);
        bar.value = data.progress.done;
        status.textContent = t('audit.progress', data.progress.done, data.progress.total);
      } else if (data.report) {
        done(data.report);
      } else {
        fail(new Error(data.error));
      }
    };
    worker.onerror = event => fail(new Error(event.message));
    worker.postMessage({ zip, views, rootKeyId: keys.rootKeyId, logVerifierKey }, [zip.buffer]);
  }).finally(() => worker.terminate());

  result.dataset.status = report.valid ? 'pass' : 'fail';
  result.replaceChildren(...rendered(report));
  button.disabled = false;
}

function rendered(report) {
  const found = report.checks.reduce((n, c) => n + c.findings.length + c.more, 0);
  const { summary } = report;
  const technical = [];
  const tech = text => {
    const element = h('span', { class: 'technical muted', hidden: true }, ` ${text}`);
    technical.push(element);
    return element;
  };
  const verdict = report.valid
    ? h('p', { class: 'verdict pass' }, '✓ ', t('audit.pass', summary.entries, summary.streams, summary.projects))
    : h('p', { class: 'verdict fail', role: 'alert' }, '✗ ', t('audit.fail', found));
  const checks = h('ul', { class: 'audit-checks' }, report.checks.map(c => h('li', {
    class: `check-${c.findings.length === 0 ? 'pass' : 'fail'}`, dataset: { check: c.id, status: c.findings.length === 0 ? 'pass' : 'fail' },
  },
  h('span', { class: 'mark' }, c.findings.length === 0 ? '✓ ' : '✗ '), t(`audit.check.${c.id}`),
  h('span', { class: 'muted' }, `（${t('audit.checked', c.checked)}）`), tech(c.section),
  c.findings.length === 0 ? '' : h('ul', { class: 'failures' },
    c.findings.map(f => h('li', { dataset: { check: c.id, stream: f.stream ?? '', sequence: f.sequence === undefined ? '' : String(f.sequence) } },
      h('strong', {}, [f.stream, f.sequence === undefined ? null : `#${f.sequence}`].filter(Boolean).join(' ')),
      f.stream ? t('colon') : '', say(f.text),
      f.logPosition === undefined ? '' : tech(`${t('project.logPosition')} ${f.logPosition}`),
      f.technical ? tech(f.technical) : '')),
    c.more > 0 ? h('li', {}, t('audit.more', c.more)) : ''))));
  const hashes = h('dl', { class: 'kv technical', hidden: true },
    h('dt', {}, 'entries.jsonl SHA-256'), h('dd', {}, h('code', { class: 'hash' }, summary.entriesSha256)),
    h('dt', {}, t('home.rootKey')), h('dd', {}, h('code', { class: 'hash' }, summary.rootKeyId ?? '—')),
    h('dt', {}, `checkpoint ${summary.treeSize ?? '—'}`), h('dd', {}, h('code', { class: 'hash' }, summary.root ?? '—')));
  technical.push(hashes);
  const toggle = h('button', { type: 'button', class: 'button', id: 'audit-technical', 'aria-pressed': 'false' }, t('audit.technical'));
  toggle.addEventListener('click', () => {
    const show = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', String(show));
    technical.forEach(element => { element.hidden = !show; });
  });
  return [verdict, checks, h('div', { class: 'actions' }, toggle), hashes];
}
