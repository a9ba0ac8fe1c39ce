import { describe, expect, it } from 'vitest';
import { PageTooLargeError, packJobs, pageJsonBytes } from './pack-jobs.ts';

describe('packJobs', () => {
  it('counts a page as the exact JSON it is sent as', () => {
    const item = { name: 'sub/p1é.jpg', size: 1000 };
    const sent = JSON.stringify({ name: item.name, data: Buffer.alloc(item.size).toString('base64') });
    expect(pageJsonBytes(item)).toBe(Buffer.byteLength(sent) + 1);
  });

  it('keeps every job under the cap and the page limit, pages in order, each once', () => {
    const items = Array.from({ length: 23 }, (_, i) => ({ name: `p${i}.png`, size: 300 + ((i * 977) % 700) }));
    const opts = { maxBytes: 3000, baseBytes: 200, maxPages: 4 };
    const jobs = packJobs(items, opts);
    expect(jobs.flat()).toEqual(items);
    for (const job of jobs) {
      expect(job.length).toBeLessThanOrEqual(4);
      expect(opts.baseBytes + job.reduce((n, p) => n + pageJsonBytes(p), 0)).toBeLessThanOrEqual(opts.maxBytes);
    }
    // a full job could not have taken the next page
    for (let k = 0; k + 1 < jobs.length; k++) {
      const next = jobs[k + 1][0];
      const used = opts.baseBytes + jobs[k].reduce((n, p) => n + pageJsonBytes(p), 0);
      expect(jobs[k].length === 4 || used + pageJsonBytes(next) > opts.maxBytes).toBe(true);
    }
  });

  it('names a page too large for any request', () => {
    expect(() => packJobs([{ name: 'huge.png', size: 10_000 }], { maxBytes: 5000, baseBytes: 100, maxPages: 10 })).toThrow(PageTooLargeError);
    expect(() => packJobs([{ name: 'huge.png', size: 10_000 }], { maxBytes: 5000, baseBytes: 100, maxPages: 10 })).toThrow(/huge\.png/);
  });
});
