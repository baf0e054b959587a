import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { REQUEST_ID_HEADER, requestIdFrom, type Logger } from '@supergraph/logger';
import { answerClientError, BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, isClientGone, readBody, sendError } from './http-errors';
import { paramsOfGet } from './get-params';
import { applyCors } from './cors';
import { runReadiness, type ReadinessChecks } from './readiness';
import { withTimeout } from './with-timeout';

/** What a context factory gets for each GraphQL request. */
export interface RequestInfo {
  request: IncomingMessage;
  requestId: string;
  logger: Logger;
  /** When the request arrived, on the monotonic clock (`performance.now()`): budgets run from here. */
  receivedAt: number;
}

/** Options for {@link createHttpService}. */
export interface HttpServiceOptions<TContext extends BaseContext> {
  /** Service name for logs. */
  name: string;
  apollo: ApolloServer<TContext>;
  context: (info: RequestInfo) => Promise<TContext>;
  logger: Logger;
  /** Dependencies `/readyz` checks. */
  readiness?: ReadinessChecks;
  /** Extra facts `/readyz` reports without deciding readiness (e.g. each subgraph's state). */
  readinessDetails?: () => Promise<Record<string, unknown>>;
  /** Cleanup run after in-flight requests finish (close pools, clients), in order. */
  onShutdown?: Array<() => Promise<unknown>>;
  /** Total budget for a graceful shutdown. */
  shutdownTimeoutMs: number;
  /** @defaultValue 1 MiB */
  maxBodyBytes?: number;
  /** Browser origins allowed by CORS; none when empty. */
  corsOrigins?: readonly string[];
  /** Rewrites a parsed POST body before Apollo sees it (e.g. a persisted document's text). */
  prepareBody?: (body: unknown) => unknown;
  /**
   * Cheap checks on a request's GraphQL parameters (a POST body after `prepareBody`, or GET's
   * query string) before Apollo parses anything: a refusal is answered at once.
   */
  screen?: (params: Record<string, unknown>) => ScreenRefusal | undefined;
}

/** A request refused by `screen`: its HTTP status and one error with a stable code. */
export interface ScreenRefusal {
  status: number;
  code: string;
  message: string;
  extensions?: Record<string, unknown>;
}

/** A built (not yet listening) HTTP service. */
export interface HttpService {
  server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish, then runs the cleanups. Safe to call twice. */
  shutdown(reason?: string): Promise<{ forced: boolean }>;
  /** Requests being served right now. */
  inFlight(): number;
}

/**
 * Builds the HTTP bootstrap shared by the gateway and every subgraph: GraphQL on `/` and
 * `/graphql`, `/healthz` (the process is alive), `/readyz` (its dependencies answer), and a
 * graceful shutdown bounded by `shutdownTimeoutMs`.
 */
export function createHttpService<TContext extends BaseContext>(options: HttpServiceOptions<TContext>): HttpService {
  const { apollo, logger, readiness = {}, onShutdown = [], shutdownTimeoutMs } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const cors = options.corsOrigins && options.corsOrigins.length > 0 ? applyCors(options.corsOrigins) : undefined;
  let stopping = false;
  let active = 0;
  let drained: (() => void) | undefined;
  let shutdownPromise: Promise<{ forced: boolean }> | undefined;

  const handleGraphQL = async (request: IncomingMessage, response: ServerResponse, requestId: string, receivedAt: number) => {
    const requestLogger = logger.child({ requestId });
    let body: unknown = undefined;
    if (request.method === 'POST') {
      let raw: string;
      try {
        raw = await readBody(request, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          requestLogger.info({ code: 'PAYLOAD_TOO_LARGE' }, 'request refused');
          return sendError(response, 413, 'PAYLOAD_TOO_LARGE', error.message, { connection: 'close' });
        }
        throw error;
      }
      const contentType = request.headers['content-type'] ?? '';
      if (contentType.includes('application/json') || contentType.includes('application/graphql-response+json')) {
        try {
          body = raw.length > 0 ? JSON.parse(raw) : undefined;
        } catch {
          requestLogger.info({ code: 'BAD_REQUEST' }, 'request refused: body is not JSON');
          return sendError(response, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
        }
      } else {
        body = raw;
      }
      if (options.prepareBody) body = options.prepareBody(body);
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const params = request.method === 'POST' ? body : request.method === 'GET' ? paramsOfGet(url.searchParams) : undefined;
    if (options.screen && typeof params === 'object' && params !== null && !Array.isArray(params)) {
      const refusal = options.screen(params as Record<string, unknown>);
      if (refusal) {
        requestLogger.info({ code: refusal.code, ...refusal.extensions }, 'request refused');
        return sendError(response, refusal.status, refusal.code, refusal.message, {}, refusal.extensions);
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: () => options.context({ request, requestId, logger: requestLogger, receivedAt }),
    });
    for (const [key, value] of result.headers) response.setHeader(key, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const receivedAt = performance.now();
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    response.setHeader(REQUEST_ID_HEADER, requestId);
    // Keep-alive clients learn to reconnect elsewhere once we are going away.
    if (stopping) response.setHeader('connection', 'close');
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path === '/readyz') {
      const report = stopping
        ? { ready: false, checks: {}, stopping: true }
        : {
            ...(await runReadiness(readiness)),
            ...(options.readinessDetails ? await options.readinessDetails().catch(() => ({})) : {}),
          };
      response.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' });
      response.end(JSON.stringify(report));
      return;
    }
    if (cors && (await cors(request, response))) return;
    if (path !== '/' && path !== '/graphql') {
      return sendError(response, 404, 'NOT_FOUND', `No route for ${path}.`);
    }
    await handleGraphQL(request, response, requestId, receivedAt);
  };

  const server = createServer((request, response) => {
    active += 1;
    response.on('close', () => {
      active -= 1;
      if (active === 0) drained?.();
    });
    handle(request, response).catch((error: unknown) => {
      const requestId = response.getHeader(REQUEST_ID_HEADER);
      if (isClientGone(error, request)) {
        logger.info({ requestId }, 'client went away mid-request');
        response.destroy();
        return;
      }
      logger.error({ err: error, requestId }, 'unhandled request error');
      sendError(response, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');
    });
  });
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;

  const waitForInFlight = () =>
    new Promise<void>((resolve) => {
      if (active === 0) return resolve();
      drained = resolve;
    });

  const runShutdown = async (reason: string): Promise<{ forced: boolean }> => {
    stopping = true;
    logger.info({ reason, inFlight: active }, `${options.name} shutting down`);
    const deadline = Date.now() + shutdownTimeoutMs;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      // Cleanups need some of the budget too: requests get at most 80 % of it.
      timer = setTimeout(() => resolve('timeout'), Math.floor(shutdownTimeoutMs * 0.8));
    });
    const outcome = await Promise.race([waitForInFlight().then(() => 'drained' as const), timedOut]);
    clearTimeout(timer);
    const forced = outcome === 'timeout';
    if (forced) logger.warn({ inFlight: active }, 'shutdown timeout: closing remaining connections');
    server.closeAllConnections();
    await closed;
    const cleanups = [() => apollo.stop(), ...onShutdown];
    for (const [index, cleanup] of cleanups.entries()) {
      const left = Math.max(deadline - Date.now(), 50);
      const started = Date.now();
      try {
        await withTimeout(cleanup(), left, 'cleanup timed out');
        logger.debug({ cleanup: index, ms: Date.now() - started }, 'shutdown cleanup done');
      } catch (error) {
        logger.error({ err: error, cleanup: index }, 'shutdown cleanup failed');
      }
    }
    logger.info({ forced }, `${options.name} stopped`);
    return { forced };
  };

  return {
    server,
    inFlight: () => active,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    shutdown: (reason = 'shutdown') => (shutdownPromise ??= runShutdown(reason)),
  };
}
