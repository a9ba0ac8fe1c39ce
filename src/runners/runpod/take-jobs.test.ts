import { afterEach, describe, expect, it } from 'vitest';
import { startFakeRunpod, type FakeRunpod } from '../../../test/helpers/fake-runpod-server.ts';
import { parseJobs, takeJobs } from './take-jobs.ts';

describe('parseJobs', () => {
  it('reads one job from an object and several from an array, keeping extras', () => {
    expect(parseJobs('{"id":"a","input":{"x":1},"webhook":"w"}')).toEqual({ jobs: [{ id: 'a', input: { x: 1 }, webhook: 'w' }], rejected: [] });
    expect(parseJobs('[{"id":"a","input":1},{"id":2,"input":0}]').jobs.map((j) => j.id)).toEqual(['a', '2']);
  });

  it('finds no job in empty, non-JSON or incomplete answers, and says why without the content', () => {
    expect(parseJobs('')).toEqual({ jobs: [], rejected: ['empty body'] });
    expect(parseJobs('secret page data')).toEqual({ jobs: [], rejected: ['body is not JSON (16 bytes)'] });
    expect(parseJobs('{"id":"a"}').rejected).toEqual(['entry 0 has missing field(s): input']);
    expect(parseJobs('[{"input":1},7,{"id":"ok","input":null}]').rejected).toEqual([
      'entry 0 has missing field(s): id',
      'entry 1 is not an object',
      'entry 2 has missing field(s): input',
    ]);
  });
});

describe('takeJobs', () => {
  let fake: FakeRunpod;
  afterEach(() => fake.close());

  it('classifies the answers of job-take', async () => {
    fake = await startFakeRunpod({ holdMs: 20 });
    const url = fake.templates.take.replace('$ID', 'w');
    const take = () => takeJobs(url, { apiKey: 'k', signal: new AbortController().signal });
    expect(await take()).toEqual({ kind: 'none', why: 'HTTP 204' });
    for (const status of [400, 429, 503]) fake.answerTake({ status });
    expect(await take()).toEqual({ kind: 'none', why: 'HTTP 400' });
    expect(await take()).toEqual({ kind: 'rate-limited' });
    expect(await take()).toEqual({ kind: 'error', why: 'HTTP 503' });
    fake.giveJobs({ id: 'j', input: {} });
    expect(await take()).toEqual({ kind: 'jobs', jobs: [{ id: 'j', input: {} }], rejected: [] });
    expect(fake.requests[0].headers.authorization).toBe('k');
  });

  it('treats a long-poll timeout as no job and an abort as aborted', async () => {
    fake = await startFakeRunpod({ holdMs: 5000 });
    const url = fake.templates.take.replace('$ID', 'w');
    expect(await takeJobs(url, { signal: new AbortController().signal, timeoutMs: 50 })).toEqual({ kind: 'none', why: 'long-poll timed out' });
    expect(await takeJobs(url, { signal: AbortSignal.timeout(50) })).toEqual({ kind: 'aborted' });
    expect((await takeJobs('http://127.0.0.1:1/job-take/w', { signal: new AbortController().signal })).kind).toBe('error');
  });
});
