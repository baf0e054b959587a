/**
 * The dev launcher: local FerretDB and two Redis, durable and cache (unless MONGO_URL / REDIS_URL
 * / CACHE_REDIS_URL are given), the composed supergraph, the three subgraphs and the gateway,
 * each a real process with its logs prefixed. Ctrl-C stops everything it started and leaves no
 * process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeSupergraph } from '../schema/compose';
import { SUPERGRAPH_PATH } from '../schema/subgraphs';
import { devDataRoot, isPortOpen, repoRoot, startLocalServices, type LocalServices } from './services';
import { formatLogLine } from './dev-log';
import { withDatabase } from './mongo-url';

const APPS = [
  { name: 'auth', entry: 'subgraphs/auth/src/main.ts', port: Number(process.env.AUTH_PORT ?? 4001) },
  { name: 'posts', entry: 'subgraphs/posts/src/main.ts', port: Number(process.env.POSTS_PORT ?? 4002) },
  { name: 'cart', entry: 'subgraphs/cart/src/main.ts', port: Number(process.env.CART_PORT ?? 4003) },
] as const;
const GATEWAY = { name: 'gateway', entry: 'gateway/src/main.ts', port: Number(process.env.GATEWAY_PORT ?? 4000) };
const SHUTDOWN_WAIT_MS = 15_000;

const children: ChildProcess[] = [];
let services: LocalServices | undefined;
let stopping = false;
/** The start-up sequence; a stop waits for it to notice `stopping`, so nothing starts after the stop. */
let startup: Promise<void> = Promise.resolve();

const say = (message: string) => console.log(`\x1b[1m[dev]\x1b[0m ${message}`);

interface DevSecrets {
  JWT_SECRET: string;
  IDENTITY_SECRET: string;
  ADMIN_PASSWORD: string;
}

/** Secrets for local development, made once and kept in .data so tokens survive restarts. */
function devSecrets(): DevSecrets {
  const file = path.join(devDataRoot(), 'dev-secrets.json');
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {};
  const secrets: DevSecrets = {
    JWT_SECRET: kept.JWT_SECRET ?? randomBytes(32).toString('hex'),
    IDENTITY_SECRET: kept.IDENTITY_SECRET ?? randomBytes(32).toString('hex'),
    ADMIN_PASSWORD: kept.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url'),
  };
  mkdirSync(devDataRoot(), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

function start(name: string, entry: string, env: Record<string, string>): void {
  if (stopping) return;
  // Its own process group, so stopping it also stops whatever it spawned. Node with tsx's loader
  // (not tsx's CLI, which SIGKILLs an app that is busy for 60 ms when SIGTERM comes): a graceful stop.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot(), entry)], {
    cwd: repoRoot(),
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pipe = (stream: NodeJS.ReadableStream) => {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) console.log(formatLogLine(name, line));
    });
  };
  pipe(child.stdout!);
  pipe(child.stderr!);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping the stack`);
      void shutdown(1);
    }
  });
  children.push(child);
}

async function waitReady(name: string, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready on port ${port} within ${timeoutMs / 1000} s`);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  // A stop during start-up (Ctrl-C, or an app that died) lets the current step finish first: local
  // services being started are then known and stopped too, and no app is started after this point.
  await startup.catch(() => undefined);
  const exits = children
    .filter((child) => child.exitCode === null && child.signalCode === null)
    .map((child) => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, SHUTDOWN_WAIT_MS);
      return exited.finally(() => clearTimeout(timer));
    });
  await Promise.all(exits);
  await services?.stop();
  say('stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  for (const app of [...APPS, GATEWAY]) {
    if (await isPortOpen(app.port)) throw new Error(`port ${app.port} (${app.name}) is in use: is another dev stack running?`);
  }
  const mongoPort = Number(process.env.MONGO_PORT ?? 27017);
  const redisPort = Number(process.env.REDIS_PORT ?? 6379);
  const redisCachePort = Number(process.env.REDIS_CACHE_PORT ?? 6380);
  // Two Redis roles: durable (queues, sessions, throttles) and cache. A REDIS_URL given alone
  // serves both, as one Redis may (docs/operations.md, "Redis roles").
  const only = [
    ...(process.env.MONGO_URL ? [] : (['ferretdb'] as const)),
    ...(process.env.REDIS_URL ? [] : (['redis'] as const)),
    ...(process.env.REDIS_URL || process.env.CACHE_REDIS_URL ? [] : (['redis-cache'] as const)),
  ];
  if (only.length > 0) {
    say(`starting ${only.join(' and ')} (first run builds FerretDB, about a minute)...`);
    // Detached: in their own process group, so the terminal's Ctrl-C does not kill them before
    // the apps have shut down cleanly; this launcher stops them last.
    services = await startLocalServices({ mongoPort, redisPort, redisCachePort, dataRoot: devDataRoot(), only, detached: true });
    if (stopping) return;
  }
  const mongoUrl = process.env.MONGO_URL ?? services?.ferretdb?.url ?? '';
  const redisUrl = process.env.REDIS_URL ?? services?.redis?.url ?? '';
  const cacheRedisUrl = process.env.CACHE_REDIS_URL ?? services?.redisCache?.url ?? redisUrl;
  say(`MongoDB-compatible: ${mongoUrl}  Redis: ${redisUrl} (queues, sessions)  cache Redis: ${cacheRedisUrl}`);

  const composed = composeSupergraph();
  if (!composed.ok) throw new Error(`composition failed:\n${composed.errors.join('\n')}`);
  if (!existsSync(SUPERGRAPH_PATH) || readFileSync(SUPERGRAPH_PATH, 'utf8') !== composed.supergraphSdl) {
    writeFileSync(SUPERGRAPH_PATH, composed.supergraphSdl);
    say('composed schema/supergraph.graphql');
  }

  const { ADMIN_PASSWORD, ...secrets } = devSecrets();
  const shared = { NODE_ENV: 'development', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...secrets, REDIS_URL: redisUrl };
  // Mail: a local sink that prints what it catches, unless a real SMTP_URL is given.
  let smtpUrl = process.env.SMTP_URL;
  if (!smtpUrl) {
    const sinkPort = Number(process.env.SMTP_SINK_PORT ?? 1025);
    start('mail', 'scripts/mail-sink.ts', { SMTP_SINK_PORT: String(sinkPort) });
    smtpUrl = `smtp://127.0.0.1:${sinkPort}`;
  }
  for (const app of APPS) {
    const env = {
      ...shared,
      CACHE_REDIS_URL: cacheRedisUrl,
      MONGO_URL: withDatabase(mongoUrl, `supergraph_${app.name}`),
      SMTP_URL: smtpUrl,
    };
    start(app.name, app.entry, { ...env, PORT: String(app.port) });
    start(`${app.name}-worker`, app.entry.replace('main.ts', 'worker.ts'), env);
  }
  await Promise.all(APPS.map((app) => waitReady(app.name, app.port)));
  if (stopping) return;
  start(GATEWAY.name, GATEWAY.entry, {
    ...shared,
    PORT: String(GATEWAY.port),
    ...Object.fromEntries(APPS.map((app) => [`${app.name.toUpperCase()}_URL`, `http://127.0.0.1:${app.port}/graphql`])),
    ADMIN_PASSWORD,
    // The gateway's own Redis use is all cache (APQ, response and entity caches, rate limits); the
    // dashboard reads the queues, and keeps its sign-in throttle, on the durable one.
    REDIS_URL: cacheRedisUrl,
    QUEUE_REDIS_URL: redisUrl,
  });
  await waitReady(GATEWAY.name, GATEWAY.port);
  if (stopping) return;
  say(`supergraph ready: open the Explorer (Apollo Sandbox) at http://localhost:${GATEWAY.port}/`);
  say(`queues (Bull Board): http://localhost:${process.env.ADMIN_PORT ?? 4100}/  user admin, password ${ADMIN_PASSWORD}`);
  say(
    `mail: ${process.env.SMTP_URL ? `sent to ${smtpUrl}` : 'caught by the local sink, printed here as [mail] lines and kept in .data/mail/'}  (Ctrl-C stops everything)`,
  );
}

startup = main();
startup.catch(async (error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
