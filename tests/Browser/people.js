// What a person does in their own browser before working in the page, shared by the test files
// that sign people in: signing in with their key file at #/signin, and opening a fragment afresh.

import assert from 'node:assert/strict';

/** Signs in with a key file, as a person does at #/signin; fails with what the page says when it does not take. */
export async function signIn(page, address, keyFile) {
  await page.goto(`${address}/#/signin`);
  await page.setInputFiles('#key-file', keyFile);
  await page.click('#sign-in');
  await page.waitForSelector('#identity[data-state="signed-in"]')
    .catch(async error => assert.fail(`${error.message}\n${page.url()}\n${await page.textContent('main')}`));
}

/** Opens a fragment of the page, afresh even when the page shows it already (a hash alone does not reload). */
export async function visit(page, address, fragment) {
  const target = `${address}/${fragment}`;
  await (page.url() === target ? page.reload() : page.goto(target));
}
