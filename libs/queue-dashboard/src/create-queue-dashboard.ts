import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import express, { type Express, type RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { basicAuth } from './basic-auth';
import { createBoardQueues, discoverQueueNames } from './board-queues';
import { createSignInThrottle, type SignInThrottleOptions } from './sign-in-throttle';

/** Options for {@link createQueueDashboard}. */
export interface QueueDashboardOptions {
  /**
   * BullMQ queue names to show, e.g. `['auth-email', 'posts-tags']`. Unset: every queue found
   * under `prefix` in Redis (BullMQ's `<prefix>:<name>:meta` key, written when a queue is first
   * used), looked for again every `discoverEveryMs`, so a new subgraph's queues appear by themselves.
   */
  queueNames?: readonly string[];
  /** How often to look for queues when `queueNames` is unset. @defaultValue 10000 */
  discoverEveryMs?: number;
  /** Redis URL of the queues; it also keeps the failed sign-in counters. */
  redisUrl: string;
  /** BullMQ key prefix. @defaultValue 'bull' */
  prefix?: string;
  /**
   * HTTP Basic credential required for every request, static assets included. Wrong or missing
   * -> 401 with `WWW-Authenticate: Basic realm="queues"` (429 once the client is throttled, see
   * `signInThrottle`). The user name may not contain `:`.
   */
  username: string;
  /** At least 12 characters. */
  password: string;
  /**
   * Failed sign-ins are counted per client address and overall (in Redis, in memory while Redis
   * is away); a client over an allowance gets 429 with `Retry-After`. @defaultValue see
   * {@link SignInThrottleOptions}
   */
  signInThrottle?: SignInThrottleOptions;
  /** Base path the dashboard is served under. @defaultValue '/' */
  basePath?: string;
  /** Title shown by Bull Board. @defaultValue 'Supergraph queues' */
  title?: string;
  /** Called with Redis connection errors. @defaultValue writes the message to stderr */
  onError?: (error: Error) => void;
}

/** A running (or ready to run) Bull Board dashboard; see {@link createQueueDashboard}. */
export interface QueueDashboard {
  /**
   * Starts listening once the sign-in throttle's Redis connection is ready or has failed once
   * (2 s at most); resolves with the actual port (pass 0 for a free one).
   */
  listen(port: number, host?: string): Promise<number>;
  /** Closes the HTTP server and the Redis connections; safe to call twice. */
  close(): Promise<void>;
}

/** The policy keeps the browser on this origin: Bull Board's page links a web font from a CDN. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'no-referrer');
  next();
};

/** Resolves when the client is ready or has failed to connect once, or after `timeoutMs`. */
function settled(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
    client.once('error', done);
  });
}

function validate(options: QueueDashboardOptions): void {
  const { queueNames, redisUrl, username, password, basePath = '/', discoverEveryMs = 10_000 } = options;
  if (queueNames?.length === 0)
    throw new TypeError('queueNames: expected at least one queue name (or none given, to discover them), got []');
  for (const name of queueNames ?? []) {
    if (typeof name !== 'string' || name.trim() === '')
      throw new TypeError(`queueNames: invalid queue name ${JSON.stringify(name)}`);
  }
  if (typeof redisUrl !== 'string' || redisUrl === '') throw new TypeError('redisUrl: expected a Redis URL, got an empty value');
  if (typeof username !== 'string' || username === '') throw new TypeError('username: expected a non-empty user name');
  if (username.includes(':')) throw new TypeError('username: HTTP Basic user names may not contain ":"');
  if (typeof password !== 'string' || password.length < 12) {
    throw new TypeError(`password: expected at least 12 characters, got ${typeof password === 'string' ? password.length : 0}`);
  }
  if (!Number.isInteger(discoverEveryMs) || discoverEveryMs < 100)
    throw new TypeError(`discoverEveryMs: expected an integer of at least 100, got ${JSON.stringify(discoverEveryMs)}`);
  if (!basePath.startsWith('/'))
    throw new TypeError(`basePath: expected a path starting with "/", got ${JSON.stringify(basePath)}`);
}

/**
 * Builds a Bull Board dashboard for the named BullMQ queues (or for those it finds in Redis), on its own HTTP server behind an
 * HTTP Basic credential with a throttle on failed sign-ins. The board is read-only (no retry,
 * clean or delete buttons). All queues share one Redis connection and the throttle has another,
 * both closed by {@link QueueDashboard.close}.
 *
 * @throws TypeError when an option is invalid (no queue names, empty user name, short password...).
 */
export function createQueueDashboard(options: QueueDashboardOptions): QueueDashboard {
  validate(options);
  const { queueNames, redisUrl, prefix = 'bull', username, password, title = 'Supergraph queues' } = options;
  const discoverEveryMs = options.discoverEveryMs ?? 10_000;
  const onError = options.onError ?? ((error: Error) => console.error(`[queue-dashboard] Redis: ${error.message}`));
  const basePath = (options.basePath ?? '/').replace(/\/+$/, '') || '/';
  let closing: Promise<void> | undefined;

  // One connection for every queue; BullMQ marks a passed-in client as shared and never closes it.
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', onError);
  // The throttle's own connection fails fast (no offline queue), so a Redis outage moves it to its
  // in-memory counters at once instead of holding sign-ins.
  const throttleConnection = new Redis(redisUrl, {
    connectionName: 'queue-dashboard-sign-in',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 100, 5_000),
    lazyConnect: true, // connects below, once the throttle's options have been validated
  });
  throttleConnection.on('error', onError);
  const throttle = createSignInThrottle(throttleConnection, options.signInThrottle);
  throttleConnection.connect().catch(() => undefined); // reported through 'error', retried by ioredis

  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  const queues = createBoardQueues(
    createBullBoard({ queues: [], serverAdapter, options: { uiConfig: { boardTitle: title, hideDocsLink: true } } }),
    connection,
    prefix,
  );
  let discovery: NodeJS.Timeout | undefined;
  if (queueNames) queues.set(queueNames);
  else {
    // One look at a time, the next one `discoverEveryMs` after the last ended: a slow or absent
    // Redis never piles them up.
    const discover = async () => {
      try {
        const names = await discoverQueueNames(connection, prefix);
        if (!closing) queues.set(names);
      } catch (error) {
        if (!closing) onError(error instanceof Error ? error : new Error(String(error)));
      }
      if (!closing) discovery = setTimeout(() => void discover(), discoverEveryMs).unref();
    };
    void discover();
  }
  // Bull Board's router is an Express app of its own, which would add `X-Powered-By: Express`.
  const board = serverAdapter.getRouter() as Express;
  board.disable('x-powered-by');

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders, basicAuth({ username, password, realm: 'queues', throttle }));
  app.use(basePath, board);
  const server: Server = createServer(app);

  const closeServer = (): Promise<void> =>
    new Promise((resolve, reject) => {
      if (!server.listening) return resolve();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections(); // browsers keep idle keep-alive sockets open
    });

  return {
    async listen(port, host) {
      await settled(throttleConnection, 2_000);
      return new Promise((resolve, reject) => {
        if (closing) return reject(new Error('queue dashboard: listen() after close()'));
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      closing ??= (async () => {
        await closeServer();
        clearTimeout(discovery);
        await queues.close();
        // QUIT would wait for a reconnect that may never come: only a ready connection says goodbye.
        for (const client of [connection, throttleConnection]) {
          if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
          else client.disconnect();
        }
      })();
      return closing;
    },
  };
}
