#!/usr/bin/env node
// The page's own audit (src/Api/wwwroot/js/audit.js) over an export folder (docs/FORMAT.md §9),
// under Node: the second implementation of the verifier that issue 15 item 7 asks for.
//
//   node tools/jsverify/verify.mjs EXPORT_DIR [--root-key FINGERPRINT] [--log-key VKEY] [--lang zh|en]
//
// Prints VALID or INVALID with every finding; exit code 0 (valid), 1 (invalid), 2 (the command
// line or the folder cannot be read).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditExport } from '../../src/Api/wwwroot/js/audit.js';
import { say, textIn } from '../../src/Api/wwwroot/js/i18n.js';

const usage = 'usage: node tools/jsverify/verify.mjs EXPORT_DIR [--root-key FINGERPRINT] [--log-key VKEY] [--lang zh|en]';

function parse(args) {
  const options = { folder: null, rootKeyId: null, logVerifierKey: null, lang: 'zh' };
  const names = { '--root-key': 'rootKeyId', '--log-key': 'logVerifierKey', '--lang': 'lang' };
  for (let i = 0; i < args.length; i++) {
    if (names[args[i]]) {
      if (i + 1 >= args.length) {
        throw new Error(`${args[i]} needs a value`);
      }
      options[names[args[i]]] = args[++i];
    } else if (args[i].startsWith('-') || options.folder !== null) {
      throw new Error(`unexpected argument ${args[i]}`);
    } else {
      options.folder = args[i];
    }
  }
  if (options.folder === null) {
    throw new Error('no export folder given');
  }
  if (!['zh', 'en'].includes(options.lang)) {
    throw new Error('--lang is zh or en');
  }
  return options;
}

let options;
let files;
try {
  options = parse(process.argv.slice(2));
  files = {
    entries: new Uint8Array(readFileSync(join(options.folder, 'entries.jsonl'))),
    // FORMAT.md §9.2: an export of a log that has no checkpoints may leave the file out.
    checkpoints: existsSync(join(options.folder, 'checkpoints.jsonl')) ? readFileSync(join(options.folder, 'checkpoints.jsonl'), 'utf8') : '',
    manifest: readFileSync(join(options.folder, 'manifest.json'), 'utf8'),
  };
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}

let report;
try {
  report = await auditExport(files, options);
} catch (error) {
  // A check that could not run is no verdict: neither VALID nor INVALID.
  console.error(`the audit could not run: ${error.stack}`);
  process.exit(2);
}
const lang = options.lang;
const found = report.checks.reduce((n, c) => n + c.findings.length + c.more, 0);
console.log(report.valid ? 'VALID' : 'INVALID');
console.log(report.valid
  ? textIn(lang, 'audit.pass', report.summary.entries, report.summary.streams, report.summary.projects)
  : textIn(lang, 'audit.fail', found));
if (options.rootKeyId === null) {
  console.log(textIn(lang, 'audit.rootKeyUnpinned'));
}
for (const c of report.checks) {
  // Without the project views, the money is folded from the entries and checked against them only.
  const label = c.id === 'money' ? 'audit.check.moneyFolded' : `audit.check.${c.id}`;
  console.log(`${c.findings.length === 0 ? '✓' : '✗'} ${textIn(lang, label)} (${c.section})`);
  for (const f of c.findings) {
    const where = [f.stream, f.sequence === undefined ? null : `#${f.sequence}`, f.logPosition === undefined ? null : `@${f.logPosition}`].filter(x => x !== null && x !== undefined);
    console.log(`  - ${where.length ? where.join(' ') + ': ' : ''}${say(f.text, lang)}${f.technical ? ` [${f.technical}]` : ''}`);
  }
  if (c.more > 0) {
    console.log(`  - ${textIn(lang, 'audit.more', c.more)}`);
  }
}
console.log(`entries.jsonl SHA-256 ${report.summary.entriesSha256}; root key ${report.summary.rootKeyId}; checkpoint ${report.summary.treeSize} ${report.summary.root}`);
process.exit(report.valid ? 0 : 1);
