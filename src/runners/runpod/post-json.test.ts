import type { RequestListener } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackServer } from '../../../test/helpers/loopback-server.ts';
import { silentLogger } from '../../logger.ts';
import { startFakeRunpod, type FakeRunpod } from '../../../test/helpers/fake-runpod-server.ts';
import { createPostJson } from './post-json.ts';

/** One post to a loopback server answering as `handle` does: whether it was accepted, after how many requests. */
async function postThrough(handle: RequestListener) {
  const server = await startLoopbackServer(handle);
  try {
    const post = createPostJson({ log: silentLogger(), backoffMs: 5 });
    const accepted = await post(`${server.origin}/job-done/w/j`, 'j', {});
    return { accepted, attempts: server.hits.length };
  } finally {
    await server.close();
  }
}

describe('createPostJson', () => {
  let fake: FakeRunpod | undefined; // started by setup()
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const setup = async () => {
    const started = await startFakeRunpod();
    fake = started;
    const url = started.templates.done.replace('$RUNPOD_POD_ID', 'w').replace('$ID', 'j') + '&isStream=false';
    return { fake: started, url, post: createPostJson({ apiKey: 'raw-key', log: silentLogger(), backoffMs: 5 }) };
  };

  it('sends JSON text labelled as a form, with the SDK headers', async () => {
    const { fake, url, post } = await setup();
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
    const { fake, url, post } = await setup();
    fake.failNext('done', 500, 502, 503);
    expect(await post(url, 'j', {})).toBe(false);
    expect(fake.of('done')).toHaveLength(3);
  });

  it('does not retry a 4xx, and makes a single attempt when asked (progress)', async () => {
    const { fake, url, post } = await setup();
    fake.failNext('done', 404, 500);
    expect(await post(url, 'j', {})).toBe(false);
    expect(await post(url, 'j', {}, { attempts: 1 })).toBe(false);
    expect(fake.of('done')).toHaveLength(2);
  });

  it('retries network errors: a connection dropped twice succeeds on the third attempt', async () => {
    let drops = 2;
    const { accepted, attempts } = await postThrough((req, res) => {
      if (drops-- > 0) req.socket.destroy();
      else res.writeHead(200).end();
    });
    expect([accepted, attempts]).toEqual([true, 3]);
  });

  it('gives up after 3 dropped connections', async () => {
    const { accepted, attempts } = await postThrough((req) => req.socket.destroy());
    expect([accepted, attempts]).toEqual([false, 3]);
  });
});
