import { describe, expect, it } from 'vitest';
import { WorkerError } from '../errors.ts';
import { checkJobLimits } from './job-limits.ts';

const page = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
const caught = (f: () => void) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(WorkerError);
    return err as WorkerError;
  }
  throw new Error('expected a throw');
};

describe('checkJobLimits', () => {
  const limits = { maxPages: 3, maxRequestBytes: 1000 };

  it('lets a job at the limits through', () => {
    expect(() => checkJobLimits({ field: 'images', pages: [page(400), { name: 'a.png', data: page(300) }, page(300)] }, limits)).not.toThrow();
  });

  it('refuses more pages than the limit, naming the field and the limit', () => {
    const err = caught(() => checkJobLimits({ field: 'images', pages: [page(1), page(1), page(1), page(1)] }, limits));
    expect(err).toMatchObject({ code: 'TOO_MANY_PAGES', message: 'images: 4 pages is over the limit of 3 pages per job' });
  });

  it('refuses page data over the total, counting decoded bytes of plain and named pages', () => {
    const err = caught(() => checkJobLimits({ field: 'images', pages: [page(600), { name: 'b.png', data: `data:image/png;base64,${page(401)}` }] }, limits));
    expect(err).toMatchObject({ code: 'REQUEST_TOO_LARGE', message: 'images: 1001 bytes of page data is over the limit of 1000 bytes per job' });
    const single = caught(() => checkJobLimits({ field: 'image', pages: [page(1001)] }, limits));
    expect(single.message).toBe('image: 1001 bytes of page data is over the limit of 1000 bytes per job');
  });
});
