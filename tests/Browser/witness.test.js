// The notice of a ledger whose checkpoints two witnesses cosign (issue 15 item 1, docs/WITNESS.md):
// the server with two real witness processes (src/Witness); the notice's QR link carries the
// checkpoint note with both cosignature lines, and the check view, opened from that link on a
// phone, still says ✓ (the log's signature verifies beside the cosignatures), names both
// witnesses and verifies their cosignatures in the browser with the keys GET /v1/log/witnesses gives.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { startDemoLedger } from './ledger.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const witnessNames = ['witness.example/residents-committee', 'witness.example/auditor'];

let ledger;
let browser;
const pageErrors = [];

async function freshPage(viewport, locale) {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', error => pageErrors.push(error));
  return page;
}

/** The names of a note's signature lines. */
function signers(note) {
  return note.slice(note.lastIndexOf('\n\n') + 2).split('\n').filter(Boolean).map(line => line.split(' ')[1]);
}

describe('the notice of a witnessed ledger', { timeout: 300_000 }, () => {
  before(async () => {
    ledger = await startDemoLedger({ witnesses: witnessNames });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  after(async () => {
    await browser?.close();
    await ledger?.stop();
  });

  it("links to the checkpoint with both witnesses' cosignatures, and the check view says ✓ and verifies both", async () => {
    // No waiting here: the notice waits, a few seconds at most, for the witnesses' cosignatures.
    const notice = await freshPage({ width: 1280, height: 900 }, 'zh-CN');
    await notice.goto(`${ledger.address}/#/project/b3-elevator/notice`);
    await notice.waitForSelector('#notice-qr');
    const link = await notice.getAttribute('#notice-qr', 'data-link');
    const note = Buffer.from(new URLSearchParams(link.split('?')[1]).get('c'), 'base64url').toString('utf8');
    for (const name of witnessNames) {
      assert.ok(signers(note).includes(name), `the notice's link carries ${name}'s cosignature:\n${note}`);
    }
    await notice.context().close();

    // In Chinese, as the link stands, then in English (?lang=en).
    for (const [url, words] of [[link, /联署已在本机核对无误/], [link.replace('#', '?lang=en#'), /their cosignatures verify here/]]) {
      const page = await freshPage({ width: 390, height: 844 }, 'zh-CN');
      await page.goto(url);
      await page.waitForSelector('#check-result[data-status]');
      const text = await page.textContent('#check-result');
      assert.equal(await page.getAttribute('#check-result', 'data-status'), 'pass', text);
      assert.match(await page.textContent('#check-verdict'), /^✓/);
      const line = await page.textContent('#check-witnesses');
      assert.match(line, words);
      assert.deepEqual((await page.getAttribute('#check-witnesses', 'data-witnesses')).split(' ').sort(), [...witnessNames].sort());
      // Verified in the browser with the keys GET /v1/log/witnesses gives: both, none failed.
      assert.deepEqual((await page.getAttribute('#check-witnesses', 'data-verified')).split(' ').sort(), [...witnessNames].sort());
      assert.equal(await page.getAttribute('#check-witnesses', 'data-failed'), '');
      for (const name of witnessNames) {
        assert.ok(line.includes(name), line);
      }
      await page.context().close();
    }

    // One bit of the auditor's cosignature flipped: the log's signature still holds, the auditor's line is named as failing.
    const [base, query] = link.split('?');
    const params = new URLSearchParams(query);
    const altered = note.replace(/^(\u2014 witness\.example\/auditor )(\S+)$/m, (_, prefix, signature) => {
      const bytes = Buffer.from(signature, 'base64');
      bytes[40] ^= 1;
      return prefix + bytes.toString('base64');
    });
    assert.notEqual(altered, note);
    params.set('c', Buffer.from(altered, 'utf8').toString('base64url'));
    const page = await freshPage({ width: 390, height: 844 }, 'zh-CN');
    await page.goto(`${base}?${params}`);
    await page.waitForSelector('#check-result[data-status]');
    assert.equal(await page.getAttribute('#check-result', 'data-status'), 'pass');
    assert.equal(await page.getAttribute('#check-witnesses', 'data-failed'), 'witness.example/auditor');
    assert.equal(await page.getAttribute('#check-witnesses', 'data-verified'), 'witness.example/residents-committee');
    assert.match(await page.textContent('#check-witnesses'), /witness\.example\/auditor 的联署核对不通过/);
    await page.context().close();
    assert.deepEqual(pageErrors.map(e => e.message), []);
  });
});
