import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackServer } from '../../../test/helpers/loopback-server.ts';
import { silentLogger } from '../../logger.ts';
import { startFakeRunpod, type FakeRunpod } from '../../../test/helpers/fake-runpod-server.ts';
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

  it('retries network errors: a connection dropped twice succeeds on the third attempt', async () => {
    fake = await startFakeRunpod(); // closed by afterEach; unused here
    let drops = 2;
    const server = await startLoopbackServer((req, res) => {
      if (drops-- > 0) req.socket.destroy();
      else res.writeHead(200).end();
    });
    try {
      const post = createPostJson({ log: silentLogger(), backoffMs: 5 });
      expect(await post(`${server.origin}/job-done/w/j`, 'j', {})).toBe(true);
      expect(server.hits).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('gives up after 3 dropped connections', async () => {
    fake = await startFakeRunpod(); // closed by afterEach; unused here
    const server = await startLoopbackServer((req) => req.socket.destroy());
    try {
      const post = createPostJson({ log: silentLogger(), backoffMs: 5 });
      expect(await post(`${server.origin}/job-done/w/j`, 'j', {})).toBe(false);
      expect(server.hits).toHaveLength(3);
    } finally {
      await server.close();
    }
  });
});
