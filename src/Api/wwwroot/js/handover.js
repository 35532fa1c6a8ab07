// 由登记员生成密钥: for a person without a device of their own, the registrar's page makes the key
// and hands it over on paper. The key sheet's QR code holds the passphrase-protected key file
// (FORMAT.md §11.2, keyfile.js); the passphrase, made up here, is shown once on the screen, apart
// from the sheet, to be told to the person rather than printed with the key it opens. Only the
// public key goes into the registry command the registrar then signs: the seed exists only
// inside createKey, in this browser.

import { createKey } from './keyfile.js';
import { h, qrCode } from './dom.js';
import { t } from './i18n.js';

// Lowercase letters and digits that are not mistaken for one another when read out or typed
// (no 0/o, 1/l/i): 16 of them carry 79 bits, which PBKDF2 at 600,000 iterations guards.
const PassphraseAlphabet = '23456789abcdefghjkmnpqrstuvwxyz';
const PassphraseGroups = 4;
const GroupLength = 4;

function madeUpPassphrase() {
  const characters = [];
  while (characters.length < PassphraseGroups * GroupLength) {
    // Rejection sampling: a byte at or above the largest multiple of the alphabet's size is drawn again, so every character is equally likely.
    const [byte] = crypto.getRandomValues(new Uint8Array(1));
    if (byte < 256 - 256 % PassphraseAlphabet.length) {
      characters.push(PassphraseAlphabet[byte % PassphraseAlphabet.length]);
    }
  }
  return Array.from({ length: PassphraseGroups }, (_, i) => characters.slice(i * GroupLength, (i + 1) * GroupLength).join('')).join('-');
}

/**
 * The button and where its result shows. person() gives {personId, displayName} or the form's
 * problem as text; publicKey is the input the registry command reads; lock lists the inputs
 * that must not change once the sheet names them.
 */
export function handover({ person, publicKey, lock = [], problem }) {
  const output = h('div', { class: 'handover', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'button make-key' }, t('handover.make'));
  button.addEventListener('click', async () => {
    const who = person();
    if (typeof who === 'string') {
      return problem(who);
    }
    // One key per form: once a sheet names the person, the form's key is that sheet's.
    button.disabled = true;
    const passphrase = madeUpPassphrase();
    const { key, file } = await createKey(who.personId, passphrase);
    publicKey.value = key.publicKeyHex;
    for (const input of [publicKey, ...lock]) {
      input.readOnly = true;
    }
    // One sheet at a time: printing shows the sheet alone (app.css), and it must be this one.
    document.querySelectorAll('.key-sheet').forEach(sheet => sheet.closest('.handover').replaceChildren());
    const print = h('button', { type: 'button', class: 'button primary', id: 'print-key-sheet', onclick: () => window.print() }, t('handover.print'));
    output.replaceChildren(
      h('p', { class: 'ok', role: 'status' }, t('handover.ready')),
      h('article', { class: 'key-sheet', id: 'key-sheet', dataset: { person: who.personId } },
        h('h3', {}, t('handover.sheetTitle')),
        h('figure', {}, qrCode(JSON.stringify(file), t('handover.qr'))),
        h('dl', { class: 'kv' },
          h('dt', {}, t('registrar.name')), h('dd', {}, who.displayName),
          h('dt', {}, t('portal.personId')), h('dd', {}, h('code', {}, who.personId)),
          h('dt', {}, t('portal.keyId')), h('dd', {}, h('code', { class: 'hash' }, key.keyId))),
        h('p', { class: 'small' }, t('handover.sheetLead'))),
      h('div', { class: 'key-passphrase', id: 'key-passphrase' },
        h('p', {}, t('handover.passphraseLead')),
        h('p', {}, h('strong', { class: 'passphrase', id: 'handover-passphrase' }, passphrase))),
      print);
  });
  return { button, output };
}
