/**
 * Characters dropped from names: C0/C1 controls, and invisible formatting characters (zero-width,
 * bidi embeddings/overrides/isolates, line/paragraph separators, BOM) that can make `evil.exe‮gnp.`
 * look like another name in a reader's file list.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
/** half of a surrogate pair with no other half: not text, and JSON encoders differ on it */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** `.` written as a URL escape: readers resolve img_path as a URL, where `%2e%2e` means `..` */
const ESCAPED_DOT = /%2e/gi;

/**
 * Characters that mean something when a reader resolves img_path as a URL relative to the volume's
 * folder: `?` and `#` end the path, and a `%XX` escape may be decoded into `/`, `..` or `?`.
 */
const URL_SPECIAL = /[?#]|%(?=[0-9a-f]{2})/gi;

/**
 * A client-given page name as a safe relative `img_path`: forward slashes, no `..`, `.` or empty
 * segments (nor dot-only ones like `...`, which Windows reads as `.`, nor URL-escaped dots), no
 * leading slash or drive letter, no control or invisible characters, no lone surrogates. Resolved as a
 * URL against the volume's folder it stays inside that folder and names this file: `?`, `#` and the
 * `%` of an escape become `_`, and so does a `:` in the first segment (`https://evil/x.png` would
 * otherwise be an absolute URL, `https_/evil/x.png` is a folder). Returns undefined when nothing usable
 * is left.
 */
export function sanitisePageName(name: string): string | undefined {
  const segments = name
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(INVISIBLE, '')
    .replace(/\\/g, '/')
    .replace(/^[a-z]:/i, '')
    .split('/')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !/^\.+$/.test(s.replace(ESCAPED_DOT, '.')))
    .map((s) => s.replace(URL_SPECIAL, '_'));
  if (segments.length === 0) return undefined;
  // a scheme is whatever precedes the first `:` of the first segment
  segments[0] = segments[0].replaceAll(':', '_');
  return segments.join('/');
}

const EXTENSIONS: Record<string, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  heif: 'avif',
  avif: 'avif',
  gif: 'gif',
};

/** The name of the page at `index` (0-based) before its format is known: `0001`, `0002`, … */
export function pageNumberName(index: number): string {
  return String(index + 1).padStart(4, '0');
}

/** The default `img_path` of the page at `index` (0-based): `0001.jpg`, `0002.png`, … */
export function defaultPageName(index: number, format: string): string {
  return `${pageNumberName(index)}.${EXTENSIONS[format] ?? format}`;
}
