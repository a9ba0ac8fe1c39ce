import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.ts';
import { createJobReporter } from './job-reporter.ts';
import type { PostJson } from './post-json.ts';
import { runpodUrls } from './urls.ts';

const urls = runpodUrls({ take: 'http://h/job-take/$ID', done: 'http://h/done/$ID?q=1', stream: 'http://h/stream/$ID?q=1' }, 'w');

/**
 * A post that records calls. Held, it answers only when the test says so (a slow RunPod, without
 * guessing how slow): `inFlight(n)` waits until n posts were made, `releaseAll()` answers them and
 * every later one at once.
 */
function recordingPost({ held = false } = {}) {
  const calls: { url: string; body: unknown; attempts?: number }[] = [];
  const pending: (() => void)[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let open = !held;
  const post: PostJson = async (url, _jobId, body, opts) => {
    calls.push({ url, body, attempts: opts?.attempts });
    for (const w of waiters.filter((w) => calls.length >= w.n)) w.resolve();
    if (!open) await new Promise<void>((r) => pending.push(r));
    return true;
  };
  const inFlight = (n: number) => new Promise<void>((resolve) => (calls.length >= n ? resolve() : waiters.push({ n, resolve })));
  const releaseAll = () => {
    open = true;
    for (const r of pending.splice(0)) r();
  };
  return { calls, post, inFlight, releaseAll };
}

describe('createJobReporter', () => {
  it('posts progress best-effort, then the result once the queue is drained', async () => {
    const { calls, post } = recordingPost();
    const r = createJobReporter({ jobId: 'j', urls, post, log: silentLogger() });
    r.progress({ n: 1 });
    expect(await r.finish({ output: 'done' })).toBe(true);
    expect(calls).toEqual([
      { url: 'http://h/done/j?q=1&isStream=false', body: { status: 'IN_PROGRESS', output: { n: 1 } }, attempts: 1 },
      { url: 'http://h/done/j?q=1&isStream=false', body: { output: 'done' }, attempts: undefined },
    ]);
  });

  it('sends only the newest of the progress updates that piled up while a post was slow', async () => {
    const { calls, post, inFlight, releaseAll } = recordingPost({ held: true });
    const r = createJobReporter({ jobId: 'j', urls, post, log: silentLogger() });
    r.progress(1);
    await inFlight(1); // 1 is being posted and has no answer yet
    r.progress(2);
    r.progress(3);
    r.progress(4);
    const finished = r.finish({ output: null });
    releaseAll();
    await finished;
    expect(calls.map((c) => c.body)).toEqual([{ status: 'IN_PROGRESS', output: 1 }, { status: 'IN_PROGRESS', output: 4 }, { output: null }]);
  });

  it('streams chunks in order and marks the final post isStream=true', async () => {
    const { calls, post } = recordingPost();
    const r = createJobReporter({ jobId: 'j', urls, post, log: silentLogger() });
    r.chunk('a');
    r.chunk('b');
    await r.finish({ output: 'all' });
    expect(calls.map((c) => [c.url, c.body])).toEqual([
      ['http://h/stream/j?q=1&isStream=false', { output: 'a' }],
      ['http://h/stream/j?q=1&isStream=false', { output: 'b' }],
      ['http://h/done/j?q=1&isStream=true', { output: 'all' }],
    ]);
  });

  it('posts nothing more once cancelled', async () => {
    const { calls, post, inFlight, releaseAll } = recordingPost({ held: true });
    const r = createJobReporter({ jobId: 'j', urls, post, log: silentLogger() });
    r.chunk('a');
    r.chunk('b');
    await inFlight(1); // 'a' is on its way, 'b' still queued
    r.cancel();
    r.progress(1);
    const finished = r.finish({ output: 'x' });
    releaseAll();
    expect(await finished).toBe(false);
    expect(calls.map((c) => c.body)).toEqual([{ output: 'a' }]);
  });

  it('drops chunks when no stream URL is configured and posts a plain result', async () => {
    const { calls, post } = recordingPost();
    const noStream = runpodUrls({ take: 'http://h/job-take/$ID', done: 'http://h/done/$ID' }, 'w');
    const r = createJobReporter({ jobId: 'j', urls: noStream, post, log: silentLogger() });
    r.chunk('a');
    await r.finish({ output: 'x' });
    expect(calls.map((c) => c.url)).toEqual(['http://h/done/j?isStream=false']);
  });
});
