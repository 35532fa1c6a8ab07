// The coordinator's bulk awards as one batch (issue 16 item 2, docs/API.md "Batches"): the page
// sends every household's signed award in one POST /v1/commands, shows each household's own
// result (awarded, refused with its Chinese message, or replayed), and a retry writes nothing twice.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { assertNoKeySent, launchChromium } from './browsers.js';
import { startDemoLedger } from './ledger.js';
import { signIn } from './people.js';
import { loadKey, post, signCommand } from './signing.js';

const reference = 'batch-test-cleanup-day';
const households = [1, 2, 3, 4, 5, 6].flatMap(floor => ['01', '02', '03', '04', '05'].map(unit => `b4-0${floor}${unit}`));

let ledger;
let browser;

describe('bulk awards in one batch', { timeout: 300_000 }, () => {
  before(async () => {
    ledger = await startDemoLedger();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await ledger?.stop();
  });

  it('awards 30 households in one request, each with its own result, and a retry writes nothing twice', async () => {
    // One household was awarded for this event already, under another idempotency key: refused, it alone.
    const keyFile = ledger.keyFile('coordinator-wu');
    await post(ledger.address, signCommand(loadKey(keyFile), 'AwardPoints',
      { householdId: households[7], activity: 'WasteSorting', quantity: 10, points: 20, reference }));
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const sent = [];
    page.on('request', request => sent.push({ method: request.method(), url: request.url(), headers: request.headers(), body: request.postData() ?? '' }));
    await signIn(page, ledger.address, keyFile);
    await page.goto(`${ledger.address}/#/work`);
    await page.waitForSelector('#award-form');
    await page.fill('#award-households', households.join('\n'));
    await page.selectOption('#award-activity', 'WasteSorting');
    // Ten days at the 2 points a day of the demo's points policy in force: the form prices them.
    await page.fill('#award-quantity', '10');
    await page.waitForSelector('#award-priced[data-points="20"]');
    await page.fill('#award-reference', reference);
    const entries = ledger.entryCount();
    const commandPosts = () => sent.filter(r => r.method === 'POST' && new URL(r.url).pathname.startsWith('/v1/commands')).map(r => new URL(r.url).pathname);

    await page.click('#award-points');
    await page.waitForSelector('#award-summary[data-done="29"][data-total="30"]', { timeout: 60_000 });

    assert.deepEqual(commandPosts(), ['/v1/commands']);
    assert.equal(await page.getAttribute('#award-progress', 'value'), '30');
    assert.equal(await page.locator('#award-results [data-status="awarded"]').count(), 29);
    const refused = `#award-results [data-household="${households[7]}"]`;
    assert.equal(await page.getAttribute(refused, 'data-status'), 'refused');
    assert.match(await page.textContent(refused), /这个活动编号已经给这一户发过积分/);
    assert.equal(ledger.entryCount(), entries + 29);

    // Pressed again (as after a lost answer): one more request, every award replayed, nothing written.
    await page.click('#award-points');
    await page.waitForSelector('#award-results [data-status="replayed"] >> nth=28', { timeout: 60_000 });
    assert.deepEqual(commandPosts(), ['/v1/commands', '/v1/commands']);
    assert.equal(await page.getAttribute(refused, 'data-status'), 'refused');
    assert.equal(ledger.entryCount(), entries + 29);
    assertNoKeySent(sent, new Set([JSON.parse(readFileSync(keyFile, 'utf8')).seed]));
    await context.close();
  });
});
