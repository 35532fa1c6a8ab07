// The full audit's worker (a module worker, started by fullaudit.js): unzips the export and runs
// audit.js over it off the page's thread, telling the page how far it got. Message in:
// { zip: bytes, views, rootKeyId, logVerifierKey }; out: { progress: { done, total } }, then
// { report } or { error }.

import { auditExport } from './audit.js';
import { unzip } from './unzip.js';

const Files = ['entries.jsonl', 'checkpoints.jsonl', 'manifest.json'];

self.onmessage = async ({ data }) => {
  try {
    const members = await unzip(data.zip);
    const missing = Files.filter(name => !(name in members));
    if (missing.length > 0) {
      throw new Error(`the export lacks ${missing.join(', ')}`);
    }
    // A byte-order mark is kept, so that the manifest's canonical form check sees it.
    const text = bytes => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    const report = await auditExport(
      { entries: members['entries.jsonl'], checkpoints: text(members['checkpoints.jsonl']), manifest: text(members['manifest.json']) },
      { rootKeyId: data.rootKeyId, logVerifierKey: data.logVerifierKey, views: data.views, progress: (done, total) => self.postMessage({ progress: { done, total } }) });
    self.postMessage({ report });
  } catch (error) {
    self.postMessage({ error: error.message });
  }
};
