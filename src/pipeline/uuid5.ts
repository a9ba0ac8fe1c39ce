import { createHash } from 'node:crypto';

/**
 * RFC 4122 name-based uuids (version 5, SHA-1), as Python's `uuid.uuid5(namespace, name)`: the
 * SHA-1 of the namespace's 16 bytes and the name's UTF-8, cut to 16 bytes, version and variant
 * bits set. Node has no uuid5 of its own; uuid5.test.ts checks this against Python's values.
 */
export function uuid5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a uuid: ${namespace}`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The namespace of the uuids we derive from names: `uuid5(NAMESPACE_URL,
 * "https://github.com/kha-white/mokuro")` = ca24ac75-cb6c-57b9-888d-ac9306f0b056. Fixed forever:
 * changing it would split every series already in a reader.
 */
export const MOKURO_NAMESPACE = 'ca24ac75-cb6c-57b9-888d-ac9306f0b056';

/** A title's uuid when none is given: the same title groups in the readers, whichever job made it. */
export const titleUuidOf = (title: string) => uuid5(MOKURO_NAMESPACE, title);

/** A volume's uuid when none is given: the same volume of the same title is recognised as such. */
export const volumeUuidOf = (title: string, volume: string) => uuid5(MOKURO_NAMESPACE, `${title}/${volume}`);
