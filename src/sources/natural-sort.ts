/**
 * Natural sort as Mokuro orders pages: natsort's default algorithm (SethMMorton/natsort
 * `natsort_key`, ns.INT, spec §1.8). A string is split into runs of digits and non-digits;
 * digit runs compare as unsigned integers, the rest by code point (case-sensitive, no locale,
 * no path splitting). A key that starts with a number gets an empty string in front, so keys
 * always alternate string/number and `"10"` sorts after `"a"`... exactly as natsort does.
 *
 * Deviation: only ASCII digits form numbers (Python's `\d` also takes other Unicode decimal
 * digits, which page names do not use in practice).
 */
export type NaturalKey = (string | bigint)[];

const RUNS = /(\d+)/;

/** natsort's key of one string: `"p10.jpg"` → `["p", 10n, ".jpg"]`. */
export function naturalKey(s: string): NaturalKey {
  const parts = s.split(RUNS);
  const key: NaturalKey = [];
  // split() with a capture group alternates non-digit / digit runs, starting with non-digits.
  parts.forEach((part, i) => {
    if (i % 2 === 1) key.push(BigInt(part));
    else if (part !== '') key.push(part);
    else if (i === 0 && parts.length > 1) key.push(''); // natsort's leading empty string
  });
  return key;
}

const cmp = <T extends string | bigint>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

/** Python's tuple comparison of two natural keys (element types line up by construction). */
export function compareNaturalKeys(a: NaturalKey, b: NaturalKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    // A string and a number at the same position cannot happen after the leading '' rule,
    // but strings sort before numbers if it ever does, instead of throwing like Python.
    if (typeof x !== typeof y) return typeof x === 'string' ? -1 : 1;
    const c = cmp(x, y);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * Compares two strings naturally. Ties under natsort (`p01` and `p1`) are broken by code point
 * so the order never depends on the order entries came in.
 */
export function compareNatural(a: string, b: string): number {
  return compareNaturalKeys(naturalKey(a), naturalKey(b)) || cmp(a, b);
}

/** A sorted copy, in natsort order. */
export function naturalSorted<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, name: keyOf(item), key: naturalKey(keyOf(item)) }));
  keyed.sort((a, b) => compareNaturalKeys(a.key, b.key) || cmp(a.name, b.name));
  return keyed.map((k) => k.item);
}
