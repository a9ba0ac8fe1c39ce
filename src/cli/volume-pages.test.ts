import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeZip } from '../../test/helpers/zip.ts';
import { listVolumePages } from './volume-pages.ts';

const root = mkdtempSync(path.join(tmpdir(), 'volume-pages-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const limits = { maxBytes: 1 << 20, maxEntries: 100, maxUncompressedBytes: 1 << 20, maxRatio: 100 };

describe("listVolumePages (Mokuro's get_img_paths / get_json_paths)", () => {
  it("takes Mokuro's suffixes in any case from subfolders too, orders by cache path, and lets the later of two same-stem pages win", async () => {
    const vol = path.join(root, 'Vol 1');
    for (const f of ['ch2/p10.JPG', 'ch2/p9.webp', 'ch10/p1.avif', 'p1.jpg', 'p1.png', 'p２.jpeg', 'cover.gif', 'notes.txt']) {
      mkdirSync(path.dirname(path.join(vol, f)), { recursive: true });
      writeFileSync(path.join(vol, f), 'x'.repeat(f.length));
    }
    const { pages, hidden } = await listVolumePages(vol, 'Vol 1', limits);
    expect(pages.map((p) => [p.imgPath, p.cachePath, p.size])).toEqual([
      ['ch2/p9.webp', 'ch2/p9.json', 11],
      ['ch2/p10.JPG', 'ch2/p10.json', 11],
      ['ch10/p1.avif', 'ch10/p1.json', 12],
      ['p1.png', 'p1.json', 6],
      ['p２.jpeg', 'p２.json', 7],
    ]);
    expect(hidden).toEqual(['p1.jpg']);
    expect((await pages[3].read()).toString()).toBe('xxxxxx');
  });

  it("reads an archive's entries, dropping the one top folder named like the volume", async () => {
    const cbz = path.join(root, 'Vol 2.cbz');
    writeFileSync(cbz, makeZip({ 'Vol 2/010.png': Buffer.from('ten'), 'Vol 2/002.png': Buffer.from('two'), 'Vol 2/x.gif': Buffer.from('gif') }));
    const { pages } = await listVolumePages(cbz, 'Vol 2', limits);
    expect(pages.map((p) => p.imgPath)).toEqual(['002.png', '010.png']);
    expect((await pages[1].read()).toString()).toBe('ten');
  });
});
