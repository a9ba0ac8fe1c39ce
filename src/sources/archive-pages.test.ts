import { describe, expect, it } from 'vitest';
import { selectArchivePages, type ArchiveLimits } from './archive-pages.ts';
import type { ArchiveEntry } from './read-archive.ts';

const entry = (name: string, uncompressedSize = 1000, compressedSize = 900): ArchiveEntry =>
  ({ name, uncompressedSize, compressedSize, encrypted: false, raw: undefined as never });
const limits: ArchiveLimits = { maxEntries: 100, maxUncompressedBytes: 1e9, maxRatio: 100 };
const paths = (names: string[], volume?: string) => selectArchivePages(names.map((n) => entry(n)), volume, limits).pages.map((p) => p.imgPath);

describe('selectArchivePages', () => {
  it('orders pages naturally, nested folders included (page2 before page10)', () => {
    expect(paths(['page10.jpg', 'page2.jpg', 'page1.jpg'])).toEqual(['page1.jpg', 'page2.jpg', 'page10.jpg']);
    expect(paths(['ch10/1.png', 'ch2/10.png', 'ch2/9.png'])).toEqual(['ch2/9.png', 'ch2/10.png', 'ch10/1.png']);
  });

  it('skips junk and non-images, and says what it skipped', () => {
    const names = ['__MACOSX/._p1.jpg', 'sub/__MACOSX/p2.jpg', '._p1.jpg', 'Thumbs.db', '.DS_Store', 'info.txt', 'ComicInfo.xml', 'p1.JPG', 'p2.webp'];
    const { pages, skipped } = selectArchivePages(names.map((n) => entry(n)), undefined, limits);
    expect(pages.map((p) => p.imgPath)).toEqual(['p1.JPG', 'p2.webp']);
    expect(skipped).toHaveLength(7);
  });

  it('makes unsafe names safe instead of dropping the page', () => {
    expect(paths(['../evil.jpg', '/abs/x.png', 'C:\\win\\y.png', 'a/./../b.png'])).toEqual(['a/b.png', 'abs/x.png', 'evil.jpg', 'win/y.png']);
  });

  it('drops one top folder named like the volume, as Mokuro flattens it', () => {
    expect(paths(['Vol 1/p2.jpg', 'Vol 1/p1.jpg', '__MACOSX/Vol 1/._p1.jpg'], 'Vol 1')).toEqual(['p1.jpg', 'p2.jpg']);
    expect(paths(['Vol 1/p1.jpg', 'extra/p1.jpg'], 'Vol 1')).toEqual(['Vol 1/p1.jpg', 'extra/p1.jpg']);
    expect(paths(['Other/p1.jpg'], 'Vol 1')).toEqual(['Other/p1.jpg']);
  });

  it('refuses an entry whose compression ratio looks like a zip bomb', () => {
    const bomb = [entry('p1.png'), entry('bomb.png', 100 * 1024 * 1024, 100 * 1024)];
    expect(() => selectArchivePages(bomb, undefined, limits)).toThrow(
      expect.objectContaining({
        code: 'ARCHIVE_TOO_LARGE', // a MAX_ARCHIVE_* cap, like the others
        message: 'archive: entry "bomb.png" would expand 1024× (102400 → 104857600 bytes), over the limit of 100×: refusing a possible zip bomb',
      }),
    );
    // small entries may compress well (a blank page), whatever the ratio
    expect(selectArchivePages([entry('blank.png', 4000, 10)], undefined, limits).pages).toHaveLength(1);
  });

  it('refuses pages whose total size is over the cap', () => {
    expect(() => selectArchivePages([entry('a.jpg'), entry('b.jpg')], undefined, { ...limits, maxUncompressedBytes: 1500 })).toThrow(
      expect.objectContaining({ code: 'ARCHIVE_TOO_LARGE', message: 'archive: the pages would expand to 2000 bytes, over the limit of 1500 bytes per archive' }),
    );
  });

  it('fails clearly when the archive holds no page', () => {
    expect(() => selectArchivePages([entry('readme.txt')], undefined, limits)).toThrow(
      expect.objectContaining({ code: 'NO_PAGES', message: 'archive: no .jpg/.jpeg/.png/.webp/.avif/.gif pages in the archive (1 entries skipped)' }),
    );
  });
});
