/**
 * A client-given page name as a safe relative `img_path`: forward slashes, no `..`, `.` or empty
 * segments, no leading slash or drive letter, no control characters. Returns undefined when
 * nothing usable is left.
 */
export function sanitisePageName(name: string): string | undefined {
  const segments = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/\\/g, '/')
    .replace(/^[a-z]:/i, '')
    .split('/')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  return segments.length > 0 ? segments.join('/') : undefined;
}

const EXTENSIONS: Record<string, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  heif: 'avif',
  avif: 'avif',
  gif: 'gif',
};

/** The default `img_path` of the page at `index` (0-based): `0001.jpg`, `0002.png`, … */
export function defaultPageName(index: number, format: string): string {
  return `${String(index + 1).padStart(4, '0')}.${EXTENSIONS[format] ?? format}`;
}
