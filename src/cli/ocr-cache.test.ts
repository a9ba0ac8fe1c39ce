import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleVolume, ocrCache } from './ocr-cache.ts';
import type { VolumePage } from './volume-pages.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ocr-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const page = (imgPath: string, cachePath: string): VolumePage => ({ imgPath, cachePath, size: 0, read: async () => Buffer.alloc(0) });

/** A cache file as Mokuro 0.2.5 writes it: Python's json.dump, ", "/": " separators, floats as 740.0. */
const MOKURO_WRITTEN =
  '{"version": "0.2.4", "img_width": 827, "img_height": 1170, "blocks": [{"box": [740, 60, 863, 400], "vertical": true, "font_size": 32, ' +
  '"lines_coords": [[[800.0, 60.0], [832.0, 60.0], [832.0, 400.0], [800.0, 400.0]]], "lines": ["あいう"]}]}';

describe("Mokuro's _ocr cache", () => {
  it("reads Mokuro's own cache files, so a volume Mokuro started is not OCR'd again", () => {
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'sub', '001.json'), MOKURO_WRITTEN);
    const cache = ocrCache(dir);
    expect(cache.read(page('sub/001.JPG', 'sub/001.json'))).toEqual(JSON.parse(MOKURO_WRITTEN));
  });

  it('takes a missing, cut or foreign file as not done', () => {
    writeFileSync(path.join(dir, 'cut.json'), MOKURO_WRITTEN.slice(0, 50));
    writeFileSync(path.join(dir, 'other.json'), '{"hello": 1}');
    const cache = ocrCache(dir);
    for (const name of ['absent', 'cut', 'other']) expect(cache.read(page(`${name}.png`, `${name}.json`))).toBeUndefined();
  });

  it('writes the page without img_path in Mokuro key order, and assembles the document from the cache', () => {
    const cache = ocrCache(dir);
    const p = page('ch1/p1.png', 'ch1/p1.json');
    cache.write(p, { version: '0.2.5', img_width: 10, img_height: 20, blocks: [], img_path: 'ignored' } as never);
    expect(readFileSync(path.join(dir, 'ch1', 'p1.json'), 'utf8')).toBe('{"version":"0.2.5","img_width":10,"img_height":20,"blocks":[]}');
    const ids = { title: 'T', title_uuid: 'a', volume: 'V', volume_uuid: 'b' };
    const doc = assembleVolume(ids, [page('sub/001.JPG', 'sub/001.json'), p], cache);
    expect(Object.keys(doc)).toEqual(['version', 'title', 'title_uuid', 'volume', 'volume_uuid', 'pages']);
    expect(doc.pages.map((x) => [x.img_path, x.version, Object.keys(x)])).toEqual([
      ['sub/001.JPG', '0.2.4', ['version', 'img_width', 'img_height', 'blocks', 'img_path']],
      ['ch1/p1.png', '0.2.5', ['version', 'img_width', 'img_height', 'blocks', 'img_path']],
    ]);
    expect(() => assembleVolume(ids, [page('x.png', 'x.json')], cache)).toThrow(/x\.png is missing/);
  });
});
