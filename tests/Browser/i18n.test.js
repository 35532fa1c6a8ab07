// The page speaks Chinese throughout and English completely (issue 13 item 6): every result code
// of src/Ledger/Rules/ResultCode.cs, and every problem code of src/Api/Endpoints/Problems.cs, has
// a message with what to do next in both languages, every entry type of src/Ledger/Rules has its
// word in both, and no script of the page shows the server's English `detail`.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repository } from './ledger.js';

// i18n.js reads the language from the URL and localStorage, as in the browser.
globalThis.location = new URL('http://localhost/');
globalThis.localStorage = { getItem: () => null, setItem: () => {} };
const { hasTerm, hasText, refusal, textKeys } = await import('../../src/Api/wwwroot/js/i18n.js');

const read = path => readFileSync(join(repository, path), 'utf8');

function resultCodes() {
  const source = read('src/Ledger/Rules/ResultCode.cs');
  const names = [...source.matchAll(/^\s*([A-Z][A-Za-z]+) = \d+,/gm)].map(m => m[1]);
  assert.ok(names.length >= 79, `found ${names.length} result codes`);
  return names;
}

function problemCodes() {
  return [...read('src/Api/Endpoints/Problems.cs').matchAll(/public const string (\w+) = "\1";/g)].map(m => m[1]);
}

function entryTypes() {
  const folder = join(repository, 'src/Ledger/Rules');
  const types = [];
  for (const file of readdirSync(folder, { recursive: true }).filter(f => f.endsWith('.cs'))) {
    const source = readFileSync(join(folder, file), 'utf8');
    for (const block of source.matchAll(/static class \w+EntryTypes\s*\{([^}]*)\}/g)) {
      types.push(...[...block[1].matchAll(/const string (\w+) = "\1";/g)].map(m => m[1]));
    }
  }
  assert.ok(types.length >= 30, `found ${types.length} entry types`);
  return types;
}

describe('the page in Chinese and in English', () => {
  for (const lang of ['zh', 'en']) {
    it(`has a ${lang} message for every result code and problem code`, () => {
      const missing = [...resultCodes(), ...problemCodes()].filter(code => !hasText(`code.${code}`, lang));
      assert.deepEqual(missing, []);
    });

    it(`names every entry type in ${lang}`, () => {
      assert.deepEqual(entryTypes().filter(type => !hasTerm(type, lang)), []);
    });
  }

  it('has every text of the page in both languages', () => {
    assert.deepEqual(textKeys('zh').filter(key => !hasText(key, 'en')), []);
    assert.deepEqual(textKeys('en').filter(key => !hasText(key, 'zh')), []);
  });

  it('has a text for every key a script of the page names', () => {
    const folder = join(repository, 'src/Api/wwwroot/js');
    const named = readdirSync(folder).filter(f => f.endsWith('.js')).flatMap(f => [...readFileSync(join(folder, f), 'utf8').matchAll(/\bt\('([\w.]+)'/g)].map(m => m[1]));
    assert.ok(named.length > 100, `found ${named.length}`);
    assert.deepEqual([...new Set(named)].filter(key => !hasText(key, 'zh')), []);
  });

  it("shows a refusal from its code, never the server's detail", () => {
    const text = refusal({ problem: { code: 'InsufficientPoints', detail: '60 points needed, 50 available' } });
    assert.equal(text, '可用积分不够兑换这么多。请减少数量。');
    assert.match(refusal({ problem: { code: 'SomethingNew', detail: 'english' } }), /SomethingNew/);
    assert.doesNotMatch(refusal({ problem: { code: 'SomethingNew', detail: 'english' } }), /english/);
  });

  it("has no script that reads a problem's detail", () => {
    const folder = join(repository, 'src/Api/wwwroot/js');
    const readers = readdirSync(folder).filter(f => f.endsWith('.js')).filter(f => /problem\??\.detail/.test(readFileSync(join(folder, f), 'utf8')));
    assert.deepEqual(readers, []);
  });
});
