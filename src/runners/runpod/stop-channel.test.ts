import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.ts';
import { startFakeRunpod, type FakeRunpod } from '../../../test/helpers/fake-runpod-server.ts';
import { parseJobsToStop, startStopChannel } from './stop-channel.ts';

describe('parseJobsToStop', () => {
  it('reads the ids and ignores anything else', () => {
    expect(parseJobsToStop('{"jobsToStop":["a",2]}')).toEqual(['a', '2']);
    expect(parseJobsToStop('{"jobsToStop":"a"}')).toEqual([]);
    expect(parseJobsToStop('nope')).toEqual([]);
    expect(parseJobsToStop('null')).toEqual([]);
  });
});

describe('startStopChannel', () => {
  let fake: FakeRunpod;
  afterEach(() => fake.close());

  it('polls only while jobs run, reports stops, waits after a 429, and closes promptly', async () => {
    // an empty poll is held (nearly) forever: close() must abort it, not wait for its answer
    fake = await startFakeRunpod({ holdMs: 3_600_000 });
    let jobsRun!: () => void;
    const running = new Promise<void>((r) => (jobsRun = r));
    let asked!: () => void;
    const waiting = new Promise<void>((r) => (asked = r));
    const stopped: string[][] = [];
    const channel = startStopChannel({
      url: fake.templates.take.replace('$ID', 'w').replace('/job-take/', '/job-stop/'),
      whenJobsRun: () => (asked(), running),
      onStop: (ids) => stopped.push(ids),
      log: silentLogger(),
      timing: { minIntervalMs: 10, rateLimitWaitMs: 200 },
    });
    await waiting; // the channel waits for running jobs, and has not polled before that
    expect(fake.of('stop')).toHaveLength(0);
    fake.answerStop({ status: 429 });
    fake.answerStop({ status: 200, body: '{"jobsToStop":["j1"]}' });
    jobsRun();
    await fake.waitFor(() => stopped.length === 1);
    expect(stopped).toEqual([['j1']]);
    const [limited, next] = fake.of('stop');
    expect(next.at - limited.at).toBeGreaterThanOrEqual(190); // a timer never fires early; 10 ms for clock rounding
    await fake.waitFor((r) => r.filter((x) => x.route === 'stop').length === 3); // the next poll, held open
    await channel.close();
  });
});
