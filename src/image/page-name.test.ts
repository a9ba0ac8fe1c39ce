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

  it('drops traversal hidden in URL escapes, dot-only segments and UNC roots', () => {
    expect(sanitisePageName('%2e%2e/%2E%2e/secret.png')).toBe('secret.png');
    expect(sanitisePageName('.%2e/a/%2e./b.png')).toBe('a/b.png');
    expect(sanitisePageName('.../..../c.png')).toBe('c.png');
    expect(sanitisePageName('\\\\server\\share\\d.png')).toBe('server/share/d.png');
    expect(sanitisePageName(' / ./ .. /e.png ')).toBe('e.png');
    // a dot inside a name is fine
    expect(sanitisePageName('v1..2/p.01.png')).toBe('v1..2/p.01.png');
  });

  it('removes C1 controls, invisible and bidi characters, and repairs lone surrogates', () => {
    expect(sanitisePageName('a\u0085b\u009fc.png')).toBe('abc.png');
    expect(sanitisePageName('evil\u202Egnp.exe')).toBe('evilgnp.exe');
    expect(sanitisePageName('\ufeffz\u200bero\u2066.png')).toBe('zero.png');
    expect(sanitisePageName('line\u2028break.png')).toBe('linebreak.png');
    expect(sanitisePageName('half\ud800.png')).toBe('half\ufffd.png');
    expect(sanitisePageName('\u202E\u0000/\u200b')).toBeUndefined();
  });

  it('keeps Japanese, emoji and full-width names as they are', () => {
    expect(sanitisePageName('第1話/ページ０１.jpg')).toBe('第1話/ページ０１.jpg');
    expect(sanitisePageName('📖 p1.png')).toBe('📖 p1.png');
    expect(sanitisePageName('．．/x.png')).toBe('．．/x.png');
  });

  it('numbers unnamed pages from 1 with the detected extension', () => {
    expect(defaultPageName(0, 'jpeg')).toBe('0001.jpg');
    expect(defaultPageName(41, 'png')).toBe('0042.png');
    expect(defaultPageName(2, 'heif')).toBe('0003.avif');
  });
});
