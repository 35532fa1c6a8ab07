// The page at / in a real browser (issue 9): Debian's chromium, driven by playwright-core,
// against the demo ledger served by `dotnet Api.dll` on a free loopback port. The tests run
// in order on one server: reading first, then a redemption and a key registration, and last
// the tampering of an entry in the database. Screenshots go to artifacts/screenshots/ (or
// LEDGER_SCREENSHOTS) for a person to look at.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import jsQR from 'jsqr';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { repository, shownAmount, startDemoLedger } from './ledger.js';
import { loadKey, signedGet } from './signing.js';

const screenshots = process.env.LEDGER_SCREENSHOTS ?? join(repository, 'artifacts', 'screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let ledger;
let browser;
let page;
const requests = [];
const pageErrors = [];

async function entriesOf(stream) {
  return (await ledger.api(`/v1/entries?stream=${stream}&limit=1000`)).entries;
}

async function open(fragment, selector) {
  await page.goto(`${ledger.address}/${fragment}`);
  await page.waitForSelector(selector);
}

async function verify() {
  await page.click('#verify-button');
  await page.waitForSelector('#verify-result[data-status="pass"], #verify-result[data-status="fail"]', { timeout: 30_000 });
  return page.getAttribute('#verify-result', 'data-status');
}

describe('the page at /', { timeout: 180_000 }, () => {
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    ledger = await startDemoLedger();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      // playwright-core gives every launch a fresh, temporary profile (user data dir) of its own.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    page.setDefaultTimeout(15_000);
    page.on('request', request => requests.push(request.url()));
    page.on('pageerror', error => pageErrors.push(error));
  });

  afterEach(() => {
    // A script error in the page fails the test that caused it.
    assert.deepEqual(pageErrors.splice(0).map(e => e.message), []);
  });

  after(async () => {
    await browser?.close();
    await ledger?.stop();
  });

  it('is served by the ledger itself, in Chinese, and loads nothing from anywhere else', async () => {
    const response = await page.goto(`${ledger.address}/`);
    await page.waitForSelector('.project-card');
    assert.match(response.headers()['content-security-policy'], /default-src 'self'/);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.textContent('header .brand'), '幸福里社区 · 社区账本');
    const keys = await ledger.api('/v1/keys');
    assert.equal(await page.textContent('#root-key'), keys.rootKeyId);
    await page.screenshot({ path: join(screenshots, 'home.png'), fullPage: true });
    await page.click('#lang');
    assert.equal(await page.textContent('header .brand'), 'Xingfuli Community · Community Ledger');
    await page.waitForSelector('.project-card');
    await page.screenshot({ path: join(screenshots, 'home-en.png'), fullPage: true });
    await page.click('#lang');
    assert.deepEqual(requests.filter(url => !url.startsWith(ledger.address) && !url.startsWith('data:')), []);
  });

  it("shows the demo's project figures exactly as the API states them", async () => {
    const projects = await ledger.api('/v1/projects');
    assert.deepEqual(projects.map(p => p.projectId), ['b3-elevator', 'facade-2026']);
    for (const summary of projects) {
      const project = await ledger.api(`/v1/projects/${summary.projectId}`);
      const entries = await entriesOf(`project/${summary.projectId}`);
      await open(`#/project/${summary.projectId}`, '#history tr[data-sequence]');
      const fen = async selector => Number(await page.getAttribute(selector, 'data-fen'));
      const text = async selector => (await page.textContent(selector)).trim();

      assert.equal(await text('h1'), project.name);
      for (const source of project.fundingSources) {
        const row = `#funding tr[data-source="${source.source}"]`;
        assert.equal(await fen(`${row} .planned .money`), source.plannedFen);
        assert.equal(await fen(`${row} .received .money`), source.receivedFen);
        assert.equal(await text(`${row} .received .money`), shownAmount(source.receivedFen));
      }
      for (const [member, value] of Object.entries(project.totals)) {
        assert.equal(await fen(`#totals [data-total="${member}"] .money`), value, member);
        assert.equal(await text(`#totals [data-total="${member}"] .money`), shownAmount(value));
      }
      for (const tranche of project.tranches) {
        const row = `#tranches tr[data-tranche="${tranche.tranche}"]`;
        assert.equal(await fen(`${row} .cap .money`), tranche.cumulativeCapFen);
        assert.equal(await fen(`${row} .paid .money`), tranche.paidFen);
        assert.equal(await fen(`${row} .pending .money`), tranche.pendingFen);
        assert.equal(await page.isVisible(`${row} td.${tranche.unlocked ? 'ok' : 'locked'}`), true);
      }
      // Every disbursement with its requester, three approvers and payer, and their times from the entries.
      assert.equal(await page.locator('#disbursements article.disbursement').count(), project.disbursements.length);
      for (const d of project.disbursements) {
        const card = `#disbursements [data-disbursement="${d.disbursementId}"]`;
        const requested = entries[d.disbursementId];
        // Staff by name (the view's staffNames), the person id kept as the name's data.
        assert.ok(project.staffNames[d.requestedBy], d.requestedBy);
        assert.ok((await text(`${card} .requested`)).startsWith(project.staffNames[d.requestedBy]));
        assert.equal(await page.getAttribute(`${card} .requested .person`, 'data-person'), d.requestedBy);
        assert.equal(await page.getAttribute(`${card} .requested time`, 'datetime'), requested.recordedAt);
        for (const [role, person] of Object.entries(d.approvals)) {
          const approval = entries.find(e => e.type === 'DisbursementApproved' && e.entry.body.disbursementId === d.disbursementId && e.entry.body.role === role);
          assert.ok((await text(`${card} [data-role="${role}"]`)).includes(project.staffNames[person]), person);
          assert.equal(await page.getAttribute(`${card} [data-role="${role}"] time`, 'datetime'), approval.recordedAt);
        }
        if (d.paidBy) {
          assert.ok((await text(`${card} .paid`)).startsWith(project.staffNames[d.paidBy]));
          assert.equal(await page.getAttribute(`${card} .paid time`, 'datetime'), entries[d.paidSequence].recordedAt);
        }
      }
      // Every reversal with its reason, read from its ReversalProposed entry.
      for (const r of project.reversals) {
        assert.equal(await text(`#reversals [data-reversal="${r.reversalId}"] .reason`), entries[r.reversalId].entry.body.reason);
      }
      // The full history, every entry with its hash.
      assert.equal(await page.locator('#history tr[data-sequence]').count(), entries.length);
      for (const e of [entries[0], entries.at(-1)]) {
        assert.match(await text(`#history tr[data-sequence="${e.sequence}"]`), new RegExp(e.hash));
      }
    }
    const elevator = await ledger.api('/v1/projects/b3-elevator');
    assert.equal(elevator.reversals.length, 1);
    // The design fee and the equipment (the progress tranche), then the installation (acceptance).
    assert.equal(elevator.disbursements.filter(d => d.status === 'Paid').length, 3);
  });

  it('verifies both projects in the browser: hashes, links, signatures, checkpoint and inclusion', async () => {
    for (const projectId of ['facade-2026', 'b3-elevator']) {
      await open(`#/project/${projectId}`, '#verify-button');
      assert.equal(await verify(), 'pass', await page.textContent('#verify-result'));
      const statuses = await page.$$eval('#verify-result tr[data-check]', rows => rows.map(r => [r.dataset.check, r.dataset.status]));
      assert.deepEqual(statuses.filter(([, status]) => status !== 'pass'), []);
      assert.deepEqual(statuses.map(([check]) => check),
        ['download', 'keys', 'fields', 'canonical', 'hash', 'chain', 'signature', 'keyValid', 'window', 'money', 'logKey', 'checkpoint', 'inclusion']);
    }
    await page.screenshot({ path: join(screenshots, 'project.png'), fullPage: true });
    await page.locator('#funding').screenshot({ path: join(screenshots, 'project-funding.png') });
    await page.locator('#verify').screenshot({ path: join(screenshots, 'project-verified.png') });
  });

  it("prints a quarterly notice whose QR code links to the check view with the checkpoint and the project's head", async () => {
    const project = await ledger.api('/v1/projects/b3-elevator');
    const entries = await entriesOf('project/b3-elevator');
    await open('#/project/b3-elevator/notice', '#notice-qr');
    const size = Number(await page.getAttribute('#notice-values [data-tree-size]', 'data-tree-size'));
    // Read the code off the rendered page, as a phone would off the paper (notice.test.js reads it off the printed PDF).
    const png = PNG.sync.read(await page.locator('#notice-qr').screenshot());
    const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(code, 'the QR code on the notice decodes');
    const note = await ledger.api(`/v1/log/checkpoints/${size}`);
    const head = entries[project.sequence];
    const [base, query] = code.data.split('?');
    assert.equal(base, `${ledger.address}/#/check`);
    const params = new URLSearchParams(query);
    assert.deepEqual([Buffer.from(params.get('c'), 'base64url').toString('utf8'), params.get('s'), Number(params.get('q')), params.get('h')],
      [note, 'project/b3-elevator', project.sequence, head.hash]);
    assert.equal(await page.getAttribute('#notice-values [data-root]', 'data-root'), Buffer.from(note.split('\n')[2], 'base64').toString('hex'));
    assert.match(await page.textContent('#notice h1'), /3号楼加装电梯\d{4}年第[一二三四]季度收支公示/);
    // The demo reconciled the lift's first quarter with the bank's statement, countersigned: the notice says so.
    assert.equal(await page.getAttribute('#notice-reconciled', 'data-to-date'), '2026-03-31');
    assert.match(await page.textContent('#notice-reconciled'), /2026-01-01 至 2026-03-31.*588,571\.43/);
    await page.screenshot({ path: join(screenshots, 'notice.png'), fullPage: true });
    // As printed: print media on the width of an A4 page (210 mm at 96 dpi), and as a PDF.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: join(screenshots, 'notice-print.png'), fullPage: true });
    await page.pdf({ path: join(screenshots, 'notice.pdf'), format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('redeems points through the portal, signed in the browser, and shows the new balance', async () => {
    const resident = loadKey(ledger.keyFile('resident-b2-0302'));
    const before = await signedGet(ledger.address, resident, '/v1/households/b2-0302');
    const item = (await ledger.api('/v1/catalog')).find(i => i.itemId === 'eco-bag');
    assert.ok(before.points.balance >= item.pricePoints, 'the demo leaves b2-0302 enough points for a bag');
    await open('#/signin', '#key-file');
    await page.setInputFiles('#key-file', ledger.keyFile('resident-b2-0302'));
    await page.click('#sign-in');
    await page.waitForSelector('#identity[data-state="signed-in"]');
    await open('#/portal', '#balance');
    await page.waitForSelector('#balance');
    assert.equal(Number(await page.getAttribute('#balance', 'data-points')), before.points.balance);

    await page.click(`#catalog button[data-item="${item.itemId}"]`);
    await page.waitForSelector('#redeem-message');
    assert.equal(await page.getAttribute('#redeem-message', 'class'), 'ok', await page.textContent('#redeem-message'));
    const balance = Number(await page.getAttribute('#balance', 'data-points'));
    assert.equal(balance, before.points.balance - item.pricePoints);

    const afterwards = await signedGet(ledger.address, resident, '/v1/households/b2-0302');
    assert.equal(afterwards.points.balance, balance);
    assert.equal(afterwards.points.reserved, before.points.reserved + item.pricePoints);
    const reserved = afterwards.history.at(-1);
    assert.equal(reserved.type, 'RedemptionReserved');
    assert.equal(reserved.personId, 'resident-b2-0302');
    await page.screenshot({ path: join(screenshots, 'portal.png'), fullPage: true });
  });

  // What a superuser can do behind the append-only guard (as tests/Verifier.Tests/Database/DatabaseAuditTests.cs):
  // switch the triggers (the chain check among them) off, rewrite a row and recompute its stored hash
  // so that the row agrees with itself, switch them on again.
  function rewrite(sequence, from, to) {
    ledger.psql(`
      ALTER TABLE entry DISABLE TRIGGER ALL;
      UPDATE entry SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), '${from}', '${to}'), 'UTF8')
        WHERE stream_id = 'project/b3-elevator' AND sequence = ${sequence};
      UPDATE entry SET hash = sha256(convert_to('CommunityLedger/v1/entry' || chr(10), 'UTF8') || canonical)
        WHERE stream_id = 'project/b3-elevator' AND sequence = ${sequence};
      ALTER TABLE entry ENABLE TRIGGER ALL;`);
  }

  async function failures() {
    return page.$$eval('#verify-result .failures li', items => items.map(li => ({ ...li.dataset, text: li.textContent })));
  }

  it("fails verification when the latest payment's bank reference is rewritten, and says where", async () => {
    const entries = await entriesOf('project/b3-elevator');
    const head = entries.at(-1);
    assert.equal(head.type, 'DisbursementPaid');
    const reference = head.entry.body.bankReference;
    // In the entry's body and in the signed command it carries: the server still serves the stream.
    rewrite(head.sequence, reference, reference.slice(0, -2) + '99');

    await open('#/project/b3-elevator', '#verify-button');
    assert.equal(await verify(), 'fail');
    const found = await failures();
    const signature = found.find(f => f.check === 'signature');
    assert.ok(signature, JSON.stringify(found));
    assert.equal(signature.stream, 'project/b3-elevator');
    assert.equal(signature.sequence, String(head.sequence));
    assert.match(signature.text, new RegExp(`project/b3-elevator #${head.sequence} `));
    // The changed entry's hash is not the leaf the signed checkpoint holds.
    const inclusion = found.find(f => f.check === 'inclusion');
    assert.ok(inclusion, JSON.stringify(found));
    assert.equal(inclusion.sequence, String(head.sequence));
    assert.deepEqual(found.filter(f => !['signature', 'inclusion'].includes(f.check)), []);
    assert.ok(await page.isVisible(`#history tr.bad[data-sequence="${head.sequence}"]`));
    await page.locator('#verify').screenshot({ path: join(screenshots, 'project-tampered-head.png') });
  });

  it('fails verification when an earlier payment amount is rewritten, and says where', async () => {
    // The lift's first payment (the head, its last, was rewritten above).
    const { sequence, entry: { body: { amountFen: amount } } } = (await entriesOf('project/b3-elevator')).find(e => e.type === 'DisbursementPaid');
    rewrite(sequence, `"amountFen":${amount},`, `"amountFen":${amount + 2_000_000},`);

    await open('#/project/b3-elevator', '#verify-button');
    assert.equal(await verify(), 'fail');
    const found = await failures();
    // The entry after it still names the old hash: the server will not serve the changed one,
    // and the browser reports the entry it could not get and the link it could not confirm.
    const missing = found.find(f => f.check === 'download');
    assert.ok(missing, JSON.stringify(found));
    assert.equal(missing.sequence, String(sequence));
    const chain = found.find(f => f.check === 'chain');
    assert.equal(chain.sequence, String(sequence + 1));
    assert.match(chain.text, new RegExp(`project/b3-elevator #${sequence + 1} .*第 ${sequence} 条`));
    assert.equal(await page.getAttribute('#verify-result tr[data-check="chain"]', 'data-status'), 'fail');
    assert.ok(await page.isVisible(`#history tr.bad[data-sequence="${sequence + 1}"]`));
    await page.locator('#verify').screenshot({ path: join(screenshots, 'project-tampered.png') });
  });
});
