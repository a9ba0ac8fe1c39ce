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

  it('derives missing uuids from title and volume, so separate jobs of one series group together', () => {
    const a = volumeIdentity({ title: 'My Manga', volume: 'Vol 01' });
    const b = volumeIdentity({ title: 'My Manga', volume: 'Vol 02' });
    expect(a.title_uuid).toBe('5c5dfab8-870d-5049-8d5c-1229fccc2157'); // Python uuid5(namespace, 'My Manga')
    expect(b.title_uuid).toBe(a.title_uuid);
    expect(a.volume_uuid).toBe('c9a66750-fc18-5861-831a-f8df3ee3dd41');
    expect(b.volume_uuid).not.toBe(a.volume_uuid);
    expect(volumeIdentity({ title: 'My Manga', volume: 'Vol 01' })).toEqual(a); // the same job again: the same uuids
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
