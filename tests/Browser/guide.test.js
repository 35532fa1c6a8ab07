// The guide per role (docs/guide/, issue 13 item 8) shows the screenshots access.test.js takes:
// every image a page of the guide links must be there, and every image there must be shown by
// some page (an image nobody links is one the guide stopped using, left behind).

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { repository } from './ledger.js';

const guide = join(repository, 'docs', 'guide');
const images = join(guide, 'images');
const pages = readdirSync(guide).filter(name => name.endsWith('.md'));

/** The local images a Markdown page shows (![text](path)), as paths from the repository's root. */
function imagesOf(page) {
  const text = readFileSync(join(guide, page), 'utf8');
  return [...text.matchAll(/!\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map(match => match[1])
    .filter(target => !/^[a-z]+:/i.test(target))
    .map(target => relative(repository, resolve(dirname(join(guide, page)), decodeURI(target))));
}

describe('the guide per role (docs/guide/)', () => {
  it('has a page per role and shows screenshots on each', () => {
    for (const role of ['财务人员', '三方签字人', '居民监督员', '登记员', '志愿者协调员', '居民']) {
      const page = pages.find(name => name === `${role}.md`);
      assert.ok(page, `docs/guide/ has no page for ${role}`);
      assert.ok(imagesOf(page).length > 0, `${page} shows no screenshot`);
    }
  });

  it('links only images that exist', () => {
    const missing = pages.flatMap(page => imagesOf(page).filter(path => !existsSync(join(repository, path))).map(path => `${page}: ${path}`));
    assert.deepEqual(missing, []);
  });

  it('shows every image in docs/guide/images/', () => {
    const shown = new Set(pages.flatMap(imagesOf));
    const unused = readdirSync(images).map(name => relative(repository, join(images, name))).filter(path => !shown.has(path));
    assert.deepEqual(unused, []);
  });
});
