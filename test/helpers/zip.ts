import { zipSync, type Zippable } from 'fflate';

/**
 * A ZIP/CBZ built in memory for tests. Names are stored exactly as given (`../evil.jpg` too);
 * `level` 0 stores, 9 deflates hard (for zip bombs).
 */
export function makeZip(files: Record<string, Uint8Array | Buffer | string>, level: 0 | 6 | 9 = 6): Buffer {
  const entries: Zippable = {};
  for (const [name, data] of Object.entries(files)) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : data;
    entries[name] = [new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { level }];
  }
  return Buffer.from(zipSync(entries));
}

/**
 * Rewrites the declared uncompressed size of the entries (local and central headers; only the
 * `only`-th entry when given, counted from 0 in stored order) so that they lie about how far they
 * inflate, as a crafted zip bomb does.
 */
export function lieAboutSizes(zip: Buffer, declared: number, only?: number): Buffer {
  const out = Buffer.from(zip);
  let local = 0;
  let central = 0;
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x04034b50 && (only === undefined || local++ === only)) out.writeUInt32LE(declared, i + 22);
    else if (sig === 0x02014b50 && (only === undefined || central++ === only)) out.writeUInt32LE(declared, i + 24);
  }
  return out;
}
