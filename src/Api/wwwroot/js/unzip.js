// Reads the zip that GET /v1/export serves (docs/FORMAT.md §9: entries.jsonl, checkpoints.jsonl,
// manifest.json), with the platform's DecompressionStream: the page loads no library for it.
// Only what that zip uses (PKWARE APPNOTE 6.3: stored or deflated members, found through the
// central directory); anything else is refused with the reason. Pure: no DOM.

const EndOfCentralDirectory = 0x06054b50;
const CentralHeader = 0x02014b50;
const LocalHeader = 0x04034b50;

/** The members of a zip as { name → bytes }. */
export async function unzip(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is the last 22 bytes, unless a comment (at most 65,535 bytes) follows it.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (view.getUint32(at, true) === EndOfCentralDirectory) {
      end = at;
      break;
    }
  }
  if (end < 0) {
    throw new Error('not a zip: no end of central directory');
  }
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const members = {};
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CentralHeader) {
      throw new Error('not a zip: a broken central directory');
    }
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const local = view.getUint32(at + 42, true);
    if (compressedSize === 0xffffffff || local === 0xffffffff) {
      throw new Error(`${name}: a zip64 member, larger than this page reads`);
    }
    if (view.getUint32(local, true) !== LocalHeader) {
      throw new Error(`${name}: no local header where the directory says`);
    }
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + compressedSize);
    members[name] = method === 0 ? data.slice()
      : method === 8 ? await inflate(data)
        : (() => { throw new Error(`${name}: compression method ${method} is not read here`); })();
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return members;
}

async function inflate(data) {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
