import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Handler } from '../../handler/create-handler.ts';
import type { Logger } from '../../logger.ts';
import { checkExposure } from './auth.ts';
import { buildApi } from './build-api.ts';

/**
 * Clients resolve `localhost` to ::1 as often as to 127.0.0.1, but many hosts files list only one,
 * and Fastify binds what the resolver returns. Serve the same app on the missing IPv6 loopback too.
 */
async function alsoOnIpv6Loopback(app: FastifyInstance, bound: AddressInfo[], port: number, log: Logger) {
  if (bound.some((a) => a.family === 'IPv6')) return undefined;
  const server = http.createServer((req, res) => app.server.emit('request', req, res));
  server.on('checkContinue', (req, res) => app.server.emit('checkContinue', req, res));
  return new Promise<http.Server | undefined>((resolve) => {
    server.once('error', (err) => {
      log.debug({ reason: err.message }, 'no IPv6 loopback here; serving on IPv4 only');
      resolve(undefined);
    });
    server.listen({ host: '::1', port, ipv6Only: true }, () => resolve(server));
  });
}

/**
 * `--serve-api`: the local API on `host:port` (`localhost` listens on both 127.0.0.1 and ::1).
 * Returns a `stop()` that stops accepting jobs, cancels queued ones, lets running ones finish,
 * waits a bounded time for webhook deliveries, then closes.
 */
export async function serveApi(handler: Handler, config: Readonly<Config>, log: Logger, isReady?: () => boolean) {
  const { host, port, apiKey, insecure } = config.api;
  const refusal = checkExposure(host, apiKey, insecure);
  if (refusal) throw new Error(refusal);
  const { app, stop } = buildApi({
    handler,
    log,
    concurrency: config.api.concurrency,
    maxQueue: config.api.maxQueue,
    maxBodyBytes: config.api.maxBodyBytes,
    maxPendingBytes: config.api.maxPendingBytes,
    maxRetainedBytes: config.api.maxRetainedBytes,
    maxRetainedJobs: config.api.maxRetainedJobs,
    apiKey,
    host,
    fetch: config.fetch,
    isReady,
  });
  await app.listen({ host, port });
  const bound = app.addresses().filter((a): a is AddressInfo => typeof a === 'object');
  const actualPort = bound[0]?.port ?? port;
  const extra = host === 'localhost' ? await alsoOnIpv6Loopback(app, bound, actualPort, log) : undefined;
  if (extra) bound.push(extra.address() as AddressInfo);
  const addresses = bound.map((a) => (a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`));
  log.info({ addresses, auth: Boolean(apiKey) }, `local API listening on http://${host}:${actualPort}`);
  return {
    app,
    port: actualPort,
    /** cancels queued jobs, lets running ones finish, waits (bounded) for webhooks, then closes */
    stop: () => stop({ beforeClose: () => extra?.close() }),
  };
}
