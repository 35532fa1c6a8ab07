// Usable by everyone (issue 13 item 7): every screen of the page — the public ones, sign-in, and
// the workspace of every role, each person signed in in a browser context of their own — at
// 1280 px and at 390 px. axe-core (pinned in package.json, injected from node_modules into the
// page by the test, never served by the product) must find no serious or critical violation,
// and at 390 px nothing may scroll sideways. Every screen is photographed at both widths into
// artifacts/screenshots/; with LEDGER_GUIDE_IMAGES=1 the guide's images (docs/guide/) too.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { seriousViolations } from './browsers.js';
import { repository, startDemoLedger } from './ledger.js';
import { signIn, visit } from './people.js';
import { loadKey, post, sha256Hex, signCommand, signedGet } from './signing.js';

const screenshots = process.env.LEDGER_SCREENSHOTS ?? join(repository, 'artifacts', 'screenshots');
const guideImages = process.env.LEDGER_GUIDE_IMAGES === '1' ? join(repository, 'docs', 'guide', 'images') : null;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const widths = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
};

/** A resident makes a key in their own browser at #/signin, for the registrar to register. */
async function makeKey(page) {
  await page.click('details.create-key summary');
  await page.fill('#new-person-id', 'resident-b3-0602-phone');
  await page.click('#generate-key');
  await page.waitForSelector('#public-key-qr');
}

/**
 * Every screen of the page: where it is, who looks at it (nobody signed in when no one is
 * named), what shows it is drawn, and what a person does on it first. `guide` names the images
 * docs/guide/ shows: parts of the screen at 390 px (image name → the part), and the whole
 * first view at 1280 px for a few.
 */
const screens = [
  { name: 'home', fragment: '#/', ready: '.project-card', guide: { phone: { home: 'main' }, desktop: 'home-desktop' } },
  {
    name: 'project', fragment: '#/project/b3-elevator', ready: '#history tr[data-sequence]',
    guide: { phone: { 'project-header': '.project-header', 'project-funding': '#funding', 'project-disbursements': '#disbursements article' }, desktop: 'project-desktop' },
  },
  {
    name: 'project-verified', fragment: '#/project/b3-elevator', ready: '#history tr[data-sequence]',
    async then(page) {
      await page.click('#verify-button');
      await page.waitForSelector('#verify-result[data-status="pass"]', { timeout: 60_000 });
    },
    guide: { phone: { 'project-verified': '#verify' } },
  },
  { name: 'notice', fragment: '#/project/b3-elevator/notice', ready: '#notice-qr', guide: { phone: { 'notice-verify': '.notice-verify' } } },
  {
    name: 'check', fragment: '#/project/b3-elevator/notice', ready: '#notice-qr',
    // Where the notice's QR code leads a phone: the check of the printed checkpoint, passed.
    async then(page) {
      await page.goto(await page.getAttribute('#notice-qr', 'data-link'));
      await page.waitForSelector('#check-result[data-status="pass"]', { timeout: 60_000 });
    },
  },
  { name: 'signin', fragment: '#/signin', ready: '#key-file', guide: { phone: { 'signin-load-key': '#load-key' } } },
  { name: 'signin-new-key', fragment: '#/signin', ready: '#key-file', then: makeKey, guide: { phone: { 'signin-new-key': 'details.create-key' } } },
  {
    name: 'signin-unknown-key', fragment: '#/signin', ready: '#key-file',
    // The key just made, before the registrar has registered it: the page says so plainly.
    async then(page) {
      await makeKey(page);
      await page.click('#new-key a.button');
      await page.waitForSelector('#identity[data-state="UnknownKey"]');
    },
    guide: { phone: { 'signin-unknown-key': '#identity' } },
  },
  { name: 'portal', fragment: '#/portal', ready: 'main h1' },
  {
    name: 'work-finance', person: 'officer-wang', fragment: '#/work', ready: '#pay-list [data-disbursement]',
    then: page => page.click('#open-project-form summary'),
    guide: {
      phone: {
        'signed-in': '#identity', 'finance-receipt': '#receipt-form', 'finance-request': '#request-form', 'finance-pay': '#pay-list',
        'finance-open-project': '#open-project-form', 'finance-campaign': '#campaign-form', 'finance-reversal': '#reversal-form', 'finance-close': '#close-list',
      },
      desktop: 'finance-desktop',
    },
  },
  {
    name: 'work-finance-refused', person: 'officer-wang', fragment: '#/work', ready: '#request-form',
    // A request against a tranche not yet unlocked: the refusal, in Chinese, where the page says it.
    async then(page) {
      const locked = (await projectsInFull()).filter(p => p.status === 'Open')
        .flatMap(p => p.tranches.filter(tr => !tr.unlocked).map(tr => ({ p, tr })))[0];
      assert.ok(locked, 'the demo leaves a locked tranche');
      await page.selectOption('#request-project', locked.p.projectId);
      await page.selectOption('#request-tranche', locked.tr.tranche);
      await page.fill('#request-amount', '10');
      await page.fill('#request-payee', '城建第三工程有限公司');
      await page.setInputFiles('#request-invoice', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('an invoice too early') });
      await page.click('#request-disbursement');
      await page.waitForSelector('#refusal');
    },
    guide: { phone: { 'finance-refused': '#work-message' } },
  },
  ...[['ProjectManager', 'manager-zhao'], ['ConstructionSupervisor', 'supervisor-qian'], ['OwnerRepresentative', 'owner-rep-sun']].map(([role, person]) => ({
    name: `work-${person}`, person, fragment: '#/work', ready: `#inbox-${role} [data-disbursement]`,
    guide: { phone: { [`inbox-${role}`]: `#inbox-${role}` } },
  })),
  {
    name: 'work-resident-supervisor', person: 'resident-supervisor-zhou', fragment: '#/work', ready: '#supervisor [data-reversal]',
    guide: { phone: { 'supervisor-reversals': '#supervisor' } },
  },
  {
    name: 'work-resident-supervisor-audit', person: 'resident-supervisor-zhou', fragment: '#/work', ready: '#audit-button',
    // The full audit of the whole ledger, run in the browser, with its result shown.
    async then(page) {
      await page.click('#audit-button');
      await page.waitForSelector('#audit-result[data-status="pass"]', { timeout: 120_000 });
    },
  },
  {
    name: 'work-registrar-key-sheet', person: 'registrar', fragment: '#/work', ready: '#register-form',
    // A key the registrar's page made for a person without a computer: the sheet to print, the passphrase apart.
    async then(page) {
      await page.fill('#register-person-id', 'resident-access');
      await page.fill('#register-name', '无障碍测试');
      await page.click('#register-form .make-key');
      await page.waitForSelector('#key-sheet');
    },
  },
  {
    name: 'work-registrar', person: 'registrar', fragment: '#/work', ready: '#people',
    async then(page) {
      await page.fill('#people-search', 'b1-0101');
      await page.click('#people details.person summary');
    },
    guide: { phone: { 'registrar-register': '#register-form', 'registrar-people': '#people' }, desktop: 'registrar-desktop' },
  },
  {
    name: 'work-coordinator', person: 'coordinator-wu', fragment: '#/work', ready: '#redemption-queue [data-redemption]',
    guide: { phone: { 'coordinator-award': '#award-form', 'coordinator-queue': '#redemption-queue', 'coordinator-catalog': '#catalog-keeping' } },
  },
  { name: 'work-resident', person: 'resident-b3-0102', fragment: '#/work', ready: '#resident-work', guide: { phone: { 'resident-work': 'main' } } },
  {
    name: 'portal-resident', person: 'resident-b3-0102', fragment: '#/portal', ready: '#balance',
    guide: { phone: { 'resident-points': '#points', 'resident-catalog': '#catalog', 'resident-shares': '#shares', 'resident-redemptions': '#redemptions', 'resident-awards': '#awards' } },
  },
];

let ledger;
let browser;
const contexts = [];
const pageErrors = [];

function projectsInFull() {
  return ledger.api('/v1/projects').then(list => Promise.all(list.map(p => ledger.api(`/v1/projects/${p.projectId}`))));
}

/**
 * Something waiting for every role, so that no workspace is checked or photographed empty: a
 * progress payment approved and waiting to be paid, another waiting for the three signers, a
 * reversal for the resident supervisor, points awarded and a redemption for the coordinator's
 * queue. Signed by the test's own signer (signing.js), as the people would.
 */
async function somethingForEveryone() {
  const sign = (personId, type, body) => post(ledger.address, signCommand(loadKey(ledger.keyFile(personId)), type, body));
  const projects = await projectsInFull();
  const payable = projects.filter(p => p.status === 'Open' && p.totals.availableFen >= 2000_00)
    .flatMap(p => p.tranches.filter(tr => tr.unlocked && tr.cumulativeCapFen - p.totals.paidFen - p.totals.pendingFen >= 2000_00).map(tr => ({ p, tr })))[0];
  assert.ok(payable, 'the demo leaves an unlocked tranche with room for two payments');
  const { projectId } = payable.p;
  for (const invoice of ['invoice No.44020998', 'invoice No.44020999']) {
    await sign('officer-wang', 'RequestDisbursement', { projectId, tranche: payable.tr.tranche, amountFen: 1000_00, payee: '城建第三工程有限公司', invoiceHash: sha256Hex(invoice) });
  }
  // The first is approved by all three: it waits in the finance officers' list to be paid.
  const { disbursementId } = (await ledger.api(`/v1/projects/${projectId}`)).disbursements.at(-2);
  for (const [role, personId] of [['ProjectManager', 'manager-zhao'], ['ConstructionSupervisor', 'supervisor-qian'], ['OwnerRepresentative', 'owner-rep-sun']]) {
    await sign(personId, 'ApproveDisbursement', { projectId, disbursementId, role });
  }
  const receipt = projects.flatMap(p => p.receipts.filter(r => !r.reversed).map(r => ({ p, r })))[0];
  await sign('officer-wang', 'ProposeReversal', { projectId: receipt.p.projectId, entrySequence: receipt.r.sequence, reason: '重复登记：同一笔财政拨款登记了两次' });
  await sign('coordinator-wu', 'AwardPoints', { householdId: 'b3-0102', activity: 'VolunteerService', quantity: 4, points: 40, reference: '2026-07 楼道清洁' });
  const resident = loadKey(ledger.keyFile('resident-b3-0102'));
  const { points } = await signedGet(ledger.address, resident, '/v1/households/b3-0102');
  const item = (await ledger.api('/v1/catalog')).find(i => !i.withdrawn && i.pricePoints <= points.balance && (i.stock === null || i.stock > 0));
  assert.ok(item, `the catalog has an item for ${points.balance} points`);
  await post(ledger.address, signCommand(resident, 'ReserveRedemption', { householdId: 'b3-0102', itemId: item.itemId, quantity: 1 }));
}

/**
 * Tabs through the whole screen from its top: every control a person can use with a mouse is
 * reached by the keyboard (one stop per group of radio buttons), in the order they are seen,
 * and each shows where the focus is. Returns what was missed, reached out of order, or shown
 * without a focus mark.
 */
async function tabThrough(page) {
  const controls = await page.evaluate(() => {
    const groups = new Set();
    return [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
      .filter(e => !e.disabled && e.tabIndex >= 0 && e.checkVisibility({ visibilityProperty: true }) && !e.closest('[inert]'))
      .filter(e => e.type !== 'radio' || (!groups.has(e.name) && groups.add(e.name)))
      .map((e, i) => {
        e.dataset.tabStop = String(i);
        return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} "${(e.textContent || e.getAttribute('aria-label') || e.name || '').trim().slice(0, 30)}"`;
      });
  });
  // From the top of the page, wherever the person clicked last: the body focused moves the starting point there.
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  const reached = new Set();
  const unmarked = [];
  const backwards = [];
  let last = -1;
  let previous = null;
  for (let press = 0; press < 4 * controls.length + 10; press++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) {
        return null;
      }
      // What Chromium makes focusable besides the controls (a scrolled box, say) counts as a stop of its own.
      e.dataset.tabStop ??= `extra ${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`;
      const style = getComputedStyle(e);
      return { stop: e.dataset.tabStop, marked: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none' };
    });
    // A date or time input takes one Tab per field (year, month, day, hour …): one control still.
    if (focused && focused.stop === previous) {
      continue;
    }
    if (!focused || reached.has(focused.stop)) {
      break;
    }
    previous = focused.stop;
    reached.add(focused.stop);
    // The controls are listed in the document's order, which is the order they are seen in.
    const index = Number(focused.stop);
    if (index < last) {
      backwards.push(controls[index]);
    }
    last = Number.isNaN(index) ? last : index;
    if (!focused.marked) {
      unmarked.push(controls[index] ?? focused.stop);
    }
  }
  return { missed: controls.filter((_, i) => !reached.has(String(i))), backwards, unmarked };
}

/** A person's own browser at a width; signed in with their key file when one is named. */
async function browserOf(viewport, personId) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', error => pageErrors.push(error));
  if (personId) {
    await signIn(page, ledger.address, personId === 'registrar' ? ledger.registrarKeyFile : ledger.keyFile(personId));
  }
  return page;
}

/** How much wider than the screen the page is, and the last elements that stick out, for the failure message; null when it fits. */
async function sideways(page) {
  return page.evaluate(() => {
    if (document.scrollingElement.scrollWidth <= window.innerWidth) {
      return null;
    }
    const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(-5).map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''}`);
    return `${document.scrollingElement.scrollWidth} px wide at ${window.innerWidth}: ${out.join(', ')}`;
  });
}

async function photograph(page, screen, width) {
  await page.screenshot({ path: join(screenshots, `access-${screen.name}-${width}.png`), fullPage: true });
  if (!guideImages) {
    return;
  }
  if (width === 'desktop' && screen.guide?.desktop) {
    await page.screenshot({ path: join(guideImages, `${screen.guide.desktop}.png`) });
  }
  if (width === 'phone') {
    for (const [image, part] of Object.entries(screen.guide?.phone ?? {})) {
      await page.locator(part).first().screenshot({ path: join(guideImages, `${image}.png`) });
    }
  }
}

describe('every screen, for everyone: axe-core, 390 px, screenshots', { timeout: 600_000 }, () => {
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    if (guideImages) {
      mkdirSync(guideImages, { recursive: true });
    }
    ledger = await startDemoLedger();
    await somethingForEveryone();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      // Chromium's own words in the page (a file input's 选择文件) in Chinese: on Linux its UI
      // language follows LANGUAGE (the chromium-l10n package holds the words).
      env: { ...process.env, LANGUAGE: 'zh_CN' },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterEach(async () => {
    assert.deepEqual(pageErrors.splice(0).map(e => e.message), []);
    await Promise.all(contexts.splice(0).map(c => c.close()));
  });

  after(async () => {
    await browser?.close();
    await ledger?.stop();
  });

  for (const screen of screens) {
    for (const [width, viewport] of Object.entries(widths)) {
      it(`${screen.name} at ${viewport.width} px`, async () => {
        const page = await browserOf(viewport, screen.person);
        await visit(page, ledger.address, screen.fragment);
        await page.waitForSelector(screen.ready)
          .catch(async error => assert.fail(`${error.message}\n${page.url()}\n${await page.textContent('main')}`));
        await screen.then?.(page);
        await page.waitForLoadState('networkidle');
        assert.deepEqual(await seriousViolations(page), [], `axe-core on ${screen.name} at ${viewport.width} px`);
        if (width === 'phone') {
          assert.equal(await sideways(page), null, `${screen.name} scrolls sideways at 390 px`);
        }
        await photograph(page, screen, width);
        assert.deepEqual(await tabThrough(page), { missed: [], backwards: [], unmarked: [] }, `the keyboard on ${screen.name} at ${viewport.width} px`);
      });
    }
  }
});
