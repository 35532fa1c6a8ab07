// 业主表决 in the page (issue 17 part 1), on a demo ledger of its own: each person signs in, in a
// browser context of their own, with their demo key file. The registrar records the floor areas,
// the finance officer opens a project whose campaign needs a passed vote, the owner representative
// opens a vote on four households of building 5, a resident votes on a 390 px phone (a second
// ballot from a page opened before is refused), the vote is counted once its closing time has
// passed, and the project page and the notice show the tally and the result, never a household's
// choice, which the finance officer cannot read either.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { WatchedBrowsers, accepted, seriousViolations } from './browsers.js';
import { startDemoLedger } from './ledger.js';
import { signIn } from './people.js';
import { loadKey, post, signCommand, signedGet } from './signing.js';

const phone = { width: 390, height: 844 };
const projectId = 'b5-lift-vote';
const voteId = 'b5-lift-2026';
const question = '5号楼加装电梯及居民众筹方案';
// Typed as a registrar types them; the hundredths the ledger must hold, read exactly.
const areas = [['b5-0101', '80.15', 8015], ['b5-0102', '95.5', 9550], ['b5-0201', '80.15', 8015], ['b5-0202', '120', 12000]];
const scopeArea = areas.reduce((sum, [, , hundredths]) => sum + hundredths, 0);

let ledger;
let browsers;
let closesAt;

/** A moment as a datetime-local value in Beijing time (UTC+8), to the second. */
function beijing(ms) {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);
}

/** The finance officer starts the project's campaign from the workspace: building 5's four households, by floor. */
async function startCampaign(officer) {
  await browsers.visit(officer, '#/work');
  await officer.selectOption('#campaign-project', projectId);
  await officer.fill('#campaign-target', '150000');
  await officer.fill('#campaign-households', areas.map(([householdId]) => `${householdId} ${householdId.slice(4, 5)}`).join('\n'));
  await officer.click('#start-campaign');
}

function noHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe("the owners' vote in the page", { timeout: 400_000 }, () => {
  before(async () => {
    ledger = await startDemoLedger();
    browsers = await WatchedBrowsers.launch(ledger);
  });

  afterEach(() => browsers.checkAndCloseContexts());

  after(async () => {
    await browsers?.close();
    await ledger?.stop();
  });

  it("the registrar records each household's floor area in m², exactly, and corrects one", async () => {
    const registrar = await browsers.signedIn('registrar', undefined, ledger.registrarKeyFile);
    await browsers.visit(registrar, '#/work');
    await registrar.fill('#floor-area-household', 'b5-0101');
    await registrar.fill('#floor-area-m2', '80.123');
    await registrar.click('#record-floor-area');
    assert.equal(await registrar.textContent('#floor-area-form .form-error'), '专有部分面积不在允许范围内（0.01 至 100000 平方米）。请核对面积。');
    // A typo first, then corrected: recording a household again corrects its area.
    for (const [householdId, typed] of [['b5-0101', '8.15'], ...areas.map(([id, m2]) => [id, m2])]) {
      await registrar.fill('#floor-area-household', householdId);
      await registrar.fill('#floor-area-m2', typed);
      await registrar.click('#record-floor-area');
      await accepted(registrar);
    }
    await registrar.fill('#floor-area-household', 'b5-0102');
    assert.equal(await registrar.textContent('#floor-area-current'), '当前登记：95.50 平方米');

    const key = loadKey(ledger.registrarKeyFile);
    const recorded = new Map();
    for (let from = 0; from !== null;) {
      const page = await signedGet(ledger.address, key, `/v1/entries?stream=registry&from=${from}&limit=1000`);
      page.entries.filter(e => e.type === 'FloorAreaRecorded').forEach(e => recorded.set(e.entry.body.householdId, e.entry.body.floorAreaHundredths));
      from = page.next;
    }
    for (const [householdId, , hundredths] of areas) {
      assert.equal(recorded.get(householdId), hundredths, householdId);
    }
  });

  it('the finance officer opens a project whose campaign needs a passed vote, by the art. 278 defaults', async () => {
    const officer = await browsers.signedIn('officer-wang');
    await browsers.visit(officer, '#/work');
    await officer.click('#open-project-form summary');
    assert.match(await officer.textContent('#open-vote-policy'), /不少于 2\/3.*不少于 3\/4.*超过 1\/2/);
    await officer.fill('#open-project-id', projectId);
    await officer.fill('#open-name', '5号楼加装电梯');
    await officer.fill('#open-contract', '500000');
    await officer.fill('#open-plan-GovernmentSubsidy', '350000');
    await officer.fill('#open-plan-ResidentCrowdfunding', '150000');
    await officer.check('#open-vote-required');
    await officer.click('#open-project');
    await accepted(officer);

    const { entries } = await ledger.api(`/v1/entries?stream=project/${projectId}`);
    assert.deepEqual(entries[0].entry.body.votePolicy, {
      campaignRequiresVote: true, ordinaryMajority: { denominator: 2, numerator: 1 }, participation: { denominator: 3, numerator: 2 },
      specialMajority: { denominator: 4, numerator: 3 },
    });
    await browsers.visit(officer, `#/project/${projectId}`);
    assert.equal(await officer.textContent('#vote-required'), '按项目规则，众筹须在业主表决通过后才能发起。');

    await startCampaign(officer);
    await officer.waitForSelector('#refusal');
    assert.equal(await officer.getAttribute('#refusal', 'data-code'), 'CampaignNeedsPassedVote');
    assert.match(await officer.textContent('#refusal'), /须先经业主表决通过/);
  });

  it('the owner representative opens a vote: the households typed in any order, sorted and each once', async () => {
    const owner = await browsers.signedIn('owner-rep-sun');
    await browsers.visit(owner, '#/work');
    await owner.selectOption('#vote-project', projectId);
    await owner.fill('#vote-id', voteId);
    await owner.fill('#vote-question', question);
    await owner.selectOption('#vote-matter', 'RaiseFunds');
    await owner.fill('#vote-households', 'b5-0202 b5-0101\nb5-0201，b5-0102 b5-0101');
    assert.equal(await owner.textContent('#vote-scope'), '共 4 户');
    assert.deepEqual(await seriousViolations(owner), []);
    // Closing in 60 s: time for the ballots below, after which the test waits for the clock, not a sleep.
    const now = Date.now();
    closesAt = Math.ceil((now + 60_000) / 1000) * 1000;
    await owner.fill('#vote-opens', beijing(now - 60_000));
    await owner.fill('#vote-closes', beijing(now - 120_000));
    await owner.click('#open-vote');
    assert.equal(await owner.textContent('#open-vote-form .form-error'), '表决内容不正确：请检查表决事项、选项和起止时间（截止须晚于开始和现在）。');
    await owner.fill('#vote-closes', beijing(closesAt));
    await owner.click('#open-vote');
    await accepted(owner);

    const [vote] = (await ledger.api(`/v1/projects/${projectId}`)).votes;
    assert.deepEqual({ ...vote }, {
      voteId, question, matter: 'RaiseFunds', opensAt: vote.opensAt, closesAt: new Date(closesAt).toISOString(),
      scopeHouseholds: 4, scopeAreaHundredths: scopeArea, tally: null, passed: false,
    });
    const { entries } = await ledger.api(`/v1/entries?stream=project/${projectId}`);
    assert.deepEqual(entries.find(e => e.type === 'VoteOpened').entry.body.households,
      areas.map(([householdId, , floorAreaHundredths]) => ({ floorAreaHundredths, householdId })));
  });

  it('a resident votes on a 390 px phone and sees their ballot; a second ballot is refused with its text', async () => {
    const resident = await browsers.signedIn('resident-b5-0101', phone);
    // The same resident's page on another device, opened before the vote.
    const other = await browsers.open(phone);
    await signIn(other, ledger.address, ledger.keyFile('resident-b5-0101'));
    for (const page of [resident, other]) {
      await browsers.visit(page, '#/portal');
      await page.waitForSelector(`#ballots article[data-vote="${voteId}"] .ballot-choice`);
    }
    assert.equal(await resident.textContent('#ballots h3'), question);
    assert.ok(await noHorizontalScroll(resident), 'no horizontal scrolling at 390 px with the ballot');
    await resident.click('.ballot-choice[data-choice="Agree"]');
    assert.match(await resident.textContent('.confirm-ballot'), /您家将投票“同意”/);
    assert.deepEqual(await seriousViolations(resident), []);
    await resident.click('.confirm-choice');
    await resident.waitForSelector('#redeem-message.ok');
    assert.equal(await resident.textContent(`#ballots article[data-vote="${voteId}"] .cast`), '您家已投票：同意');
    assert.equal(await resident.locator('.ballot-choice').count(), 0);
    assert.ok(await noHorizontalScroll(resident), 'no horizontal scrolling at 390 px after voting');

    await other.click('.ballot-choice[data-choice="Against"]');
    await other.click('.confirm-choice');
    await other.waitForSelector('#redeem-message.error');
    assert.equal(await other.getAttribute('#redeem-message', 'data-code'), 'BallotAlreadyCast');
    assert.match(await other.textContent('#redeem-message'), /您家已经投过票，每户只能投一次。/);
    assert.equal(await other.textContent('#ballots .cast'), '您家已投票：同意');

    // Two more households agree from their own keys; b5-0202 does not vote.
    for (const householdId of ['b5-0102', 'b5-0201']) {
      await post(ledger.address, signCommand(loadKey(ledger.keyFile(`resident-${householdId}`)), 'CastBallot',
        { householdId, projectId, voteId, choice: 'Agree' }));
    }
  });

  it("a finance officer cannot read a household's ballot; a resident supervisor reads it and casts nothing", async () => {
    const key = loadKey(ledger.keyFile('officer-wang'));
    await assert.rejects(signedGet(ledger.address, key, '/v1/entries?stream=household/b5-0101'), /403/);
    const view = await signedGet(ledger.address, key, '/v1/households/b5-0101');
    assert.deepEqual(view.history.filter(e => e.type.startsWith('Ballot')), []);

    const officer = await browsers.signedIn('officer-wang', phone);
    await browsers.visit(officer, '#/portal');
    await officer.fill('#household', 'b5-0101');
    await officer.click('#open-household');
    await officer.waitForSelector('#points');
    assert.equal(await officer.locator('#ballots').count(), 0);
    assert.doesNotMatch(await officer.textContent('main'), /已投票/);

    const supervisor = await browsers.signedIn('resident-supervisor-zhou', phone);
    await browsers.visit(supervisor, '#/portal');
    await supervisor.fill('#household', 'b5-0101');
    await supervisor.click('#open-household');
    await supervisor.waitForSelector('#ballots');
    assert.equal(await supervisor.textContent('#ballots .cast'), '该户已投票：同意');
    assert.equal(await supervisor.locator('.ballot-choice').count(), 0);
  });

  it('the owner representative counts it once it has closed; the project page and the notice show the tally and 通过', async () => {
    const owner = await browsers.signedIn('owner-rep-sun');
    await browsers.visit(owner, '#/work');
    const card = `#close-votes article[data-vote="${voteId}"]`;
    await owner.waitForSelector(card);
    // The count is refused before the closing time: wait for the clock to pass it, a condition, not a sleep.
    await owner.waitForFunction(time => Date.now() > time, closesAt, { timeout: 120_000, polling: 250 });
    await owner.click(`${card} .close-vote`);
    await accepted(owner);
    assert.equal(await owner.locator(card).count(), 0);

    const [vote] = (await ledger.api(`/v1/projects/${projectId}`)).votes;
    assert.deepEqual(vote.tally, {
      agreeHouseholds: 3, agreeAreaHundredths: 8015 + 9550 + 8015, againstHouseholds: 0, againstAreaHundredths: 0, abstainHouseholds: 0, abstainAreaHundredths: 0,
    });
    assert.equal(vote.passed, true);

    const visitor = await browsers.open(phone);
    await browsers.visit(visitor, `#/project/${projectId}`);
    const shown = `#votes article[data-vote="${voteId}"]`;
    await visitor.waitForSelector(shown);
    assert.equal(await visitor.getAttribute(shown, 'data-passed'), 'true');
    assert.equal(await visitor.textContent(`${shown} .scope`), `4 户，专有部分面积 ${(scopeArea / 100).toFixed(2)} 平方米`);
    assert.equal(await visitor.textContent(`${shown} tr[data-choice="Agree"] .households`), '3');
    assert.equal(await visitor.textContent(`${shown} tr[data-choice="Agree"] .area`), '255.80');
    assert.equal(await visitor.textContent(`${shown} tr[data-choice="Against"] .households`), '0');
    assert.equal(await visitor.textContent(`${shown} .participation`), '参与表决：3 / 4 户，255.80 / 375.80 平方米');
    assert.equal(await visitor.textContent(`${shown} .result`), '通过');
    assert.match(await visitor.textContent(shown), /不少于 2\/3.*不少于 3\/4/);
    // The tally, never a household: no household id is on the public vote.
    assert.doesNotMatch(await visitor.textContent('#votes'), /b5-0/);
    assert.ok(await noHorizontalScroll(visitor), 'no horizontal scrolling at 390 px on the project page');
    assert.deepEqual(await seriousViolations(visitor), []);

    await browsers.visit(visitor, `#/project/${projectId}/notice`);
    await visitor.waitForSelector(`#notice-votes article[data-vote="${voteId}"]`);
    assert.equal(await visitor.textContent(`#notice-votes article[data-vote="${voteId}"] .result`), '通过');
    assert.equal(await visitor.textContent(`#notice-votes tr[data-choice="Agree"] .households`), '3');

    // Passed on raising money: the campaign the policy held back starts now.
    const officer = await browsers.signedIn('officer-wang');
    await startCampaign(officer);
    await accepted(officer);
    assert.equal((await ledger.api(`/v1/projects/${projectId}`)).campaign.households, 4);
  });
});
