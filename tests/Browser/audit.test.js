// The money the page shows, recomputed from the entries (issue 13 item 5), and a resident
// supervisor's full audit of the whole ledger in a Web Worker, in a real browser against the
// demo ledger. In order on one server: the figures recomputed equal the API's on the demo; the
// full audit passes with its progress bar while the page keeps answering; then a superuser
// rewrites a new receipt's amount in the database (in the entry's body, which no signature
// covers) and both the project's check and the full audit name that entry.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { moneyDifferences } from '../../src/Api/wwwroot/js/money.js';
import { repository, startDemoLedger } from './ledger.js';
import { loadKey, post, sha256Hex, signCommand } from './signing.js';

const screenshots = process.env.LEDGER_SCREENSHOTS ?? join(repository, 'artifacts', 'screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const projects = ['b3-elevator', 'facade-2026'];

let ledger;
let browser;
let supervisor;
const pageErrors = [];

async function entriesOf(stream) {
  return (await ledger.api(`/v1/entries?stream=${stream}&limit=1000`)).entries;
}

async function newPage() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  page.setDefaultTimeout(30_000);
  page.on('pageerror', error => pageErrors.push(error));
  return page;
}

/** The project's own check (verify.js): its status and the failures it lists. */
async function verifyProject(page, projectId) {
  await page.goto(`${ledger.address}/#/project/${projectId}`);
  await page.waitForSelector('#verify-button, main .error');
  assert.equal(await page.locator('main .error').count(), 0, await page.textContent('main'));
  await page.click('#verify-button');
  await page.waitForSelector('#verify-result[data-status="pass"], #verify-result[data-status="fail"]');
  return {
    status: await page.getAttribute('#verify-result', 'data-status'),
    money: await page.getAttribute('#verify-result tr[data-check="money"]', 'data-status'),
    failures: await page.$$eval('#verify-result .failures li', items => items.map(li => ({ ...li.dataset, text: li.textContent }))),
  };
}

/**
 * Runs the full audit from the workspace and watches the page while the worker works: animation
 * frames and a click answered between the first progress report and the result.
 */
async function fullAudit(page) {
  await page.goto(`${ledger.address}/#/work`);
  await page.waitForSelector('#audit-button');
  await page.evaluate(() => {
    const watch = { frames: 0, clicks: 0, longest: 0, progress: [], running: false };
    window.auditWatch = watch;
    let last = performance.now();
    const frame = now => {
      if (watch.running) {
        watch.frames++;
        watch.longest = Math.max(watch.longest, now - last);
      }
      last = now;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const bar = document.getElementById('audit-progress');
    const result = document.getElementById('audit-result');
    new MutationObserver(() => {
      if (bar.hasAttribute('value') && !bar.hidden && result.dataset.status === 'running') {
        watch.running = true;
        watch.progress.push([Number(bar.value), Number(bar.max)]);
        // A click the page must answer at once while the worker works.
        document.querySelector('#audit h2').click();
      }
    }).observe(document.getElementById('audit-status'), { childList: true, characterData: true, subtree: true });
    document.querySelector('#audit h2').addEventListener('click', () => { watch.clicks++; });
    new MutationObserver(() => {
      if (result.dataset.status !== 'running') {
        watch.running = false;
      }
    }).observe(result, { attributes: true });
  });
  await page.click('#audit-button');
  await page.waitForSelector('#audit-result[data-status="pass"], #audit-result[data-status="fail"]', { timeout: 60_000 });
  return {
    status: await page.getAttribute('#audit-result', 'data-status'),
    watch: await page.evaluate(() => window.auditWatch),
    checks: await page.$$eval('#audit-result .audit-checks > li', items => items.map(li => [li.dataset.check, li.dataset.status])),
    failures: await page.$$eval('#audit-result .failures li', items => items.map(li => ({ ...li.dataset, text: li.textContent }))),
  };
}

describe('the money and the full audit', { timeout: 240_000 }, () => {
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    ledger = await startDemoLedger();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    supervisor = await context.newPage();
    supervisor.setDefaultTimeout(30_000);
    supervisor.on('pageerror', error => pageErrors.push(error));
    await supervisor.goto(`${ledger.address}/#/signin`);
    await supervisor.setInputFiles('#key-file', ledger.keyFile('resident-supervisor-zhou'));
    await supervisor.click('#sign-in');
    await supervisor.waitForSelector('#identity[data-state="signed-in"]');
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0).map(e => e.message), []);
  });

  after(async () => {
    await browser?.close();
    await ledger?.stop();
  });

  it("recomputes the demo's every money figure from its entries, equal to the API's (ProjectState.cs)", async () => {
    for (const projectId of projects) {
      // money.js in Node against the C# rules' figures, then the page's check doing the same in the browser.
      const view = await ledger.api(`/v1/projects/${projectId}`);
      const entries = (await entriesOf(`project/${projectId}`)).map(e => e.entry);
      assert.ok(view.receipts.length > 0 && view.disbursements.length > 0, projectId);
      assert.deepEqual(moneyDifferences(view, entries), [], projectId);
      // A figure changed by a fen is a difference, named.
      const changed = structuredClone(view);
      changed.tranches[0].paidFen += 1;
      assert.deepEqual(moneyDifferences(changed, entries).map(d => d.figure), ['tranches[Progress].paidFen']);

      const page = await newPage();
      const checked = await verifyProject(page, projectId);
      assert.equal(checked.status, 'pass', JSON.stringify(checked.failures));
      assert.equal(checked.money, 'pass');
      await page.close();
    }
  });

  it("audits the whole ledger in a worker from the resident supervisor's workspace, with a progress bar, the page answering", async () => {
    const audit = await fullAudit(supervisor);
    assert.equal(audit.status, 'pass', JSON.stringify(audit.failures));
    assert.deepEqual(audit.checks, ['manifest', 'canonical', 'chain', 'keys', 'signature', 'time', 'checkpoint', 'inclusion', 'rules', 'money'].map(id => [id, 'pass']));
    // The export lies under the newest checkpoint, signed just before it (FORMAT.md §9.1); nothing was written since.
    const logSize = Number((await (await fetch(`${ledger.address}/v1/log/checkpoint`)).text()).split('\n')[1]);
    const { watch } = audit;
    // The bar went from 0 to every entry of the export, and the page answered meanwhile.
    assert.ok(watch.progress.length >= 2, JSON.stringify(watch));
    assert.deepEqual(watch.progress[0], [0, watch.progress[0][1]]);
    assert.equal(watch.progress.at(-1)[0], watch.progress.at(-1)[1]);
    assert.equal(watch.progress.at(-1)[1], logSize);
    assert.equal(watch.clicks, watch.progress.length);
    assert.ok(watch.frames >= 1, JSON.stringify(watch));
    assert.ok(watch.longest < 500, `the page froze for ${watch.longest} ms`);
    assert.equal(await supervisor.isVisible('#audit-progress'), true);
    assert.match(await supervisor.textContent('#audit-result .verdict'), /账目一致：\d+ 条记录、\d+ 个记录流、2 个项目全部核验通过/);
    // The technical detail is there, behind its toggle.
    assert.equal(await supervisor.isVisible('#audit-result .technical'), false);
    await supervisor.click('#audit-technical');
    assert.equal(await supervisor.getAttribute('#audit-technical', 'aria-pressed'), 'true');
    assert.match(await supervisor.textContent('#audit-result [data-check="checkpoint"]'), /FORMAT\.md §10/);
    assert.ok(await supervisor.isVisible('#audit-result dl.technical'));
    await supervisor.locator('#audit').screenshot({ path: join(screenshots, 'work-audit.png') });
  });

  it('names the entry whose amount a superuser rewrote, in the project check and in the full audit', async () => {
    // A receipt becomes the project's newest entry, so that the server still serves its stream
    // (a changed entry with a successor breaks the chain, and the server refuses to serve it).
    const officer = loadKey(ledger.keyFile('officer-wang'));
    const amount = 12_345;
    // A project, and a source of it, that the plan leaves room for another receipt.
    const views = await Promise.all(projects.map(id => ledger.api(`/v1/projects/${id}`)));
    const [projectId, source] = views.flatMap(v => v.fundingSources
      .filter(f => f.source !== 'ResidentCrowdfunding' && f.plannedFen - f.receivedFen >= amount).map(f => [v.projectId, f.source]))[0];
    const stream = `project/${projectId}`;
    const receipt = await post(ledger.address, signCommand(officer, 'RecordReceipt',
      { amountFen: amount, documentHash: sha256Hex('社区广告位租金 2026 Q2'), projectId, reference: '广告位租金', source }));
    const sequence = receipt.sequence;
    // Only in the entry's body (the first "amountFen" of its canonical text): the signed command
    // keeps the true amount, so every signature still verifies, and the server's own view, folded
    // from the same rewritten body, agrees with it; the amount is not the one signed.
    ledger.psql(`
      ALTER TABLE entry DISABLE TRIGGER ALL;
      UPDATE entry SET canonical = convert_to(regexp_replace(convert_from(canonical, 'UTF8'), '"amountFen":${amount},', '"amountFen":${amount + 1000},'), 'UTF8')
        WHERE stream_id = '${stream}' AND sequence = ${sequence};
      UPDATE entry SET hash = sha256(convert_to('CommunityLedger/v1/entry' || chr(10), 'UTF8') || canonical)
        WHERE stream_id = '${stream}' AND sequence = ${sequence};
      ALTER TABLE entry ENABLE TRIGGER ALL;`);
    const head = (await entriesOf(stream)).at(-1);
    assert.equal(head.sequence, sequence);
    assert.equal(head.entry.body.amountFen, amount + 1000);
    assert.equal(head.entry.signedCommand.command.body.amountFen, amount);

    const page = await newPage();
    const checked = await verifyProject(page, projectId);
    assert.equal(checked.status, 'fail');
    assert.equal(checked.money, 'fail');
    const money = checked.failures.find(f => f.check === 'money');
    assert.ok(money, JSON.stringify(checked.failures));
    assert.equal(money.sequence, String(head.sequence));
    assert.match(money.text, new RegExp(`${stream} #${sequence} .*记录的金额为 ${amount + 1000} 分，而签名命令中的金额为 ${amount} 分`));
    assert.deepEqual(checked.failures.filter(f => f.check === 'signature'), []);
    await page.locator('#verify').screenshot({ path: join(screenshots, 'project-money-tampered.png') });
    await page.close();

    const audit = await fullAudit(supervisor);
    assert.equal(audit.status, 'fail');
    const found = audit.failures.filter(f => f.check === 'money');
    assert.equal(found.length, 1, JSON.stringify(audit.failures));
    assert.equal(found[0].stream, stream);
    assert.equal(found[0].sequence, String(head.sequence));
    assert.match(found[0].text, new RegExp(`记录的金额为 ${amount + 1000} 分，而签名命令中的金额为 ${amount} 分`));
    // Every signature still verifies: only the rules replayed and the money show the rewrite for what it is.
    assert.deepEqual(audit.checks.filter(([id]) => ['canonical', 'chain', 'keys', 'signature', 'rules', 'money'].includes(id)),
      [['canonical', 'pass'], ['chain', 'pass'], ['keys', 'pass'], ['signature', 'pass'], ['rules', 'fail'], ['money', 'fail']]);
    await supervisor.locator('#audit').screenshot({ path: join(screenshots, 'work-audit-tampered.png') });
  });
});
