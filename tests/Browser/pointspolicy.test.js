// The points policy in the page (issue 17 part 4, docs/ENTRIES.md "Points policy"): the volunteer
// coordinator proposes a version, a resident supervisor approves it in a browser of their own,
// anyone reads it on the portal, and awards are then priced by it: the household sees the
// version that priced each award, and an activity the policy does not price or an award beyond
// its cap is refused, each household's refusal said in Chinese on its line.
// The demo may hold versions of its own: this test's version takes effect after all of them.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { WatchedBrowsers, accepted, seriousViolations } from './browsers.js';
import { repository, startDemoLedger } from './ledger.js';
import { loadKey, post, signCommand, signedGet } from './signing.js';

const screenshots = process.env.LEDGER_SCREENSHOTS ?? join(repository, 'artifacts', 'screenshots');
const phone = { width: 390, height: 844 };
const BeijingMs = 8 * 3600 * 1000;
// What this test's version prices: every other activity is not in it.
const Priced = ['VolunteerService', 'WasteSorting'];

let ledger;
let browsers;
// The version this test proposes, its effective time and the households it awards.
let version;
let effectiveFrom;
let households;

async function noHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** A ledger time as the datetime-local input takes it, in Beijing time, to the second. */
function beijingInput(iso) {
  return new Date(Date.parse(iso) + BeijingMs).toISOString().slice(0, 19);
}

/** A ledger time as the page writes it (dom.js time): "2026-07-01 00:00:00" in Beijing. */
function beijingText(iso) {
  return beijingInput(iso).replace('T', ' ');
}

/**
 * Waits until the server prices awards by `number`. A version takes effect at a time on the
 * server's clock, not on an event the page could be told of, so the public view is asked again
 * until it says so.
 */
async function inForce(number) {
  const deadline = Date.now() + 120_000;
  while ((await ledger.api('/v1/points-policy')).inForce !== number) {
    assert.ok(Date.now() < deadline, `version ${number} was not in force by ${new Date(deadline).toISOString()}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** Households of buildings 4 and 5 that no award names yet: their caps start from nothing. */
async function householdsWithoutAwards(count) {
  const coordinator = loadKey(ledger.keyFile('coordinator-wu'));
  const chosen = [];
  for (const floor of [1, 2, 3, 4, 5, 6]) {
    for (const id of [4, 5].flatMap(building => ['01', '02'].map(unit => `b${building}-0${floor}${unit}`))) {
      const household = await signedGet(ledger.address, coordinator, `/v1/households/${id}`).catch(error => {
        assert.match(error.message, /: 404 /);
        return null;
      });
      if (!household || household.awards.length === 0) {
        chosen.push(id);
      }
      if (chosen.length === count) {
        return chosen;
      }
    }
  }
  return assert.fail(`fewer than ${count} households of buildings 4 and 5 without awards`);
}

describe('the points policy in the page', { timeout: 400_000 }, () => {
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    ledger = await startDemoLedger();
    browsers = await WatchedBrowsers.launch(ledger);
    // The coordinator is made a resident supervisor too, by the registrar: a person holding both
    // roles must not be offered the approval of their own version.
    await post(ledger.address, signCommand(loadKey(ledger.registrarKeyFile), 'GrantRole', { personId: 'coordinator-wu', role: 'ResidentSupervisor' }));
    households = await householdsWithoutAwards(3);
  });

  afterEach(() => browsers.checkAndCloseContexts());

  after(async () => {
    await browsers?.close();
    await ledger?.stop();
  });

  it('the coordinator proposes a version, checked before signing, and another resident supervisor approves it', async () => {
    const before = await ledger.api('/v1/points-policy');
    version = before.versions.length + 1;
    const approvedUntil = Math.max(0, ...before.versions.filter(v => v.approved).map(v => Date.parse(v.effectiveFrom)));
    // A minute ahead, to the second: time enough to approve it (more than 2 s before it takes effect).
    effectiveFrom = new Date(Math.ceil(Math.max(Date.now() + 60_000, approvedUntil + 1000) / 1000) * 1000).toISOString();

    const coordinator = await browsers.signedIn('coordinator-wu');
    await browsers.visit(coordinator, '#/work');
    await coordinator.waitForSelector('#policy-form');
    assert.equal(await coordinator.textContent('#policy-form h4'), `提出第 ${version} 版积分规则`);
    // The form starts from the latest version, if any: cleared, then filled with this test's.
    for (const activity of ['VolunteerService', 'WasteSorting', 'CouncilParticipation', 'ResourceDonation']) {
      await coordinator.fill(`#policy-${activity}-points`, '');
      await coordinator.fill(`#policy-${activity}-cap`, '');
      await coordinator.selectOption(`#policy-${activity}-period`, '');
    }
    await coordinator.fill('#policy-VolunteerService-points', '10');
    await coordinator.selectOption('#policy-VolunteerService-unit', 'Hour');
    await coordinator.fill('#policy-WasteSorting-points', '5');
    await coordinator.selectOption('#policy-WasteSorting-unit', 'Day');
    await coordinator.fill('#policy-WasteSorting-cap', '20');
    const entries = ledger.entryCount();

    // Said before anything is signed, in the words of the rules' result codes.
    const formError = async () => {
      await coordinator.click('#propose-policy');
      return coordinator.textContent('#policy-form .form-error');
    };
    await coordinator.fill('#policy-effective', beijingInput(effectiveFrom));
    assert.match(await formError(), /积分规则填写不完整.*上限须同时填写积分和周期/);
    await coordinator.selectOption('#policy-WasteSorting-period', 'Month');
    await coordinator.fill('#policy-WasteSorting-points', '2.5');
    assert.equal(await formError(), '垃圾分类：每单位积分和上限须为整数。');
    await coordinator.fill('#policy-WasteSorting-points', '100001');
    assert.match(await formError(), /每单位积分 1 至 100000/);
    await coordinator.fill('#policy-WasteSorting-points', '5');
    await coordinator.fill('#policy-effective', beijingInput(new Date(Date.now() - 3600_000).toISOString()));
    assert.match(await formError(), /^生效时间太早/);
    assert.equal(ledger.entryCount(), entries);

    await coordinator.fill('#policy-effective', beijingInput(effectiveFrom));
    await coordinator.click('#propose-policy');
    await accepted(coordinator);
    assert.equal(await coordinator.textContent('#accepted'), `已提出第 ${version} 版积分规则，等待居民监督员批准。`);
    const proposed = (await ledger.api('/v1/points-policy')).versions.at(-1);
    assert.deepEqual(proposed, {
      version, effectiveFrom, approved: false, proposedBy: 'coordinator-wu',
      rates: [
        { activity: 'VolunteerService', pointsPerUnit: 10, unit: 'Hour', capPoints: null, capPeriod: null },
        { activity: 'WasteSorting', pointsPerUnit: 5, unit: 'Day', capPoints: 20, capPeriod: 'Month' },
      ],
    });
    const row = `#policy-keeping tr[data-version="${version}"]`;
    assert.equal(await coordinator.getAttribute(row, 'data-standing'), 'Pending');
    // The coordinator is a resident supervisor too: the version is listed, and not offered to its proposer.
    const own = `#policy-approval article[data-version="${version}"]`;
    await coordinator.waitForSelector(own);
    assert.equal(await coordinator.locator(`${own} .approve-policy`).count(), 0);
    assert.equal(await coordinator.textContent(`${own} .why`), '提出积分规则的人不能批准自己的提案，请由另一位居民监督员批准。');

    const supervisor = await browsers.signedIn('resident-supervisor-zhou', phone);
    await browsers.visit(supervisor, '#/work');
    const card = `#policy-approval article[data-version="${version}"]`;
    await supervisor.waitForSelector(card);
    assert.equal(await supervisor.getAttribute(`${card} .proposer .person`, 'data-person'), 'coordinator-wu');
    assert.equal(await supervisor.textContent(`${card} .proposer`), '吴晓燕（志愿服务组织者）');
    assert.equal(await supervisor.textContent(`${card} time`), beijingText(effectiveFrom));
    assert.match(await supervisor.textContent(`${card} tr[data-activity="WasteSorting"]`), /垃圾分类.*5 \/ 天.*20 \/ 月/);
    assert.equal(await supervisor.locator(`${card} tr[data-activity]`).count(), 2);
    assert.ok(await noHorizontalScroll(supervisor), 'the supervisor\'s workspace scrolls sideways at 390 px');
    assert.deepEqual(await seriousViolations(supervisor), []);
    await supervisor.screenshot({ path: join(screenshots, 'work-policy-approval-phone.png'), fullPage: true });
    await supervisor.click(`${card} .approve-policy`);
    await accepted(supervisor);
    assert.equal(await supervisor.textContent('#accepted'), `已批准第 ${version} 版积分规则。`);
    assert.equal(await supervisor.locator(card).count(), 0);
    assert.equal((await ledger.api('/v1/points-policy')).versions.at(-1).approved, true);
    assert.equal(ledger.entryCount(), entries + 2);
  });

  it('awards are priced by the version once it takes effect, and what it does not price or caps is refused', async () => {
    assert.ok(version, 'the version of the test before');
    const coordinator = await browsers.signedIn('coordinator-wu');
    await browsers.visit(coordinator, '#/work');
    await coordinator.waitForSelector('#award-form');
    // Opened before the version takes effect: the form says when it will, and offers what is priced now.
    if ((await ledger.api('/v1/points-policy')).inForce !== version) {
      assert.match(await coordinator.textContent('#award-form .later-version'), new RegExp(`第 ${version} 版积分规则将于 ${beijingText(effectiveFrom)} 生效`));
    }
    const offered = await coordinator.$$eval('#award-activity option', options => options.map(o => o.value));
    const unpriced = offered.find(a => !Priced.includes(a));
    assert.ok(unpriced, `the form offers an activity the new version does not price: ${offered}`);
    await coordinator.fill('#award-households', households.slice(0, 2).join(' '));
    await coordinator.selectOption('#award-activity', unpriced);
    if (await coordinator.locator('#award-points-each').count()) {
      await coordinator.fill('#award-points-each', '15');
    }
    await coordinator.fill('#award-reference', 'pointspolicy-test/unpriced');
    await inForce(version);
    let entries = ledger.entryCount();
    // Sent after the version took effect: the ledger refuses it for each household.
    await coordinator.click('#award-points');
    await coordinator.waitForSelector('#award-summary[data-done="0"][data-total="2"]');
    for (const id of households.slice(0, 2)) {
      assert.equal(await coordinator.getAttribute(`#award-results [data-household="${id}"]`, 'data-status'), 'refused');
      assert.match(await coordinator.textContent(`#award-results [data-household="${id}"]`), /现行积分规则没有这种活动，不能发放积分。/);
    }
    assert.equal(ledger.entryCount(), entries);

    // Opened afresh: only what the version prices is offered, and the points follow from it.
    await browsers.visit(coordinator, '#/work');
    await coordinator.waitForSelector('#award-priced');
    assert.deepEqual(await coordinator.$$eval('#award-activity option', options => options.map(o => o.value)), Priced);
    assert.equal(await coordinator.locator('#award-points-each').count(), 0);
    await coordinator.selectOption('#award-activity', 'WasteSorting');
    await coordinator.fill('#award-quantity', '3');
    assert.equal(await coordinator.getAttribute('#award-priced', 'data-points'), '15');
    assert.equal(await coordinator.textContent('#award-priced'), `每户 15 积分（按第 ${version} 版积分规则：每天 5 积分，每户每月至多 20 积分）`);
    await coordinator.selectOption('#award-activity', 'VolunteerService');
    assert.equal(await coordinator.getAttribute('#award-priced', 'data-points'), '30');
    await coordinator.selectOption('#award-activity', 'WasteSorting');
    await coordinator.fill('#award-households', households.slice(0, 2).join(' '));
    await coordinator.fill('#award-reference', 'pointspolicy-test/sorting-1');
    entries = ledger.entryCount();
    await coordinator.click('#award-points');
    await coordinator.waitForSelector('#award-summary[data-done="2"][data-total="2"]');
    assert.match(await coordinator.textContent(`#award-results [data-household="${households[0]}"]`), new RegExp(`已发放 15 积分 · 第 ${version} 版`));
    assert.equal(ledger.entryCount(), entries + 2);
    const coordinatorKey = loadKey(ledger.keyFile('coordinator-wu'));
    const award = (await signedGet(ledger.address, coordinatorKey, `/v1/households/${households[0]}`)).awards.at(-1);
    assert.deepEqual({ activity: award.activity, quantity: award.quantity, points: award.points, policyVersion: award.policyVersion },
      { activity: 'WasteSorting', quantity: 3, points: 15, policyVersion: version });

    // 15 points this month already: 10 more would pass the cap of 20 for the first household, not for the third.
    await coordinator.fill('#award-quantity', '2');
    await coordinator.fill('#award-households', `${households[0]} ${households[2]}`);
    await coordinator.fill('#award-reference', 'pointspolicy-test/sorting-2');
    await coordinator.click('#award-points');
    await coordinator.waitForSelector('#award-summary[data-done="1"][data-total="2"]');
    const capped = `#award-results [data-household="${households[0]}"]`;
    assert.equal(await coordinator.getAttribute(capped, 'data-status'), 'refused');
    assert.match(await coordinator.textContent(capped), /这一户本期这项活动的积分将超过规则上限，不能发放。/);
    assert.equal(await coordinator.getAttribute(`#award-results [data-household="${households[2]}"]`, 'data-status'), 'awarded');
    assert.equal(ledger.entryCount(), entries + 3);
    assert.deepEqual(await seriousViolations(coordinator), []);
    await coordinator.screenshot({ path: join(screenshots, 'work-coordinator-policy.png'), fullPage: true });

    // The household sees the activity, the quantity in the version's unit, and the version.
    const resident = await browsers.signedIn(`resident-${households[0]}`, phone);
    await resident.goto(`${ledger.address}/#/portal`);
    await resident.waitForSelector('#balance');
    const [awarded] = (await signedGet(ledger.address, coordinatorKey, `/v1/households/${households[0]}`)).awards;
    const line = `#awards tr[data-sequence="${awarded.sequence}"]`;
    assert.equal(await resident.getAttribute(`${line} .policy-version`, 'data-version'), String(version));
    assert.match(await resident.textContent(line), new RegExp(`垃圾分类.*3 天.*15.*pointspolicy-test/sorting-1.*第 ${version} 版`));
    assert.ok(await noHorizontalScroll(resident), 'the portal scrolls sideways at 390 px');
    assert.deepEqual(await seriousViolations(resident), []);
  });

  it('anyone reads the policy in force and every version on a 390 px phone, without signing in', async () => {
    assert.ok(version, 'the version of the first test');
    const page = await browsers.open(phone);
    await page.goto(`${ledger.address}/#/portal`);
    await page.waitForSelector('#points-policy');
    assert.equal(await page.getAttribute('#policy-in-force', 'data-version'), String(version));
    assert.equal(await page.textContent('#policy-in-force'), `现行第 ${version} 版，${beijingText(effectiveFrom)} 起生效（志愿服务组织者提出，居民监督员批准）。`);
    assert.deepEqual(await page.$$eval('#points-policy .policy-rates tr[data-activity]', rows => rows.map(r => r.dataset.activity)), Priced);
    assert.match(await page.textContent('#points-policy .policy-rates tr[data-activity="VolunteerService"]'), /志愿服务.*10 \/ 小时.*不限/);
    const policy = await ledger.api('/v1/points-policy');
    assert.deepEqual(await page.$$eval('#points-policy .policy-versions tr[data-version]', rows => rows.map(r => Number(r.dataset.version))),
      policy.versions.map(v => v.version));
    const row = `#points-policy .policy-versions tr[data-version="${version}"]`;
    assert.equal(await page.getAttribute(row, 'data-standing'), 'InForce');
    assert.equal(await page.textContent(`${row} time`), beijingText(effectiveFrom));
    assert.match(await page.textContent(row), /现行.*coordinator-wu.*志愿服务：每小时 10 积分.*垃圾分类：每天 5 积分，每户每月至多 20 积分/);
    // Every version approved before this one is no longer in force.
    for (const earlier of policy.versions.filter(v => v.approved && v.version < version)) {
      assert.equal(await page.getAttribute(`#points-policy .policy-versions tr[data-version="${earlier.version}"]`, 'data-standing'), 'Superseded');
    }
    assert.ok(await noHorizontalScroll(page), 'the public policy scrolls sideways at 390 px');
    assert.deepEqual(await seriousViolations(page), []);
    await page.locator('#points-policy').screenshot({ path: join(screenshots, 'points-policy-phone.png') });
  });
});
