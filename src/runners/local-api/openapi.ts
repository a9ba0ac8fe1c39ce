import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeZodError } from '../../contract/issues.ts';
import { WorkerError } from '../../errors.ts';
import { WORKER_VERSION } from '../../version.ts';
import { EndpointParams, ErrorAnswer } from './api-schemas.ts';
import { ROUTE_DOCS, type RouteDoc } from './route-docs.ts';

const PREFIX = '/v2/:endpointId';

/** same-machine.ts: without a key, requests from elsewhere are refused */
const KEYLESS_FORBIDDEN = 'without an API key: the Host header does not name this machine, or the Origin is another site';

/** `POST /v2/:endpointId/status/:id` → `POST /status/{id}`, the key of ROUTE_DOCS. */
export function routeKey(method: string, url: string): string {
  const path = url.startsWith(PREFIX) ? url.slice(PREFIX.length) || '/' : url;
  return `${method} ${path.replace(/:(\w+)/g, '{$1}')}`;
}

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });

/** The fastify route schema of a documented route: zod schemas, as fastify-type-provider-zod reads them. */
function routeSchema(doc: RouteDoc, prefixed: boolean, auth: boolean) {
  const params = prefixed ? EndpointParams.extend(doc.params?.shape ?? {}) : doc.params;
  const keyed = auth && !doc.open;
  const errors: Record<number, string> = { ...doc.errors };
  if (keyed) errors[401] = 'missing or wrong API key (send `Authorization: Bearer <key>`)';
  if (!auth) errors[403] = [doc.errors[403], KEYLESS_FORBIDDEN].filter(Boolean).join('; or ');
  const ok =
    doc.ok instanceof z.ZodType
      ? json(doc.ok, 'OK')
      : { description: 'OK', content: Object.fromEntries(doc.ok.contentTypes.map((t) => [t, { schema: z.string() }])) };
  return {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.body ? { body: doc.body } : {}),
    ...(doc.querystring ? { querystring: doc.querystring } : {}),
    ...(params ? { params } : {}),
    ...(prefixed ? { tags: ['under /v2/{endpointId}, as RunPod clients call it'] } : { tags: ['RunPod endpoint API'] }),
    ...(keyed ? { security: [{ bearer: [] }] } : {}),
    response: { 200: ok, ...Object.fromEntries(Object.entries(errors).map(([code, why]) => [code, json(ErrorAnswer, why)])) },
  };
}

const toComponents = createJsonSchemaTransformObject({});

/** zod's registry gives each named schema an input and an output copy; keep the ones referred to. */
function withoutUnusedSchemas<T extends object>(doc: T): T {
  const { components, ...rest } = doc as { components?: { schemas?: Record<string, unknown> } };
  const schemas = components?.schemas ?? {};
  const text = JSON.stringify(rest);
  for (const name of Object.keys(schemas)) if (!text.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
  return doc;
}

/**
 * The OpenAPI 3 document of the local API at `/openapi.json`, and Swagger UI at `/docs` (as
 * runpod-python's dev server has), generated from the zod schemas the routes validate with. Call
 * before the routes are registered: each gets its ROUTE_DOCS entry as it is added.
 */
export function registerOpenApi(app: FastifyInstance, opts: { apiKey?: string }) {
  const auth = Boolean(opts.apiKey);
  // A failed check answers as every other bad request does: 400 `{error}` naming the field.
  app.setValidatorCompiler(({ schema, httpPart }) => (data) => {
    const r = (schema as z.ZodType).safeParse(data);
    if (r.success) return { value: r.data };
    const { path, message } = describeZodError(r.error, httpPart === 'querystring' ? 'query' : (httpPart ?? 'body'));
    return { error: new WorkerError('INVALID_INPUT', message, { path }) };
  });
  // Answers are written as they are: the document describes them, and tests hold them to it.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.method === 'HEAD' || (route.schema as { hide?: boolean } | undefined)?.hide) return;
    const key = routeKey(String(route.method), route.url);
    const doc = ROUTE_DOCS[key];
    if (!doc) throw new Error(`local API route ${key} has no entry in route-docs.ts: document it there`);
    route.schema = routeSchema(doc, route.url.startsWith(PREFIX), auth);
  });

  app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'mokuro-worker local API',
        version: WORKER_VERSION,
        description:
          "RunPod's serverless endpoint API, served locally over the same handler as the worker (`--serve-api`). Errors are `{\"error\": \"…\"}`. The job `input` is described in the README.",
      },
      ...(auth ? { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } } : {}),
    },
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: (doc) => withoutUnusedSchemas(toComponents(doc)),
  });
  app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
