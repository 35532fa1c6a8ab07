// Small DOM and formatting helpers. Text always goes in as text (textContent), never as HTML.

import { ChinaStandardTimeMs, formatTime } from './rules/fields.js';
import qrcode from './vendor/qrcode-generator-2.0.4.js';

/** An element: h('td', {class: 'fen', dataset: {fen: 100}}, 'text', child …). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

const svgNamespace = 'http://www.w3.org/2000/svg';

export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNamespace, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Fen as yuan with two decimals and thousands separators, exactly (integers, no floating point). */
export function yuan(fen) {
  const negative = fen < 0;
  const whole = Math.floor(Math.abs(fen) / 100);
  const cents = String(Math.abs(fen) % 100).padStart(2, '0');
  return (negative ? '-' : '') + whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + cents;
}

/**
 * Yuan as typed ("1234", "1,234.5", "0.05") to fen, exactly: the digits are read as text and
 * put together as integers, never through a floating-point number. Null for anything else,
 * or for more than 10^10 yuan (the ledger's limit is 10^12 fen).
 */
export function parseYuan(text) {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(String(text).trim().replace(/[,，]/g, ''));
  if (!match) {
    return null;
  }
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

// A crowdfunding target split by integer weights: the rules' own split (docs/ENTRIES.md "Share
// split"), so that the page's preview is the split the ledger will record.
export { splitShares } from './rules/projects.js';

/**
 * Fen as an amount of money: "¥1,234.05", and "-¥6,000.00" below zero — the sign before the
 * currency, as the verifier's report writes it. Every amount the page shows goes through it;
 * yuan() alone is for a field a person edits.
 */
export function moneyText(fen) {
  return (fen < 0 ? '-¥' : '¥') + yuan(Math.abs(fen));
}

/** A money cell: the amount shown, the exact fen kept for anyone who reads the page's data. */
export function money(fen, tag = 'span') {
  return h(tag, { class: 'money', dataset: { fen: String(fen) } }, moneyText(fen));
}

const beijing = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/** A ledger time (UTC, FORMAT.md §1) in Beijing time, "2026-04-15 16:30:00"; the exact UTC value as its title. */
export function time(utc) {
  if (!utc) {
    return '';
  }
  return h('time', { datetime: utc, title: utc }, beijing.format(new Date(utc)));
}

export function beijingParts(utc) {
  const [date] = beijing.format(new Date(utc)).split(' ');
  const [year, month] = date.split('-').map(Number);
  return { year, quarter: Math.floor((month - 1) / 3) + 1 };
}

/** Beijing wall-clock time as typed in a datetime-local input ("2026-07-01T00:00", seconds optional) to a ledger time, or null. */
export function fromBeijing(text) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text)) {
    return null;
  }
  const ms = Date.parse(`${text}Z`);
  return Number.isNaN(ms) ? null : formatTime(ms - ChinaStandardTimeMs);
}

/** A moment as a datetime-local input's value, in Beijing time to the minute. */
export function beijingInput(ms) {
  return new Date(ms + ChinaStandardTimeMs).toISOString().slice(0, 16);
}

export function nowText() {
  return beijing.format(new Date());
}

/**
 * A person as the public views may show them: staff by the name the registry holds
 * (a project view's staffNames), anyone else, residents included, by person id. The id is the title.
 */
export function person(personId, names = {}) {
  return h('span', { class: 'person', title: personId, dataset: { person: personId } }, names[personId] ?? personId);
}

/**
 * Text as a QR code, drawn as SVG squares (error correction M, byte mode), `scale` pixels a
 * module: a whole number, so that every module is drawn the same size on screen and a camera
 * reads it. The modules are computed by the vendored qrcode-generator; nothing goes through innerHTML.
 */
export function qrCode(text, label, scale = 8) {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const count = code.getModuleCount();
  const quiet = 4;
  const squares = [];
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < count; column++) {
      if (code.isDark(row, column)) {
        squares.push(`M${column + quiet} ${row + quiet}h1v1h-1z`);
      }
    }
  }
  const size = count + 2 * quiet;
  return svg('svg', { class: 'qr', viewBox: `0 0 ${size} ${size}`, width: scale * size, height: scale * size, role: 'img', 'aria-label': label, 'shape-rendering': 'crispEdges' },
    svg('rect', { width: size, height: size, fill: '#fff' }),
    svg('path', { d: squares.join(''), fill: '#000' }));
}

/**
 * A hash as the page writes it on screen and on paper alike: lowercase hex, in groups of 8 for
 * reading aloud and comparing. The groups are spaced by the stylesheet, not by characters, so
 * that selecting or copying the hash gives the full value as the API spells it.
 */
export function hash(hex, short = false) {
  return h('code', { class: 'hash', title: hex }, short ? hex.slice(0, 12) + '…' : (hex.match(/.{1,8}/g) ?? []).map(group => h('span', {}, group)));
}

/**
 * A table; a header written "#name" heads a column of numbers, right-aligned like its cells.
 * Each cell carries its column's name (data-label): on a phone the rows become cards that
 * name every value (app.css), instead of a table cut off at the screen's edge.
 */
export function table(headers, rows, attributes = {}) {
  for (const row of rows.flat()) {
    [...row.children].forEach((cell, i) => {
      cell.dataset.label = (headers[i] ?? '').replace(/^#/, '');
    });
  }
  return h('div', { class: 'table-wrap' },
    h('table', attributes,
      h('thead', {}, h('tr', {}, headers.map(x => x.startsWith('#') ? h('th', { class: 'num' }, x.slice(1)) : h('th', {}, x)))),
      h('tbody', {}, rows)));
}
