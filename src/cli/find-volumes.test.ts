import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VolumeDiscoveryError, findVolumes, mokuroPathOf } from './find-volumes.ts';

/** Mokuro 0.2.5's rules (kha-white/mokuro mokuro/run.py, mokuro/volume.py) on a real folder tree. */
const root = mkdtempSync(path.join(tmpdir(), 'find-volumes-'));
const title = path.join(root, 'My Manga');
const touch = (rel: string, data = 'x') => {
  mkdirSync(path.dirname(path.join(title, rel)), { recursive: true });
  writeFileSync(path.join(title, rel), data);
};
touch('Vol 1/p1.png');
touch('Vol 1.cbz'); // maps to the same Vol 1.mokuro: the folder is preferred
touch('Vol 2.CBZ'); // suffix in any case
touch('Vol 2.mokuro', '{}');
touch('Vol 10.zip');
touch('vol.1.5/p1.png'); // dots in a folder name survive
touch('_ocr/Vol 10/p1.json'); // the cache is no volume; it marks Vol 10 as started
touch('notes.txt');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('findVolumes', () => {
  it('takes every folder and archive of --parent-dir, one volume per .mokuro, in natural order, with its status', () => {
    const found = findVolumes([], 'My Manga', root);
    expect(found.map((v) => [path.relative(title, v.pathIn), v.volume, v.status])).toEqual([
      ['Vol 1', 'Vol 1', 'unprocessed'],
      ['Vol 2.CBZ', 'Vol 2', 'already processed'],
      ['Vol 10.zip', 'Vol 10', 'partially processed'],
      ['vol.1.5', 'vol.1.5', 'unprocessed'],
    ]);
    expect(found[0]).toMatchObject({
      pathMokuro: path.join(title, 'Vol 1.mokuro'),
      title: 'My Manga',
      titleDir: title,
      cacheDir: path.join(title, '_ocr', 'Vol 1'),
    });
  });

  it('writes the document beside the volume, never inside it', () => {
    expect(mokuroPathOf(path.join(title, 'vol.1.5'))).toBe(path.join(title, 'vol.1.5.mokuro'));
    expect(mokuroPathOf(path.join(title, 'Vol 2.CBZ'))).toBe(path.join(title, 'Vol 2.mokuro'));
    expect(mokuroPathOf(path.join(title, 'notes.txt'))).toBeUndefined();
  });

  it('takes given paths relative to the working folder, once each, and refuses what is not a volume', () => {
    const found = findVolumes(['My Manga/Vol 1.cbz', 'My Manga/Vol 1'], 'My Manga', root);
    expect(found.filter((v) => v.volume === 'Vol 1').map((v) => v.pathIn)).toEqual([path.join(title, 'Vol 1')]);
    expect(() => findVolumes(['My Manga/missing'], undefined, root)).toThrow(VolumeDiscoveryError);
    expect(() => findVolumes(['My Manga/notes.txt'], undefined, root)).toThrow(/not a volume/);
    expect(() => findVolumes([], 'My Manga/notes.txt', root)).toThrow(/--parent-dir/);
  });
});
