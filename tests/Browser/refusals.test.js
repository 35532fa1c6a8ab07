// Issue 13's acceptance: "a refused action (a payment beyond the unlocked tranche; a redemption
// beyond the balance) shows its Chinese message and writes nothing". The page checks what it can
// before signing (work.test.js shows the greyed-out button and why), so here the balance changes
// behind the page's back: the resident's points are spent from elsewhere after the portal has
// loaded, the page's own check passes, and the ledger refuses. The page says so in Chinese, from
// the result code, and the number of entries is unchanged.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDemoLedger } from './ledger.js';
import { launchChromium } from './browsers.js';
import { signIn, visit } from './people.js';
import { loadKey, post, signCommand, signedGet } from './signing.js';

const Resident = 'resident-b3-0102';

describe('a redemption beyond the balance, refused by the ledger', { timeout: 300_000 }, () => {
  let ledger;
  let browser;

  before(async () => {
    ledger = await startDemoLedger();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await ledger?.stop();
  });

  it('shows its Chinese message and writes nothing', async () => {
    const key = loadKey(ledger.keyFile(Resident));
    const householdOf = async () => (await signedGet(ledger.address, key, `/v1/registry/me`)).householdId;
    const householdId = await householdOf();
    const balanceOf = async () => (await signedGet(ledger.address, key, `/v1/households/${householdId}`)).points.balance;
    const catalog = await (await fetch(`${ledger.address}/v1/catalog`)).json();
    const item = catalog.filter(i => !i.withdrawn && (i.stock === null || i.stock >= 10)).sort((a, b) => a.pricePoints - b.pricePoints)[0];
    assert.ok(item, "the demo's catalog has an item in stock");
    // The household earns enough for three, as the coordinator records after a clean-up day:
    // hours of volunteer service at the 10 points an hour of the demo's points policy.
    const hours = 3 * item.pricePoints / 10;
    assert.ok(Number.isInteger(hours), `${item.pricePoints} points`);
    await post(ledger.address, signCommand(loadKey(ledger.keyFile('coordinator-wu')), 'AwardPoints',
      { householdId, activity: 'VolunteerService', quantity: hours, points: 3 * item.pricePoints, reference: 'refusals-test 楼道清洁' }));
    const start = await balanceOf();
    assert.ok(start >= item.pricePoints && start < 20 * item.pricePoints, `${start} points`);

    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await signIn(page, ledger.address, ledger.keyFile(Resident));
    await visit(page, ledger.address, '#/portal');
    await page.waitForSelector('#balance');
    const row = `#catalog tr[data-item="${item.itemId}"]`;
    await page.fill(`${row} input.quantity`, '1');
    assert.equal(await page.isDisabled(`${row} button`), false, 'the page lets the resident redeem one');

    // Elsewhere (another phone of the household), the points are spent down below one item's price.
    for (let left = start; left >= item.pricePoints;) {
      const quantity = Math.min(20, Math.floor(left / item.pricePoints));
      await post(ledger.address, signCommand(key, 'ReserveRedemption', { householdId, itemId: item.itemId, quantity }));
      left = await balanceOf();
    }

    const entries = Number(ledger.psql('SELECT count(*) FROM entry'));
    await page.click(`${row} button`);
    await page.waitForSelector('#redeem-message.error');
    assert.equal(await page.textContent('#redeem-message'), '未能兑换：可用积分不够兑换这么多。请减少数量。');
    assert.equal(Number(ledger.psql('SELECT count(*) FROM entry')), entries, 'the refused redemption wrote nothing');
  });
});
