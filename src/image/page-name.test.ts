import { describe, expect, it } from 'vitest';
import { defaultPageName, sanitisePageName } from './page-name.ts';

describe('page names', () => {
  it('keeps ordinary relative names, with forward slashes', () => {
    expect(sanitisePageName('vol1/p001.JPG')).toBe('vol1/p001.JPG');
    expect(sanitisePageName('vol1\\p002.png')).toBe('vol1/p002.png');
  });

  it('removes traversal, absolute roots, drive letters and control characters', () => {
    expect(sanitisePageName('../../etc/passwd')).toBe('etc/passwd');
    expect(sanitisePageName('/abs/./x.jpg')).toBe('abs/x.jpg');
    expect(sanitisePageName('C:\\pages\\a.png')).toBe('pages/a.png');
    expect(sanitisePageName('a\u0000b\nc.png')).toBe('abc.png');
    expect(sanitisePageName('../..')).toBeUndefined();
  });

  it('numbers unnamed pages from 1 with the detected extension', () => {
    expect(defaultPageName(0, 'jpeg')).toBe('0001.jpg');
    expect(defaultPageName(41, 'png')).toBe('0042.png');
    expect(defaultPageName(2, 'heif')).toBe('0003.avif');
  });
});
