import { describe, expect, it } from 'vitest';
import { fileNameOfUrl, identityFromArchiveName } from './archive-name.ts';

describe('identityFromArchiveName (kha-white/mokuro mokuro/volume.py)', () => {
  it('takes the volume from the stem and the title from the folder', () => {
    expect(identityFromArchiveName('My Manga/Vol 01.cbz')).toEqual({ title: 'My Manga', volume: 'Vol 01' });
    expect(identityFromArchiveName('Vol 01.CBZ')).toEqual({ volume: 'Vol 01' });
    expect(identityFromArchiveName('C:\\manga\\Series\\v2.zip')).toEqual({ title: 'Series', volume: 'v2' });
  });

  it('drops only the archive suffix, so dots in the name survive', () => {
    expect(identityFromArchiveName('vol.1.cbz')).toEqual({ volume: 'vol.1' });
    expect(identityFromArchiveName('vol.1.rar')).toEqual({ volume: 'vol.1.rar' });
  });

  it('gives nothing for an empty or dot-only name', () => {
    expect(identityFromArchiveName(undefined)).toEqual({});
    expect(identityFromArchiveName('../')).toEqual({});
  });
});

describe('fileNameOfUrl', () => {
  it('is the last path segment, decoded, without the query', () => {
    expect(fileNameOfUrl('https://b.s3.amazonaws.com/x/Vol%2001.cbz?X-Amz-Signature=abc')).toBe('Vol 01.cbz');
    expect(fileNameOfUrl('https://h/pages/p001.jpg')).toBe('p001.jpg');
    expect(fileNameOfUrl('https://h/')).toBeUndefined();
    expect(fileNameOfUrl('https://h/%E0%A4%A.jpg')).toBe('%E0%A4%A.jpg');
  });
});
