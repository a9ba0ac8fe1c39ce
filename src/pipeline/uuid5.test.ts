import { describe, expect, it } from 'vitest';
import { MOKURO_NAMESPACE, titleUuidOf, uuid5, volumeUuidOf } from './uuid5.ts';

const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

describe('uuid5 (values from Python 3.11 uuid.uuid5)', () => {
  it('matches Python on the documented example and on our namespace', () => {
    expect(uuid5(NAMESPACE_DNS, 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(uuid5(NAMESPACE_URL, 'https://github.com/kha-white/mokuro')).toBe(MOKURO_NAMESPACE);
  });

  it('derives title and volume uuids from their names (UTF-8, full-width digits included)', () => {
    expect(titleUuidOf('My Manga')).toBe('5c5dfab8-870d-5049-8d5c-1229fccc2157');
    expect(volumeUuidOf('My Manga', 'Vol 01')).toBe('c9a66750-fc18-5861-831a-f8df3ee3dd41');
    expect(titleUuidOf('ワンピース')).toBe('b9f4cff8-3368-5eaf-b5a6-845a061265d8');
    expect(volumeUuidOf('ワンピース', '第１巻')).toBe('25984998-5a94-5dbc-8b9e-55f721df2a68');
  });

  it('refuses a namespace that is not a uuid', () => {
    expect(() => uuid5('nope', 'x')).toThrow(/not a uuid/);
  });
});
