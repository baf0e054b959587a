/**
 * The dev launcher, a supervisor: local FerretDB (on PostgreSQL) and two Redis, durable and cache (unless
 * MONGO_URL / REDIS_URL / CACHE_REDIS_URL are given), the composed supergraph, every subgraph of
 * the registry (subgraphs/<name>/subgraph.json) with its worker, and the gateway, each a real
 * process with its logs prefixed. A process that exits is restarted (with a backoff while it
 * keeps crashing); only Ctrl-C or SIGTERM stops the stack, and then everything it started goes,
 * leaving no process behind.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listSubgraphs, subgraphEnvPrefix } from '@supergraph/registry';
import { composeSupergraph } from '../schema/compose';
import { SUPERGRAPH_PATH } from '../schema/subgraphs';
import { DEV_POSTGRES_PORT, devDataRoot, isPortOpen, repoRoot, startLocalServices, type LocalServices } from './services';
import { formatLogLine } from './dev-log';
import { devSecrets } from './dev-secrets';
import { superviseProcess, type ReadyWhen, type SupervisedProcess } from './dev-supervisor';
import { withDatabase } from './mongo-url';

/** Each subgraph on its registry port, or `<NAME>_PORT` (AUTH_PORT...). */
const APPS = listSubgraphs().map((subgraph) => ({
  name: subgraph.name,
  entry: `${subgraph.dir}/src/main.ts`,
  worker: subgraph.worker ? `${subgraph.dir}/src/worker.ts` : undefined,
  port: Number(process.env[`${subgraphEnvPrefix(subgraph.name)}_PORT`] ?? subgraph.port),
}));
const GATEWAY = { name: 'gateway', entry: 'gateway/src/main.ts', port: Number(process.env.GATEWAY_PORT ?? 4000) };

const supervised: SupervisedProcess[] = [];
let services: LocalServices | undefined;
let stopping = false;
let requestStop: () => void = () => undefined;
/** Settles when a stop is asked for, so start-up never waits for a process that will not come. */
const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
/** The start-up sequence; a stop waits for it to notice `stopping`, so nothing starts after the stop. */
let startup: Promise<void> = Promise.resolve();

const say = (message: string) => console.log(`\x1b[1m[dev]\x1b[0m ${message}`);

/** Runs one app under supervision (nothing once stopping). */
function supervise(
  name: string,
  entry: string,
  env: Record<string, string>,
  readyWhen: ReadyWhen,
): SupervisedProcess | undefined {
  if (stopping) return undefined;
  const child = superviseProcess({
    name,
    // Node with tsx's loader (not tsx's CLI, which SIGKILLs an app that is busy for 60 ms when
    // SIGTERM comes): a graceful stop.
    command: process.execPath,
    args: ['--import', 'tsx', path.join(repoRoot(), entry)],
    cwd: repoRoot(),
    env: { ...process.env, ...env },
    onLine: (line) => console.log(formatLogLine(name, line)),
    say,
    readyWhen,
  });
  supervised.push(child);
  return child;
}

/** Whether every one of `children` became ready before a stop was asked for. */
async function allReady(children: ReadonlyArray<SupervisedProcess | undefined>): Promise<boolean> {
  await Promise.race([Promise.all(children.map((child) => child?.firstReady)), stopRequested]);
  return !stopping;
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  requestStop();
  say('stopping...');
  // A stop during start-up lets the current step finish first: local services being started are
  // then known and stopped too, and no app is started after this point.
  await startup.catch(() => undefined);
  await Promise.all(supervised.map((child) => child.stop()));
  await services?.stop();
  say('stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  // SIGHUP: the terminal closed. Without a handler the launcher would die and orphan the stack.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));

  for (const app of [...APPS, GATEWAY]) {
    if (await isPortOpen(app.port)) throw new Error(`port ${app.port} (${app.name}) is in use: is another dev stack running?`);
  }
  const dataRoot = devDataRoot();
  const postgresPort = Number(process.env.POSTGRES_PORT ?? DEV_POSTGRES_PORT);
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
    const names = only.map((name) => (name === 'ferretdb' ? 'PostgreSQL + FerretDB' : name));
    say(`starting ${names.join(' and ')} (first run builds FerretDB, about a minute)...`);
    // Detached: in their own process group, so the terminal's Ctrl-C does not kill them before
    // the apps have shut down cleanly; this launcher stops them last.
    services = await startLocalServices({ postgresPort, mongoPort, redisPort, redisCachePort, dataRoot, only, detached: true });
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

  const { ADMIN_PASSWORD, ...secrets } = devSecrets(dataRoot);
  const shared = { NODE_ENV: 'development', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...secrets, REDIS_URL: redisUrl };
  // Mail: a local sink that prints what it catches, unless a real SMTP_URL is given.
  let smtpUrl = process.env.SMTP_URL;
  if (!smtpUrl) {
    const sinkPort = Number(process.env.SMTP_SINK_PORT ?? 1025);
    supervise('mail', 'scripts/mail-sink.ts', { SMTP_SINK_PORT: String(sinkPort) }, { line: /^mail sink listening on / });
    smtpUrl = `smtp://127.0.0.1:${sinkPort}`;
  }
  const subgraphs = APPS.map((app) => {
    const env = {
      ...shared,
      CACHE_REDIS_URL: cacheRedisUrl,
      MONGO_URL: withDatabase(mongoUrl, `supergraph_${app.name}`),
      SMTP_URL: smtpUrl,
    };
    if (app.worker) supervise(`${app.name}-worker`, app.worker, env, { line: new RegExp(`"msg":"${app.name} worker ready"`) });
    return supervise(app.name, app.entry, { ...env, PORT: String(app.port) }, { port: app.port });
  });
  if (!(await allReady(subgraphs))) return;
  const gateway = supervise(
    GATEWAY.name,
    GATEWAY.entry,
    {
      ...shared,
      PORT: String(GATEWAY.port),
      // <NAME>_URL: where each subgraph listens here (the supergraph says localhost and the registry port).
      ...Object.fromEntries(APPS.map((app) => [`${subgraphEnvPrefix(app.name)}_URL`, `http://127.0.0.1:${app.port}/graphql`])),
      ADMIN_PASSWORD,
      // The gateway's own Redis use is all cache (APQ, response and entity caches, rate limits);
      // the dashboard reads the queues, and keeps its sign-in throttle, on the durable one.
      REDIS_URL: cacheRedisUrl,
      QUEUE_REDIS_URL: redisUrl,
    },
    { port: GATEWAY.port },
  );
  if (!(await allReady([gateway]))) return;
  say(`supergraph ready: open the Explorer (Apollo Sandbox) at http://localhost:${GATEWAY.port}/`);
  say(`queues (Bull Board): http://localhost:${process.env.ADMIN_PORT ?? 4100}/  user admin, password ${ADMIN_PASSWORD}`);
  say(
    `mail: ${process.env.SMTP_URL ? `sent to ${smtpUrl}` : `caught by the local sink, printed here as [mail] lines and kept in ${path.join(dataRoot, 'mail')}`}  (Ctrl-C stops everything)`,
  );
  say('a process that exits is restarted; only Ctrl-C (or SIGTERM) stops the stack');
}

startup = main();
startup.catch(async (error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
