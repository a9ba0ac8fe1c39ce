import { DECIMAL_ZEROS, OTHER_DIGITS } from './unicode-digits.ts';

/**
 * Natural sort as Mokuro orders pages and volumes: natsort's default algorithm (`natsorted`,
 * ns.INT; SethMMorton/natsort `natsort/utils.py` `parse_string_factory`, `sep_inserter`,
 * `natsort/compat/fake_fastnumbers.py` `fast_int`). A string is first put in Unicode NFD, then
 * split into numbers and text: a run of decimal digits of any script is one number (`第２話` →
 * `第`, 2, `話`, as Python's `int('２')` reads it), and each other digit character (superscripts,
 * circled digits) is a number of its own. Text compares by code point (case-sensitive, no locale,
 * no path splitting). An empty string goes in front of a leading number and between two adjacent
 * numbers, so keys always alternate text/number and `"10"` sorts before `"a"`, exactly as natsort.
 */
export type NaturalKey = (string | bigint)[];

/** The value of a decimal digit (Unicode Nd) at code point `cp`, or -1. */
function decimalValue(cp: number): number {
  let lo = 0;
  let hi = DECIMAL_ZEROS.length - 1;
  if (cp < DECIMAL_ZEROS[0]) return -1;
  while (lo < hi) {
    // the last zero at or below cp
    const mid = (lo + hi + 1) >> 1;
    if (DECIMAL_ZEROS[mid] <= cp) lo = mid;
    else hi = mid - 1;
  }
  const value = cp - DECIMAL_ZEROS[lo];
  return value <= 9 ? value : -1;
}

/** natsort's key of one string: `"p10.jpg"` → `["p", 10n, ".jpg"]`. */
export function naturalKey(s: string): NaturalKey {
  const parts: (string | bigint)[] = [];
  let text = '';
  let digits: bigint | undefined;
  const endNumber = () => {
    if (digits !== undefined) parts.push(digits);
    digits = undefined;
  };
  for (const ch of s.normalize('NFD')) {
    const cp = ch.codePointAt(0)!;
    const decimal = decimalValue(cp);
    if (decimal >= 0) {
      if (text) parts.push(text);
      text = '';
      digits = (digits ?? 0n) * 10n + BigInt(decimal);
      continue;
    }
    endNumber();
    const other = OTHER_DIGITS.get(cp);
    if (other !== undefined) {
      if (text) parts.push(text);
      text = '';
      parts.push(BigInt(other));
    } else {
      text += ch;
    }
  }
  endNumber();
  if (text) parts.push(text);
  // sep_inserter: '' before a leading number and between adjacent numbers
  const key: NaturalKey = [];
  parts.forEach((part, i) => {
    if (typeof part === 'bigint' && (i === 0 || typeof parts[i - 1] === 'bigint')) key.push('');
    key.push(part);
  });
  return key;
}

/**
 * Compares two strings by code point, as Python does. JavaScript's `<` compares UTF-16 units, which
 * puts astral characters (surrogates, 0xD800–0xDFFF) before U+E000–U+FFFF; shifting the units
 * restores code point order.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x < 0xe000 ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y < 0xe000 ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}

/** Python's tuple comparison of two natural keys (element types line up by construction). */
export function compareNaturalKeys(a: NaturalKey, b: NaturalKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    // A string and a number at the same position cannot happen after the '' rules, but strings
    // sort before numbers if it ever does, instead of throwing like Python.
    if (typeof x !== typeof y) return typeof x === 'string' ? -1 : 1;
    const c = typeof x === 'string' ? compareCodePoints(x, y as string) : x < (y as bigint) ? -1 : x > (y as bigint) ? 1 : 0;
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * Compares two strings naturally. Ties under natsort (`p01` and `p1`) are broken by code point
 * so the order never depends on the order entries came in.
 */
export function compareNatural(a: string, b: string): number {
  return compareNaturalKeys(naturalKey(a), naturalKey(b)) || compareCodePoints(a, b);
}

/** A sorted copy, in natsort order. */
export function naturalSorted<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, name: keyOf(item), key: naturalKey(keyOf(item)) }));
  keyed.sort((a, b) => compareNaturalKeys(a.key, b.key) || compareCodePoints(a.name, b.name));
  return keyed.map((k) => k.item);
}
