import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareCodePoints, compareNatural, naturalKey, naturalSorted } from './natural-sort.ts';

/** Python natsort's own order of the same names (generated once; see the fixture's `about`). */
const reference = JSON.parse(readFileSync(new URL('../../test/fixtures/natsort-reference.json', import.meta.url), 'utf8')) as {
  input: string[];
  natsorted: string[];
  keys: Record<string, string[]>;
};

describe('naturalKey (natsort default algorithm)', () => {
  it('splits digit runs into numbers and keeps the rest as text', () => {
    expect(naturalKey('page10.jpg')).toEqual(['page', 10n, '.jpg']);
    expect(naturalKey('vol 1/p002.png')).toEqual(['vol ', 1n, '/p', 2n, '.png']);
  });

  it('puts an empty string first when the name starts with a number, as natsort does', () => {
    expect(naturalKey('10.jpg')).toEqual(['', 10n, '.jpg']);
    expect(naturalKey('007')).toEqual(['', 7n]);
    expect(naturalKey('')).toEqual([]);
  });
});

describe('compareNatural', () => {
  const sort = (names: string[]) => [...names].sort(compareNatural);

  it('orders page2 before page10 and nested folders by their numbers too', () => {
    expect(sort(['page10.jpg', 'page2.jpg', 'page1.jpg'])).toEqual(['page1.jpg', 'page2.jpg', 'page10.jpg']);
    expect(sort(['ch10/p1.jpg', 'ch2/p10.jpg', 'ch2/p9.jpg'])).toEqual(['ch2/p9.jpg', 'ch2/p10.jpg', 'ch10/p1.jpg']);
  });

  it('is case-sensitive by code point (uppercase first) with no locale, like natsort', () => {
    expect(sort(['b.jpg', 'B.jpg', 'a.jpg', 'A.jpg'])).toEqual(['A.jpg', 'B.jpg', 'a.jpg', 'b.jpg']);
  });

  it('puts names starting with a digit before letters (the leading empty string)', () => {
    expect(sort(['a.jpg', '10.jpg', '9.jpg'])).toEqual(['9.jpg', '10.jpg', 'a.jpg']);
  });

  it('compares numbers of any length exactly and breaks natsort ties by code point', () => {
    expect(sort(['p100000000000000000001', 'p99999999999999999999'])).toEqual(['p99999999999999999999', 'p100000000000000000001']);
    expect(sort(['p1.jpg', 'p01.jpg', 'p001.jpg'])).toEqual(['p001.jpg', 'p01.jpg', 'p1.jpg']);
  });

  it('does not split paths: the separator is compared as text', () => {
    // natsort without ns.PATH: "a/…" vs "a-…" compares '/' (0x2f) with '-' (0x2d)
    expect(sort(['a/1.jpg', 'a-1.jpg'])).toEqual(['a-1.jpg', 'a/1.jpg']);
  });
});

describe('naturalSorted', () => {
  it('sorts items by a key and leaves the input alone', () => {
    const items = [{ n: 'x10' }, { n: 'x2' }];
    expect(naturalSorted(items, (i) => i.n).map((i) => i.n)).toEqual(['x2', 'x10']);
    expect(items[0].n).toBe('x10');
  });
});

describe('Unicode digits and normalisation, against Python natsort', () => {
  it('orders the reference names exactly as natsort.natsorted does', () => {
    expect(naturalSorted(reference.input, (n) => n)).toEqual(reference.natsorted);
    expect([...reference.input].sort(compareNatural)).toEqual(reference.natsorted);
    expect(reference.natsorted.indexOf('第２話.jpg')).toBeLessThan(reference.natsorted.indexOf('第１０話.jpg'));
  });

  it('builds the same keys as natsort_key (numbers as decimal strings in the fixture)', () => {
    for (const [name, key] of Object.entries(reference.keys)) {
      expect(naturalKey(name).map((k) => (typeof k === 'bigint' ? k.toString() : k)), name).toEqual(key.map((k) => (typeof k === 'string' ? k : String(k))));
    }
    expect(naturalKey('第１０話')).toEqual(['第', 10n, '話']);
    expect(naturalKey('p١٢')).toEqual(['p', 12n]);
    // other digits stand alone, with '' between adjacent numbers
    expect(naturalKey('①②')).toEqual(['', 1n, '', 2n]);
  });

  it('compares text by code point, astral characters after U+FFxx as in Python', () => {
    expect(compareCodePoints('😀', 'Ａ')).toBeGreaterThan(0);
    expect('😀' < 'Ａ').toBe(true); // what plain UTF-16 comparison would say
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
  });
});
