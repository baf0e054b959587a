import type { AddressInfo } from 'node:net';
import { createLogger } from '@supergraph/logger';
import { watchCommands } from '@supergraph/mongo';
import { listSubgraphs, SUBGRAPH_NAMES, type SubgraphName } from '@supergraph/registry';
import type { HttpService } from '@supergraph/server';
import { buildSubgraph, buildWorker, type BuiltSubgraph, type BuiltWorker } from '@supergraph/subgraph';
import { graphql, testEnv, type GraphQLCallOptions } from '@supergraph/testing';
import { loadGatewayConfig } from '../../gateway/src/config';
import { buildGateway } from '../../gateway/src/server';
import { startGatewayProcess } from './gateway-process';
import { startOwnRedis, type OwnRedis } from './own-redis';
import { loadSubgraphModules, type SubgraphModules } from './subgraph-modules';

/** One value per subgraph of the registry (subgraphs/<name>/subgraph.json). */
export type PerSubgraph<T> = Record<SubgraphName, T>;

/** The whole supergraph, in this process, on free ports, against the test servers. */
export interface TestStack {
  gatewayUrl: string;
  subgraphUrls: PerSubgraph<string>;
  subgraphs: PerSubgraph<BuiltSubgraph>;
  gateway: HttpService;
  /** Each subgraph's settings (its database, Redis prefix...), to run its worker as a process. */
  envs: PerSubgraph<Record<string, string>>;
  /** The gateway's settings (its Redis prefix...). */
  gatewayEnv: Record<string, string>;
  /** The in-process workers, when started with `{ workers }`. */
  workers: BuiltWorker[];
  /** The stack's own Redis, when started with `{ ownRedis: true }`. */
  redis?: OwnRedis;
  /** Records the MongoDB commands each subgraph sends from now on. */
  watch(): StackWatch;
  /** Another gateway replica, as its own process, with the same settings (so the same Redis) plus `env`. */
  startExtraGateway(
    env?: Record<string, string>,
  ): Promise<{ url: string; pid: number; query: TestStack['query']; stop(): Promise<void> }>;
  /** Stops one subgraph (as if it died); `restartSubgraph` brings it back on the same port. */
  stopSubgraph(name: SubgraphName): Promise<void>;
  restartSubgraph(name: SubgraphName): Promise<void>;
  /** Runs an operation through the gateway. */
  query<TData = Record<string, unknown>>(query: string, options?: GraphQLCallOptions): ReturnType<typeof graphql<TData>>;
  stop(): Promise<void>;
}

const silent = (service: string) => createLogger({ service, level: 'silent' });
const urlOf = (address: AddressInfo) => `http://127.0.0.1:${address.port}/graphql`;

/** MongoDB commands per subgraph since the watch started. */
export interface StackWatch extends Readonly<PerSubgraph<readonly string[]>> {
  reset(): void;
  stop(): void;
}

export interface StackOptions {
  /** Also run the workers in-process (every subgraph's, or `only` these), sending mail to `smtpUrl`. */
  workers?: { smtpUrl: string; only?: readonly SubgraphName[] };
  /** Leave the subgraphs' databases in place on stop (they belong to the test). */
  keepDatabases?: boolean;
  /** Run on a Redis of the stack's own, which the test may stop, start or flush. */
  ownRedis?: boolean;
  /** Settings for one service only, e.g. its own MONGO_URL. */
  perService?: Partial<PerSubgraph<Record<string, string>>>;
}

/** `make(name)` for every subgraph, run together, as a record by name. */
async function perSubgraph<T>(make: (name: SubgraphName) => T | Promise<T>): Promise<PerSubgraph<T>> {
  const values = await Promise.all(SUBGRAPH_NAMES.map(make));
  return Object.fromEntries(SUBGRAPH_NAMES.map((name, index) => [name, values[index]])) as PerSubgraph<T>;
}

/** Each subgraph's modules, after checking that the generated names still match the registry. */
function registryModules(): PerSubgraph<SubgraphModules> {
  const entries = listSubgraphs();
  const names = entries.map((entry) => entry.name);
  if (names.join() !== SUBGRAPH_NAMES.join()) {
    throw new Error(`the subgraph names type is stale (${SUBGRAPH_NAMES.join()} vs ${names.join()}): run \`npm run registry\``);
  }
  return Object.fromEntries(entries.map((entry) => [entry.name, loadSubgraphModules(entry)])) as PerSubgraph<SubgraphModules>;
}

/** Starts every subgraph of the registry and the gateway; env overrides apply to every service. */
export async function startTestStack(overrides: Record<string, string> = {}, options: StackOptions = {}): Promise<TestStack> {
  const modules = registryModules();
  const redis = options.ownRedis ? await startOwnRedis() : undefined;
  if (redis) overrides = { ...overrides, REDIS_URL: redis.url };
  // Quick job settings, so retries and stalled jobs resolve within a test's patience.
  const jobs = { WORKER_LOCK_DURATION_MS: '2000', JOB_BACKOFF_MS: '100', OUTBOX_SWEEP_MS: '300' };
  const envs = await perSubgraph((name) => testEnv(name, { ...jobs, ...overrides, ...options.perService?.[name] }));
  const build = (name: SubgraphName): Promise<BuiltSubgraph> => {
    const { server } = modules[name];
    const config = server.loadConfig(envs[name]);
    return buildSubgraph(server.define(config), config, silent(name));
  };
  const built = await perSubgraph(build);
  const workers = await Promise.all(
    (options.workers ? (options.workers.only ?? SUBGRAPH_NAMES) : []).flatMap((name) => {
      const worker = modules[name].worker;
      if (!worker) return options.workers?.only ? [Promise.reject(new Error(`subgraph ${name} has no worker`))] : [];
      // The worker's config loaded once, for both its definition and its connections.
      const config = worker.loadConfig({ ...envs[name], ...(worker.mail ? { SMTP_URL: options.workers!.smtpUrl } : {}) });
      return [buildWorker(worker.define(config), config, silent(`${name}-worker`))];
    }),
  );
  const subgraphUrls = await perSubgraph(async (name) => urlOf(await built[name].service.listen(0, '127.0.0.1')));
  const gatewayEnv = testEnv('gateway', {
    SUBGRAPH_URLS: SUBGRAPH_NAMES.map((name) => `${name}=${subgraphUrls[name]}`).join(','),
    ...overrides,
  });
  const gatewayConfig = loadGatewayConfig(gatewayEnv);
  const gateway = await buildGateway(gatewayConfig, silent('gateway'));
  const gatewayUrl = urlOf(await gateway.listen(0, '127.0.0.1'));
  const extraGateways: Array<{ stop(): Promise<void> }> = [];
  const stack: TestStack = {
    gatewayUrl,
    subgraphUrls,
    subgraphs: { ...built },
    gateway,
    envs,
    gatewayEnv,
    workers,
    ...(redis ? { redis } : {}),
    watch() {
      const watches = SUBGRAPH_NAMES.map((name) => [name, watchCommands(built[name].connection)] as const);
      return {
        ...(Object.fromEntries(watches.map(([name, watch]) => [name, watch.commands])) as PerSubgraph<readonly string[]>),
        reset: () => watches.forEach(([, watch]) => watch.reset()),
        stop: () => watches.forEach(([, watch]) => watch.stop()),
      };
    },
    query: (query, options) => graphql(gatewayUrl, query, options),
    async startExtraGateway(env = {}) {
      const replica = await startGatewayProcess({ ...gatewayEnv, PORT: '0', LOG_LEVEL: 'info', ...env });
      extraGateways.push(replica);
      return { ...replica, query: (query, options) => graphql(replica.url, query, options) };
    },
    async stopSubgraph(name) {
      await built[name].service.shutdown('stopped by the test');
    },
    async restartSubgraph(name) {
      const fresh = await build(name);
      await fresh.service.listen(Number(new URL(subgraphUrls[name]).port), '127.0.0.1');
      built[name] = fresh;
      stack.subgraphs[name] = fresh;
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(extraGateways.map((extra) => extra.stop()));
      await gateway.shutdown('test done');
      await Promise.all(
        Object.values(built).map(async (subgraph) => {
          if (!options.keepDatabases) await subgraph.connection.dropDatabase().catch(() => undefined);
          await subgraph.service.shutdown('test done');
        }),
      );
      await redis?.dispose();
    },
  };
  return stack;
}
