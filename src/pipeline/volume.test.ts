import { describe, expect, it } from 'vitest';
import { MokuroVolume } from '../contract/mokuro.ts';
import { mokuroPage, mokuroVolume, uniquePaths, volumeIdentity } from './volume.ts';

describe('volume document', () => {
  it('writes keys in Mokuro order', () => {
    const doc = mokuroVolume({ title: 'T' }, [mokuroPage('a.jpg', 10, 20, [])]);
    expect(Object.keys(doc)).toEqual(['version', 'title', 'title_uuid', 'volume', 'volume_uuid', 'pages']);
    expect(Object.keys(doc.pages[0])).toEqual(['version', 'img_width', 'img_height', 'blocks', 'img_path']);
    expect(doc.version).toBe('0.2.5');
    expect(MokuroVolume.safeParse(doc).success).toBe(true);
  });

  it('names the volume after the title when only a title is given, and keeps given uuids', () => {
    const uuid = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
    expect(volumeIdentity({ title: 'Manga Chapter 1', title_uuid: uuid })).toMatchObject({
      title: 'Manga Chapter 1',
      volume: 'Manga Chapter 1',
      title_uuid: uuid,
    });
    const anon = volumeIdentity({});
    expect(anon.title).toBe('Untitled');
    expect(anon.title_uuid).not.toBe(anon.volume_uuid);
  });

  it('keeps pages with the same name apart', () => {
    expect(uniquePaths(['a.jpg', 'b.jpg', 'a.jpg', 'a.jpg', 'dir/.x', 'dir/.x'])).toEqual([
      'a.jpg',
      'b.jpg',
      'a (2).jpg',
      'a (3).jpg',
      'dir/.x',
      'dir/.x (2)',
    ]);
  });
});
