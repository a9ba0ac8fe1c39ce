import { afterEach, describe, expect, it } from 'vitest';
import { startApi } from './helpers/api-server.ts';

/**
 * What an adversarial review of the local API found (issue 16), each over real HTTP on loopback.
 * Numbers are the review's finding numbers.
 */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
async function api(...args: Parameters<typeof startApi>) {
  const a = await startApi(...args);
  closers.push(a.close);
  return a;
}

describe('#10 prototype keys written with JSON escapes', () => {
  it('refuses "\\u005f_proto__" and an escaped constructor.prototype, at any depth, after parsing', async () => {
    const { call } = await api();
    const proto = await call('POST', '/run', '{"input":{"a":[{"\\u005f_proto__":{"polluted":1}}]}}');
    expect(proto).toEqual({ status: 400, body: { error: 'request body: the key __proto__ is not allowed' } });
    const ctor = await call('POST', '/run', '{"input":{"\\u0063onstructor":{"prot\\u006ftype":{"x":1}}}}');
    expect(ctor).toEqual({ status: 400, body: { error: 'request body: the key constructor.prototype is not allowed' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('#6 policy.executionTimeout past the 32-bit timer limit', () => {
  it('runs a job whose executionTimeout is 2^31 ms or 2^53 − 1 ms to completion instead of timing it out at once', async () => {
    const { call } = await api();
    for (const executionTimeout of [2 ** 31, Number.MAX_SAFE_INTEGER]) {
      const r = await call('POST', '/runsync', { input: { sleep_ms: 50, echo: executionTimeout }, policy: { executionTimeout } });
      expect(r.body).toMatchObject({ status: 'COMPLETED', output: { echo: executionTimeout } });
    }
  });
});
