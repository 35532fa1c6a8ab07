// Issue 17 parts 2 and 3 in the page: the finance officer's 银行对账 (a bank statement imported,
// matched, signed), the resident supervisor's countersignature, and the open-project form's fund
// policy. Each person signs in, in a browser context of their own, with their demo key file; the
// test's own signer (signing.js, apart from the page's code) prepares what the page is to find.
// After every test, no request any page sent may carry a private key's bytes.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { WatchedBrowsers, accepted, seriousViolations } from './browsers.js';
import { repository, shownAmount, startDemoLedger } from './ledger.js';
import { canonical, loadKey, post, sha256Hex, signCommand } from './signing.js';

const screenshots = process.env.LEDGER_SCREENSHOTS ?? join(repository, 'artifacts', 'screenshots');
const Phone = { width: 390, height: 844 };
const Header = 'date,amount,counterparty,reference,balance';

let ledger;
let browsers;

/** A day in China Standard Time (UTC+08:00, docs/BANK.md), "2026-03-31", of a time in ms. */
function chinaDay(ms) {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Fen as the statement writes yuan: exactly two decimals, a minus sign for a debit. */
function statementYuan(fen) {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A statement file: each line {date, amountFen, counterparty, reference}, the balance carried from zero. */
function statement(lines) {
  let balance = 0;
  return [Header, ...lines.map(line => {
    balance += line.amountFen;
    const counterparty = /[",]/.test(line.counterparty) ? `"${line.counterparty.replaceAll('"', '""')}"` : line.counterparty;
    return [line.date, statementYuan(line.amountFen), counterparty, line.reference, statementYuan(balance)].join(',');
  })].join('\n') + '\n';
}

/** The calendar quarters from one day's to another's, as the page is to default the period. */
function quarters(fromDay, toDay) {
  const [fromYear, fromMonth] = fromDay.split('-').map(Number);
  const [toYear, toMonth] = toDay.split('-').map(Number);
  const first = Math.floor((fromMonth - 1) / 3) * 3 + 1;
  const last = Math.floor((toMonth - 1) / 3) * 3 + 3;
  const lastDay = { 3: 31, 6: 30, 9: 30, 12: 31 }[last];
  return { from: `${fromYear}-${String(first).padStart(2, '0')}-01`, to: `${toYear}-${String(last).padStart(2, '0')}-${lastDay}` };
}

/** The statement match as a signed read (docs/API.md "Bank statements"), sent by the test's own signer. */
async function match(key, projectId, from, to, csv) {
  const target = `/v1/projects/${projectId}/statement-match?fromDate=${from}&toDate=${to}`;
  const header = Buffer.from(canonical(signCommand(key, 'ReadRequest', { method: 'POST', target }))).toString('base64url');
  const response = await fetch(ledger.address + target, { method: 'POST', headers: { Authorization: `Ledger ${header}`, 'Content-Type': 'text/csv' }, body: csv });
  assert.ok(response.ok, `${target}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

/** A person's own browser, signed in with their key file, at their workspace. */
async function signedIn(personId, viewport) {
  const page = await browsers.signedIn(personId, viewport);
  await page.goto(`${ledger.address}/#/work`);
  return page;
}

function csvFile(name, text) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text) };
}

/** Chooses the project and the file, takes the period the page proposes unless one is given, and imports. */
async function importStatement(page, projectId, file, period) {
  await page.waitForSelector('#statement-form');
  await page.selectOption('#statement-project', projectId);
  await page.setInputFiles('#statement-file', file);
  await page.waitForSelector('#statement-form[aria-busy="false"]');
  if (period) {
    await page.fill('#statement-from', period.from);
    await page.fill('#statement-to', period.to);
  }
  await page.click('#match-statement');
  await page.waitForSelector('#statement-result .statement-match, #statement-problem, #statement-form .form-error');
}

/** Texts of a column of a result table, by its rows' data attribute. */
function rows(page, tableId, attribute) {
  return page.locator(`#${tableId} tbody tr`).evaluateAll((trs, name) => trs.map(tr => tr.dataset[name]), attribute);
}

/**
 * A statement of the demo's own project built from the ledger's movements on its account: a
 * line for each movement, in the order recorded, dated its day in CST, but the last movement
 * left out (so it shows in the ledger only); then a line of bank interest (in the bank only).
 * The movements are what the statement match itself lists for a statement that matches none.
 */
async function demoStatement(projectId) {
  const officerKey = loadKey(ledger.keyFile('officer-wang'));
  const today = chinaDay(Date.now());
  const tomorrow = chinaDay(Date.now() + 86_400_000);
  const probe = await match(officerKey, projectId, '2000-01-01', tomorrow,
    statement([{ date: today, amountFen: 1, counterparty: '探查', reference: 'PROBE' }]));
  const movements = probe.unmatchedEntries;
  assert.ok(movements.filter(m => m.reference).length >= 3, JSON.stringify(movements));
  const kept = movements.slice(0, -1);
  const left = movements.at(-1);
  const lastDay = chinaDay(Date.parse(left.recordedAt));
  const lines = [
    ...kept.map(m => ({ date: chinaDay(Date.parse(m.recordedAt)), amountFen: m.amountFen, counterparty: `转账${m.reference ?? ''}`, reference: m.reference ?? '' })),
    { date: lastDay, amountFen: 35, counterparty: '中国工商银行,结息', reference: 'INTEREST-2026' },
  ];
  return {
    csv: statement(lines),
    period: quarters(lines[0].date, lastDay),
    // Lines are numbered from 2 (the header is line 1).
    matched: kept.map((m, i) => ({ line: i + 2, movement: m })).filter(x => x.movement.reference),
    unmatchedLines: lines.map((l, i) => ({ ...l, line: i + 2 })).filter(l => !l.reference || l.reference === 'INTEREST-2026'),
    left,
    statementClosingFen: lines.reduce((sum, l) => sum + l.amountFen, 0),
    ledgerClosingFen: movements.reduce((sum, m) => sum + m.amountFen, 0),
  };
}

/** Days of the calendar month before this one (CST): a period that has ended, before any project the test opens today. */
function lastMonth() {
  const [year, month] = chinaDay(Date.now()).split('-').map(Number);
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${y}-${String(m).padStart(2, '0')}-01`, to: `${y}-${String(m).padStart(2, '0')}-${days}` };
}

/** A project of the test's own, opened today with one receipt of 1,000 yuan (reference GOV-BANK-1). */
async function openWithReceipt(projectId) {
  const officerKey = loadKey(ledger.keyFile('officer-wang'));
  await post(ledger.address, signCommand(officerKey, 'OpenProject', {
    community: '幸福里社区', contractPriceFen: 10_000_000,
    fundingPlan: { GovernmentSubsidy: 10_000_000, ResidentCrowdfunding: 0, SelfRaised: 0, SocialCapital: 0 },
    name: '5号楼消防设施', projectId, warrantyMonths: 12,
  }));
  await post(ledger.address, signCommand(officerKey, 'RecordReceipt', {
    amountFen: 100_000, documentHash: sha256Hex('拨款通知'), projectId, reference: 'GOV-BANK-1', source: 'GovernmentSubsidy',
  }));
}

async function refusedWith(page, code) {
  await page.waitForSelector('#refusal, #accepted');
  assert.equal(await page.getAttribute('#refusal', 'data-code'), code, await page.textContent('#work-message'));
}

describe('bank reconciliation and restricted funds in the page', { timeout: 300_000 }, () => {
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

  it('the finance officer imports a statement of a demo project and sees what pairs and what does not, on both sides, writing nothing', async () => {
    const expected = await demoStatement('b3-elevator');
    const before = ledger.entryCount();
    const officer = await signedIn('officer-wang');

    await importStatement(officer, 'b3-elevator', csvFile('b3-elevator-statement.csv', expected.csv));

    assert.equal(await officer.inputValue('#statement-from'), expected.period.from);
    assert.equal(await officer.inputValue('#statement-to'), expected.period.to);
    assert.equal(await officer.locator('#statement-problem').count(), 0, await officer.textContent('#statement-result'));
    assert.equal(await officer.getAttribute('#statement-hash code', 'title'), sha256Hex(expected.csv));
    // The pairs are folded away until asked for.
    assert.equal(await officer.isVisible('#matched'), false);
    await officer.click('.statement-match details.matched summary');
    assert.equal(await officer.textContent('.statement-match details.matched summary'), `已配对（${expected.matched.length} 笔）`);
    assert.deepEqual(await rows(officer, 'matched', 'line'), expected.matched.map(m => String(m.line)));
    assert.deepEqual(await rows(officer, 'matched', 'entry'), expected.matched.map(m => String(m.movement.entrySequence)));
    assert.deepEqual(await rows(officer, 'unmatched-lines', 'line'), expected.unmatchedLines.map(l => String(l.line)));
    const interest = officer.locator(`#unmatched-lines tr[data-line="${expected.unmatchedLines.at(-1).line}"]`);
    assert.deepEqual(await interest.locator('td').allTextContents(),
      [String(expected.unmatchedLines.at(-1).line), expected.unmatchedLines.at(-1).date, '¥0.35', '中国工商银行,结息', 'INTEREST-2026']);
    assert.deepEqual(await rows(officer, 'unmatched-entries', 'entry'), [String(expected.left.entrySequence)]);
    const left = officer.locator(`#unmatched-entries tr[data-entry="${expected.left.entrySequence}"] td`);
    assert.equal(await left.nth(2).textContent(), shownAmount(expected.left.amountFen));
    assert.equal(await left.nth(3).textContent(), expected.left.reference ?? '—');
    assert.equal(await officer.getAttribute('#statement-closing .money', 'data-fen'), String(expected.statementClosingFen));
    assert.equal(await officer.getAttribute('#ledger-closing .money', 'data-fen'), String(expected.ledgerClosingFen));
    assert.ok((await officer.textContent('#ledger-closing')).includes(`不一致，相差 ${shownAmount(expected.statementClosingFen - expected.ledgerClosingFen)}`),
      await officer.textContent('#ledger-closing'));
    assert.equal(ledger.entryCount(), before);
    assert.deepEqual(await seriousViolations(officer), []);
    await officer.locator('#statement-form').screenshot({ path: join(screenshots, 'work-bank-statement.png') });
  });

  it('a statement not chosen is said before sending; one the ledger cannot read is refused with its line and column, and nothing is written', async () => {
    const day = chinaDay(Date.now());
    const before = ledger.entryCount();
    const officer = await signedIn('officer-wang');
    await officer.waitForSelector('#statement-form');
    await officer.click('#match-statement');
    assert.equal(await officer.textContent('#statement-form .form-error'), '请选择银行对账单文件。');

    await importStatement(officer, 'b3-elevator', csvFile('bad.csv', `${Header}\n${day},100.00,财政所,GOV-X,100.00\n${day},4000.0,财政所,GOV-Y,4100.00\n`));

    assert.equal(await officer.getAttribute('#statement-problem', 'data-code'), 'MalformedStatement');
    assert.equal(await officer.textContent('#statement-problem'),
      '第 3 行第 2 列有误（第 1 行是标题行，列按字段数）。银行对账单文件格式不正确，请按提示的行和列修改后重新导入。');
    assert.equal(await officer.getAttribute('#statement-problem', 'role'), 'alert');
    assert.equal(await officer.locator('#sign-reconciliation').count(), 0);
    assert.deepEqual(await seriousViolations(officer), []);
    assert.equal(ledger.entryCount(), before);
  });

  it('signing is refused for a period not ended and for a closing balance the ledger does not have, with their Chinese texts; a balanced, ended period is signed, and countersigned by another resident supervisor only', async () => {
    const projectId = 'b5-fire-safety';
    await openWithReceipt(projectId);
    const now = Date.now();
    const today = chinaDay(now);
    const aroundToday = { from: chinaDay(now - 86_400_000), to: chinaDay(now + 86_400_000) };
    const officer = await signedIn('officer-wang');
    const before = ledger.entryCount();

    // Today's receipt, matched and balanced: the period has not ended, so the ledger refuses it.
    await importStatement(officer, projectId, csvFile('today.csv',
      statement([{ date: today, amountFen: 100_000, counterparty: '荷花街道财政所', reference: 'GOV-BANK-1' }])), aroundToday);
    assert.equal(await officer.locator('.statement-match').getAttribute('data-agree'), 'true');
    assert.deepEqual(await rows(officer, 'matched', 'line'), ['2']);
    await officer.click('#sign-reconciliation');
    await refusedWith(officer, 'ReconciliationPeriodNotEnded');
    assert.equal(await officer.textContent('#refusal'), '未能完成：对账期间尚未结束（以北京时间次日零点为准），不能对账。');

    // Last month has ended, before the project was opened: its balance is zero, and the statement says 100 yuan.
    const ended = lastMonth();
    await importStatement(officer, projectId, csvFile('interest.csv',
      statement([{ date: ended.to, amountFen: 10_000, counterparty: '中国工商银行', reference: '' }])), ended);
    assert.equal(await officer.locator('.statement-match').getAttribute('data-agree'), 'false');
    await officer.click('#sign-reconciliation');
    await refusedWith(officer, 'ReconciliationBalanceMismatch');
    assert.match(await officer.textContent('#refusal'), /银行对账单的期末余额与账本余额不一致，不能签署对账。/);
    assert.equal(ledger.entryCount(), before);

    // The same period with a statement that closes at zero, as the ledger does: signed by a
    // resident supervisor who is also a finance officer, who is then not offered to countersign it.
    const registrar = loadKey(ledger.registrarKeyFile);
    await post(ledger.address, signCommand(registrar, 'GrantRole', { personId: 'resident-supervisor-feng', role: 'FinanceOfficer' }));
    const balanced = statement([
      { date: ended.from, amountFen: 10_000, counterparty: '临时存入', reference: 'TMP-1' },
      { date: ended.to, amountFen: -10_000, counterparty: '临时存入', reference: 'TMP-2' },
    ]);
    const feng = await signedIn('resident-supervisor-feng');
    await importStatement(feng, projectId, csvFile('balanced.csv', balanced), ended);
    const beforeSigning = ledger.entryCount();
    await feng.click('#sign-reconciliation');
    await accepted(feng);
    assert.equal(ledger.entryCount(), beforeSigning + 1);
    const signed = (await ledger.api(`/v1/projects/${projectId}`)).reconciliations.at(-1);
    assert.deepEqual({ ...signed, reconciliationId: undefined }, {
      reconciliationId: undefined, fromDate: ended.from, toDate: ended.to, closingBalanceFen: 0, statementHash: sha256Hex(balanced),
      matchedCount: 0, unmatchedStatementCount: 2, unmatchedLedgerCount: 0, signedBy: 'resident-supervisor-feng', countersignedBy: null,
    });
    const own = feng.locator(`#reconciliations [data-reconciliation="${signed.reconciliationId}"]`);
    assert.equal(await own.locator('.countersign-reconciliation').count(), 0);
    assert.equal(await own.locator('.why').textContent(), '这是您本人签署的对账，须由另一位居民监督员复核。');

    // The public project page lists it, awaiting countersignature.
    const row = `#project-reconciliations tr[data-reconciliation="${signed.reconciliationId}"]`;
    await feng.goto(`${ledger.address}/#/project/${projectId}`);
    await feng.waitForSelector(row);
    assert.deepEqual(await feng.locator(`${row} td`).allTextContents().then(cells => cells.slice(0, 4)),
      [`#${signed.reconciliationId}`, `${ended.from} 至 ${ended.to}`, '¥0.00', '配对 0 笔，银行有账本无 2 笔，账本有银行无 0 笔']);
    assert.equal(await feng.getAttribute(`${row} code.hash`, 'title'), sha256Hex(balanced));
    assert.equal(await feng.getAttribute(`${row} .signed .person`, 'data-person'), 'resident-supervisor-feng');
    assert.equal(await feng.textContent(`${row} .countersigned`), '待复核');

    const zhou = await signedIn('resident-supervisor-zhou', Phone);
    const card = zhou.locator(`#reconciliations [data-reconciliation="${signed.reconciliationId}"]`);
    await card.waitFor();
    assert.match(await card.locator('h3').textContent(), new RegExp(`对账期间 ${ended.from} 至 ${ended.to}`));
    assert.equal(await card.locator('.counts').textContent(), '配对 0 笔，银行有账本无 2 笔，账本有银行无 0 笔');
    assert.equal(await card.locator('code.hash').getAttribute('title'), sha256Hex(balanced));
    await card.locator('input[type=file]').setInputFiles(csvFile('balanced.csv', balanced));
    await card.locator('.hash-check[data-match="true"]').waitFor();
    assert.ok(await zhou.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    assert.deepEqual(await seriousViolations(zhou), []);
    await zhou.locator('#reconciliations').screenshot({ path: join(screenshots, 'work-countersign-phone.png') });
    await card.locator('.countersign-reconciliation').click();
    await accepted(zhou);
    const view = await ledger.api(`/v1/projects/${projectId}`);
    assert.equal(view.reconciliations.at(-1).countersignedBy, 'resident-supervisor-zhou');
    assert.deepEqual({ toDate: view.lastReconciled.toDate, closingBalanceFen: view.lastReconciled.closingBalanceFen }, { toDate: ended.to, closingBalanceFen: 0 });
    assert.equal(await zhou.locator(`#reconciliations [data-reconciliation="${signed.reconciliationId}"]`).count(), 0);
    // …and then by whom it was countersigned.
    await zhou.goto(`${ledger.address}/#/project/${projectId}`);
    await zhou.waitForSelector(`${row} .countersigned .person`);
    assert.equal(await zhou.getAttribute(`${row} .countersigned .person`, 'data-person'), 'resident-supervisor-zhou');
    assert.ok(await zhou.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  });

  it('on a 390 px phone the finance officer imports the statement and reads every result without scrolling sideways', async () => {
    const expected = await demoStatement('b3-elevator');
    const officer = await signedIn('officer-wang', Phone);

    await importStatement(officer, 'b3-elevator', csvFile('b3-elevator-statement.csv', expected.csv));

    assert.equal(await officer.locator('#statement-problem').count(), 0);
    assert.deepEqual(await rows(officer, 'unmatched-entries', 'entry'), [String(expected.left.entrySequence)]);
    assert.equal(await officer.locator('#unmatched-lines tbody tr').count(), expected.unmatchedLines.length);
    assert.ok(await officer.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    assert.deepEqual(await seriousViolations(officer), []);
    await officer.locator('#statement-form').screenshot({ path: join(screenshots, 'work-bank-statement-phone.png') });
  });

  it('a project opened with a fund policy restricts each source to the categories ticked; ticking none is said before signing; left unticked, nothing is restricted', async () => {
    const officer = await signedIn('officer-wang');
    await officer.click('#open-project-form summary');
    await officer.fill('#open-project-id', 'b2-fire-hydrants');
    await officer.fill('#open-name', '2号楼消防栓更新');
    await officer.fill('#open-contract', '200000');
    await officer.fill('#open-plan-GovernmentSubsidy', '120000');
    await officer.fill('#open-plan-SelfRaised', '80000');
    assert.equal(await officer.isVisible('#open-permit-GovernmentSubsidy-Equipment'), false);
    await officer.check('#open-restrict');
    const before = ledger.entryCount();
    await officer.click('#open-project');
    assert.equal(await officer.textContent('#open-project-form .form-error'), '限定用途时，请至少为一个资金来源勾选允许的用途。');
    assert.equal(ledger.entryCount(), before);

    await officer.check('#open-permit-GovernmentSubsidy-Equipment');
    await officer.check('#open-permit-GovernmentSubsidy-Installation');
    for (const category of ['Equipment', 'Installation', 'Design', 'Supervision', 'Other']) {
      await officer.check(`#open-permit-SelfRaised-${category}`);
    }
    await officer.check('#open-drawing-ProRata');
    assert.deepEqual(await seriousViolations(officer), []);
    await officer.locator('#open-fund-policy').screenshot({ path: join(screenshots, 'work-fund-policy.png') });
    await officer.click('#open-project');
    await accepted(officer);

    const project = await ledger.api('/v1/projects/b2-fire-hydrants');
    assert.equal(project.fundDrawing, 'ProRata');
    assert.deepEqual(Object.fromEntries(project.fundingSources.map(s => [s.source, s.permittedCategories])), {
      GovernmentSubsidy: ['Equipment', 'Installation'], SocialCapital: [], ResidentCrowdfunding: [],
      SelfRaised: ['Equipment', 'Installation', 'Design', 'Supervision', 'Other'],
    });
    // The request form then names a category for it, with no blank choice.
    await officer.selectOption('#request-project', 'b2-fire-hydrants');
    assert.deepEqual(await officer.locator('#request-category option').evaluateAll(os => os.map(o => o.value)),
      ['Equipment', 'Installation', 'Design', 'Supervision', 'Other']);

    // Left unticked, the project is opened as before restricted funds: no policy, nothing restricted.
    await officer.click('#open-project-form summary');
    await officer.fill('#open-project-id', 'b2-bike-shed');
    await officer.fill('#open-name', '2号楼非机动车棚');
    await officer.fill('#open-contract', '50000');
    await officer.fill('#open-plan-SelfRaised', '50000');
    await officer.click('#open-project');
    await accepted(officer);
    const unrestricted = await ledger.api('/v1/projects/b2-bike-shed');
    assert.equal(unrestricted.fundDrawing, null);
    assert.ok(unrestricted.fundingSources.every(s => s.permittedCategories === null));
    const { entries: [opened] } = await ledger.api('/v1/entries?stream=project/b2-bike-shed&from=0&limit=1');
    assert.equal(opened.type, 'ProjectOpened');
    assert.equal('fundPolicy' in opened.entry.body, false, JSON.stringify(opened.entry.body));
  });
});
