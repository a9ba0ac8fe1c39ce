// Reads a CBZ/ZIP in the browser, only to show its pages beside the results: the worker reads the
// archive itself (input `archive`). Entries are listed from the central directory and inflated
// lazily with the browser's own DecompressionStream, so no library is needed. No ZIP64 (volumes
// over 4 GB are not a browser demo's case).

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

async function bytesOf(blob, start, end) {
  return new DataView(await blob.slice(start, end).arrayBuffer());
}

/** The end-of-central-directory record sits in the last 22 bytes plus an optional comment. */
async function findEnd(blob) {
  const from = Math.max(0, blob.size - 22 - 0xffff);
  const view = await bytesOf(blob, from, blob.size);
  for (let i = view.byteLength - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === EOCD) {
      return { count: view.getUint16(i + 10, true), size: view.getUint32(i + 12, true), offset: view.getUint32(i + 16, true) };
    }
  }
  throw new Error('this file is not a ZIP/CBZ archive');
}

/**
 * Lists the file entries of `blob`: [{ name, open() → Promise<Blob> }]. Names are decoded as
 * UTF-8 (what archivers write today; bit 11 or not).
 */
export async function readZip(blob) {
  const end = await findEnd(blob);
  const dir = await bytesOf(blob, end.offset, end.offset + end.size);
  const utf8 = new TextDecoder();
  const entries = [];
  let p = 0;
  for (let n = 0; n < end.count && p + 46 <= dir.byteLength; n++) {
    if (dir.getUint32(p, true) !== CENTRAL) throw new Error('the archive\'s directory is damaged');
    const method = dir.getUint16(p + 10, true);
    const compressed = dir.getUint32(p + 20, true);
    const nameLength = dir.getUint16(p + 28, true);
    const skip = nameLength + dir.getUint16(p + 30, true) + dir.getUint16(p + 32, true);
    const local = dir.getUint32(p + 42, true);
    const name = utf8.decode(new Uint8Array(dir.buffer, dir.byteOffset + p + 46, nameLength));
    p += 46 + skip;
    if (name.endsWith('/')) continue; // a folder
    entries.push({ name, open: () => openEntry(blob, local, method, compressed) });
  }
  return entries;
}

async function openEntry(blob, local, method, compressed) {
  const head = await bytesOf(blob, local, local + 30);
  if (head.getUint32(0, true) !== LOCAL) throw new Error('the archive is damaged');
  const start = local + 30 + head.getUint16(26, true) + head.getUint16(28, true);
  const raw = blob.slice(start, start + compressed);
  if (method === 0) return raw;
  if (method !== 8) throw new Error(`an entry uses an unsupported compression method (${method})`);
  return new Response(raw.stream().pipeThrough(new DecompressionStream('deflate-raw'))).blob();
}
