import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * 405 with `Allow` for a path that exists under other methods (`DELETE /run`, `TRACE /health`), as
 * HTTP asks, rather than 404 "no route". Answered before the body is read, so a body the route would
 * never parse cannot turn it into a 400. Call before the routes are registered.
 */
export function methodNotAllowed(app: FastifyInstance) {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];

  app.addHook('onRoute', (route: RouteOptions) => {
    // `/status/:id` → ^/status/[^/]+$ (the router's own syntax has no other forms in this API)
    const source = route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+');
    const pattern = new RegExp(`^${source}$`);
    let entry = routes.find((r) => r.pattern.source === pattern.source);
    if (!entry) routes.push((entry = { pattern, methods: new Set() }));
    for (const m of [route.method].flat()) entry.methods.add(m);
  });

  app.addHook('onRequest', async (req, reply) => {
    if (!req.is404) return;
    const path = req.url.split('?')[0];
    const allowed = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => [...r.methods]));
    if (allowed.size === 0) return;
    const allow = [...allowed].sort().join(', ');
    return reply.status(405).header('allow', allow).send({ error: `${req.method} is not allowed on ${path} (use ${allow})` });
  });
}
