// The printed notice's QR code checks the ledger from a phone (issue 13 item 4): the notice is
// printed to PDF by chromium, the PDF's pages turned into images by poppler's pdftoppm (150 dpi,
// as a photo of the paper would be), the code read off them with jsQR, and the link it holds
// opened in a fresh browser context at 390 px. The check view must say ✓, still ✓ after the
// ledger has grown past the printed checkpoint, and name what differs when the printed values
// are altered.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import jsQR from 'jsqr';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { repository, startDemoLedger } from './ledger.js';
import { loadKey, post, signCommand } from './signing.js';

const screenshots = process.env.LEDGER_SCREENSHOTS ?? join(repository, 'artifacts', 'screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const phone = { width: 390, height: 844 };

let ledger;
let browser;
let scratch;
const pageErrors = [];
/** The link decoded from the printed notice, and the checkpoint note it carries. */
let link;

/** A page in a browser context of its own, as a phone that has never seen the ledger. */
async function freshPage(viewport) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', error => pageErrors.push(error));
  return page;
}

/** Opens a check link on a fresh phone; the check view's verdict and each step's status. */
async function check(url, screenshot) {
  const page = await freshPage(phone);
  await page.goto(url);
  await page.waitForSelector('#check-result[data-status]');
  const result = {
    page,
    status: await page.getAttribute('#check-result', 'data-status'),
    steps: Object.fromEntries(await page.$$eval('li[data-check]', items => items.map(li => [li.dataset.check, li.dataset.status]))),
    text: await page.textContent('#check-result'),
  };
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, 'the check view fits a 390 px phone without horizontal scrolling');
  await page.screenshot({ path: join(screenshots, screenshot), fullPage: true });
  return result;
}

/** The link with its printed checkpoint's UTF-8 bytes changed by `alter`. */
function withNote(url, alter) {
  const [base, query] = url.split('?');
  const params = new URLSearchParams(query);
  const bytes = Buffer.from(params.get('c'), 'base64url');
  alter(bytes);
  params.set('c', bytes.toString('base64url'));
  return `${base}?${params}`;
}

describe('the notice printed on paper, checked from a phone', { timeout: 240_000 }, () => {
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    scratch = mkdtempSync(join(tmpdir(), 'ledger-notice-'));
    ledger = await startDemoLedger();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0).map(e => e.message), []);
  });

  after(async () => {
    await browser?.close();
    await ledger?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("prints a QR code, read back from the PDF's page image, that links to the check view", async () => {
    const page = await freshPage({ width: 1280, height: 900 });
    await page.goto(`${ledger.address}/#/project/b3-elevator/notice`);
    await page.waitForSelector('#notice-qr');
    await page.emulateMedia({ media: 'print' });
    const pdf = join(scratch, 'notice.pdf');
    writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true }));
    writeFileSync(join(screenshots, 'notice-check.pdf'), readFileSync(pdf));
    execFileSync('pdftoppm', ['-png', '-r', '150', pdf, join(scratch, 'page')]);
    const pages = readdirSync(scratch).filter(f => /^page-\d+\.png$/.test(f)).sort();
    assert.ok(pages.length >= 1, 'pdftoppm made page images');
    const decoded = pages.map(f => {
      const png = PNG.sync.read(readFileSync(join(scratch, f)));
      return { file: f, code: jsQR(new Uint8ClampedArray(png.data), png.width, png.height) };
    }).filter(p => p.code);
    assert.equal(decoded.length, 1, 'exactly one printed page carries a readable QR code');
    writeFileSync(join(screenshots, 'notice-check-page.png'), readFileSync(join(scratch, decoded[0].file)));
    link = decoded[0].code.data;
    assert.equal(link, await page.getAttribute('#notice-qr', 'data-link'), 'the code holds the link the notice drew');
    assert.ok(link.startsWith(`${ledger.address}/#/check?`), link);

    // What the link carries is what the notice prints beside it: the checkpoint as signed, and the project's head.
    const params = new URLSearchParams(link.split('?')[1]);
    const note = Buffer.from(params.get('c'), 'base64url').toString('utf8');
    const size = Number(await page.getAttribute('#notice-values [data-tree-size]', 'data-tree-size'));
    assert.equal(note, await ledger.api(`/v1/log/checkpoints/${size}`));
    const root = Buffer.from(note.split('\n')[2], 'base64').toString('hex');
    assert.equal(await page.getAttribute('#notice-values [data-root]', 'data-root'), root);
    const project = await ledger.api('/v1/projects/b3-elevator');
    const head = (await ledger.api(`/v1/entries?stream=project/b3-elevator&from=${project.sequence}&limit=1`)).entries[0];
    assert.deepEqual([params.get('s'), Number(params.get('q')), params.get('h')], ['project/b3-elevator', project.sequence, head.hash]);
    // One notation for hashes on paper and on screen: lowercase hex, the full value when copied.
    assert.equal((await page.textContent('#notice-values [data-root]')).trim(), root);
    await page.context().close();
  });

  it('says ✓ on a phone: signature, consistency with the ledger now, and the entry in the printed checkpoint', async () => {
    const { page, status, steps, text } = await check(link, 'check-phone.png');
    assert.equal(status, 'pass', text);
    assert.deepEqual(steps, { signature: 'pass', consistency: 'pass', inclusion: 'pass' });
    assert.match(text, /公示与账本一致/);
    const vkey = await ledger.api('/v1/log/vkey');
    assert.ok(text.includes(vkey.split('+')[0]), 'the view names the log key it checked the signature with');
    await page.click('.check-technical summary');
    assert.ok((await page.textContent('.check-technical')).includes(vkey));
    await page.screenshot({ path: join(screenshots, 'check-technical-phone.png'), fullPage: true });
    // The same check in English, on the page's language switch.
    await page.click('#lang');
    await page.waitForFunction(() => document.getElementById('check-verdict')?.textContent.includes('The notice matches the ledger'));
    assert.equal(await page.getAttribute('#check-result', 'data-status'), 'pass');
    await page.screenshot({ path: join(screenshots, 'check-phone-en.png'), fullPage: true });
    await page.context().close();
  });

  it('still says ✓ once the ledger has grown past the printed checkpoint, by a consistency proof', async () => {
    const printedSize = Number(Buffer.from(new URLSearchParams(link.split('?')[1]).get('c'), 'base64url').toString('utf8').split('\n')[1]);
    const coordinator = loadKey(ledger.keyFile('coordinator-wu'));
    for (const reference of ['notice-check-1', 'notice-check-2', 'notice-check-3']) {
      await post(ledger.address, signCommand(coordinator, 'AwardPoints',
        { householdId: 'b2-0302', activity: 'VolunteerService', quantity: 1, points: 10, reference }));
    }
    // The server signs a checkpoint over new entries within a second or two (FORMAT.md §10.3 "When").
    const watcher = await freshPage(phone);
    await watcher.goto(`${ledger.address}/#/`);
    await watcher.waitForFunction(async size => Number((await (await fetch('/v1/log/checkpoint')).text()).split('\n')[1]) >= size + 3,
      printedSize, { polling: 250, timeout: 20_000 });
    await watcher.context().close();

    const { page, status, steps, text } = await check(link, 'check-later-phone.png');
    assert.equal(status, 'pass', text);
    assert.deepEqual(steps, { signature: 'pass', consistency: 'pass', inclusion: 'pass' });
    assert.match(await page.textContent('li[data-check="consistency"]'), /只新增了 \d+ 条记录/);
    await page.context().close();
  });

  it('says what differs when one byte of the printed checkpoint is altered', async () => {
    let printedRoot;
    const altered = withNote(link, bytes => {
      // The first character of the root line (the third): another base64 character, so the root still reads.
      const at = bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 1;
      printedRoot = bytes.subarray(at, bytes.indexOf(0x0a, at)).toString();
      bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    });
    const { page, status, steps, text } = await check(altered, 'check-altered-phone.png');
    assert.equal(status, 'fail', text);
    assert.deepEqual(steps, { signature: 'fail', consistency: 'fail', inclusion: 'fail' });
    assert.match(await page.textContent('#check-verdict'), /公示与账本不一致：检查点的签名、与账本现状一致、项目记录在公示的检查点中未通过/);
    // The signature step names the root as the value that differs, printed against found, in hex.
    const root = await page.textContent('li[data-check="signature"] dd[data-field="root"]');
    const ledgerRoot = Buffer.from(printedRoot, 'base64').toString('hex');
    const alteredRoot = Buffer.from(Buffer.from(altered.split('c=')[1].split('&')[0], 'base64url').toString().split('\n')[2], 'base64').toString('hex');
    assert.ok(root.includes(`公示上印的： ${alteredRoot}`), root);
    assert.ok(root.includes(`账本中的： ${ledgerRoot}`), root);
    assert.deepEqual(await page.$$eval('li[data-check="signature"] dt[data-field]', dts => dts.map(dt => dt.dataset.field)), ['root']);
    await page.context().close();
  });

  it("says which hash differs when the notice's entry hash is altered, and only that", async () => {
    const params = new URLSearchParams(link.split('?')[1]);
    const printed = params.get('h');
    params.set('h', (printed[0] === '0' ? '1' : '0') + printed.slice(1));
    const { page, status, steps } = await check(`${link.split('?')[0]}?${params}`, 'check-altered-entry-phone.png');
    assert.equal(status, 'fail');
    assert.deepEqual(steps, { signature: 'pass', consistency: 'pass', inclusion: 'fail' });
    const difference = await page.textContent('li[data-check="inclusion"] dd[data-field="entryHash"]');
    assert.ok(difference.includes(`公示上印的： ${params.get('h')}`) && difference.includes(`账本中的： ${printed}`), difference);
    await page.context().close();
  });
});
