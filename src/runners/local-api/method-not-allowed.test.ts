import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.ts';
import { buildApi } from './build-api.ts';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function api(apiKey?: string) {
  const { app } = buildApi({ handler: async () => ({ output: null }) as never, log: silentLogger(), concurrency: 1, maxQueue: 4, maxBodyBytes: 10_000, apiKey });
  apps.push(app);
  return app;
}

describe('a known path under another method (schemathesis found 404 for TRACE /health)', () => {
  it('answers 405 with Allow, at the root and under /v2/:endpointId, before reading the body', async () => {
    const app = api();
    const trace = await app.inject({ method: 'TRACE' as 'GET', url: '/health' });
    expect(trace.statusCode).toBe(405);
    expect(trace.headers.allow).toBe('GET, HEAD');
    expect(trace.json()).toEqual({ error: 'TRACE is not allowed on /health (use GET, HEAD)' });

    // a body the route would refuse (415) does not hide the 405
    const put = await app.inject({ method: 'PUT', url: '/v2/ep/status/abc', headers: { 'content-type': 'text/xml' }, payload: '<x/>' });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD, POST');

    expect((await app.inject({ method: 'GET', url: '/run' })).headers.allow).toBe('POST');
  });

  it('keeps 404 for paths no route has, and 401 first when a key is set', async () => {
    expect((await api().inject({ method: 'GET', url: '/nope' })).statusCode).toBe(404);
    expect((await api().inject({ method: 'DELETE', url: '/status' })).statusCode).toBe(404);
    expect((await api('k').inject({ method: 'TRACE' as 'GET', url: '/health' })).statusCode).toBe(401);
  });
});
