// The workspaces of issue 13 in a real browser: each person signs in, in a browser context of
// their own (their own IndexedDB), with their demo key file, and works in #/work. Every request
// any page sends is kept, and after each test none may carry a private key's bytes.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { WatchedBrowsers, accepted } from './browsers.js';
import { repository, startDemoLedger } from './ledger.js';
import { loadKey, post, protectKeyFile, sha256Hex, signCommand, signedGet } from './signing.js';

const screenshots = process.env.LEDGER_SCREENSHOTS ?? join(repository, 'artifacts', 'screenshots');

let ledger;
let browsers;

function upload(name, text) {
  return { name, mimeType: 'application/pdf', buffer: Buffer.from(text) };
}

async function inboxCount(page) {
  await browsers.visit(page, '#/work');
  await page.waitForSelector('#inbox-count, main .error', { state: 'attached' })
    .catch(async error => assert.fail(`${error.message}\n${page.url()}\n${await page.textContent('main')}`));
  assert.equal(await page.locator('main .error').count(), 0, await page.textContent('main'));
  return Number(await page.getAttribute('#inbox-count', 'data-count'));
}

async function noHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe('the workspaces at #/work', { timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    ledger = await startDemoLedger();
    browsers = await WatchedBrowsers.launch(ledger);
  });

  afterEach(() => browsers.checkAndCloseContexts());

  after(async () => {
    await browsers?.close();
    await ledger?.stop();
  });

  it('signs in with a passphrase-protected key file, keeps the key non-extractable, and signing out deletes it', async () => {
    const page = await browsers.open();
    browsers.keepSecret(JSON.parse(readFileSync(ledger.keyFile('officer-wang'), 'utf8')).seed);
    const file = { name: 'officer-wang.protected-key.json', mimeType: 'application/json', buffer: Buffer.from(protectKeyFile(ledger.keyFile('officer-wang'), '街道财务 2026 spring')) };
    await page.goto(`${ledger.address}/#/signin`);
    await page.setInputFiles('#key-file', file);
    await page.click('#sign-in');
    await page.waitForSelector('#key-status.error');
    assert.equal(await page.textContent('#key-status'), '这个密钥文件受密码保护，请输入密码。');
    await page.fill('#passphrase', 'wrong passphrase');
    await page.click('#sign-in');
    await page.waitForSelector('#key-status.error >> text=密码不对');
    await page.fill('#passphrase', '街道财务 2026 spring');
    await page.click('#sign-in');
    await page.waitForSelector('#identity[data-state="signed-in"]');
    assert.equal(await page.textContent('#signed-in-name'), '王丽萍（街道财务）');
    assert.equal(await page.textContent('#signed-in-roles'), '财务人员');
    const stored = () => page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('community-ledger', 1);
      open.onsuccess = () => {
        const get = open.result.transaction('keys').objectStore('keys').get('signed-in');
        get.onsuccess = () => resolve(get.result ? { extractable: get.result.privateKey.extractable, type: get.result.privateKey.type } : null);
        get.onerror = () => reject(get.error);
      };
    }));
    assert.deepEqual(await stored(), { extractable: false, type: 'private' });
    await page.screenshot({ path: join(screenshots, 'work-finance.png'), fullPage: true });
    await browsers.visit(page, '#/signin');
    await page.click('#sign-out');
    await page.waitForSelector('#identity[data-state="none"]');
    assert.equal(await stored(), null);
  });

  it('a progress payment: requested with an invoice, found and approved by the three signers, paid by another officer, shown in public', async () => {
    const officer = await browsers.signedIn('officer-wang');
    await browsers.visit(officer, '#/work');
    await officer.waitForSelector('#finance');

    // A receipt with its document: the first open project with a source that has room.
    const projects = await Promise.all((await ledger.api('/v1/projects')).map(p => ledger.api(`/v1/projects/${p.projectId}`)));
    const withRoom = projects.filter(p => p.status === 'Open')
      .flatMap(p => p.fundingSources.filter(s => s.source !== 'ResidentCrowdfunding' && s.plannedFen - s.receivedFen >= 100_00).map(s => ({ p, s })));
    assert.ok(withRoom.length > 0, 'the demo leaves a source with room for a receipt');
    const { p: receiptProject, s: source } = withRoom[0];
    await officer.selectOption('#receipt-project', receiptProject.projectId);
    await officer.selectOption('#receipt-source', source.source);
    await officer.fill('#receipt-amount', '100.05');
    await officer.fill('#receipt-reference', '财政拨款到账通知 2026-07');
    await officer.click('#record-receipt');
    assert.equal(await officer.textContent('#receipt-form .form-error'), '请选择凭证文件（只在本机计算哈希，文件不会上传）。');
    const receiptDocument = upload('receipt.pdf', 'bank slip 2026-07');
    await officer.setInputFiles('#receipt-document', receiptDocument);
    await officer.click('#record-receipt');
    await accepted(officer);
    const recorded = (await ledger.api(`/v1/projects/${receiptProject.projectId}`)).receipts.at(-1);
    assert.equal(recorded.amountFen, 100_05);
    assert.equal(recorded.documentHash, (await import('node:crypto')).createHash('sha256').update(receiptDocument.buffer).digest('hex'));

    // The request: an unlocked tranche with room, of a project with money available.
    const target = projects.filter(p => p.status === 'Open' && p.totals.availableFen >= 1000_00)
      .flatMap(p => p.tranches.filter(tr => tr.unlocked && tr.cumulativeCapFen - p.totals.paidFen - p.totals.pendingFen >= 1000_00).map(tr => ({ p, tr })))[0];
    assert.ok(target, 'the demo leaves an unlocked tranche with room');
    const signers = { ProjectManager: 'manager-zhao', ConstructionSupervisor: 'supervisor-qian', OwnerRepresentative: 'owner-rep-sun' };
    const pages = {};
    const before = {};
    for (const [role, personId] of Object.entries(signers)) {
      // The owner representative signs on a phone.
      pages[role] = await browsers.signedIn(personId, role === 'OwnerRepresentative' ? { width: 390, height: 844 } : undefined);
      before[role] = await inboxCount(pages[role]);
    }
    await browsers.visit(officer, '#/work');
    await officer.selectOption('#request-project', target.p.projectId);
    await officer.selectOption('#request-tranche', target.tr.tranche);
    await officer.fill('#request-amount', '1,000.50');
    await officer.fill('#request-payee', '城建第三工程有限公司');
    const invoice = upload('invoice.pdf', 'invoice No.44020999');
    await officer.setInputFiles('#request-invoice', invoice);
    await officer.click('#request-disbursement');
    await accepted(officer);
    const requested = (await ledger.api(`/v1/projects/${target.p.projectId}`)).disbursements.at(-1);
    assert.equal(requested.amountFen, 1000_50);
    assert.equal(requested.status, 'Pending');
    assert.equal(requested.requestedBy, 'officer-wang');

    for (const [role, page] of Object.entries(pages)) {
      assert.equal(await inboxCount(page), before[role] + 1, role);
      const card = `#inbox-${role} [data-disbursement="${requested.disbursementId}"][data-project="${target.p.projectId}"]`;
      await page.setInputFiles(`${card} input[type=file]`, invoice);
      await page.waitForSelector(`${card} .hash-check[data-match="true"]`);
      if (role === 'OwnerRepresentative') {
        assert.ok(await noHorizontalScroll(page), 'no horizontal scrolling at 390 px in the inbox');
        await page.screenshot({ path: join(screenshots, 'work-inbox-phone.png'), fullPage: true });
      }
      await page.click(`${card} button.approve`);
      await accepted(page);
      assert.equal(Number(await page.getAttribute('#inbox-count', 'data-count')), before[role]);
    }
    for (const role of Object.keys(before).filter(r => before[r] === 0)) {
      assert.equal(await inboxCount(pages[role]), 0);
    }

    // The requester may not pay; another officer does.
    await browsers.visit(officer, '#/work');
    const toPay = `#pay-list [data-disbursement="${requested.disbursementId}"][data-project="${target.p.projectId}"]`;
    assert.equal(await officer.isDisabled(`${toPay} button.pay`), true);
    const cashier = await browsers.signedIn('officer-li');
    await browsers.visit(cashier, '#/work');
    await cashier.fill(`${toPay} input`, 'CCB-2026-0720-0555');
    await cashier.click(`${toPay} button.pay`);
    await accepted(cashier);

    const visitor = await browsers.open();
    await visitor.goto(`${ledger.address}/#/project/${target.p.projectId}`);
    const card = `#disbursements [data-disbursement="${requested.disbursementId}"]`;
    await visitor.waitForSelector(card);
    assert.match(await visitor.textContent(card), /CCB-2026-0720-0555/);
    assert.match(await visitor.textContent(`${card} .status`), /已拨付/);
    // The three signers by name, as the registry holds them.
    for (const name of ['赵建平（项目经理）', '钱明远（监理）', '孙桂芝（业主代表）']) {
      assert.ok((await visitor.textContent(`${card} .approvals`)).includes(name), name);
    }
    assert.ok((await visitor.textContent(`${card} .paid`)).startsWith('李国华（社区财务）'));
  });

  it('a refused request shows its Chinese message and writes nothing', async () => {
    const projects = await Promise.all((await ledger.api('/v1/projects')).map(p => ledger.api(`/v1/projects/${p.projectId}`)));
    const locked = projects.filter(p => p.status === 'Open').flatMap(p => p.tranches.filter(tr => !tr.unlocked).map(tr => ({ p, tr })))[0];
    assert.ok(locked, 'the demo leaves a locked tranche');
    const officer = await browsers.signedIn('officer-wang');
    await browsers.visit(officer, '#/work');
    await officer.selectOption('#request-project', locked.p.projectId);
    await officer.selectOption('#request-tranche', locked.tr.tranche);
    await officer.fill('#request-amount', '0');
    await officer.fill('#request-payee', '城建第三工程有限公司');
    await officer.setInputFiles('#request-invoice', upload('invoice.pdf', 'an invoice too early'));
    await officer.click('#request-disbursement');
    assert.match(await officer.textContent('#request-form .form-error'), /请填写金额/);
    await officer.fill('#request-amount', '10');
    const entries = ledger.entryCount();
    await officer.click('#request-disbursement');
    await officer.waitForSelector('#refusal');
    assert.equal(await officer.getAttribute('#refusal', 'data-code'), 'TrancheLocked');
    assert.equal(await officer.textContent('#refusal'),
      '未能完成：这笔款项尚未解锁：对应节点还没有经项目经理和监理确认。请等节点达成后再申请。');
    assert.equal(ledger.entryCount(), entries);
  });

  it("the registrar registers a resident whose key was made in the resident's own browser; the resident signs in on a 390 px phone and pays their share", async () => {
    // A household of the elevator campaign that still owes, as a finance officer reads it.
    const officerKey = loadKey(ledger.keyFile('officer-wang'));
    let householdId;
    let due;
    for (const floor of [1, 2, 3, 4, 5, 6]) {
      for (const unit of ['01', '02']) {
        const id = `b3-0${floor}${unit}`;
        const share = (await signedGet(ledger.address, officerKey, `/v1/households/${id}`)).shares.find(x => x.projectId === 'b3-elevator');
        if (!householdId && share?.dueFen > 0) {
          [householdId, due] = [id, share];
        }
      }
    }
    assert.ok(householdId, 'the demo leaves a household of b3 owing its share');

    const phone = { width: 390, height: 844 };
    const resident = await browsers.open(phone);
    await resident.goto(`${ledger.address}/#/signin`);
    assert.ok(await noHorizontalScroll(resident), 'no horizontal scrolling at 390 px on #/signin');
    await resident.click('details.create-key summary');
    await resident.fill('#new-person-id', `resident-${householdId}-phone`);
    await resident.fill('#new-passphrase', '一楼二零一 passphrase');
    await resident.click('#generate-key');
    await resident.waitForSelector('#new-public-key');
    const publicKey = await resident.textContent('#new-public-key');
    // The registrar scans the QR code the resident's page shows: read off the rendered page, as a camera would.
    const png = PNG.sync.read(await resident.locator('#public-key-qr svg').screenshot());
    const scanned = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(scanned, 'the public key QR code decodes');
    assert.equal(scanned.data, publicKey);
    assert.match(await resident.getAttribute('#download-key', 'download'), /\.protected-key\.json$/);
    await browsers.visit(resident, '#/signin');
    await resident.waitForSelector('#identity[data-state="UnknownKey"]');
    assert.match(await resident.textContent('#identity'), /账本里还没有登记这把密钥/);

    // The registrar, in a browser of their own, pastes the public key the resident's page showed.
    const registrar = await browsers.signedIn('registrar', undefined, ledger.registrarKeyFile);
    await browsers.visit(registrar, '#/work');
    await registrar.waitForSelector('#register-form');
    await registrar.fill('#register-person-id', `resident-${householdId}-phone`);
    await registrar.fill('#register-name', '韩凤英（手机）');
    await registrar.check('#register-role-Resident');
    await registrar.fill('#register-public-key', scanned.data.match(/.{1,16}/g).join('\n'));
    await registrar.click('#register-person');
    assert.equal(await registrar.textContent('#register-form .form-error'), '居民必须填写户号。');
    await registrar.fill('#register-household', householdId);
    await registrar.click('#register-person');
    await accepted(registrar);
    await registrar.fill('#people-search', '韩凤英');
    assert.deepEqual(await registrar.$$eval('#people [data-person]', cards => cards.map(c => c.dataset.person)), [`resident-${householdId}-phone`]);
    await registrar.screenshot({ path: join(screenshots, 'work-registrar.png'), fullPage: true });

    await resident.reload();
    await resident.waitForSelector('#identity[data-state="signed-in"]');
    assert.equal(await resident.textContent('#signed-in-name'), '韩凤英（手机）');
    assert.equal(await resident.textContent('#signed-in-roles'), '居民');
    assert.ok(await noHorizontalScroll(resident), 'no horizontal scrolling at 390 px on #/signin, signed in');
    await resident.screenshot({ path: join(screenshots, 'signin-phone.png'), fullPage: true });
    await resident.goto(`${ledger.address}/#/portal`);
    await resident.waitForSelector('#balance');
    assert.ok(await noHorizontalScroll(resident), 'no horizontal scrolling at 390 px on #/portal');

    // Paying the share: more than is due is refused before signing; 1.50 yuan is recorded.
    const row = `#shares tr[data-project="b3-elevator"]`;
    await resident.fill(`${row} .pay-amount`, String(due.dueFen / 100 + 1));
    await resident.click(`${row} .pay-share`);
    await resident.waitForSelector('#redeem-message.error');
    await resident.fill(`${row} .pay-amount`, '1.5');
    await resident.click(`${row} .pay-share`);
    await resident.waitForSelector('#redeem-message.ok');
    assert.equal(Number(await resident.getAttribute(`${row} .paid .money`, 'data-fen')), due.paidFen + 150);
    const household = await signedGet(ledger.address, officerKey, `/v1/households/${householdId}`);
    assert.equal(household.payments.at(-1).amountFen, 150);
    assert.equal(household.history.at(-1).personId, `resident-${householdId}-phone`);

    // A button that cannot be used says why; the quantity box refuses 0 and 999.
    const balance = Number(await resident.getAttribute('#balance', 'data-points'));
    const item = (await ledger.api('/v1/catalog')).find(i => !i.withdrawn && i.pricePoints > 0);
    const itemRow = `#catalog tr[data-item="${item.itemId}"]`;
    for (const quantity of ['0', '999']) {
      await resident.fill(`${itemRow} input.quantity`, quantity);
      assert.equal(await resident.isDisabled(`${itemRow} button`), true, quantity);
      assert.equal(await resident.textContent(`${itemRow} .why`), '数量须为 1 至 20 之间的整数。');
    }
    const short = Math.floor(balance / item.pricePoints) + 1;
    if (short <= 20) {
      await resident.fill(`${itemRow} input.quantity`, String(short));
      assert.equal(await resident.textContent(`${itemRow} .why`), `还差 ${item.pricePoints * short - balance} 积分`);
    }
    assert.ok(await noHorizontalScroll(resident), 'no horizontal scrolling at 390 px on #/portal after paying');
    await resident.screenshot({ path: join(screenshots, 'portal-phone.png'), fullPage: true });
  });

  it('a receipt recorded by mistake is proposed for reversal by a finance officer and approved by a resident supervisor', async () => {
    const projects = await Promise.all((await ledger.api('/v1/projects')).map(p => ledger.api(`/v1/projects/${p.projectId}`)));
    // The 100.05 yuan receipt recorded in the test above.
    const project = projects.find(p => p.receipts.some(r => r.amountFen === 100_05 && !r.reversed));
    assert.ok(project, 'a receipt of 100.05 yuan is there to reverse');
    const receipt = project.receipts.find(r => r.amountFen === 100_05);
    const officer = await browsers.signedIn('officer-wang');
    await browsers.visit(officer, '#/work');
    await officer.selectOption('#reversal-project', project.projectId);
    await officer.selectOption('#reversal-entry', String(receipt.sequence));
    await officer.click('#propose-reversal');
    assert.equal(await officer.textContent('#reversal-form .form-error'), '请填写理由。');
    await officer.fill('#reversal-reason', '重复登记：同一笔财政拨款登记了两次');
    await officer.click('#propose-reversal');
    await accepted(officer);
    const reversal = (await ledger.api(`/v1/projects/${project.projectId}`)).reversals.at(-1);
    assert.equal(reversal.entrySequence, receipt.sequence);
    assert.equal(reversal.approved, false);

    const supervisor = await browsers.signedIn('resident-supervisor-zhou');
    await browsers.visit(supervisor, '#/work');
    const card = `#supervisor [data-project="${project.projectId}"][data-reversal="${reversal.reversalId}"]`;
    await supervisor.waitForSelector(card);
    assert.equal(await supervisor.textContent(`${card} .reason`), '重复登记：同一笔财政拨款登记了两次');
    await supervisor.click(`${card} button.approve-reversal`);
    await accepted(supervisor);
    assert.equal(await supervisor.locator(card).count(), 0);
    assert.equal((await ledger.api(`/v1/projects/${project.projectId}`)).receipts.find(r => r.sequence === receipt.sequence).reversed, true);

    // In English, the workspace speaks English, refusals and entry types included.
    await supervisor.click('#lang');
    await supervisor.waitForSelector('#supervisor h2 >> text=Resident supervisor');
    const text = await supervisor.textContent('main');
    assert.match(text, /Signed in as /);
    // Names and project names are the registry's and the ledger's; none of the page's own Chinese words remain.
    assert.doesNotMatch(text, /已登录|职责|待批准|退出登录|进入我的工作/);
    await supervisor.click('#lang');
  });

  it('a finance officer opens a project whose plan adds up to its price and starts its campaign with each share previewed; closing one not fully paid is refused in Chinese and writes nothing', async () => {
    const officer = await browsers.signedIn('officer-wang');
    await browsers.visit(officer, '#/work');
    await officer.click('#open-project-form summary');
    await officer.fill('#open-project-id', 'b4-elevator');
    await officer.fill('#open-name', '4号楼加装电梯');
    await officer.fill('#open-contract', '600000');
    await officer.fill('#open-plan-GovernmentSubsidy', '240000');
    await officer.fill('#open-plan-SocialCapital', '180000');
    await officer.fill('#open-plan-ResidentCrowdfunding', '120000');
    await officer.fill('#open-plan-SelfRaised', '50000');
    assert.equal(await officer.getAttribute('#plan-sum', 'data-balanced'), 'false');
    await officer.click('#open-project');
    assert.equal(await officer.textContent('#open-project-form .form-error'), '各资金来源的计划合计必须等于合同价。请调整计划。');
    await officer.fill('#open-plan-SelfRaised', '60000');
    assert.equal(await officer.getAttribute('#plan-sum', 'data-balanced'), 'true');
    await officer.click('#open-project');
    await accepted(officer);
    const opened = await ledger.api('/v1/projects/b4-elevator');
    assert.equal(opened.contractPriceFen, 600_000_00);
    assert.deepEqual(opened.fundingSources.map(s => [s.source, s.plannedFen]),
      [['GovernmentSubsidy', 240_000_00], ['SocialCapital', 180_000_00], ['ResidentCrowdfunding', 120_000_00], ['SelfRaised', 60_000_00]]);

    // The campaign: each household's share previewed, then the ledger splits it the same way.
    await officer.selectOption('#campaign-project', 'b4-elevator');
    await officer.fill('#campaign-target', '100.01');
    await officer.selectOption('#campaign-rule', 'ByFloor');
    await officer.fill('#campaign-households', 'b4-0101 1\nb4-0201 2\nb4-0301 3\nb4-0401 4');
    await officer.waitForSelector('#campaign-preview tr[data-household="b4-0401"]');
    const preview = await officer.$$eval('#campaign-preview tr[data-household] .share .money', cells => cells.map(c => Number(c.dataset.fen)));
    assert.deepEqual(preview, [1000, 2000, 3000, 4001]);
    await officer.click('#start-campaign');
    await accepted(officer);
    const officerKey = loadKey(ledger.keyFile('officer-wang'));
    for (const [i, householdId] of ['b4-0101', 'b4-0201', 'b4-0301', 'b4-0401'].entries()) {
      const household = await signedGet(ledger.address, officerKey, `/v1/households/${householdId}`);
      assert.equal(household.shares.find(x => x.projectId === 'b4-elevator').shareFen, preview[i]);
    }

    const entries = ledger.entryCount();
    await officer.click('#close-list button[data-project="b4-elevator"]');
    await officer.waitForSelector('#refusal');
    assert.equal(await officer.getAttribute('#refusal', 'data-code'), 'ContractNotFullyPaid');
    assert.equal(await officer.textContent('#refusal'), '未能完成：合同款尚未全部付清，不能结项。');
    assert.equal(ledger.entryCount(), entries);
  });

  it('the project manager and the construction supervisor attest a milestone from their inboxes, with its evidence hashed in the browser', async () => {
    const evidence = upload('progress-report.pdf', '监理进度验收报告 4号楼');
    for (const personId of ['manager-zhao', 'supervisor-qian']) {
      const page = await browsers.signedIn(personId);
      const count = await inboxCount(page);
      const card = '[data-project="b4-elevator"][data-milestone="ProgressVerified"]';
      await page.click(`${card} button.attest`);
      assert.equal(await page.textContent(`${card} .form-error`), '请选择凭证文件（只在本机计算哈希，文件不会上传）。');
      await page.setInputFiles(`${card} input[type=file]`, evidence);
      await page.click(`${card} button.attest`);
      await accepted(page);
      assert.equal(await page.locator(card).count(), 0);
      // The second attestation reaches the milestone, and the next one (AcceptancePassed) comes to the inbox in its place.
      assert.equal(Number(await page.getAttribute('#inbox-count', 'data-count')), personId === 'manager-zhao' ? count - 1 : count);
    }
    const project = await ledger.api('/v1/projects/b4-elevator');
    const progress = project.milestones.find(m => m.milestone === 'ProgressVerified');
    assert.deepEqual(progress.attestedBy, { ProjectManager: 'manager-zhao', ConstructionSupervisor: 'supervisor-qian' });
    assert.ok(progress.reachedAt);
    const entries = (await ledger.api('/v1/entries?stream=project/b4-elevator&limit=1000')).entries.filter(e => e.type === 'MilestoneAttested');
    const hash = (await import('node:crypto')).createHash('sha256').update(evidence.buffer).digest('hex');
    assert.deepEqual(entries.map(e => e.entry.body.evidenceHash), [hash, hash]);
  });

  it('the coordinator awards points to 20 households in one go, a retry writes nothing twice, and a redemption is fulfilled', async () => {
    const households = [1, 2, 3, 4, 5, 6].flatMap(floor => ['01', '02'].map(unit => `b1-0${floor}${unit}`))
      .concat([1, 2, 3, 4].flatMap(floor => ['01', '02'].map(unit => `b2-0${floor}${unit}`)));
    assert.equal(households.length, 20);
    const coordinator = await browsers.signedIn('coordinator-wu');
    await browsers.visit(coordinator, '#/work');
    await coordinator.waitForSelector('#award-form');
    await coordinator.fill('#award-households', households.join(' '));
    await coordinator.selectOption('#award-activity', 'WasteSorting');
    // Fifteen days at the 2 points a day of the demo's points policy in force: the form prices them.
    await coordinator.fill('#award-quantity', '15');
    await coordinator.waitForSelector('#award-priced[data-points="30"]');
    await coordinator.fill('#award-reference', 'browser-test-waste-day');
    const entries = ledger.entryCount();
    await coordinator.click('#award-points');
    await coordinator.waitForSelector('#award-summary[data-done="20"]', { timeout: 60_000 });
    assert.equal(await coordinator.getAttribute('#award-progress', 'value'), '20');
    assert.equal(await coordinator.locator('#award-results [data-status="awarded"]').count(), 20);
    assert.equal(ledger.entryCount(), entries + 20);
    // Pressed again (as after a lost answer): every household's command is replayed, none written.
    await coordinator.click('#award-points');
    await coordinator.waitForSelector('#award-results [data-status="replayed"] >> nth=19', { timeout: 60_000 });
    assert.equal(ledger.entryCount(), entries + 20);

    const resident = await browsers.signedIn('resident-b1-0101', { width: 390, height: 844 });
    await resident.goto(`${ledger.address}/#/portal`);
    await resident.waitForSelector('#balance');
    assert.match(await resident.textContent('#awards'), /垃圾分类.*30.*browser-test-waste-day/s);
    // The demo's points policy changed once, in July: version 2 is in force and priced this award.
    assert.match(await resident.textContent('#points-policy'), /积分规则现行第 2 版/);
    assert.equal(await resident.textContent('#awards tbody tr:last-child .policy-version'), '第 2 版');
    const item = (await ledger.api('/v1/catalog')).find(i => !i.withdrawn && i.pricePoints <= 30 && (i.stock === null || i.stock > 0));
    assert.ok(item, 'the catalog has an item for 30 points');
    await resident.click(`#catalog button[data-item="${item.itemId}"]`);
    await resident.waitForSelector('#redeem-message.ok');
    const reserved = await resident.getAttribute('#redemptions tr[data-redemption]:last-child', 'data-redemption');

    await browsers.visit(coordinator, '#/work');
    const card = `#redemption-queue [data-household="b1-0101"][data-redemption="${reserved}"]`;
    await coordinator.waitForSelector(card);
    await coordinator.screenshot({ path: join(screenshots, 'work-coordinator.png'), fullPage: true });
    await coordinator.click(`${card} button.fulfil`);
    await accepted(coordinator);
    assert.equal(await coordinator.locator(card).count(), 0);

    await browsers.visit(resident, '#/portal');
    await resident.waitForSelector(`#redemptions tr[data-redemption="${reserved}"]`);
    assert.match(await resident.textContent(`#redemptions tr[data-redemption="${reserved}"]`), /已发放/);

    // The catalog: an item added with stock, restocked, then withdrawn.
    await browsers.visit(coordinator, '#/work');
    await coordinator.fill('#item-id', 'soap-2026');
    await coordinator.fill('#item-name', '洗衣皂两块');
    await coordinator.selectOption('#item-kind', 'Goods');
    await coordinator.fill('#item-price', '20');
    await coordinator.fill('#item-stock', '50');
    await coordinator.click('#add-item');
    await accepted(coordinator);
    await coordinator.fill('#catalog-keeping [data-item="soap-2026"] input.quantity', '25');
    await coordinator.click('#catalog-keeping [data-item="soap-2026"] button.restock');
    await accepted(coordinator);
    assert.equal((await ledger.api('/v1/catalog')).find(i => i.itemId === 'soap-2026').stock, 75);
    await coordinator.click('#catalog-keeping [data-item="soap-2026"] button.withdraw');
    await accepted(coordinator);
    assert.equal((await ledger.api('/v1/catalog')).find(i => i.itemId === 'soap-2026').withdrawn, true);
  });

  it('a project whose subsidy pays equipment and installation only: a design request it cannot cover is refused in Chinese, an equipment request is drawn on the subsidy and shown in public', async () => {
    // Opened, funded and at progress through the API, signed with the demo's own keys.
    const send = (personId, type, body) => post(ledger.address, signCommand(loadKey(ledger.keyFile(personId)), type, body));
    await send('officer-wang', 'OpenProject', {
      projectId: 'b5-fire-safety', name: '5号楼消防设施改造', community: '幸福里社区', contractPriceFen: 1_000_000, warrantyMonths: 24,
      fundingPlan: { GovernmentSubsidy: 600_000, SocialCapital: 0, ResidentCrowdfunding: 0, SelfRaised: 400_000 },
      fundPolicy: { drawing: 'InOrder', sources: [
        { source: 'GovernmentSubsidy', categories: ['Equipment', 'Installation'] }, { source: 'SelfRaised', categories: ['Design', 'Supervision'] }] },
    });
    await send('officer-wang', 'RecordReceipt', { projectId: 'b5-fire-safety', source: 'GovernmentSubsidy', amountFen: 600_000, documentHash: sha256Hex('区财政局 补助通知') });
    for (const [personId, role] of [['manager-zhao', 'ProjectManager'], ['supervisor-qian', 'ConstructionSupervisor']]) {
      await send(personId, 'AttestMilestone', { projectId: 'b5-fire-safety', milestone: 'ProgressVerified', role, evidenceHash: sha256Hex('进度核验报告') });
    }

    const officer = await browsers.signedIn('officer-wang');
    await browsers.visit(officer, '#/work');
    await officer.selectOption('#request-project', 'b5-fire-safety');
    await officer.selectOption('#request-tranche', 'Progress');
    // A restricted project's request names its category: the form offers no blank one.
    assert.deepEqual(await officer.$$eval('#request-category option', options => options.map(o => o.value)),
      ['Equipment', 'Installation', 'Design', 'Supervision', 'Other']);
    await officer.selectOption('#request-category', 'Design');
    await officer.fill('#request-amount', '1000');
    await officer.fill('#request-payee', '安捷消防工程有限公司');
    await officer.setInputFiles('#request-invoice', upload('invoice.pdf', 'design invoice'));
    const entries = ledger.entryCount();
    await officer.click('#request-disbursement');
    await officer.waitForSelector('#refusal');
    assert.equal(await officer.getAttribute('#refusal', 'data-code'), 'RestrictedFundsInsufficient');
    assert.equal(await officer.textContent('#refusal'), '未能完成：可用于这一费用类别的资金来源余额不足（其他来源的钱不能挪用）。');
    assert.equal(ledger.entryCount(), entries);

    await browsers.visit(officer, '#/work');
    await officer.selectOption('#request-project', 'b5-fire-safety');
    await officer.selectOption('#request-tranche', 'Progress');
    await officer.selectOption('#request-category', 'Equipment');
    await officer.fill('#request-amount', '1000');
    await officer.fill('#request-payee', '安捷消防工程有限公司');
    await officer.setInputFiles('#request-invoice', upload('invoice.pdf', 'equipment invoice'));
    await officer.click('#request-disbursement');
    await accepted(officer);
    const requested = (await ledger.api('/v1/projects/b5-fire-safety')).disbursements.at(-1);
    assert.equal(requested.category, 'Equipment');
    assert.deepEqual(requested.allocationFen, { GovernmentSubsidy: 1000_00 });

    const visitor = await browsers.open({ width: 390, height: 844 });
    await visitor.goto(`${ledger.address}/#/project/b5-fire-safety`);
    const card = `#disbursements [data-disbursement="${requested.disbursementId}"]`;
    await visitor.waitForSelector(card);
    assert.equal(await visitor.textContent(`${card} .category`), '设备');
    assert.equal(await visitor.textContent(`${card} .allocation`), '政府补贴 ¥1,000.00');
    assert.equal(await visitor.textContent('#restricted-funds [data-source="GovernmentSubsidy"] .permitted'), '设备、安装施工');
    assert.equal(await visitor.textContent('#restricted-funds [data-source="SocialCapital"] .permitted'), '—');
    assert.ok(await noHorizontalScroll(visitor), 'no horizontal scrolling at 390 px on a restricted project');
  });

  it('fits every workspace, the project page and the notice on a 390 px phone without horizontal scrolling', async () => {
    const phone = { width: 390, height: 844 };
    for (const personId of ['officer-wang', 'coordinator-wu', 'resident-supervisor-zhou', 'manager-zhao']) {
      const page = await browsers.signedIn(personId, phone);
      await browsers.visit(page, '#/work');
      await page.waitForSelector('#work-message', { state: 'attached' });
      await page.waitForLoadState('networkidle');
      assert.ok(await noHorizontalScroll(page), `#/work of ${personId}`);
      await page.screenshot({ path: join(screenshots, `work-${personId}-phone.png`), fullPage: true });
    }
    const registrar = await browsers.signedIn('registrar', phone, ledger.registrarKeyFile);
    await browsers.visit(registrar, '#/work');
    await registrar.waitForSelector('#people');
    assert.ok(await noHorizontalScroll(registrar), '#/work of the registrar');
    const visitor = await browsers.open(phone);
    for (const [fragment, selector] of [['#/', '.project-card'], ['#/project/b3-elevator', '#history tr[data-sequence]'], ['#/project/b3-elevator/notice', '#notice-qr']]) {
      await visitor.goto(`${ledger.address}/${fragment}`);
      await visitor.waitForSelector(selector);
      assert.ok(await noHorizontalScroll(visitor), fragment);
    }
    await visitor.screenshot({ path: join(screenshots, 'notice-phone.png'), fullPage: true });
  });

  it('leaves a ledger that the verifier audits as VALID against the root key', async () => {
    const { rootKeyId } = await ledger.api('/v1/keys');
    const audit = await ledger.audit(rootKeyId);
    assert.equal(audit.status, 0, audit.output);
    assert.match(audit.output, /VALID/);
  });
});
