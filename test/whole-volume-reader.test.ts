import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { PackedOutput } from '../src/contract/output.ts';
import type { Handler } from '../src/handler/create-handler.ts';
import { makeZip } from './helpers/zip.ts';
import { SYNTHETIC_PAGES } from './helpers/fixtures.ts';
import { standInHandler } from './helpers/stand-in-handler.ts';

/**
 * A whole CBZ through real onnxruntime sessions (stand-in models), answered gzipped, then opened
 * the way a reader opens a volume: the document's required fields, and every page's `img_path`
 * found among the archive's images (unpacked as Mokuro unpacks it) at the size the page says.
 */
const PAGES = SYNTHETIC_PAGES;
const CBZ_NAME = 'My Manga/Vol 1.cbz';

let handler: Handler;
beforeAll(async () => {
  ({ handler } = await standInHandler());
});

/** The reader's side: unpack, dropping one top folder named like the volume (Mokuro's unzip). */
function unpackLikeMokuro(cbz: Buffer, volume: string): Map<string, Uint8Array> {
  const entries = Object.entries(unzipSync(new Uint8Array(cbz))).filter(([name]) => !name.endsWith('/') && !name.startsWith('__MACOSX/'));
  const flatten = entries.every(([name]) => name.startsWith(`${volume}/`));
  return new Map(entries.map(([name, data]) => [flatten ? name.slice(volume.length + 1) : name, data]));
}

describe('a CBZ volume, end to end, opened like a reader', () => {
  it('every page of the .mokuro resolves to an image of its size, in natural order', async () => {
    const cbz = makeZip({
      'Vol 1/page10.png': readFileSync(path.join(PAGES, 'page-001.png')),
      'Vol 1/page2.png': readFileSync(path.join(PAGES, 'page-003.png')),
      '__MACOSX/Vol 1/._page2.png': Buffer.from('resource fork'),
      'Vol 1/notes.txt': Buffer.from('not a page'),
    });
    const result = await handler({ id: 'cbz-e2e', input: { type: 'process_batch', archive: { data: cbz.toString('base64'), name: CBZ_NAME }, output: 'gzip' } });
    const out = PackedOutput.parse(result);
    expect(out.errors).toEqual([]);
    expect(out.mokuro_file).toBe('Vol 1.mokuro.gz');

    const mokuro = JSON.parse(gunzipSync(Buffer.from(out.mokuro_gzip!, 'base64')).toString('utf8')) as Record<string, unknown> & { pages: Record<string, unknown>[] };
    // what a reader needs at the top level, of the right types
    for (const key of ['version', 'title', 'title_uuid', 'volume', 'volume_uuid']) expect(typeof mokuro[key]).toBe('string');
    expect(mokuro).toMatchObject({ version: '0.2.5', title: 'My Manga', volume: 'Vol 1' });
    expect(mokuro.title_uuid).toMatch(/^[0-9a-f-]{36}$/);

    const images = unpackLikeMokuro(cbz, 'Vol 1');
    expect(mokuro.pages.map((p) => p.img_path)).toEqual(['page2.png', 'page10.png']);
    for (const page of mokuro.pages) {
      const image = images.get(page.img_path as string);
      expect(image, `img_path ${String(page.img_path)} is in the archive`).toBeDefined();
      const meta = await sharp(image!).metadata();
      expect([page.img_width, page.img_height]).toEqual([meta.width, meta.height]);
      expect(Array.isArray(page.blocks) && page.blocks.length).toBeGreaterThan(0);
    }
  });
});
