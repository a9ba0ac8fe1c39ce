const DATA_URL = /^data:([a-z0-9.+/-]*)?(;[a-z0-9=.+-]+)*;base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_URL = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Strict base64 (standard or URL-safe alphabet, optional `data:` prefix, whitespace ignored) to
 * bytes. Returns undefined when the text is not base64, so the caller can say which page it was:
 * Buffer.from(…, 'base64') alone would silently skip junk characters.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const body = text.replace(DATA_URL, '').replace(/\s+/g, '');
  if (body.length === 0 || body.length % 4 === 1) return undefined;
  // standard base64 comes padded; the URL-safe alphabet is often sent without padding
  const standard = BASE64.test(body) && body.length % 4 === 0;
  if (!standard && !BASE64_URL.test(body)) return undefined;
  return Buffer.from(body, body.includes('-') || body.includes('_') ? 'base64url' : 'base64');
}

/** The decoded size of base64 text without decoding it, for limits checked before any work. */
export function base64DecodedSize(text: string): number {
  const body = text.replace(DATA_URL, '');
  const padding = body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0;
  return Math.floor((body.length * 3) / 4) - padding;
}
