import { Ajv2020 } from 'ajv/dist/2020.js';
import type { RouteOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../src/logger.ts';
import { ErrorAnswer, PROTOTYPE_KEYS_RULE, RunBody, WaitQuery } from '../src/runners/local-api/api-schemas.ts';
import { buildApi } from '../src/runners/local-api/build-api.ts';
import { routeKey } from '../src/runners/local-api/openapi.ts';
import { parseJsonBody } from '../src/runners/local-api/parse-json-body.ts';
import { ROUTE_DOCS } from '../src/runners/local-api/route-docs.ts';
import { scriptedHandler } from './helpers/api-server.ts';

/**
 * The OpenAPI document (/openapi.json) and the zod schemas the routes validate with cannot drift:
 * every registered route is in the document with the JSON Schema zod makes of its schemas, and
 * requests and answers are judged alike by zod (plus the body parser) and by the document.
 */

type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
type Operation = {
  requestBody?: { content: Record<string, { schema: unknown }> };
  parameters?: { in: string; name: string; schema: unknown }[];
  responses: Record<string, { content: Record<string, { schema: unknown }> }>;
};

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function api(apiKey?: string) {
  const { app } = buildApi({ handler: scriptedHandler().handler, log: silentLogger(), concurrency: 1, maxQueue: 4, maxBodyBytes: 100_000, apiKey });
  const routes: { method: string; url: string; hidden: boolean }[] = [];
  // added before ready(), when the registered plugins add their routes
  app.addHook('onRoute', (r: RouteOptions) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url, hidden: Boolean((r.schema as { hide?: boolean } | undefined)?.hide) });
  });
  apps.push(app);
  await app.ready();
  const res = await app.inject({ url: '/openapi.json', headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
  expect(res.statusCode).toBe(200);
  return { app, routes, doc: res.json() as Doc };
}

/** `/v2/:endpointId/status/:id` → `/v2/{endpointId}/status/{id}` */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/**
 * A JSON Schema with its references (`#/components/schemas/X` in the document, `#/$defs/X` in zod's
 * output) replaced by what they name, so the two compare.
 */
function inline(schema: unknown, defs: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, defs));
  if (!schema || typeof schema !== 'object') return schema;
  const { $ref: ref, $defs: _d, ...rest } = schema as { $ref?: string; $defs?: unknown };
  const name = ref?.replace(/^#\/(components\/schemas|\$defs)\//, '');
  if (name) return inline(defs[name], defs);
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inline(v, defs)]));
}
const inDoc = (schema: unknown, doc: Doc) => inline(schema, doc.components.schemas);

/** what zod makes of a schema, as the document should hold it */
function zodJson(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _s, id: _i, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return inline(JSON.parse(JSON.stringify(json)), (json.$defs ?? {}) as Record<string, unknown>);
}

function validator(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, logger: false, validateFormats: false });
  ajv.addSchema({ ...doc, $id: 'doc' });
  const pointer = (...parts: string[]) => `doc#/${parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
  return {
    body: (path: string, method: string) => ajv.compile({ $ref: pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema') }),
    answer: (path: string, method: string, code: number) => ajv.compile({ $ref: pointer('paths', path, method, 'responses', String(code), 'content', 'application/json', 'schema') }),
    query: (path: string, method: string, name: string) => {
      const i = doc.paths[path][method].parameters!.findIndex((p) => p.in === 'query' && p.name === name);
      return ajv.compile({ $ref: pointer('paths', path, method, 'parameters', String(i), 'schema') });
    },
  };
}

describe('the OpenAPI document of the local API', () => {
  it('lists every registered route, at the root and under /v2/{endpointId}, with the schemas zod makes of its route-docs.ts entry', async () => {
    const { routes, doc } = await api();
    const documented = routes.filter((r) => r.method !== 'HEAD' && !r.hidden);
    // the nine RunPod routes (ten with POST /status) twice, and the demo page's two
    expect(documented.length).toBe(22);
    for (const { method, url } of documented) {
      const op = doc.paths[openApiPath(url)]?.[method.toLowerCase()];
      expect(op, `${method} ${url}`).toBeDefined();
      const entry = ROUTE_DOCS[routeKey(method, url)];
      if (entry.body) expect(inDoc(op.requestBody!.content['application/json'].schema, doc), url).toEqual(zodJson(entry.body, 'input'));
      if (entry.ok instanceof z.ZodType) expect(inDoc(op.responses['200'].content['application/json'].schema, doc), url).toEqual(zodJson(entry.ok, 'output'));
      for (const code of Object.keys(entry.errors)) expect(inDoc(op.responses[code].content['application/json'].schema, doc), `${url} ${code}`).toEqual(zodJson(ErrorAnswer, 'output'));
      const params = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(params.sort(), url).toEqual([...url.matchAll(/:(\w+)/g)].map((m) => m[1]).sort());
    }
    // the schemas the handlers validate with are the documented ones
    for (const key of ['POST /run', 'POST /runsync']) expect(ROUTE_DOCS[key].body, key).toBe(RunBody);
    for (const key of ['POST /runsync', 'GET /status-sync/{id}']) expect(ROUTE_DOCS[key].querystring, key).toBe(WaitQuery);
    // and nothing documented that is not served
    const served = new Set(documented.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`));
    for (const [path, ops] of Object.entries(doc.paths)) for (const method of Object.keys(ops)) expect(served.has(`${method} ${path}`), `${method} ${path}`).toBe(true);
  });

  it('judges request bodies and ?wait= as zod does (webhooks: the document promises a subset), and states the body parser\'s prototype-key rule', async () => {
    const { doc } = await api();
    const v = validator(doc);
    const runBody = v.body('/v2/{endpointId}/run', 'post');
    const bodies = [
      '{"input":{"type":"health"}}',
      '{"input":null,"webhook":"https://hooks.example.com/done?k=1","policy":{"executionTimeout":5000,"ttl":60000,"lowPriority":true}}',
      '{"input":[1,"a",{"b":{"c":null}}],"s3Config":{"bucketName":"b"},"extra":1}',
      '{"input":{"constructor":{"name":"x"}}}',
      '{}',
      '{"input":1,"webhook":"http://"}',
      '{"input":1,"webhook":"ftp://example.com/"}',
      '{"input":1,"policy":{"ttl":5}}',
      '{"input":1,"policy":{"ttl":1500.5}}',
      '{"input":1,"s3Config":[]}',
      '[]',
    ];
    for (const text of bodies) expect(runBody(JSON.parse(text)), text).toBe(RunBody.safeParse(parseJsonBody(text)).success);
    expect(bodies.filter((t) => runBody(JSON.parse(t))).length).toBe(4);
    // webhook spellings past the documented pattern that still parse: taken, for the address policy to judge
    for (const webhook of ['https://[::1]:8443/hook', 'https://2130706433/hook', 'https://user:pw@example.com/']) {
      expect(runBody({ input: 1, webhook }), webhook).toBe(false);
      expect(RunBody.safeParse({ input: 1, webhook }).success, webhook).toBe(true);
    }
    // the parser's rule, which the document states in words (api-schemas.ts says why not as a schema)
    for (const text of ['{"input":{"pages":[{"__proto__":{"polluted":true}}]}}', '{"input":{"constructor":{"prototype":{}}}}']) {
      expect(() => parseJsonBody(text), text).toThrow(/is not allowed/);
    }
    const described = (doc.paths['/run'].post.requestBody!.content['application/json'].schema as { description?: string }).description;
    expect(described).toContain(PROTOTYPE_KEYS_RULE);

    const wait = v.query('/runsync', 'post', 'wait');
    for (const n of [1000, 5000, 300_000, 999, 300_001, 1500.5, -1]) expect(wait(n), String(n)).toBe(WaitQuery.safeParse({ wait: String(n) }).success);
  });

  it('describes every answer the routes give, by its status code (a run through each route)', async () => {
    const { app, doc } = await api();
    const v = validator(doc);
    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const res = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
      const route = url.replace(/\?.*/, '').replace(/\/(status|status-sync|stream|cancel|retry)\/[^/]+$/, '/$1/{id}').replace(/^\/v2\/[^/]+/, '/v2/{endpointId}');
      const documented = doc.paths[route]?.[method.toLowerCase()]?.responses[String(res.statusCode)];
      expect(documented, `${method} ${url} → ${res.statusCode} ${res.body}`).toBeDefined();
      const check = v.answer(route, method.toLowerCase(), res.statusCode);
      expect(check(res.json()), `${method} ${url} → ${res.body}: ${JSON.stringify(check.errors)}`).toBe(true);
      return res.json() as { id: string };
    };
    const ok = await call('POST', '/runsync?wait=5000', { input: { pages: 2, echo: 'hi' } });
    const failed = await call('POST', '/v2/ep/runsync', { input: { fail: true } });
    const queued = await call('POST', '/run', { input: { sleep_ms: 2000 } });
    for (const id of [ok.id, failed.id, queued.id]) {
      await call('GET', `/status/${id}`);
      await call('POST', `/v2/ep/status/${id}`);
      await call('GET', `/stream/${id}`);
    }
    await call('GET', `/status-sync/${ok.id}?wait=1000`);
    await call('POST', `/retry/${ok.id}`);
    await call('POST', `/retry/${failed.id}`);
    await call('POST', `/cancel/${queued.id}`);
    await call('POST', '/purge-queue');
    await call('GET', '/health');
    await call('GET', '/status/no-such-job');
    await call('POST', '/run', {});
    await call('POST', '/runsync?wait=5', { input: 1 });
    await call('POST', '/run', { input: 1, webhook: 'https://10.0.0.1/hook' });
  });

  it('is served with Swagger UI at /docs, both behind the API key when one is set', async () => {
    const { app, doc } = await api('s3cret');
    expect(Object.keys(doc.paths).length).toBe(20);
    expect(doc.paths['/run'].post.responses['401']).toBeDefined();
    expect(doc.paths['/'].get.responses['401']).toBeUndefined();
    for (const url of ['/openapi.json', '/docs']) {
      expect((await app.inject({ url })).statusCode, url).toBe(401);
    }
    const page = await app.inject({ url: '/docs', headers: { authorization: 'Bearer s3cret' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('swagger');
  });
});
