import { describe, expect, it } from 'vitest';
import { runpodUrls, withQuery } from './urls.ts';

const base = 'https://api.runpod.ai/v2/ep';
const templates = {
  take: `${base}/job-take/$ID?gpu=A100`,
  done: `${base}/job-done/$RUNPOD_POD_ID/$ID?gpu=A100`,
  stream: `${base}/job-stream/$RUNPOD_POD_ID/$ID?gpu=A100`,
  ping: `${base}/ping/$RUNPOD_POD_ID`,
};

describe('withQuery', () => {
  it('appends with & after an existing query and with ? otherwise, skipping undefined', () => {
    expect(withQuery('http://h/a?x=1', { y: 2 })).toBe('http://h/a?x=1&y=2');
    expect(withQuery('http://h/a', { y: 2, z: undefined })).toBe('http://h/a?y=2');
    expect(withQuery('http://h/a', {})).toBe('http://h/a');
  });
});

describe('runpodUrls', () => {
  const urls = runpodUrls(templates, 'pod-7');

  it('fills the worker id into the take URL and switches to job-take-batch for several slots', () => {
    expect(urls.take(false, 1)).toBe(`${base}/job-take/pod-7?gpu=A100&job_in_progress=0`);
    expect(urls.take(true, 3)).toBe(`${base}/job-take-batch/pod-7?gpu=A100&job_in_progress=1&batch_size=3`);
  });

  it('derives the stop channel from the take URL', () => {
    expect(urls.stop()).toBe(`${base}/job-stop/pod-7?gpu=A100`);
  });

  it('fills worker and job ids into job-done and job-stream', () => {
    expect(urls.done('job-1', false)).toBe(`${base}/job-done/pod-7/job-1?gpu=A100&isStream=false`);
    expect(urls.done('job-1', true)).toBe(`${base}/job-done/pod-7/job-1?gpu=A100&isStream=true`);
    expect(urls.stream('job-1')).toBe(`${base}/job-stream/pod-7/job-1?gpu=A100&isStream=false`);
  });

  it('lists running jobs in the ping and leaves job_id out when idle', () => {
    const ping = new URL(urls.ping(['a', 'b'], '1.2.3')!);
    expect(ping.pathname).toBe('/v2/ep/ping/pod-7');
    expect(ping.searchParams.get('job_id')).toBe('a,b');
    expect(ping.searchParams.get('runpod_version')).toBe('1.2.3');
    expect(urls.ping([], '1.2.3')).toBe(`${base}/ping/pod-7?runpod_version=1.2.3`);
  });

  it('accepts $RUNPOD_POD_ID in the take template and leaves absent templates undefined', () => {
    const u = runpodUrls({ take: 'http://h/job-take/$RUNPOD_POD_ID' }, 'w');
    expect(u.take(false, 1)).toBe('http://h/job-take/w?job_in_progress=0');
    expect(u.done('j', false)).toBeUndefined();
    expect(u.ping([], 'v')).toBeUndefined();
  });
});
