import { describe, expect, it } from 'vitest';
import { base64DecodedSize, decodeBase64 } from './base64.ts';

describe('decodeBase64', () => {
  const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0xfb, 0xef]);
  it('decodes standard, URL-safe and data-URL base64, ignoring line breaks', () => {
    const std = bytes.toString('base64');
    expect(decodeBase64(std)).toEqual(bytes);
    expect(decodeBase64(bytes.toString('base64url'))).toEqual(bytes);
    expect(decodeBase64(`data:image/jpeg;base64,${std}`)).toEqual(bytes);
    expect(decodeBase64(`${std.slice(0, 4)}\n${std.slice(4)}`)).toEqual(bytes);
  });

  it('refuses text that is not base64 instead of skipping the junk', () => {
    expect(decodeBase64('not base64!')).toBeUndefined();
    expect(decodeBase64('abc=def=')).toBeUndefined();
    expect(decodeBase64('ab+/cd-_')).toBeUndefined();
    expect(decodeBase64('')).toBeUndefined();
    expect(decodeBase64('abc$')).toBeUndefined();
    expect(decodeBase64('a')).toBeUndefined();
  });

  it('knows the decoded size without decoding', () => {
    for (const n of [1, 2, 3, 10, 1000]) {
      expect(base64DecodedSize(Buffer.alloc(n).toString('base64'))).toBe(n);
    }
  });
});
