// What the browser test files share: how chromium is launched, the check, after every test,
// that no request any page sent carries a private key (WatchedBrowsers, for the files whose
// people each sign in in a browser of their own), and axe-core's findings on a page.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { signIn, visit as visitFragment } from './people.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const axeScript = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Headless chromium with a fresh profile; extra flags (a fake camera) when given. */
export function launchChromium(flags = []) {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...flags],
  });
}

/**
 * No request carries a private key: no seed (hex) of these in hex, base64 or base64url, in the
 * URL, the headers or the body, nor inside a signed read's Authorization header once decoded.
 */
export function assertNoKeySent(requests, seeds) {
  const secrets = [...seeds].flatMap(hex => {
    const bytes = Buffer.from(hex, 'hex');
    return [hex, hex.toUpperCase(), bytes.toString('base64'), bytes.toString('base64url')];
  });
  for (const request of requests) {
    const text = [request.url, JSON.stringify(request.headers), request.body].join('\n');
    const decoded = text + Buffer.from(text.match(/Ledger ([A-Za-z0-9_-]+)/)?.[1] ?? '', 'base64url').toString();
    for (const secret of secrets) {
      assert.ok(!decoded.includes(secret), `a request to ${request.url} carries a private key`);
    }
  }
}

/**
 * The browsers of a test file's people on one demo ledger, watched: each person's page in a
 * context of its own (their own IndexedDB), every request any page sends and every error a page
 * throws kept, with the seeds of the keys shown to the pages, so that after each test no page
 * threw and no request carried one of those seeds.
 */
export class WatchedBrowsers {
  #ledger;
  #chromiums = [];
  #contexts = [];
  #sent = [];
  #pageErrors = [];
  #seeds = new Set();

  constructor(ledger) {
    this.#ledger = ledger;
  }

  /** Watched browsers on this demo ledger, with a chromium launched for them. */
  static async launch(ledger) {
    const browsers = new WatchedBrowsers(ledger);
    await browsers.launch();
    return browsers;
  }

  /** Another chromium (with these flags) on which open() may open a person's browser; closed with the rest. */
  async launch(flags = []) {
    const launched = await launchChromium(flags);
    this.#chromiums.push(launched);
    return launched;
  }

  /** A person's own browser: a fresh context (its own IndexedDB), every request recorded; on the first chromium unless `on` says another. */
  async open(viewport = { width: 1280, height: 900 }, { on = this.#chromiums[0] } = {}) {
    const context = await on.newContext({ viewport, locale: 'zh-CN' });
    this.#contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('request', request => this.#sent.push({ url: request.url(), headers: request.headers(), body: request.postData() ?? '' }));
    page.on('pageerror', error => this.#pageErrors.push(error));
    return page;
  }

  /** A private key's seed (hex) that the test shows a page otherwise than by signedIn: no request may carry it. */
  keepSecret(seed) {
    this.#seeds.add(seed);
  }

  /** A demo person's own browser, signed in with their key file as at #/signin; its seed one no request may carry. */
  async signedIn(personId, viewport, keyFile = this.#ledger.keyFile(personId)) {
    const page = await this.open(viewport);
    this.keepSecret(JSON.parse(readFileSync(keyFile, 'utf8')).seed);
    await signIn(page, this.#ledger.address, keyFile);
    return page;
  }

  /** Opens a fragment of the ledger's page afresh. */
  visit(page, fragment) {
    return visitFragment(page, this.#ledger.address, fragment);
  }

  /** After each test: no page threw, no request carried a seed shown; then every context it opened is closed. */
  async checkAndCloseContexts() {
    assert.deepEqual(this.#pageErrors.splice(0).map(e => e.message), []);
    assertNoKeySent(this.#sent, this.#seeds);
    // Requests were seen, wherever a browser was opened: the check above ran over something.
    assert.ok(this.#contexts.length === 0 || this.#sent.length > 0);
    this.#sent.length = 0;
    await Promise.all(this.#contexts.splice(0).map(c => c.close()));
  }

  /** Closes every chromium launched. */
  async close() {
    await Promise.all(this.#chromiums.map(b => b.close()));
  }
}

/** Waits for the workspace to say the command was accepted; a refusal fails the test with the page's words. */
export async function accepted(page) {
  await page.waitForSelector('#accepted, #refusal, .form-error');
  assert.equal(await page.locator('#refusal, .form-error').count(), 0, await page.textContent('#work-message'));
}

/** axe-core's serious and critical findings on the page as it is now, one line each with where. */
export async function seriousViolations(page) {
  // Evaluated through the DevTools protocol rather than page.addScriptTag: an added <script> is
  // refused by the page's Content-Security-Policy (script-src 'self'), which stays in force.
  await page.evaluate(axeScript);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) })));
  return violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 5).join(' | ')}${v.nodes.length > 5 ? ` (+${v.nodes.length - 5})` : ''}`);
}
