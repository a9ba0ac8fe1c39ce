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

  it('never yields a name that resolves as a URL outside the volume folder, or to another file', () => {
    // readers resolve img_path against the volume's folder URL: a scheme, `?`, `#` or an escape
    // would send them elsewhere (`https://evil/x.png` became `https:/evil/x.png`, an absolute URL)
    const cases: [string, string][] = [
      ['https://evil/x.png', 'https_/evil/x.png'],
      ['file:///etc/passwd', 'file_/etc/passwd'],
      ['javascript:alert(1).png', 'javascript_alert(1).png'],
      ['p1.png?x=1#top', 'p1.png_x=1_top'],
      ['a/%2F..%2F..%2Fb.png', 'a/_2F.._2F.._2Fb.png'],
      ['c%3A/d.png', 'c_3A/d.png'],
      ['100%.png', '100%.png'],
      ['vol:1/p:2.png', 'vol_1/p:2.png'],
    ];
    for (const [name, safe] of cases) expect(sanitisePageName(name), name).toBe(safe);
    const base = 'https://reader.invalid/My%20Manga/Vol%2001/';
    const hostile = [
      ...cases.map(([name]) => name),
      'HTTPS:\\\\evil\\x.png', ' data:image/png;base64,AAAA', '\\/evil.example/x.png', '/\\evil/x.png', 'blob:https://a/b',
      '?#', '#', 'a#b/c?d.png', '%2e%2e/%2e%2e/x.png', '%252e%252e/x.png', '.%2E/x.png', 'x/%00/y.png', 'mailto:a@b',
      '\u3000https://evil/x.png', 'ｈｔｔｐｓ：／／evil/x.png', 'a\tb://c.png', 'C:/x.png', 'c:x.png',
    ];
    for (const name of hostile) {
      const safe = sanitisePageName(name);
      if (safe === undefined) continue;
      const url = new URL(safe, base);
      expect([url.origin, url.search, url.hash], `${name} → ${safe}`).toEqual(['https://reader.invalid', '', '']);
      expect(url.pathname.startsWith('/My%20Manga/Vol%2001/'), `${name} → ${safe} → ${url.href}`).toBe(true);
      // and the path it reaches is the name itself, so the reader finds the file it names
      const reached = url.pathname.slice(base.length - 'https://reader.invalid'.length);
      expect(reached.replace(/(%[0-9A-F]{2})+/g, decodeURIComponent), name).toBe(safe);
    }
  });

  it('keeps Japanese, emoji and full-width names as they are', () => {
    expect(sanitisePageName('第1話/ページ０１.jpg')).toBe('第1話/ページ０１.jpg');
    expect(sanitisePageName('第1話/001.jpg')).toBe('第1話/001.jpg');
    expect(sanitisePageName('📖 p1.png')).toBe('📖 p1.png');
    expect(sanitisePageName('．．/x.png')).toBe('．．/x.png');
  });

  it('numbers unnamed pages from 1 with the detected extension', () => {
    expect(defaultPageName(0, 'jpeg')).toBe('0001.jpg');
    expect(defaultPageName(41, 'png')).toBe('0042.png');
    expect(defaultPageName(2, 'heif')).toBe('0003.avif');
  });
});
