// Signing in 登录 (#/signin): load a key file, plain or protected by a passphrase (FORMAT.md §11),
// or scan the QR code of a protected one (the key sheet the registrar printed, handover.js) with
// the camera or from a photo, or make a new key in this browser for the registrar to register. Either way the key is kept
// in this browser only, non-extractable (session.js); the page shows who the registry says it
// belongs to, or plainly that the key is unknown or revoked.

import { KeyFileError, MinPassphraseLength, createKey, isProtected, readKeyFile } from './keyfile.js';
import { h, qrCode } from './dom.js';
import { refusal, t, term } from './i18n.js';
import { qrInPhoto, scanWithCamera } from './scan.js';
import { session, signIn, signOut } from './session.js';

export async function renderSignIn(main) {
  const current = await session();
  main.replaceChildren(
    h('section', { class: 'hero' }, h('h1', {}, t('signin.title')), h('p', {}, t('signin.lead'))),
    identity(current),
    current ? '' : loadSection(),
    current ? '' : scanSection(),
    current ? '' : createSection());
}

/** Who is signed in, as the registry holds them now; or why the registry does not accept the key. */
export function identity(current) {
  if (!current) {
    return h('p', { id: 'identity', class: 'muted', dataset: { state: 'none' } }, t('signin.none'));
  }
  const out = h('button', { type: 'button', id: 'sign-out', class: 'button' }, t('signin.out'));
  out.addEventListener('click', async () => {
    await signOut();
    location.hash = '#/signin';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  const { key, person } = current;
  if (!person) {
    return h('section', { id: 'identity', class: 'panel', dataset: { state: current.refusal } },
      h('p', { class: 'error', role: 'alert' }, t(current.refusal === 'KeyRevoked' ? 'signin.revoked' : current.refusal === 'UnknownKey' ? 'signin.unknown' : 'signin.refused', key.personId),
        ' ', refusal({ problem: { code: current.refusal } })),
      publicKeyBox(key), out);
  }
  return h('section', { id: 'identity', class: 'panel', dataset: { state: 'signed-in', person: person.personId } },
    h('p', { class: 'ok' }, t('signin.as'), h('strong', { id: 'signed-in-name' }, person.displayName)),
    h('dl', { class: 'kv' },
      h('dt', {}, t('signin.roles')), h('dd', { id: 'signed-in-roles' }, person.roles.map(term).join('、') || '—'),
      person.householdId ? [h('dt', {}, t('portal.household')), h('dd', {}, person.householdId)] : '',
      h('dt', {}, t('portal.personId')), h('dd', {}, h('code', {}, person.personId)),
      h('dt', {}, t('portal.keyId')), h('dd', {}, h('code', { class: 'hash' }, key.keyId))),
    h('p', {}, location.hash.startsWith('#/work') ? '' : [h('a', { class: 'button primary', href: '#/work', id: 'to-work' }, t('work.open')), ' '], out));
}

function publicKeyBox(key) {
  return [h('dl', { class: 'kv' },
    h('dt', {}, t('portal.personId')), h('dd', {}, h('code', {}, key.personId)),
    h('dt', {}, t('portal.publicKey')), h('dd', {}, h('code', { class: 'hash', id: 'new-public-key' }, key.publicKeyHex)),
    h('dt', {}, t('portal.keyId')), h('dd', {}, h('code', { class: 'hash', id: 'new-key-id' }, key.keyId))),
    h('figure', { id: 'public-key-qr' }, qrCode(key.publicKeyHex, t('signin.qr')), h('figcaption', { class: 'small muted' }, t('signin.qr')))];
}

function keyFileProblem(error) {
  return error instanceof KeyFileError ? t(`keyfile.${error.code}`) : error.message;
}

/** Opens a key file's text with the passphrase typed, keeps the key as the one signed in and goes to the workspace; or says why not. */
async function openKeyFile(text, passphrase, button, status) {
  button.disabled = true;
  status.className = 'muted';
  status.textContent = t('signin.opening');
  try {
    await signIn(await readKeyFile(text, passphrase.value));
    passphrase.value = '';
    location.hash = '#/work';
  } catch (error) {
    status.className = 'error';
    status.textContent = t('portal.badKeyFile', keyFileProblem(error));
  } finally {
    button.disabled = false;
  }
}

function loadSection() {
  const file = h('input', { id: 'key-file', type: 'file', accept: '.json,application/json' });
  const passphrase = h('input', { id: 'passphrase', type: 'password', autocomplete: 'current-password' });
  const status = h('p', { id: 'key-status', class: 'muted', role: 'status' });
  const button = h('button', { type: 'button', id: 'sign-in', class: 'button primary' }, t('signin.in'));
  button.addEventListener('click', async () => {
    const chosen = file.files[0];
    if (!chosen) {
      status.className = 'error';
      status.textContent = t('signin.chooseFile');
      return;
    }
    const text = await chosen.text();
    if (isProtected(text) && !passphrase.value) {
      status.className = 'error';
      status.textContent = t('keyfile.needsPassphrase');
      passphrase.focus();
      return;
    }
    await openKeyFile(text, passphrase, button, status);
  });
  return h('section', { class: 'panel', id: 'load-key' },
    h('h2', {}, t('signin.load')),
    h('div', { class: 'form-row' }, h('label', { for: 'key-file' }, t('portal.loadFile')), file),
    h('div', { class: 'form-row' }, h('label', { for: 'passphrase' }, t('signin.passphrase')), passphrase),
    button, status);
}

/**
 * 扫码登录: the QR code of a protected key file, read by the camera or from a photo; then its
 * passphrase, told by the registrar. Only a protected key file is taken from a QR code: a plain
 * one would be the secret itself, printed.
 */
function scanSection() {
  const status = h('p', { id: 'scan-status', class: 'muted', role: 'status' });
  const video = h('video', { id: 'camera', muted: true, playsinline: true, 'aria-label': t('scan.camera') });
  const cancel = h('button', { type: 'button', id: 'scan-cancel', class: 'button' }, t('scan.cancel'));
  const viewfinder = h('div', { id: 'viewfinder', hidden: true }, video, cancel);
  const camera = h('button', { type: 'button', id: 'scan-camera', class: 'button primary' }, t('scan.camera'));
  const photo = h('input', { id: 'key-photo', type: 'file', accept: 'image/*' });
  const passphrase = h('input', { id: 'scan-passphrase', type: 'password', autocomplete: 'current-password' });
  const open = h('button', { type: 'button', id: 'scan-sign-in', class: 'button primary' }, t('signin.in'));
  const scanned = h('div', { id: 'scanned', hidden: true },
    h('div', { class: 'form-row' }, h('label', { for: 'scan-passphrase' }, t('scan.passphrase')), passphrase), open);
  let keyFile = null;
  let stopCamera = null;
  const say = (text, className) => {
    status.className = className;
    status.textContent = text;
  };
  const closeCamera = () => {
    stopCamera?.();
    stopCamera = null;
    viewfinder.hidden = true;
  };
  const found = text => {
    closeCamera();
    keyFile = isProtected(text) ? text : null;
    scanned.hidden = keyFile === null;
    if (keyFile === null) {
      return say(t('scan.notKey'), 'error');
    }
    say(t('scan.found', JSON.parse(keyFile).personId), 'ok');
    passphrase.focus();
  };
  camera.addEventListener('click', async () => {
    closeCamera();
    scanned.hidden = true;
    try {
      viewfinder.hidden = false;
      stopCamera = await scanWithCamera(video, found);
      // Leaving the page while the camera looks: it is turned off, not left running.
      window.addEventListener('hashchange', closeCamera, { once: true });
      say(t('scan.looking'), 'muted');
    } catch {
      viewfinder.hidden = true;
      say(t('scan.noCamera'), 'error');
    }
  });
  cancel.addEventListener('click', () => {
    closeCamera();
    say('', 'muted');
  });
  photo.addEventListener('change', async () => {
    closeCamera();
    scanned.hidden = true;
    if (!photo.files[0]) {
      return;
    }
    say(t('scan.reading'), 'muted');
    const text = await qrInPhoto(photo.files[0]);
    photo.value = '';
    return text === null ? say(t('scan.noQr'), 'error') : found(text);
  });
  open.addEventListener('click', () => passphrase.value
    ? openKeyFile(keyFile, passphrase, open, status)
    : (say(t('keyfile.needsPassphrase'), 'error'), passphrase.focus()));
  return h('section', { class: 'panel', id: 'scan-key' },
    h('h2', {}, t('scan.title')),
    h('p', { class: 'small' }, t('scan.lead')),
    h('div', { class: 'actions' }, camera),
    h('div', { class: 'form-row' }, h('label', { for: 'key-photo' }, t('scan.photo')), photo),
    viewfinder, status, scanned);
}

function createSection() {
  const personId = h('input', { id: 'new-person-id', type: 'text', autocomplete: 'off', size: 24, placeholder: 'resident-b3-0602' });
  const passphrase = h('input', { id: 'new-passphrase', type: 'password', autocomplete: 'new-password', minlength: MinPassphraseLength });
  const output = h('div', { id: 'new-key', 'aria-live': 'polite' });
  const generate = h('button', { type: 'button', id: 'generate-key', class: 'button' }, t('portal.generate'));
  generate.addEventListener('click', async () => {
    const id = personId.value.trim();
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      output.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('signin.badPersonId')));
      return;
    }
    if (passphrase.value && passphrase.value.length < MinPassphraseLength) {
      output.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('keyfile.shortPassphrase')));
      return;
    }
    generate.disabled = true;
    try {
      const made = await createKey(id, passphrase.value);
      passphrase.value = '';
      await signIn(made.key);
      const download = made.file ? h('a', {
        class: 'button', id: 'download-key', download: `${id}.protected-key.json`,
        href: URL.createObjectURL(new Blob([JSON.stringify(made.file, null, 2)], { type: 'application/json' })),
      }, t('portal.download')) : h('p', { class: 'muted small' }, t('signin.noCopy'));
      output.replaceChildren(h('p', { class: 'ok' }, t('signin.made')), ...publicKeyBox(made.key), download,
        h('p', {}, h('a', { href: '#/signin', class: 'button primary', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) }, t('signin.check'))));
    } finally {
      generate.disabled = false;
    }
  });
  return h('details', { class: 'create-key panel' },
    h('summary', {}, t('portal.create')),
    h('p', { class: 'small' }, t('portal.createLead')),
    h('div', { class: 'form-row' }, h('label', { for: 'new-person-id' }, t('portal.personId')), personId),
    h('div', { class: 'form-row' }, h('label', { for: 'new-passphrase' }, t('signin.newPassphrase')), passphrase),
    generate, output);
}
