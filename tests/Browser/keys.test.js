// Keys handed over on paper, and a finance officer's cancellation (issue 13): signing in from a
// key's QR code, from a photo and with a camera (chromium's fake capture playing a video the
// test writes); the registrar's page making a key and printing its sheet, from which a new
// browser signs in; cancelling a project from the page. Each person has a browser context of
// their own; after every test, no request any page sent may carry a private key's seed.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import qrcode from '../../src/Api/wwwroot/js/vendor/qrcode-generator-2.0.4.js';
import { WatchedBrowsers, accepted } from './browsers.js';
import { repository, startDemoLedger } from './ledger.js';
import { loadKey, openProtectedKeyFile, post, protectKeyFile, signCommand, signedGet } from './signing.js';

const screenshots = process.env.LEDGER_SCREENSHOTS ?? join(repository, 'artifacts', 'screenshots');

let ledger;
let browsers;
let scratch;
let cameras = 0;

/** A demo person's key as a protected key file (FORMAT.md §11.2), its seed one no request may carry. */
function protectedKeyOf(personId, passphrase) {
  browsers.keepSecret(JSON.parse(readFileSync(ledger.keyFile(personId), 'utf8')).seed);
  return protectKeyFile(ledger.keyFile(personId), passphrase);
}

/** A white page of this size with the text's QR code on it (byte mode, level M, as the page draws it), dark modules of `scale` pixels. */
function pageWithQr(text, { width, height, scale }) {
  const png = new PNG({ width, height });
  png.data.fill(255);
  if (text !== null) {
    const code = qrcode(0, 'M');
    code.addData(text, 'Byte');
    code.make();
    const count = code.getModuleCount();
    const left = Math.floor((width - count * scale) / 2);
    const top = Math.floor((height - count * scale) / 2);
    assert.ok(left >= 4 * scale && top >= 4 * scale, 'the QR code and its quiet zone fit on the page');
    for (let y = 0; y < count * scale; y++) {
      for (let x = 0; x < count * scale; x++) {
        if (code.isDark(Math.floor(y / scale), Math.floor(x / scale))) {
          png.data.fill(0, ((top + y) * width + left + x) * 4, ((top + y) * width + left + x) * 4 + 3);
        }
      }
    }
  }
  return png;
}

function photo(png, name = 'key.png') {
  return { name, mimeType: 'image/png', buffer: PNG.sync.write(png) };
}

/**
 * The picture as a one-frame YUV4MPEG2 video (4:2:0, BT.601 studio range), which chromium's fake
 * camera plays over and over: each pixel's luma, and each 2×2 block's mean chroma.
 */
function y4mOf(png) {
  const { width, height, data } = png;
  assert.ok(width % 2 === 0 && height % 2 === 0);
  const luma = Buffer.alloc(width * height);
  const blue = Buffer.alloc(width * height / 4);
  const red = Buffer.alloc(width * height / 4);
  const rgb = (x, y) => [0, 1, 2].map(c => data[(y * width + x) * 4 + c]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      luma[y * width + x] = Math.round(16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256);
    }
  }
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      const block = [rgb(x, y), rgb(x + 1, y), rgb(x, y + 1), rgb(x + 1, y + 1)];
      const [r, g, b] = [0, 1, 2].map(c => block.reduce((sum, p) => sum + p[c], 0) / 4);
      blue[(y / 2) * (width / 2) + x / 2] = Math.round(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256);
      red[(y / 2) * (width / 2) + x / 2] = Math.round(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256);
    }
  }
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, blue, red]);
}

/** A browser of its own whose camera (chromium's fake capture) shows this picture; every camera stream the page opens is kept in window.cameraStreams. */
async function cameraPage(png) {
  const video = join(scratch, `camera-${cameras++}.y4m`);
  writeFileSync(video, y4mOf(png));
  const camera = await browsers.launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
  const page = await browsers.open(undefined, { on: camera });
  await page.addInitScript(() => {
    const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    window.cameraStreams = [];
    navigator.mediaDevices.getUserMedia = async constraints => {
      const stream = await open(constraints);
      window.cameraStreams.push(stream);
      return stream;
    };
  });
  return page;
}

function cameraTracks(page) {
  return page.evaluate(() => window.cameraStreams.flatMap(s => s.getTracks().map(t => `${t.kind} ${t.readyState}`)));
}

describe('keys on paper and cancelling a project', { timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    scratch = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
    ledger = await startDemoLedger();
    browsers = await WatchedBrowsers.launch(ledger);
  });

  afterEach(() => browsers.checkAndCloseContexts());

  after(async () => {
    await browsers?.close();
    await ledger?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('signs in from a photo of a key\'s QR code, and says plainly when the photo has no QR code, the QR code is no key, or the passphrase is wrong', async () => {
    const passphrase = '街道财务 2026 spring';
    const keyPage = pageWithQr(protectedKeyOf('officer-wang', passphrase), { width: 800, height: 1000, scale: 6 });
    const page = await browsers.open({ width: 390, height: 844 });
    await page.goto(`${ledger.address}/#/signin`);

    await page.setInputFiles('#key-photo', photo(pageWithQr(null, { width: 800, height: 1000 }), 'blank.png'));
    await page.waitForSelector('#scan-status.error');
    assert.equal(await page.textContent('#scan-status'), '照片里没有找到二维码。请把整个二维码拍清楚后再试。');

    const plain = readFileSync(ledger.keyFile('officer-li'), 'utf8');
    browsers.keepSecret(JSON.parse(plain).seed);
    for (const [name, text] of [['public-key.png', JSON.parse(plain).publicKey], ['plain-key.png', plain]]) {
      await page.setInputFiles('#key-photo', photo(pageWithQr(text, { width: 800, height: 1000, scale: 5 }), name));
      await page.waitForSelector('#scan-status.error >> text=这个二维码不是密钥');
      assert.equal(await page.textContent('#scan-status'), '这个二维码不是密钥。请扫描登记员打印给您的密钥页上的二维码。', name);
      assert.equal(await page.isVisible('#scanned'), false);
    }

    await page.setInputFiles('#key-photo', photo(keyPage));
    await page.waitForSelector('#scanned', { state: 'visible' });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling at 390 px on #/signin');
    await page.screenshot({ path: join(screenshots, 'signin-scan-phone.png'), fullPage: true });
    assert.equal(await page.textContent('#scan-status'), '已读到密钥（人员编号 officer-wang）。请输入登记员告诉您的密码。');
    await page.fill('#scan-passphrase', 'not the passphrase');
    await page.click('#scan-sign-in');
    await page.waitForSelector('#scan-status.error');
    assert.equal(await page.textContent('#scan-status'), '密钥文件无效：密码不对，或文件被改动过。');
    assert.equal(await page.evaluate(() => location.hash), '#/signin');

    await page.fill('#scan-passphrase', passphrase);
    await page.click('#scan-sign-in');
    await page.waitForSelector('#identity[data-state="signed-in"]');
    assert.equal(await page.textContent('#signed-in-name'), '王丽萍（街道财务）');
    assert.equal(await page.evaluate(() => location.hash), '#/work');
  });

  it('signs in by scanning a key\'s QR code with the camera, and turns the camera off once it is read, cancelled or left', async () => {
    const passphrase = '资金监管 correct horse';
    // 640×480, the size a camera gives by default, at 4 pixels a module.
    const page = await cameraPage(pageWithQr(protectedKeyOf('owner-rep-sun', passphrase), { width: 640, height: 480, scale: 4 }));
    await page.goto(`${ledger.address}/#/signin`);
    await page.click('#scan-camera');
    await page.waitForSelector('#scanned', { state: 'visible' });
    assert.equal(await page.textContent('#scan-status'), '已读到密钥（人员编号 owner-rep-sun）。请输入登记员告诉您的密码。');
    assert.deepEqual(await cameraTracks(page), ['video ended']);
    assert.equal(await page.isVisible('#viewfinder'), false);
    await page.fill('#scan-passphrase', passphrase);
    await page.click('#scan-sign-in');
    await page.waitForSelector('#identity[data-state="signed-in"]');
    assert.equal(await page.textContent('#signed-in-name'), '孙桂芝（业主代表）');

    // A camera that sees no QR code keeps looking until cancelled, or until the page is left.
    const looking = await cameraPage(pageWithQr(null, { width: 640, height: 480 }));
    await looking.goto(`${ledger.address}/#/signin`);
    for (const stop of [() => looking.click('#scan-cancel'), () => looking.click('header.site a.brand')]) {
      await looking.click('#scan-camera');
      await looking.waitForFunction(() => document.getElementById('camera').readyState >= 2);
      assert.deepEqual(await cameraTracks(looking), ['video live']);
      assert.equal(await looking.textContent('#scan-status'), '请把密钥页上的二维码对准摄像头……');
      await stop();
      await looking.waitForFunction(() => window.cameraStreams.every(s => s.getTracks().every(t => t.readyState === 'ended')));
      assert.equal(await looking.isVisible('#viewfinder'), false);
      await looking.evaluate(() => {
        window.cameraStreams = [];
      });
    }
  });

  it('the registrar makes a key for a new resident and prints its sheet, the passphrase shown apart; the resident signs in from a photo of the sheet and pays part of their share; a second key is added the same way', async () => {
    // A household of the elevator campaign that still owes, as a finance officer reads it.
    const officerKey = loadKey(ledger.keyFile('officer-wang'));
    let householdId;
    for (const id of [1, 2, 3, 4, 5, 6].flatMap(floor => [`b3-0${floor}01`, `b3-0${floor}02`])) {
      const share = (await signedGet(ledger.address, officerKey, `/v1/households/${id}`)).shares.find(x => x.projectId === 'b3-elevator');
      householdId ??= share?.dueFen > 100 ? id : undefined;
    }
    assert.ok(householdId, 'the demo leaves a household of b3 owing its share');
    const personId = `resident-${householdId}-paper`;
    const name = '高秀兰（纸质密钥）';

    const registrar = await browsers.signedIn('registrar', undefined, ledger.registrarKeyFile);
    await registrar.goto(`${ledger.address}/#/work`);
    await registrar.waitForSelector('#register-form');
    await registrar.click('#register-form .make-key');
    assert.equal(await registrar.textContent('#register-form .form-error'), '人员编号只能包含字母、数字、点、下划线和连字符，最多 64 个字符。');
    assert.equal(await registrar.locator('#key-sheet').count(), 0);
    await registrar.fill('#register-person-id', personId);
    await registrar.fill('#register-name', name);
    await registrar.check('#register-role-Resident');
    await registrar.fill('#register-household', householdId);
    await registrar.click('#register-form .make-key');
    await registrar.waitForSelector('#key-sheet');
    const passphrase = await registrar.textContent('#handover-passphrase');
    assert.match(passphrase, /^[2-9a-hjkmnp-z]{4}(-[2-9a-hjkmnp-z]{4}){3}$/);
    const publicKey = await registrar.inputValue('#register-public-key');
    assert.match(publicKey, /^[0-9a-f]{64}$/);
    // The sheet names the key: the person id and name can no longer change.
    assert.deepEqual(await registrar.$$eval('#register-person-id, #register-name, #register-public-key', inputs => inputs.map(i => i.readOnly)), [true, true, true]);

    // Printed, the sheet is alone on the paper: its QR code, the name, the id and the key id; not the passphrase.
    await registrar.emulateMedia({ media: 'print' });
    assert.equal(await registrar.isVisible('#key-sheet svg.qr'), true);
    for (const elsewhere of ['#key-passphrase', '#register-person', '#people', '#identity']) {
      assert.equal(await registrar.isVisible(elsewhere), false, elsewhere);
    }
    const sheet = await registrar.textContent('#key-sheet');
    assert.ok(sheet.includes(name) && sheet.includes(personId) && !sheet.includes(passphrase), sheet);
    const printed = await registrar.screenshot({ path: join(screenshots, 'key-sheet-print.png'), fullPage: true });
    await registrar.emulateMedia({ media: 'screen' });
    await registrar.screenshot({ path: join(screenshots, 'work-registrar-key.png'), fullPage: true });

    // The QR code holds the protected key file of the public key the registrar will sign for;
    // it opens with the passphrase shown, and its seed is one no request may carry.
    const png = PNG.sync.read(printed);
    const scanned = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(scanned, 'the printed sheet\'s QR code decodes');
    const file = JSON.parse(scanned.data);
    assert.deepEqual([file.format, file.personId, file.publicKey], ['CommunityLedger/v1/protected-key', personId, publicKey]);
    assert.ok(sheet.includes(file.keyId));
    browsers.keepSecret(openProtectedKeyFile(scanned.data, passphrase));

    await registrar.click('#register-person');
    await accepted(registrar);
    assert.equal(await registrar.locator('#key-passphrase').count(), 0, 'the passphrase is shown once');

    // The resident's phone, a browser of their own: a photo of the sheet and the passphrase told.
    const resident = await browsers.open({ width: 390, height: 844 });
    await resident.goto(`${ledger.address}/#/signin`);
    await resident.setInputFiles('#key-photo', { name: 'key-sheet.png', mimeType: 'image/png', buffer: printed });
    await resident.waitForSelector('#scanned', { state: 'visible' });
    await resident.fill('#scan-passphrase', passphrase);
    await resident.click('#scan-sign-in');
    await resident.waitForSelector('#identity[data-state="signed-in"]');
    assert.equal(await resident.textContent('#signed-in-name'), name);
    assert.equal(await resident.textContent('#signed-in-roles'), '居民');
    await resident.goto(`${ledger.address}/#/portal`);
    await resident.waitForSelector('#balance');
    const row = '#shares tr[data-project="b3-elevator"]';
    await resident.fill(`${row} .pay-amount`, '1');
    await resident.click(`${row} .pay-share`);
    await resident.waitForSelector('#redeem-message.ok');
    const household = await signedGet(ledger.address, officerKey, `/v1/households/${householdId}`);
    assert.equal(household.payments.at(-1).amountFen, 100);
    assert.equal(household.history.at(-1).personId, personId);

    // A second key for the same person, made and printed from their card in the people list.
    await registrar.fill('#people-search', name);
    const card = `#people [data-person="${personId}"]`;
    await registrar.click(`${card} summary`);
    await registrar.click(`${card} .make-key`);
    await registrar.waitForSelector(`${card} #key-sheet`);
    const second = PNG.sync.read(await registrar.locator('#key-sheet svg.qr').screenshot());
    const secondFile = jsQR(new Uint8ClampedArray(second.data), second.width, second.height).data;
    browsers.keepSecret(openProtectedKeyFile(secondFile, await registrar.textContent('#handover-passphrase')));
    assert.equal(JSON.parse(secondFile).publicKey, await registrar.inputValue(`${card} textarea`));
    await registrar.click(`${card} .add-key`);
    await accepted(registrar);
    await registrar.fill('#people-search', name);
    assert.deepEqual(await registrar.$$eval(`${card} ul.keys li code`, keys => keys.map(k => k.textContent)), [file.keyId, JSON.parse(secondFile).keyId]);
  });

  it('a finance officer cancels a project from the page, with a reason and a confirm step, refunding every household that paid; a project with a payment made is refused in Chinese and nothing is written', async () => {
    const officerKey = loadKey(ledger.keyFile('officer-wang'));
    const projectId = 'b5-canopy';
    const paying = ['b5-0102', 'b5-0201'];
    await post(ledger.address, signCommand(officerKey, 'OpenProject', {
      community: '幸福里社区', contractPriceFen: 10_000_000,
      fundingPlan: { GovernmentSubsidy: 7_000_000, ResidentCrowdfunding: 3_000_000, SelfRaised: 0, SocialCapital: 0 },
      name: '5号楼单元门雨棚', projectId, warrantyMonths: 12,
    }));
    await post(ledger.address, signCommand(officerKey, 'StartCampaign', {
      households: ['b5-0101', ...paying].map(householdId => ({ floor: Number(householdId.slice(3, 5)), householdId })), projectId, rule: 'Flat', targetFen: 3_000_000,
    }));
    for (const [i, householdId] of paying.entries()) {
      await post(ledger.address, signCommand(loadKey(ledger.keyFile(`resident-${householdId}`)), 'PayShare', { amountFen: 200_000 * (i + 1), householdId, projectId }));
    }

    const officer = await browsers.signedIn('officer-wang');
    await officer.goto(`${ledger.address}/#/work`);
    await officer.waitForSelector('#cancel-form');

    // The elevator has paid its contractor: refused, in Chinese, and nothing written.
    const before = ledger.entryCount();
    await officer.selectOption('#cancel-project', 'b3-elevator');
    await officer.click('#cancel-project-start');
    assert.equal(await officer.textContent('#cancel-form .form-error'), '请填写理由。');
    await officer.fill('#cancel-reason', '测试取消');
    await officer.click('#cancel-project-start');
    await officer.waitForSelector('#cancel-warning');
    assert.match(await officer.textContent('#cancel-warning'), /^确认取消“3号楼加装电梯”？将向 \d+ 户住户退款，共 ¥[\d,]+\.\d\d。取消后不能恢复。/);
    await officer.click('#cancel-project-confirm');
    await officer.waitForSelector('#refusal');
    assert.equal(await officer.getAttribute('#refusal', 'data-code'), 'DisbursementsOutstanding');
    assert.equal(await officer.textContent('#refusal'), '未能完成：还有未完成的拨付申请。请先处理完再取消或结项。');
    assert.equal(ledger.entryCount(), before);

    // The canopy has paid nothing: what cancelling refunds is said first; going back signs nothing.
    await officer.selectOption('#cancel-project', projectId);
    await officer.fill('#cancel-reason', '居民议事会决定不再加装雨棚');
    await officer.click('#cancel-project-start');
    await officer.waitForSelector('#cancel-warning');
    assert.equal(await officer.textContent('#cancel-warning p'), '确认取消“5号楼单元门雨棚”？将向 2 户住户退款，共 ¥6,000.00。取消后不能恢复。');
    await officer.click('#cancel-project-back');
    assert.equal(await officer.locator('#cancel-warning').count(), 0);
    assert.equal(ledger.entryCount(), before);
    await officer.click('#cancel-project-start');
    await officer.click('#cancel-project-confirm');
    await accepted(officer);
    assert.equal(await officer.textContent('#accepted'), '已取消项目：5号楼单元门雨棚，已向 2 户退款。');
    await officer.screenshot({ path: join(screenshots, 'work-finance-cancelled.png'), fullPage: true });

    const response = await fetch(`${ledger.address}/v1/entries?stream=project/${projectId}&from=0&limit=1000`);
    const written = (await response.json()).entries.slice(-3);
    assert.deepEqual(written.map(e => [e.type, e.entry.body]), [
      ['ProjectCancelled', { reason: '居民议事会决定不再加装雨棚' }],
      ['ContributionRefunded', { amountFen: 200_000, householdId: 'b5-0102' }],
      ['ContributionRefunded', { amountFen: 400_000, householdId: 'b5-0201' }],
    ]);
    assert.equal((await (await fetch(`${ledger.address}/v1/projects/${projectId}`)).json()).status, 'Cancelled');
    const refunded = await signedGet(ledger.address, officerKey, '/v1/households/b5-0201');
    assert.equal(refunded.shares.find(x => x.projectId === projectId).paidFen, 0);
  });
});
