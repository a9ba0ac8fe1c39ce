import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.ts';
import { startFakeRunpod, type FakeRunpod } from './fake-runpod-server.ts';
import { createPostJson } from './post-json.ts';

describe('createPostJson', () => {
  let fake: FakeRunpod;
  afterEach(() => fake.close());

  const setup = async () => {
    fake = await startFakeRunpod();
    const url = fake.templates.done.replace('$RUNPOD_POD_ID', 'w').replace('$ID', 'j') + '&isStream=false';
    return { url, post: createPostJson({ apiKey: 'raw-key', log: silentLogger(), backoffMs: 5 }) };
  };

  it('sends JSON text labelled as a form, with the SDK headers', async () => {
    const { url, post } = await setup();
    expect(await post(url, 'j', { output: 'ü' })).toBe(true);
    const [r] = fake.of('done');
    expect(r.body).toBe('{"output":"ü"}');
    expect(r.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      charset: 'utf-8',
      'x-request-id': 'j',
      authorization: 'raw-key',
    });
  });

  it('tries 3 times on 5xx, then gives up without throwing', async () => {
    const { url, post } = await setup();
    fake.failNext('done', 500, 502, 503);
    expect(await post(url, 'j', {})).toBe(false);
    expect(fake.of('done')).toHaveLength(3);
  });

  it('does not retry a 4xx, and makes a single attempt when asked (progress)', async () => {
    const { url, post } = await setup();
    fake.failNext('done', 404, 500);
    expect(await post(url, 'j', {})).toBe(false);
    expect(await post(url, 'j', {}, { attempts: 1 })).toBe(false);
    expect(fake.of('done')).toHaveLength(2);
  });

  it('retries network errors', async () => {
    fake = await startFakeRunpod();
    const post = createPostJson({ log: silentLogger(), backoffMs: 5 });
    expect(await post('http://127.0.0.1:1/job-done/w/j', 'j', {})).toBe(false);
  });
});
