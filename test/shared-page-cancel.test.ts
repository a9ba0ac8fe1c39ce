import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createHandler } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import { withPageCache } from '../src/pipeline/page-cache.ts';
import { buildApi } from '../src/runners/local-api/build-api.ts';
import { callsSeen, heldPageOcr } from './helpers/held-page-ocr.ts';
import { blankPage } from './helpers/pages.ts';

/**
 * The review's case over real HTTP: the local API running two jobs at a time, both with the same
 * page, and the first one cancelled while the page is in the models. The page OCR behind the real
 * handler and page cache holds the page until the test lets it go, so the order is certain.
 */
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe('two jobs sharing a page in flight (--rp_api_concurrency 2)', () => {
  it('cancelling one leaves the other COMPLETED with the page', async () => {
    const held = heldPageOcr();
    const { ocr, reached } = callsSeen(withPageCache(held.ocr, 512), 2);
    const handler = createHandler({ worker: Promise.resolve({ ocr, models: [] }), config: loadConfig([], {}), log: silentLogger() });
    const { app } = buildApi({ handler, log: silentLogger(), concurrency: 2, maxQueue: 10, maxBodyBytes: 1024 * 1024 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    type Answer = Record<string, any>;
    const post = async (path: string, body?: unknown) =>
      (await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) })).json() as Promise<Answer>;
    const get = async (path: string) => (await fetch(base + path)).json() as Promise<Answer>;

    const input = { type: 'process_page', image: await blankPage(30, 40) };
    const a = await post('/run', { input });
    const b = await post('/run', { input });
    await reached; // both jobs wait on the one run of the page
    expect(held.started).toHaveLength(1);
    await post(`/cancel/${a.id}`);
    expect((await get(`/status/${a.id}`)).status).toBe('CANCELLED');
    expect(held.started[0].aborted).toBe(false);
    held.release();
    const done = await get(`/status-sync/${b.id}?wait=30000`);
    expect(done.status).toBe('COMPLETED');
    expect(done.output.mokuro.pages.map((p: { blocks: { lines: string[] }[] }) => p.blocks[0].lines)).toEqual([['shared']]);
    expect(done.output.errors).toEqual([]);
  });
});
