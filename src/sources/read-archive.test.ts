import { describe, expect, it } from 'vitest';
import { blankPage } from '../../test/helpers/pages.ts';
import { lieAboutSizes, makeZip } from '../../test/helpers/zip.ts';
import { openArchive } from './read-archive.ts';

describe('openArchive', () => {
  it('lists file entries with their stored names, unsafe ones included, and reads them in memory', async () => {
    const png = Buffer.from(await blankPage(4, 3), 'base64');
    const archive = await openArchive(makeZip({ 'vol/p1.png': png, '../evil.jpg': png, 'dir/': new Uint8Array(0) }), 10);
    expect(archive.entries.map((e) => e.name)).toEqual(['vol/p1.png', '../evil.jpg']);
    expect(archive.entries[0].uncompressedSize).toBe(png.length);
    expect(await archive.read(archive.entries[1], 'archive')).toEqual(png);
  });

  it('says what is wrong with bytes that are not a ZIP', async () => {
    await expect(openArchive(Buffer.from('not a zip at all, really'), 10)).rejects.toMatchObject({
      code: 'ARCHIVE',
      message: expect.stringMatching(/^archive: not a ZIP\/CBZ archive/),
    });
  });

  it('refuses more entries than the cap before listing them', async () => {
    const zip = makeZip({ 'a.jpg': 'AA==', 'b.jpg': 'AA==', 'c.jpg': 'AA==' });
    await expect(openArchive(zip, 2)).rejects.toMatchObject({
      code: 'ARCHIVE_TOO_LARGE',
      message: 'archive: 3 entries is over the limit of 2 entries per archive',
    });
  });

  it('stops an entry that inflates past its declared size', async () => {
    const zip = lieAboutSizes(makeZip({ 'bomb.png': new Uint8Array(2_000_000) }, 9), 1000);
    const archive = await openArchive(zip, 10);
    expect(archive.entries[0].uncompressedSize).toBe(1000);
    await expect(archive.read(archive.entries[0], 'archive: entry "bomb.png"')).rejects.toMatchObject({
      code: 'ARCHIVE',
      message: expect.stringMatching(/^archive: entry "bomb.png": the entry is corrupt \(too many bytes/),
    });
  });
});
