import { describe, expect, it } from 'vitest';
import { matchPages } from './remote-backend.ts';
import type { VolumePage } from './volume-pages.ts';

const sent = ['a.png', 'b.png', 'c.png'].map((imgPath): VolumePage => ({ imgPath, cachePath: imgPath.replace('.png', '.json'), size: 1, read: async () => Buffer.alloc(1) }));
const page = (img_path: string) => ({ version: '0.2.5', img_width: 1, img_height: 1, blocks: [], img_path });
const answer = (pages: ReturnType<typeof page>[], errors: { page_index: number; img_path: string; code: string; message: string }[] = []) => ({
  mokuro: { version: '0.2.5', title: 'T', title_uuid: '5c5dfab8-870d-5049-8d5c-1229fccc2157', volume: 'V', volume_uuid: 'c9a66750-fc18-5861-831a-f8df3ee3dd41', pages },
  errors,
  stats: { pages: pages.length, lines: 0, timings_ms: {}, provider: {}, worker_version: '0', models: 'stand-in' },
});

describe('matchPages (a job answer against the pages sent)', () => {
  it('puts each answered page and each listed error back on the page it belongs to', () => {
    const out = matchPages(answer([page('a.png'), page('c.png')], [{ page_index: 1, img_path: 'b.png', code: 'IMAGE_DECODE', message: 'bad' }]), sent);
    expect(out.map((o) => [o.page.imgPath, o.result?.img_path ?? o.error])).toEqual([['a.png', 'a.png'], ['b.png', 'IMAGE_DECODE: bad'], ['c.png', 'c.png']]);
    expect(out[1].permanent).toBe(true); // not an image: sending it again cannot help
    const inference = matchPages(answer([page('a.png'), page('b.png')], [{ page_index: 2, img_path: 'c.png', code: 'INFERENCE', message: 'x' }]), sent);
    expect(inference[2]).toMatchObject({ error: 'INFERENCE: x', permanent: false });
  });

  it('refuses answers that lose, add, reorder or misname pages', () => {
    expect(() => matchPages(answer([page('a.png'), page('b.png')]), sent)).toThrow(/answered 2 pages and 0 errors for 3/);
    expect(() => matchPages(answer([page('a.png'), page('c.png'), page('b.png')]), sent)).toThrow(/"c.png" where "b.png"/);
    expect(() => matchPages(answer([page('a.png'), page('b.png')], [{ page_index: 3, img_path: 'x', code: 'INTERNAL', message: '' }]), sent)).toThrow(/not sent/);
    expect(() => matchPages({ error: 'boom' }, sent)).toThrow(/not a process_batch answer/);
  });
});
