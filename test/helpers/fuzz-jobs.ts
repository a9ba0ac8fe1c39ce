import { forgedPng } from './forge.ts';
import { imageCases } from './image-cases.ts';

/** mulberry32: a tiny seeded PRNG, so every run builds the same corpus and a failure can be replayed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)], bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))) };
}

/** A malformed job: `json` is the request body text exactly as a client would send it. */
export interface FuzzJob {
  kind: string;
  json: string;
}

/** Limits the fuzz handler runs with, small so oversized cases stay cheap. */
export const FUZZ_LIMITS = { MAX_PAGES: '20', MAX_PAGE_BYTES: '65536', MAX_REQUEST_BYTES: '300000', MAX_PAGE_PIXELS: '1000000', MAX_PAGE_SIDE: '4000' };

const nest = (depth: number, leaf: unknown, asArray: boolean): string =>
  (asArray ? '['.repeat(depth) : '{"a":'.repeat(depth)) + JSON.stringify(leaf) + (asArray ? ']' : '}').repeat(depth);

/**
 * At least `count` malformed jobs, every one with a defect the handler must name: random bytes,
 * truncated and forged images, wrong types, nested junk, huge numbers, odd Unicode, oversized fields,
 * deep nesting and prototype-pollution keys. No case names a URL, so nothing leaves the machine.
 */
export async function fuzzJobs(seed: number, count = 240): Promise<FuzzJob[]> {
  const r = prng(seed);
  const cases = await imageCases();
  const b64 = (b: Buffer) => b.toString('base64');
  const truncated = () => {
    const c = r.pick(cases);
    return b64(c.bytes.subarray(0, Math.max(1, Math.floor(c.bytes.length * (0.1 + 0.3 * r.next())))));
  };
  const MAGIC = [Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('ffd8ffe0', 'hex'), Buffer.from('RIFF\0\0\0\0WEBPVP8 '), Buffer.from('GIF89a'), Buffer.from('\0\0\0\x1cftypavif')];
  const oddStrings = ['', ' ', '\u0000', '\ud800', '\u202e\u202d', '🙃'.repeat(50), 'ｐｒｏｃｅｓｓ＿ｐａｇｅ', 'proсess_page', 'process_page\u200b', 'PROCESS_PAGE', 'health ', 'ﾍﾙｽ', 'null', '__proto__'];
  const junkValues: unknown[] = [null, true, false, 0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, [], {}, [null], [[]], { length: 1e9 }, 'x'.repeat(2000)];
  const page = (): unknown => r.pick(pageMakers)();
  const pageMakers: (() => unknown)[] = [
    () => b64(r.bytes(1 + r.int(4000))), // random bytes
    () => truncated(),
    () => b64(Buffer.concat([r.pick(MAGIC), r.bytes(r.int(3000))])), // a real header, then junk
    () => `data:image/png;base64,${b64(r.bytes(50 + r.int(500)))}`,
    () => ({ name: r.pick(['../../etc/passwd', '\u0000', 'a/'.repeat(300) + 'x', '%2e%2e/x.png', 'p.png']), data: truncated() }),
    () => r.pick(['not base64!', '====', 'A', 'data:image/png;base64,', '\n\t ', '🙃🙃🙃🙃', 'QUJD\u0000RA==']),
    () => r.pick(junkValues.filter((v) => typeof v !== 'string')), // wrong type for a page
    () => ({ data: r.pick(junkValues) }),
    () => ({ name: r.pick(junkValues.filter((v) => typeof v !== 'string')), data: truncated() }),
    () => ({ data: truncated(), extra: 1 }),
  ];
  const bomb = b64(await forgedPng(50_000, 50_000));
  const sideBomb = b64(await forgedPng(4001, 2));
  const okPage = b64(cases[1].bytes);
  const base = () => (r.next() < 0.5 ? { type: 'process_page', image: page() } : { type: 'process_batch', images: Array.from({ length: 1 + r.int(4) }, page) });

  const makers: [string, () => string][] = [
    ['bad pages', () => JSON.stringify(base())],
    ['input of the wrong type', () => JSON.stringify(r.pick([...junkValues, 'process_page', oddStrings]))],
    ['odd type', () => JSON.stringify({ type: r.pick([...oddStrings, ...junkValues]), image: okPage })],
    ['wrong field types', () => JSON.stringify({ type: r.pick(['process_page', 'process_batch']), image: r.pick(junkValues), images: r.pick(junkValues) })],
    ['bad volume fields', () => {
      const field = r.pick(['title', 'volume', 'title_uuid', 'volume_uuid', 'options']);
      const wrong = field.endsWith('uuid') ? [...junkValues, 'not-a-uuid', '🙃'] : field === 'options' ? [null, 1, 'greedy', [], [1]] : [null, 1, [], {}, 't'.repeat(513 + r.int(100_000))];
      return JSON.stringify({ type: 'process_page', image: okPage, [field]: r.pick(wrong) });
    }],
    ['bad options', () => JSON.stringify({ type: 'process_page', image: okPage, options: r.pick([{ decoding: 'fast' }, { detector_channels: 'cmyk' }, { tile_tall_pages: 'yes' }, { beams: 99 }, [1]]) })],
    ['bad stream flag', () => JSON.stringify({ type: 'process_batch', images: [okPage], stream: r.pick(['true', 1, null, {}]) })],
    ['nested junk', () => `{"type":"process_batch","images":${nest(1 + r.int(200), r.pick(junkValues), r.next() < 0.5)}}`],
    ['deep nesting', () => `{"type":"process_page","image":${nest(2000 + r.int(8000), 'x', r.next() < 0.5)}}`],
    ['huge numbers', () => `{"type":"process_batch","images":[${r.pick(['1e999', '-1e999', '123456789012345678901234567890', '0.0000000000000000000000001e-400', '-0'])}]}`],
    ['prototype pollution', () => r.pick([
      `{"__proto__":{"polluted":true,"type":"health"},"image":"${okPage}"}`,
      `{"type":"process_page","image":{"__proto__":{"polluted":true},"data":"${truncated()}"}}`,
      `{"type":"process_page","constructor":{"prototype":{"polluted":true}},"image":"${truncated()}"}`,
      `{"type":"process_batch","images":[{"constructor":{"prototype":{"polluted":true}},"data":"${okPage}"}]}`,
      `{"type":"process_page","image":"${okPage}","options":{"__proto__":{"decoding":"greedy","polluted":true}}}`,
    ])],
    ['too many pages', () => JSON.stringify({ type: 'process_batch', images: Array.from({ length: 21 + r.int(100) }, () => okPage) })],
    ['oversized page', () => JSON.stringify({ type: 'process_page', image: b64(r.bytes(65537 + r.int(10000))) })],
    ['oversized request', () => JSON.stringify({ type: 'process_batch', images: Array.from({ length: 6 }, () => b64(r.bytes(60000))) })],
    ['oversized fields', () => JSON.stringify({ type: 'process_batch', images: [{ name: 'n'.repeat(1025 + r.int(5000)), data: okPage }], title: 'ok' })],
    ['decompression bomb', () => JSON.stringify(r.next() < 0.5 ? { type: 'process_page', image: bomb } : { type: 'process_batch', images: [bomb, sideBomb] })],
    ['empty batch', () => JSON.stringify({ type: 'process_batch', images: [] })],
  ];
  const jobs: FuzzJob[] = [];
  // every kind at least once, then random kinds
  for (let i = 0; jobs.length < count; i++) {
    const [kind, make] = i < makers.length ? makers[i] : r.pick(makers);
    jobs.push({ kind, json: `{"input":${make()}}` });
  }
  return jobs;
}
