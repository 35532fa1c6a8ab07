// What the browser test files share: how chromium is launched, the check, after every test,
// that no request any page sent carries a private key, and axe-core's findings on a page.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

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
