import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.ts';
import { startHeartbeat, type Heartbeat } from './heartbeat.ts';
import { blockFor, startPingSink, type SinkPing } from '../../../test/helpers/ping-sink.ts';
import { runpodUrls } from './urls.ts';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(intervalMs: number) {
  const sink = await startPingSink();
  const urls = runpodUrls({ take: 'http://unused/job-take/$ID', ping: sink.url }, 'pod-1');
  const hb: Heartbeat = startHeartbeat({ pingUrl: (ids) => urls.ping(ids, '1.12.0')!, intervalMs, apiKey: 'k', log: silentLogger() });
  cleanup.push(() => sink.close(), () => hb.stop());
  return { sink, hb };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the sink to have seen pings matching `ok` (thread start-up time varies on a busy box). */
async function pingsUntil(sink: { pings(): Promise<SinkPing[]> }, ok: (p: SinkPing[]) => boolean, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const pings = await sink.pings();
    if (ok(pings)) return pings;
    if (Date.now() > until) throw new Error(`pings never matched: ${JSON.stringify(pings)}`);
    await sleep(20);
  }
}

describe('startHeartbeat', () => {
  it('pings at once and then every interval, with the raw key and without job_id when idle', async () => {
    const { sink } = await setup(100);
    const pings = await pingsUntil(sink, (p) => p.length >= 3);
    // a beat at the interval, not a burst (single gaps jitter on a busy machine; the mean does not)
    expect((pings.at(-1)!.at - pings[0].at) / (pings.length - 1)).toBeGreaterThan(60);
    expect(pings[0].query).toEqual({ runpod_version: '1.12.0' });
    expect(pings[0].authorization).toBe('k');
  });

  it('lists the running jobs once told, and stops pinging after stop()', async () => {
    const { sink, hb } = await setup(50);
    hb.setRunning(['a', 'b']);
    await pingsUntil(sink, (p) => p.at(-1)?.query.job_id === 'a,b');
    hb.setRunning([]);
    await pingsUntil(sink, (p) => p.at(-1)?.query.job_id === undefined);
    await hb.stop();
    const count = (await sink.pings()).length;
    // absence can only be observed over a span: three intervals in which a running beat would ping
    await sleep(3 * 50);
    expect((await sink.pings()).length).toBe(count);
  });

  it('keeps beating while the main thread is blocked by synchronous work', async () => {
    const { sink, hb } = await setup(100);
    // as in the worker: the heartbeat thread is up long before a job blocks the main thread
    await pingsUntil(sink, (p) => p.length > 0);
    hb.setRunning(['busy-job']);
    // the ping thread has the new job list once a ping carries it
    await pingsUntil(sink, (p) => p.at(-1)?.query.job_id === 'busy-job');
    const start = Date.now();
    blockFor(800);
    const end = Date.now();
    const during = (await sink.pings()).filter((p) => p.at > start && p.at < end);
    expect(during.length).toBeGreaterThanOrEqual(5);
    expect(during.every((p) => p.query.job_id === 'busy-job')).toBe(true);
  });
});
